/**
 * LMS Admin's own JSON: everything the question model holds, nothing lost, in a versioned
 * envelope so a later version can still read files of this one:
 *
 *   {
 *     "format": "lms-admin-questions",
 *     "version": 1,
 *     "quizzes": [{ "title": "Week 1", "questions": [ …questions as in quizzes.options… ] }]
 *   }
 *
 * A question's `id` may be left out (one is given on import). Every problem, from a stray comma
 * to a choice without text, is reported at its line and column.
 */
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { z } from 'zod';
import type { FormatProblem } from '../../schemas/question-formats';
import {
  TextPositions,
  type ParsedQuestionFile,
  type QuestionDraftFields,
  type QuestionFormat,
  type QuizDraft,
  type QuizToWrite,
} from './question-file';

export const QUESTIONS_JSON_FORMAT = 'lms-admin-questions';
export const QUESTIONS_JSON_VERSION = 1;

const envelopeSchema = z.object({
  format: z.literal(QUESTIONS_JSON_FORMAT, {
    message: `must be "${QUESTIONS_JSON_FORMAT}" (is this an LMS Admin questions file?)`,
  }),
  version: z.literal(QUESTIONS_JSON_VERSION, {
    message: `must be ${QUESTIONS_JSON_VERSION}: this version of LMS Admin reads version ${QUESTIONS_JSON_VERSION} files`,
  }),
  quizzes: z.array(
    z.object({
      title: z.string().trim().min(1, { message: 'must not be empty' }).max(500),
      // Each question is checked by the shared question schema on import, at its own line.
      questions: z.array(z.record(z.string(), z.unknown())),
    }),
  ),
});

function parseJson(source: string): ParsedQuestionFile {
  const text = source.replace(/^\uFEFF/, '');
  const positions = new TextPositions(text);
  const problems: FormatProblem[] = [];
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  // One mistake often trips several errors at the same place: the first says it best.
  const firstAtEachOffset = errors.filter(
    (error, index) => errors.findIndex((other) => other.offset === error.offset) === index,
  );
  for (const error of firstAtEachOffset) {
    problems.push({
      ...positions.at(error.offset),
      message: `not valid JSON: ${printParseErrorCode(error.error)}`,
    });
  }
  if (!root || problems.length > 0) {
    if (!root && problems.length === 0) problems.push({ line: 1, message: 'the file is empty' });
    return { quizzes: [], problems, notes: [] };
  }
  /** Where the value at `path` is, or its nearest enclosing value that exists. */
  const nodeAt = (path: PropertyKey[]): Node => {
    for (let length = path.length; length > 0; length--) {
      const node = findNodeAtLocation(
        root,
        path.slice(0, length).map((key) => (typeof key === 'number' ? key : String(key))),
      );
      if (node) return node;
    }
    return root;
  };
  const envelope = envelopeSchema.safeParse(getNodeValue(root));
  if (!envelope.success) {
    for (const issue of envelope.error.issues) {
      problems.push({
        ...positions.at(nodeAt(issue.path).offset),
        message: `${issue.path.map(String).join('.') || 'the file'}: ${issue.message}`,
      });
    }
    return { quizzes: [], problems, notes: [] };
  }
  const quizzes: QuizDraft[] = envelope.data.quizzes.map((quiz, quizIndex) => ({
    title: quiz.title,
    line: positions.at(nodeAt(['quizzes', quizIndex]).offset).line,
    questions: quiz.questions.map((question, questionIndex) => {
      const at = ['quizzes', quizIndex, 'questions', questionIndex];
      return {
        line: positions.at(nodeAt(at).offset).line,
        locate: (path: PropertyKey[]) => positions.at(nodeAt([...at, ...path]).offset),
        question: question as QuestionDraftFields,
      };
    }),
  }));
  return { quizzes, problems, notes: [] };
}

function writeJson(quizzes: readonly QuizToWrite[]): { text: string; notes: [] } {
  const envelope = {
    format: QUESTIONS_JSON_FORMAT,
    version: QUESTIONS_JSON_VERSION,
    quizzes: quizzes.map((quiz) => ({ title: quiz.title, questions: quiz.questions })),
  };
  return { text: `${JSON.stringify(envelope, null, 2)}\n`, notes: [] };
}

export const jsonFormat: QuestionFormat = {
  name: 'json',
  extensions: ['.json'],
  exportExtension: '.json',
  parse: parseJson,
  write: writeJson,
};
