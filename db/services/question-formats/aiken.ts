/**
 * Aiken (https://docs.moodle.org/en/Aiken_format): single choice questions only, as Moodle reads
 * them. A question is its text on one line, then its options, one a line, each a capital letter,
 * `)` or `.`, an optional space and the option's text, then `ANSWER: X` naming the right one:
 *
 *   What is 2 + 2?
 *   A) 3
 *   B) 4
 *   ANSWER: B
 *
 * Texts are plain. Every malformed question is reported at its line (an option or ANSWER before
 * any question, fewer than two options, a question cut off by the next one or the file's end).
 *
 * Not expressible in Aiken (export notes and leaves out what it can't write): every kind but
 * single choice, more than one correct choice or partial credit, more than 26 choices, titles,
 * feedback, points, tags, text formats and line breaks.
 */
import type { FormatProblem } from '../../schemas/question-formats';
import type { Question } from '../../schemas/quiz-options';
import { fractionOfChoice } from './choice-credit';
import {
  choiceIdAt,
  normalizeLineEnds,
  type ParsedQuestionFile,
  type QuestionDraft,
  type QuestionFormat,
  type QuizToWrite,
  type WriteNote,
} from './question-file';

const OPTION = /^([A-Z])[).][ \t]?(.*)$/;
const ANSWER = /^ANSWER:\s*(.*)$/;

interface OpenQuestion {
  line: number;
  text: string;
  options: { letter: string; text: string }[];
}

function parseAiken(source: string): ParsedQuestionFile {
  const lines = normalizeLineEnds(source).split('\n');
  const problems: FormatProblem[] = [];
  const questions: QuestionDraft[] = [];
  let open: OpenQuestion | undefined;
  const problem = (line: number, message: string, question?: OpenQuestion): void => {
    problems.push({ line, message, ...(question && { questionTitle: question.text }) });
  };
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text.length < 2) return;
    const option = OPTION.exec(text);
    const answer = ANSWER.exec(text);
    if (option) {
      if (!open) problem(line, 'an option before any question: a question starts with its text');
      else open.options.push({ letter: option[1] ?? '', text: (option[2] ?? '').trim() });
    } else if (answer) {
      if (!open) {
        problem(line, 'ANSWER: before any question: a question starts with its text');
        return;
      }
      const letter = (answer[1] ?? '').charAt(0);
      const correct = open.options.findIndex((each) => each.letter === letter);
      if (open.options.length < 2) {
        problem(line, 'a question needs at least two options (A) …, B) …)', open);
      } else if (correct === -1) {
        problem(
          line,
          `ANSWER: "${answer[1] ?? ''}" names none of the options ${open.options.map((each) => each.letter).join(', ')}`,
          open,
        );
      } else {
        questions.push({
          line: open.line,
          question: {
            kind: 'single',
            text: open.text,
            textFormat: 'plain',
            choices: open.options.map((each, position) => ({
              id: choiceIdAt(position),
              text: each.text,
              correct: position === correct,
            })),
          },
        });
      }
      open = undefined;
    } else {
      if (open) {
        problem(
          line,
          `the question on line ${open.line} has no ANSWER: line before this one`,
          open,
        );
      }
      open = { line, text, options: [] };
    }
  });
  if (open) problem(open.line, 'this question has no ANSWER: line', open);
  return {
    quizzes: questions.length > 0 ? [{ title: null, line: 1, questions }] : [],
    problems,
    notes: [],
  };
}

/** Why a question can't be written in Aiken, or what it loses; undefined when it fits whole. */
function aikenLosses(question: Question): { isWritable: boolean; losses: string[] } {
  if (question.kind !== 'single') {
    return { isWritable: false, losses: ['not written: Aiken holds single choice questions only'] };
  }
  const correct = question.choices.filter((choice) => fractionOfChoice(choice) === 100);
  const partial = question.choices.filter((choice) => ![0, 100].includes(fractionOfChoice(choice)));
  if (correct.length !== 1 || partial.length > 0 || question.choices.length > 26) {
    return {
      isWritable: false,
      losses: [
        'not written: Aiken needs one right choice, no partial credit and at most 26 choices',
      ],
    };
  }
  const losses: string[] = [];
  if (question.title) losses.push('its title');
  if (question.feedback || question.choices.some((choice) => choice.feedback)) {
    losses.push('its feedback');
  }
  if (question.points !== 1) losses.push(`its ${question.points} points`);
  if (question.tags.length > 0) losses.push('its tags');
  if (question.textFormat !== 'plain' || question.choices.some((choice) => choice.textFormat)) {
    losses.push('its text format');
  }
  const texts = [question.text, ...question.choices.map((choice) => choice.text)];
  if (texts.some((text) => /[\r\n]/.test(text))) losses.push('its line breaks');
  if (OPTION.test(question.text) || ANSWER.test(question.text)) {
    losses.push('its text, which reads as an option or ANSWER line');
  }
  return {
    isWritable: true,
    losses: losses.length === 0 ? [] : [`Aiken can't hold ${losses.join(', ')}`],
  };
}

function writeAiken(quizzes: readonly QuizToWrite[]): { text: string; notes: WriteNote[] } {
  const notes: WriteNote[] = [];
  const blocks: string[] = [];
  const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  for (const quiz of quizzes) {
    for (const question of quiz.questions) {
      const { isWritable, losses } = aikenLosses(question);
      for (const message of losses) {
        notes.push({ quizTitle: quiz.title, questionId: question.id, message });
      }
      if (!isWritable || question.kind !== 'single') continue;
      const letters = question.choices.map((_, index) => String.fromCharCode(65 + index));
      const right = question.choices.findIndex((choice) => fractionOfChoice(choice) === 100);
      blocks.push(
        [
          oneLine(question.text),
          ...question.choices.map((choice, index) => `${letters[index]}) ${oneLine(choice.text)}`),
          `ANSWER: ${letters[right]}`,
        ].join('\n'),
      );
    }
  }
  return { text: blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`, notes };
}

export const aikenFormat: QuestionFormat = {
  name: 'aiken',
  extensions: ['.aiken.txt', '.aiken'],
  exportExtension: '.aiken.txt',
  parse: parseAiken,
  write: writeAiken,
};
