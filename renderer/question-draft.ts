import { set, type FieldError, type FieldErrors, type Resolver } from 'react-hook-form';
import type { z } from 'zod';
import {
  questionSchema,
  textFormats,
  type Question,
  type QuestionKind,
} from '../db/schemas/quiz-options';

/*
 * A quiz question as the editor's form holds it: one shape for every kind, boxes as strings or
 * numbers (an empty number box is ''), so switching kind keeps what was typed. `toQuestion` makes
 * the model's question of it, and `questionResolver` checks that with the shared zod schema,
 * putting each of the schema's errors back on the box it came from.
 */

/** An empty number box. */
type NumberBox = number | '';

/** A text format kept as it came (Moodle gives answers their own); the editor doesn't change it. */
type KeptFormat = { textFormat?: (typeof textFormats)[number] };

export interface ChoiceDraft extends KeptFormat {
  id: string;
  text: string;
  correct: boolean;
  /** Partial credit in percent; empty means the schema's default (100 if correct, else 0). */
  weight: NumberBox;
  feedback: string;
}

export interface TextAnswerDraft {
  text: string;
  weight: NumberBox;
  feedback: string;
}

export const numberAnswerModes = ['exact', 'range', 'otherwise'] as const;
export type NumberAnswerMode = (typeof numberAnswerModes)[number];

export interface NumberAnswerDraft {
  /** An exact value give or take a tolerance, a range, or any other answer (Moodle's `*`). */
  mode: NumberAnswerMode;
  value: NumberBox;
  tolerance: NumberBox;
  min: NumberBox;
  max: NumberBox;
  weight: NumberBox;
  feedback: string;
}

export interface PairDraft extends KeptFormat {
  prompt: string;
  answer: string;
}

export interface QuestionDraft {
  kind: QuestionKind;
  id: string;
  title: string;
  text: string;
  textFormat: (typeof textFormats)[number];
  points: NumberBox;
  feedback: string;
  tags: string[];
  choices: ChoiceDraft[];
  answer: 'true' | 'false';
  feedbackTrue: string;
  feedbackFalse: string;
  textAnswers: TextAnswerDraft[];
  caseSensitive: boolean;
  numberAnswers: NumberAnswerDraft[];
  pairs: PairDraft[];
}

export const QUESTION_KIND_LABELS: Record<QuestionKind, string> = {
  single: 'Single choice',
  multiple: 'Multiple choice (weighted)',
  true_false: 'True or false',
  short_answer: 'Short answer',
  numerical: 'Numerical',
  matching: 'Matching',
  essay: 'Essay (graded by hand)',
};

/** A short id, unique enough within one quiz, in the characters question and choice ids allow. */
export function newItemId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export const newChoice = (): ChoiceDraft => ({
  id: newItemId('c'),
  text: '',
  correct: false,
  weight: '',
  feedback: '',
});
export const newTextAnswer = (): TextAnswerDraft => ({ text: '', weight: '', feedback: '' });
export const newNumberAnswer = (): NumberAnswerDraft => ({
  mode: 'exact',
  value: '',
  tolerance: '',
  min: '',
  max: '',
  weight: '',
  feedback: '',
});
export const newPair = (): PairDraft => ({ prompt: '', answer: '' });

/** A new question of `kind`, with the fewest items its kind needs, blank. */
export function emptyDraft(kind: QuestionKind): QuestionDraft {
  return {
    kind,
    id: newItemId('q'),
    title: '',
    text: '',
    textFormat: 'plain',
    points: 1,
    feedback: '',
    tags: [],
    choices: [newChoice(), newChoice()],
    answer: 'true',
    feedbackTrue: '',
    feedbackFalse: '',
    textAnswers: [newTextAnswer()],
    caseSensitive: false,
    numberAnswers: [newNumberAnswer()],
    pairs: [newPair(), newPair()],
  };
}

/** The form's values for an existing question: its own fields, and blanks for the other kinds'. */
export function draftOf(question: Question): QuestionDraft {
  const draft: QuestionDraft = {
    ...emptyDraft(question.kind),
    id: question.id,
    title: question.title ?? '',
    text: question.text,
    textFormat: question.textFormat,
    points: question.points,
    feedback: question.feedback ?? '',
    tags: question.tags,
  };
  switch (question.kind) {
    case 'single':
    case 'multiple':
      draft.choices = question.choices.map((choice) => ({
        id: choice.id,
        text: choice.text,
        correct: choice.correct,
        weight: choice.weight ?? '',
        feedback: choice.feedback ?? '',
        ...(choice.textFormat && { textFormat: choice.textFormat }),
      }));
      break;
    case 'true_false':
      draft.answer = question.answer ? 'true' : 'false';
      draft.feedbackTrue = question.feedbackTrue ?? '';
      draft.feedbackFalse = question.feedbackFalse ?? '';
      break;
    case 'short_answer':
      draft.textAnswers = question.answers.map((answer) => ({
        text: answer.text,
        weight: answer.weight,
        feedback: answer.feedback ?? '',
      }));
      draft.caseSensitive = question.caseSensitive;
      break;
    case 'numerical':
      draft.numberAnswers = question.answers.map((answer) => ({
        ...newNumberAnswer(),
        ...('value' in answer
          ? { mode: 'exact', value: answer.value, tolerance: answer.tolerance }
          : 'min' in answer
            ? { mode: 'range', min: answer.min, max: answer.max }
            : { mode: 'otherwise' }),
        weight: answer.weight,
        feedback: answer.feedback ?? '',
      }));
      break;
    case 'matching':
      draft.pairs = question.pairs.map((pair) => ({ ...pair }));
      break;
    case 'essay':
      break;
  }
  return draft;
}

