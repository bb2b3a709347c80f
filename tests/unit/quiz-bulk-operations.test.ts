import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BulkOperation } from '../../db/schemas/quiz-bulk';
import { questionSchema, quizOptionsSchema, type Question } from '../../db/schemas/quiz-options';
import { diffJson, runOperation, type QuizSnapshot } from '../../db/services/quiz-bulk-operations';
import { compileReplacer, replaceInQuestion } from '../../db/services/quiz-bulk-replace';

const replaceOperation = (
  find: string,
  replaceWith: string,
  extra: Partial<Extract<BulkOperation, { kind: 'replace' }>> = {},
): Extract<BulkOperation, { kind: 'replace' }> => ({
  kind: 'replace',
  find,
  replaceWith,
  isRegex: false,
  isCaseSensitive: true,
  scopes: ['text'],
  ...extra,
});

const question = (input: unknown): Question => questionSchema.parse(input);

const quiz = (id: string, questions: unknown[]): QuizSnapshot => ({
  id,
  title: `Quiz ${id}`,
  version: 1,
  isPublished: false,
  options: quizOptionsSchema.parse({ questions }),
});

describe('replaceInQuestion', () => {
  const replace = compileReplacer(replaceOperation('x', 'Y'));

  it('reaches matching prompts and answers under "choices", and leaves the text alone', () => {
    const matching = question({
      id: 'm',
      kind: 'matching',
      text: 'x marks',
      pairs: [
        { prompt: 'px', answer: 'ax' },
        { prompt: 'p2', answer: 'a2' },
      ],
    });
    expect(replaceInQuestion(matching, replace, ['choices'])).toMatchObject({
      text: 'x marks',
      pairs: [
        { prompt: 'pY', answer: 'aY' },
        { prompt: 'p2', answer: 'a2' },
      ],
    });
  });

  it('reaches true/false branch feedback and numerical answer feedback under "feedback"', () => {
    const trueFalse = question({
      id: 't',
      kind: 'true_false',
      text: 'x',
      answer: true,
      feedbackTrue: 'yes x',
      feedbackFalse: 'no x',
    });
    expect(replaceInQuestion(trueFalse, replace, ['feedback'])).toMatchObject({
      text: 'x',
      feedbackTrue: 'yes Y',
      feedbackFalse: 'no Y',
    });
    const numerical = question({
      id: 'n',
      kind: 'numerical',
      text: 'x',
      answers: [{ value: 1, feedback: 'just x' }],
    });
    expect(replaceInQuestion(numerical, replace, ['feedback'])).toMatchObject({
      answers: [{ value: 1, feedback: 'just Y' }],
    });
  });

  it('gives back the very same question when nothing matches', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes('x')),
        (text) => {
          const original = question({ id: 'e', kind: 'essay', text, feedback: text });
          expect(replaceInQuestion(original, replace, ['text', 'choices', 'feedback'])).toBe(
            original,
          );
        },
      ),
    );
  });

  it('treats every character of a plain find and its replacement literally', () => {
    // Characters with no case, so a case-insensitive find must act exactly as a case-sensitive
    // one; among them every symbol RE2 or a JavaScript replacement string would read specially.
    const uncased = fc.constantFrom(...'.*+?()[]{}|^$\\&<> 1\n');
    const uncasedText = (minLength: number) =>
      fc.string({ unit: uncased, minLength, maxLength: 12 });
    fc.assert(
      fc.property(
        uncasedText(1),
        uncasedText(0),
        uncasedText(0),
        fc.boolean(),
        (find, replaceWith, text, isCaseSensitive) => {
          const literal = compileReplacer(replaceOperation(find, replaceWith, { isCaseSensitive }));
          const withMatch = `${text}${find}${text}`;
          // Splitting on the find and joining with the replacement is literal replace-all by definition.
          expect(literal(withMatch)).toBe(withMatch.split(find).join(replaceWith));
          expect(literal(find)).toBe(replaceWith);
        },
      ),
      // Specials matter only in the pairs that form them ($&, $1, $$, \.), so look long enough to meet them.
      { numRuns: 2000 },
    );
  });
});

describe('diffJson', () => {
  it('names each changed leaf by its path, and compares lists of plain values whole', () => {
    expect(
      diffJson(
        { text: 'a', tags: ['x'], choices: [{ text: 'b', correct: true }] },
        { text: 'a', tags: ['x', 'y'], choices: [{ text: 'c', correct: true }] },
      ),
    ).toEqual([
      { path: 'tags', before: ['x'], after: ['x', 'y'] },
      { path: 'choices.0.text', before: 'b', after: 'c' },
    ]);
  });

  it('shows a removed field as null after', () => {
    expect(diffJson({ feedback: 'f' }, {})).toEqual([
      { path: 'feedback', before: 'f', after: null },
    ]);
  });
});

describe('runOperation', () => {
  it('copies under fresh ids within the 100 characters an id may have', () => {
    const longId = 'q'.repeat(100);
    const source = quiz('a', [
      { id: longId, kind: 'essay', text: 'Long' },
      { id: 'q1', kind: 'essay', text: 'Short' },
    ]);
    const quizzes = new Map([[source.id, source]]);
    const selection = [
      { quizId: 'a', questionId: longId },
      { quizId: 'a', questionId: 'q1' },
    ];
    const once = runOperation(quizzes, selection, { kind: 'copyTo', targetQuizId: 'a' });
    const ids = once.get('a')?.options.questions.map((q) => q.id) ?? [];
    expect(ids.slice(2)).toEqual([`${'q'.repeat(95)}-copy`, 'q1-copy']);
    expect(ids.every((id) => id.length <= 100)).toBe(true);
    expect(quizOptionsSchema.safeParse(once.get('a')?.options).success).toBe(true);
  });

  it('leaves quizzes where nothing changes out of the result', () => {
    const first = quiz('a', [{ id: 'q1', kind: 'essay', text: 'no match', points: 2 }]);
    const result = runOperation(new Map([['a', first]]), [{ quizId: 'a', questionId: 'q1' }], {
      kind: 'setPoints',
      points: 2,
    });
    expect(result.size).toBe(0);
  });
});
