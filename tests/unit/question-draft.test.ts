import { describe, expect, it } from 'vitest';
import { questionSchema, type Question } from '../../db/schemas/quiz-options';
import {
  draftOf,
  emptyDraft,
  newNumberAnswer,
  questionResolver,
  toQuestion,
  type QuestionDraft,
} from '../../renderer/question-draft';

/** One question of every kind, with the optional parts the editor must carry through unchanged. */
const questions: Question[] = [
  {
    id: 'q1',
    kind: 'single',
    title: 'Reading',
    text: 'Which statement reads rows?',
    textFormat: 'markdown',
    points: 2,
    feedback: 'SELECT reads.',
    tags: ['sql'],
    choices: [
      { id: 'a', text: 'SELECT', correct: true, textFormat: 'html', feedback: 'Yes' },
      { id: 'b', text: 'DELETE', correct: false },
    ],
  },
  {
    id: 'q2',
    kind: 'multiple',
    text: 'Aggregates?',
    textFormat: 'plain',
    points: 1,
    tags: [],
    choices: [
      { id: 'a', text: 'count', correct: true, weight: 50 },
      { id: 'b', text: 'sum', correct: true, weight: 50 },
      { id: 'c', text: 'upper', correct: false, weight: -50 },
    ],
  },
  {
    id: 'q3',
    kind: 'true_false',
    text: 'NULL = NULL',
    textFormat: 'plain',
    points: 1,
    tags: [],
    answer: false,
    feedbackTrue: 'No: it is unknown.',
  },
  {
    id: 'q4',
    kind: 'short_answer',
    text: 'Removes duplicates?',
    textFormat: 'plain',
    points: 1,
    tags: [],
    answers: [
      { text: 'DISTINCT', weight: 100 },
      { text: 'distinct on', weight: 50, feedback: 'PostgreSQL only' },
    ],
    caseSensitive: true,
  },
  {
    id: 'q5',
    kind: 'numerical',
    text: '3 × 4?',
    textFormat: 'plain',
    points: 1,
    tags: [],
    answers: [
      { value: 12, tolerance: 0, weight: 100 },
      { min: 11, max: 13, weight: 50 },
      { otherwise: true, weight: 0, feedback: 'Multiply.' },
    ],
  },
  {
    id: 'q6',
    kind: 'matching',
    text: 'Match',
    textFormat: 'plain',
    points: 1,
    tags: [],
    pairs: [
      { prompt: 'WHERE', answer: 'filters rows', textFormat: 'markdown' },
      { prompt: 'GROUP BY', answer: 'groups rows' },
      { prompt: '', answer: 'sorts rows' },
    ],
  },
  { id: 'q7', kind: 'essay', text: 'Why?', textFormat: 'moodle', points: 5, tags: [] },
];

/** What the resolver says of a draft: the question, or its errors by form path. */
async function resolve(draft: QuestionDraft) {
  return questionResolver(draft, undefined, { fields: {}, shouldUseNativeValidation: false });
}

describe('the question editor’s form values', () => {
  it.each(questions.map((question) => [question.kind, question] as const))(
    'carry a %s question through editing unchanged',
    (_kind, question) => {
      expect(questionSchema.parse(toQuestion(draftOf(question)))).toEqual(question);
    },
  );

  it('put a list’s own error on the list, beside its items', async () => {
    const draft = { ...emptyDraft('single'), text: 'Which?' };
    const { errors } = await resolve(draft);
    expect(errors).toEqual({
      choices: { root: { type: 'custom', message: 'needs at least one correct choice' } },
    });
  });

  it('put an empty matching answer next to its own box', async () => {
    const draft = emptyDraft('matching');
    draft.pairs = [
      { prompt: 'WHERE', answer: 'filters rows' },
      { prompt: 'GROUP BY', answer: '' },
    ];
    const { errors } = await resolve(draft);
    expect(errors).toEqual({
      pairs: [undefined, { answer: { type: 'too_small', message: 'must not be empty' } }],
    });
  });

  it('name a missing number in the form of answer the person chose', async () => {
    const draft = emptyDraft('numerical');
    draft.numberAnswers = [{ ...newNumberAnswer(), mode: 'range', min: 5 }];
    const { errors } = await resolve(draft);
    expect(errors).toEqual({
      numberAnswers: [{ max: { type: 'invalid_type', message: 'must be a number' } }],
    });
  });

  it('name a range whose ends are the wrong way round on the answer', async () => {
    const draft = emptyDraft('numerical');
    draft.numberAnswers = [{ ...newNumberAnswer(), mode: 'range', min: 5, max: 1 }];
    const { errors } = await resolve(draft);
    expect(errors).toEqual({
      numberAnswers: [{ root: { type: 'custom', message: 'min must not exceed max' } }],
    });
  });

  it('keep text and number answers apart, so switching kind loses neither', async () => {
    const draft = emptyDraft('short_answer');
    draft.textAnswers = [{ text: 'DISTINCT', weight: '', feedback: '' }];
    draft.numberAnswers = [{ ...newNumberAnswer(), value: 12 }];
    expect((await resolve(draft)).errors).toEqual({});
    expect((await resolve({ ...draft, kind: 'numerical' })).errors).toEqual({});
  });
});
