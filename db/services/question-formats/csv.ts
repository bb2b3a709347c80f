/**
 * LMS Admin's questions CSV: one row per question, under this header (names case-insensitive,
 * columns in any order; `kind` and `text` are required, the others may be left out):
 *
 *   quiz,id,kind,title,text,text_format,points,feedback,tags,answers
 *   Week 1,q1,single,Sum,2 + 2 = ?,plain,1,,arithmetic;easy,"{""choices"":[{""id"":""a"",""text"":""4"",""correct"":true},{""id"":""b"",""text"":""5"",""correct"":false}]}"
 *   Week 1,q2,true_false,,The sky is blue.,,,,,"{""answer"":true}"
 *
 * - `quiz`: the quiz the question goes to (empty: the file's default quiz, see the import).
 * - `id`: the question's id within its quiz (empty: one is given).
 * - `kind`: single, multiple, true_false, short_answer, numerical, matching or essay.
 * - `text_format`: plain (the default), markdown, html or moodle. `points` defaults to 1.
 * - `feedback`: the general feedback. `tags`: separated by `;`.
 * - `answers`: a JSON object with the rest of the question as the question model has it:
 *   `choices` (single, multiple), `answer`, `feedbackTrue`, `feedbackFalse` (true_false),
 *   `answers`, `caseSensitive` (short_answer), `answers` (numerical), `pairs` (matching); empty
 *   for an essay.
 *
 * Export writes this layout, so an export imports back unchanged (a tag holding `;` can't be
 * written: export notes it). Like the users CSV, a cell that would start with = + - @ gets a
 * leading apostrophe, which import removes.
 */
import Papa from 'papaparse';
import type { FormatProblem } from '../../schemas/question-formats';
import { forEachCsvRow, guardCell, headerProblems } from '../csv-rows';
import {
  normalizeLineEnds,
  type ParsedQuestionFile,
  type QuestionDraftFields,
  type QuestionFormat,
  type QuizDraft,
  type QuizToWrite,
  type WriteNote,
} from './question-file';

export const questionCsvColumns = [
  'quiz',
  'id',
  'kind',
  'title',
  'text',
  'text_format',
  'points',
  'feedback',
  'tags',
  'answers',
] as const;
type Column = (typeof questionCsvColumns)[number];
const REQUIRED: readonly Column[] = ['kind', 'text'];
/** The question's own fields that have a column. */
const COLUMN_FIELDS = new Set([
  'id',
  'kind',
  'title',
  'text',
  'textFormat',
  'points',
  'feedback',
  'tags',
]);

function parseCsv(source: string): ParsedQuestionFile {
  const text = normalizeLineEnds(source);
  const problems: FormatProblem[] = [];
  const quizzes = new Map<string, QuizDraft>();
  let header: string[] | undefined;
  forEachCsvRow(text, ({ cells, line, errors }) => {
    for (const message of errors) problems.push({ line, message });
    if (!header) {
      header = cells.map((cell) => cell.trim().toLowerCase());
      for (const message of headerProblems(header, questionCsvColumns, REQUIRED)) {
        problems.push({ line, message });
      }
      return;
    }
    if (cells.length !== header.length) {
      problems.push({
        line,
        message: `has ${cells.length} fields where the header has ${header.length}`,
      });
      return;
    }
    // Texts are kept as written; the other cells are trimmed.
    const rawCell = (name: Column): string => cells[header?.indexOf(name) ?? -1] ?? '';
    const cell = (name: Column): string => rawCell(name).trim();
    const problemIn = (name: Column, message: string): void => {
      problems.push({
        line,
        column: (header?.indexOf(name) ?? 0) + 1,
        message: `${name}: ${message}`,
        ...(cell('title') && { questionTitle: cell('title') }),
      });
    };
    let answers: Record<string, unknown> = {};
    if (cell('answers') !== '') {
      try {
        const parsed: unknown = JSON.parse(cell('answers'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new Error('not an object');
        }
        answers = parsed as Record<string, unknown>;
      } catch {
        problemIn('answers', 'must be a JSON object such as {"answer":true}');
        return;
      }
    }
    const shadowed = Object.keys(answers).filter((key) => COLUMN_FIELDS.has(key));
    if (shadowed.length > 0) {
      problemIn('answers', `${shadowed.join(', ')} go in their own column(s)`);
      return;
    }
    const points = cell('points');
    if (points !== '' && !Number.isFinite(Number(points))) {
      problemIn('points', `"${points}" is not a number`);
      return;
    }
    const tags = cell('tags')
      .split(';')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== '');
    // The shared schema checks the assembled question, kind and all, when it is imported.
    const question = {
      ...answers,
      ...(cell('id') && { id: cell('id') }),
      kind: cell('kind'),
      ...(rawCell('title') && { title: rawCell('title') }),
      text: rawCell('text'),
      ...(cell('text_format') && { textFormat: cell('text_format') }),
      ...(points !== '' && { points: Number(points) }),
      ...(rawCell('feedback') && { feedback: rawCell('feedback') }),
      ...(tags.length > 0 && { tags }),
    } as QuestionDraftFields;
    const quizTitle = cell('quiz');
    let quiz = quizzes.get(quizTitle);
    if (!quiz) {
      quiz = { title: quizTitle === '' ? null : quizTitle, line, questions: [] };
      quizzes.set(quizTitle, quiz);
    }
    quiz.questions.push({ line, question });
  });
  if (!header) {
    problems.push({
      line: 1,
      message: `the file is empty: the first line must name the columns ${questionCsvColumns.join(', ')}`,
    });
  }
  return { quizzes: [...quizzes.values()], problems, notes: [] };
}

function writeCsv(quizzes: readonly QuizToWrite[]): { text: string; notes: WriteNote[] } {
  const notes: WriteNote[] = [];
  const rows: string[][] = [[...questionCsvColumns]];
  for (const quiz of quizzes) {
    for (const question of quiz.questions) {
      const { id, kind, title, text, textFormat, points, feedback, tags, ...answers } = question;
      if (tags.some((tag) => tag.includes(';'))) {
        notes.push({
          quizTitle: quiz.title,
          questionId: id,
          message: 'a tag holding ; reads back as two tags',
        });
      }
      rows.push(
        [
          quiz.title,
          id,
          kind,
          title ?? '',
          text,
          textFormat,
          String(points),
          feedback ?? '',
          tags.join(';'),
          Object.keys(answers).length === 0 ? '' : JSON.stringify(answers),
        ].map(guardCell),
      );
    }
  }
  return { text: `${Papa.unparse(rows, { newline: '\r\n' })}\r\n`, notes };
}

export const csvFormat: QuestionFormat = {
  name: 'csv',
  extensions: ['.csv'],
  exportExtension: '.csv',
  parse: parseCsv,
  write: writeCsv,
};