/** An empty number box is left out, so the schema names it missing or applies its default. */
const numberOrAbsent = (box: NumberBox): number | undefined => (box === '' ? undefined : box);
/** Optional text left empty is left out rather than stored as "". */
const textOrAbsent = (text: string): string | undefined => (text === '' ? undefined : text);

/** The model's question from the form's values, unchecked: the schema says what is wrong. */
export function toQuestion(draft: QuestionDraft): unknown {
  const base = {
    id: draft.id,
    kind: draft.kind,
    title: textOrAbsent(draft.title),
    text: draft.text,
    textFormat: draft.textFormat,
    points: numberOrAbsent(draft.points),
    feedback: textOrAbsent(draft.feedback),
    tags: draft.tags,
  };
  switch (draft.kind) {
    case 'single':
    case 'multiple':
      return {
        ...base,
        choices: draft.choices.map((choice) => ({
          id: choice.id,
          text: choice.text,
          correct: choice.correct,
          weight: numberOrAbsent(choice.weight),
          feedback: textOrAbsent(choice.feedback),
          textFormat: choice.textFormat,
        })),
      };
    case 'true_false':
      return {
        ...base,
        answer: draft.answer === 'true',
        feedbackTrue: textOrAbsent(draft.feedbackTrue),
        feedbackFalse: textOrAbsent(draft.feedbackFalse),
      };
    case 'short_answer':
      return {
        ...base,
        answers: draft.textAnswers.map((answer) => ({
          text: answer.text,
          weight: numberOrAbsent(answer.weight),
          feedback: textOrAbsent(answer.feedback),
        })),
        caseSensitive: draft.caseSensitive,
      };
    case 'numerical':
      return {
        ...base,
        answers: draft.numberAnswers.map((answer) => ({
          ...(answer.mode === 'exact'
            ? { value: numberOrAbsent(answer.value), tolerance: numberOrAbsent(answer.tolerance) }
            : answer.mode === 'range'
              ? { min: numberOrAbsent(answer.min), max: numberOrAbsent(answer.max) }
              : { otherwise: true }),
          weight: numberOrAbsent(answer.weight),
          feedback: textOrAbsent(answer.feedback),
        })),
      };
    case 'matching':
      return { ...base, pairs: draft.pairs };
    case 'essay':
      return base;
  }
}

/** The schema's words for a missing or mistyped value, said as a person would. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return issue.expected === 'number' ? 'must be a number' : 'must be filled in';
  }
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) {
    return 'must not be empty';
  }
  return issue.message;
}

/**
 * Where in the form an issue of the model's question belongs. `answers` is two lists in the form
 * (text and number answers); an issue about a whole list or item goes on its `root`.
 */
function formPath(draft: QuestionDraft, path: readonly PropertyKey[]): string {
  const parts = path.map((part) => (typeof part === 'symbol' ? String(part.description) : part));
  if (parts[0] === 'answers') {
    parts[0] = draft.kind === 'numerical' ? 'numberAnswers' : 'textAnswers';
  }
  const last = parts.at(-1);
  const isWholeListOrItem =
    parts.length === 1
      ? ['choices', 'textAnswers', 'numberAnswers', 'pairs'].includes(String(last))
      : typeof last === 'number';
  return [...parts, ...(isWholeListOrItem ? ['root'] : [])].join('.');
}

/** Where each form of numerical answer sits in the schema's union. */
const UNION_BRANCH: Record<NumberAnswerMode, number> = { otherwise: 0, exact: 1, range: 2 };

/**
 * The issues of a numerical answer that fits neither of its forms: those of the form the person
 * chose (exact value or range), so each lands next to its own box.
 */
function expandIssues(
  draft: QuestionDraft,
  issues: readonly z.core.$ZodIssue[],
): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const index = issue.path[1];
    if (
      issue.code !== 'invalid_union' ||
      issue.path[0] !== 'answers' ||
      typeof index !== 'number'
    ) {
      return [issue];
    }
    // The schema's union lists the forms in this order.
    const branch = issue.errors[UNION_BRANCH[draft.numberAnswers[index]?.mode ?? 'exact']] ?? [];
    return branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
}

/** react-hook-form's resolver: the shared question schema, its errors on the form's boxes. */
export const questionResolver: Resolver<QuestionDraft, unknown, Question> = (draft) => {
  const parsed = questionSchema.safeParse(toQuestion(draft));
  if (parsed.success) return { values: parsed.data, errors: {} };
  const errors: FieldErrors<QuestionDraft> = {};
  const placed = new Set<string>();
  for (const issue of expandIssues(draft, parsed.error.issues)) {
    const path = formPath(draft, issue.path);
    if (placed.has(path)) continue;
    placed.add(path);
    const error: FieldError = { type: issue.code, message: messageOf(issue) };
    set(errors, path, error);
  }
  return { values: {}, errors };
};
