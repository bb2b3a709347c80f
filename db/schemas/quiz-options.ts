import { z } from 'zod';

/**
 * The shape of `quizzes.options`: the quiz's questions and their answers, one schema shared by
 * every edge (API, import formats, bulk edits). The database checks only that `questions` is an
 * array; this checks the rest. Objects are strict: an unknown key is an error, never silently
 * dropped, so nothing an instructor wrote is lost on a round trip.
 */

const idText = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, { message: 'may hold letters, digits and _ . : - only' });

/**
 * How a text displays. `moodle` is Moodle's auto-format (plain text whose line breaks and links
 * display as such), GIFT's default: kept so Moodle files round-trip unchanged.
 */
export const textFormats = ['plain', 'markdown', 'html', 'moodle'] as const;
export const textFormatSchema = z.enum(textFormats);

/** A credit as a percentage of the question's points; negative for a penalty (Moodle's %-50%). */
const weightSchema = z.number().min(-100).max(100);
const feedbackSchema = z.string().max(20_000);

const questionBase = {
  /** Stable within its quiz: edits, diffs and attempts refer to it. */
  id: idText,
  title: z.string().max(500).optional(),
  /** A missing-word question marks where its answer goes with `_____` (GIFT's convention). */
  text: z.string().max(100_000),
  textFormat: textFormatSchema.default('plain'),
  points: z.number().min(0).max(1_000_000).default(1),
  /** General feedback, shown after answering whatever the answer. */
  feedback: feedbackSchema.optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
};

const choiceSchema = z
  .object({
    id: idText,
    text: z.string().max(20_000),
    /** Only where it differs from the question's (Moodle gives each answer its own format). */
    textFormat: textFormatSchema.optional(),
    correct: z.boolean(),
    /** Partial credit; defaults to 100 for a correct choice and 0 for a wrong one. */
    weight: weightSchema.optional(),
    feedback: feedbackSchema.optional(),
  })
  .strict();

const uniqueIds = (items: readonly { id: string }[]): boolean =>
  new Set(items.map((item) => item.id)).size === items.length;

const choicesSchema = z
  .array(choiceSchema)
  .min(2, { message: 'needs at least two choices' })
  .max(100)
  .refine(uniqueIds, { message: 'choice ids must be unique within the question' })
  .refine((choices) => choices.some((choice) => choice.correct), {
    message: 'needs at least one correct choice',
  });

const singleChoiceSchema = z
  .object({ ...questionBase, kind: z.literal('single'), choices: choicesSchema })
  .strict();
const multipleChoiceSchema = z
  .object({ ...questionBase, kind: z.literal('multiple'), choices: choicesSchema })
  .strict();

const trueFalseSchema = z
  .object({
    ...questionBase,
    kind: z.literal('true_false'),
    answer: z.boolean(),
    feedbackTrue: feedbackSchema.optional(),
    feedbackFalse: feedbackSchema.optional(),
  })
  .strict();

const shortAnswerSchema = z
  .object({
    ...questionBase,
    kind: z.literal('short_answer'),
    answers: z
      .array(
        z
          .object({
            text: z.string().min(1).max(1000),
            weight: weightSchema.default(100),
            feedback: feedbackSchema.optional(),
          })
          .strict(),
      )
      .min(1, { message: 'needs at least one accepted answer' })
      .max(100),
    caseSensitive: z.boolean().default(false),
  })
  .strict();

const numericalAnswerSchema = z.union([
  /** Any other answer (Moodle's `*`), usually a wrong one carrying feedback. */
  z
    .object({
      otherwise: z.literal(true),
      weight: weightSchema.default(0),
      feedback: feedbackSchema.optional(),
    })
    .strict(),
  z
    .object({
      value: z.number(),
      tolerance: z.number().min(0).default(0),
      weight: weightSchema.default(100),
      feedback: feedbackSchema.optional(),
    })
    .strict(),
  z
    .object({
      min: z.number(),
      max: z.number(),
      weight: weightSchema.default(100),
      feedback: feedbackSchema.optional(),
    })
    .strict()
    .refine((range) => range.min <= range.max, { message: 'min must not exceed max' }),
]);

const numericalSchema = z
  .object({
    ...questionBase,
    kind: z.literal('numerical'),
    answers: z
      .array(numericalAnswerSchema)
      .min(1, { message: 'needs at least one answer' })
      .max(100),
  })
  .strict();

const matchingSchema = z
  .object({
    ...questionBase,
    kind: z.literal('matching'),
    /** A pair with an empty prompt is a distractor: an extra answer that matches nothing. */
    pairs: z
      .array(
        z
          .object({
            prompt: z.string().max(20_000),
            /** The prompt's format, only where it differs from the question's. */
            textFormat: textFormatSchema.optional(),
            answer: z.string().min(1).max(20_000),
          })
          .strict(),
      )
      .min(2, { message: 'needs at least two pairs' })
      .max(100)
      .refine((pairs) => pairs.filter((pair) => pair.prompt !== '').length >= 2, {
        message: 'needs at least two pairs with a prompt',
      }),
  })
  .strict();

const essaySchema = z.object({ ...questionBase, kind: z.literal('essay') }).strict();

export const questionSchema = z.discriminatedUnion('kind', [
  singleChoiceSchema,
  multipleChoiceSchema,
  trueFalseSchema,
  shortAnswerSchema,
  numericalSchema,
  matchingSchema,
  essaySchema,
]);
export type Question = z.infer<typeof questionSchema>;
export type QuestionKind = Question['kind'];
export const questionKinds = questionSchema.options.map((option) => option.shape.kind.value);

export const quizOptionsSchema = z
  .object({
    /** What kind of quiz this is, e.g. `multiple_choice`; indexed for filtering. */
    type: z.string().trim().min(1).max(50).optional(),
    shuffle: z.boolean().default(false),
    questions: z
      .array(questionSchema)
      .max(10_000)
      .refine(uniqueIds, { message: 'question ids must be unique within the quiz' }),
  })
  .strict();
export type QuizOptions = z.infer<typeof quizOptionsSchema>;
export type QuizOptionsInput = z.input<typeof quizOptionsSchema>;
