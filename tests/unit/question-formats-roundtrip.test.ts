import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { questionSchema, textFormats, type Question } from '../../db/schemas/quiz-options';
import { giftFormat } from '../../db/services/question-formats/gift';
import { moodleXmlFormat } from '../../db/services/question-formats/moodle-xml';
import type {
  ParsedQuestionFile,
  QuestionFormat,
} from '../../db/services/question-formats/question-file';

/**
 * Generates quizzes of every question kind, writes them in a format, reads them back and
 * compares. The generated questions keep to what both formats can hold (README, "Question
 * files"): trimmed texts without carriage returns (Moodle trims, and drops \r), choice ids a, b,
 * c… in order, a choice's correct mark that agrees with its credit, no `->` outside matching
 * answers and choices. GIFT also has no points, tags or case sensitivity; Moodle XML writes a
 * numerical range as value ± tolerance.
 */

/** Text full of what each format must escape: GIFT's ~ = # { } : \ and XML's < & ]]>. */
const pieces = fc.constantFrom(
  'a',
  'Zeta',
  ' ',
  '2',
  '~',
  '=',
  '#',
  '####',
  '{',
  '}',
  ':',
  '::',
  '\\',
  '\\n',
  '\n',
  '%',
  '%50%',
  '[html]',
  '[',
  ']',
  '//',
  '$CATEGORY:',
  '_____',
  '<b>',
  '&amp;',
  '&',
  ']]>',
  'é',
  '"',
  "'",
  '-',
);
const text = fc
  .array(pieces, { maxLength: 8 })
  .map((parts) => parts.join('').trim())
  .filter((value) => !value.includes('->'));
const nonEmptyText = text.filter((value) => value !== '');
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const format = fc.constantFrom(...textFormats);
const weight = fc.integer({ min: -100, max: 100 });
const number = fc
  .double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
  .map((value) => (Object.is(value, -0) ? 0 : value));

const base = fc.record({
  title: maybe(nonEmptyText),
  text,
  textFormat: format,
  feedback: maybe(nonEmptyText),
});

function choicesFor(kind: 'single' | 'multiple') {
  return fc
    .array(
      fc.record({
        text,
        textFormat: maybe(format),
        fraction: kind === 'single' ? fc.constantFrom(100, 0, 0, 50, -25) : weight,
        feedback: maybe(nonEmptyText),
      }),
      { minLength: 2, maxLength: 5 },
    )
    .filter((choices) =>
      kind === 'single'
        ? choices.some((choice) => choice.fraction === 100) &&
          choices.some((choice) => choice.fraction !== 100)
        : choices.some((choice) => choice.fraction > 0),
    )
    .map((choices) =>
      choices.map(({ fraction, ...choice }, index) => {
        const correct = kind === 'single' ? fraction === 100 : fraction > 0;
        return {
          ...choice,
          id: String.fromCharCode(97 + index),
          correct,
          weight: fraction === (correct ? 100 : 0) ? undefined : fraction,
        };
      }),
    );
}

const numericalAnswer = fc.oneof(
  fc.record({
    value: number,
    tolerance: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })),
    weight,
    feedback: maybe(nonEmptyText),
  }),
  fc
    .record({
      ends: fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 })),
      weight,
      feedback: maybe(nonEmptyText),
    })
    .map(({ ends: [a, b], ...rest }) => ({ min: Math.min(a, b), max: Math.max(a, b), ...rest })),
  fc.record({ otherwise: fc.constant(true as const), weight, feedback: maybe(nonEmptyText) }),
);

