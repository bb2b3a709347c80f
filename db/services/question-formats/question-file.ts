import type { z } from 'zod';
import type { FormatProblem, QuestionFormatName } from '../../schemas/question-formats';
import type { Question, questionSchema, textFormats } from '../../schemas/quiz-options';

/**
 * What every format module reads a file into and writes a file from. A format reads questions
 * as drafts: the shared question schema checks them afterwards (in the import service), and the
 * service gives them their final ids, so the formats stay pure text ↔ data translations.
 */

type QuestionInput = z.input<typeof questionSchema>;

/** How a text displays: plain, markdown, html or moodle. */
export type TextFormat = (typeof textFormats)[number];
type WithOptionalId<T> = T extends unknown ? Omit<T, 'id'> & { id?: string } : never;

/** A question as the file gives it: the file's own id if it has one. */
export type QuestionDraftFields = WithOptionalId<QuestionInput>;

export interface QuestionDraft {
  /** Where the question starts in the file. */
  line: number;
  /** Where a field of the question is, for formats that know (a path as zod reports it). */
  locate?: (path: PropertyKey[]) => { line: number; column: number };
  question: QuestionDraftFields;
}

/** The questions of one quiz: a category of the file, or the questions outside any. */
export interface QuizDraft {
  /** The category's name, or null for questions before any category. */
  title: string | null;
  line: number;
  questions: QuestionDraft[];
}

/** A file as a format reads it. */
export interface ParsedQuestionFile {
  quizzes: QuizDraft[];
  /** What keeps the file from being imported (including unsupported features, by name). */
  problems: FormatProblem[];
  /** What is read differently or not kept; no obstacle to importing. */
  notes: FormatProblem[];
}

/** One quiz to write out. */
export interface QuizToWrite {
  title: string;
  questions: readonly Question[];
}

/** What a format could not carry whole, for one question. */
export interface WriteNote {
  quizTitle: string;
  questionId?: string;
  message: string;
}

export interface WrittenQuestionFile {
  text: string;
  notes: WriteNote[];
}

/** A question file format: how to read it and how to write it. */
export interface QuestionFormat {
  name: QuestionFormatName;
  /** File name endings that mean this format, lower-case, most specific first. */
  extensions: readonly string[];
  /** The extension an exported file gets. */
  exportExtension: string;
  parse(text: string): ParsedQuestionFile;
  write(quizzes: readonly QuizToWrite[]): WrittenQuestionFile;
}

/** Removes a byte-order mark and makes every line end a \n, without moving any line. */
export function normalizeLineEnds(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Line and column (both 1-based) of character offsets in a text. */
export class TextPositions {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
      this.lineStarts.push(index + 1);
    }
  }

  at(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }
}

/** Choice ids a format without its own gives: a, b, … z, then a1, b1, … */
export function choiceIdAt(index: number): string {
  const letter = String.fromCharCode(97 + (index % 26));
  const round = Math.floor(index / 26);
  return round === 0 ? letter : `${letter}${round}`;
}