const kindFields = fc.oneof(
  choicesFor('single').map((choices) => ({ kind: 'single' as const, choices })),
  choicesFor('multiple').map((choices) => ({ kind: 'multiple' as const, choices })),
  fc.record({
    kind: fc.constant('true_false' as const),
    answer: fc.boolean(),
    feedbackTrue: maybe(nonEmptyText),
    feedbackFalse: maybe(nonEmptyText),
  }),
  fc.record({
    kind: fc.constant('short_answer' as const),
    answers: fc.array(fc.record({ text: nonEmptyText, weight, feedback: maybe(nonEmptyText) }), {
      minLength: 1,
      maxLength: 4,
    }),
    caseSensitive: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('numerical' as const),
    answers: fc.array(numericalAnswer, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('matching' as const),
    pairs: fc
      .array(
        fc.record({
          prompt: text,
          textFormat: maybe(format),
          answer: fc
            .tuple(nonEmptyText, fc.constantFrom('', ' -> x'))
            .map(([answer, arrow]) => `${answer}${arrow}`),
        }),
        { minLength: 2, maxLength: 5 },
      )
      .filter((pairs) => pairs.filter((pair) => pair.prompt !== '').length >= 2),
  }),
  fc.constant({ kind: 'essay' as const }),
);

const question = fc
  .record({
    base,
    fields: kindFields,
    points: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1000, noNaN: true })),
    tags: fc.array(nonEmptyText, { maxLength: 3 }),
  })
  .map(({ base: common, fields, points, tags }) => ({ ...common, ...fields, points, tags }));

/** Drops undefined fields and a format that equals the question's: how a file reads back. */
function canonical(raw: unknown, index: number): Question {
  const parsed = questionSchema.parse(
    JSON.parse(JSON.stringify({ ...(raw as object), id: `q${index}` })),
  );
  const format = parsed.textFormat;
  if (parsed.kind === 'single' || parsed.kind === 'multiple') {
    for (const choice of parsed.choices) if (choice.textFormat === format) delete choice.textFormat;
  }
  if (parsed.kind === 'matching') {
    for (const pair of parsed.pairs) {
      if (pair.textFormat === format || pair.prompt === '') delete pair.textFormat;
    }
  }
  return parsed;
}

const quizzes = fc.array(
  fc.record({
    title: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 /_-]{0,20}[A-Za-z0-9]$/),
    questions: fc.array(question, { minLength: 1, maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 3 },
);

function readBack(format: QuestionFormat, written: string): ParsedQuestionFile {
  const parsed = format.parse(written);
  expect(parsed.problems).toEqual([]);
  return parsed;
}

/** Hundreds of generated files per format: slow on a busy machine, so no 5-second limit. */
const PROPERTY_TIMEOUT_MS = 120_000;

describe('writing and reading back loses nothing the format can hold', () => {
  it(
    'GIFT, for every kind',
    () => {
      fc.assert(
        fc.property(quizzes, (generated) => {
          const originals = generated.map((quiz) => ({
            title: quiz.title,
            questions: quiz.questions.map((each, index) =>
              canonical(
                {
                  ...each,
                  points: 1,
                  tags: [],
                  ...('caseSensitive' in each && { caseSensitive: false }),
                },
                index,
              ),
            ),
          }));
          const written = giftFormat.write(originals);
          expect(written.notes).toEqual([]);
          const parsed = readBack(giftFormat, written.text);
          expect(
            parsed.quizzes.map((quiz) => ({
              title: quiz.title,
              questions: quiz.questions.map(({ question: each }) => questionSchema.parse(each)),
            })),
          ).toEqual(originals.filter((quiz) => quiz.questions.length > 0));
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'Moodle XML, for every kind (a numerical range as value ± tolerance)',
    () => {
      fc.assert(
        fc.property(quizzes, (generated) => {
          const originals = generated.map((quiz) => ({
            title: quiz.title,
            questions: quiz.questions.map((each, index) => canonical(each, index)),
          }));
          const written = moodleXmlFormat.write(originals);
          expect(written.notes).toEqual([]);
          const expected = originals.map((quiz) => ({
            ...quiz,
            questions: quiz.questions.map((each) =>
              each.kind === 'numerical'
                ? {
                    ...each,
                    answers: each.answers.map((answer) =>
                      'min' in answer
                        ? {
                            value: (answer.min + answer.max) / 2,
                            tolerance: (answer.max - answer.min) / 2,
                            weight: answer.weight,
                            ...(answer.feedback !== undefined && { feedback: answer.feedback }),
                          }
                        : answer,
                    ),
                  }
                : each,
            ),
          }));
          const parsed = readBack(moodleXmlFormat, written.text);
          expect(
            parsed.quizzes.map((quiz) => ({
              title: quiz.title,
              questions: quiz.questions.map(({ question: each }) => questionSchema.parse(each)),
            })),
          ).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
