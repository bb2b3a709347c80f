import type {
  BulkChange,
  BulkOperation,
  BulkProblem,
  FieldChange,
  QuestionRef,
} from '../schemas/quiz-bulk';
import { quizOptionsSchema, type Question, type QuizOptions } from '../schemas/quiz-options';
import { compileReplacer, replaceInQuestion } from './quiz-bulk-replace';
import { ServiceError } from './service-error';

/**
 * What a bulk operation does, as pure functions over quizzes already read: the quizzes as they
 * would be after, the per-question changes a preview shows, and what the schema would refuse.
 * Nothing here touches the database, so preview and apply compute exactly the same result.
 */

/** A quiz as read, its options fitting the shared schema. */
export interface QuizSnapshot {
  id: string;
  title: string;
  version: number;
  isPublished: boolean;
  options: QuizOptions;
}

/** What an operation writes to one quiz. */
export interface QuizState {
  options: QuizOptions;
  isPublished: boolean;
}

/** The quizzes an operation changes (by id), as they would be after it. */
export type OperationResult = Map<string, QuizState>;

/** Drafts of the quizzes an operation touches, made on first touch from their snapshot. */
class Drafts {
  readonly states: OperationResult = new Map();

  constructor(private readonly quizzes: ReadonlyMap<string, QuizSnapshot>) {}

  snapshot(quizId: string): QuizSnapshot {
    const quiz = this.quizzes.get(quizId);
    if (!quiz) throw new Error(`quiz ${quizId} was not read before the operation`);
    return quiz;
  }

  /** The quiz as the operation has left it so far. */
  current(quizId: string): QuizState {
    return this.states.get(quizId) ?? this.snapshot(quizId);
  }

  set(quizId: string, state: QuizState): void {
    this.states.set(quizId, state);
  }

  setQuestions(quizId: string, questions: Question[]): void {
    const current = this.current(quizId);
    this.set(quizId, { ...current, options: { ...current.options, questions } });
  }
}

/** The selection grouped by quiz, in the order first met, each question once. */
export function groupByQuiz(selection: readonly QuestionRef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const { quizId, questionId } of selection) {
    const key = `${quizId}\u0000${questionId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const group = groups.get(quizId);
    if (group) group.push(questionId);
    else groups.set(quizId, [questionId]);
  }
  return groups;
}

/** Every quiz an operation reads: those of the selection and the target of a move or copy. */
export function quizzesRead(selection: readonly QuestionRef[], operation: BulkOperation): string[] {
  const ids = new Set(selection.map((ref) => ref.quizId));
  if (operation.kind === 'moveTo' || operation.kind === 'copyTo') ids.add(operation.targetQuizId);
  return [...ids];
}

/** A NOT_FOUND naming the selected questions a quiz no longer has. */
function missingQuestions(quiz: QuizSnapshot, questionIds: readonly string[]): ServiceError {
  const listed = questionIds
    .slice(0, 10)
    .map((id) => `"${id}"`)
    .join(', ');
  const more = questionIds.length > 10 ? ` and ${questionIds.length - 10} more` : '';
  return new ServiceError(
    'NOT_FOUND',
    `Quiz "${quiz.title}" no longer has question${questionIds.length === 1 ? '' : 's'} ${listed}${more}: someone may have removed ${questionIds.length === 1 ? 'it' : 'them'}. Search again and reselect.`,
    { fields: { selection: `questions missing from quiz ${quiz.id}` } },
  );
}

/** An id like `base` that `taken` doesn't hold yet (`q1-copy`, `q1-copy-2`, …), within the 100 characters an id may have. */
function freshId(base: string, suffix: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n += 1) {
    const tail = n === 1 ? suffix : `${suffix}-${n}`;
    const candidate = `${base.slice(0, 100 - tail.length)}${tail}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Applies `change` to each selected question of each quiz; a quiz is written only if some question changed. */
function editSelected(
  drafts: Drafts,
  groups: ReadonlyMap<string, readonly string[]>,
  change: (question: Question) => Question,
): void {
  for (const [quizId, questionIds] of groups) {
    const wanted = new Set(questionIds);
    const questions = drafts.current(quizId).options.questions;
    let next: Question[] | undefined;
    questions.forEach((question, index) => {
      if (!wanted.has(question.id)) return;
      const changed = change(question);
      if (changed !== question) {
        next ??= [...questions];
        next[index] = changed;
      }
    });
    if (next) drafts.setQuestions(quizId, next);
  }
}

/** Takes the selected questions out of their quizzes; returns them in selection order. */
function takeOut(
  drafts: Drafts,
  groups: ReadonlyMap<string, readonly string[]>,
  keepIn?: string,
): Question[] {
  const taken: Question[] = [];
  for (const [quizId, questionIds] of groups) {
    if (quizId === keepIn) continue;
    const wanted = new Set(questionIds);
    const questions = drafts.current(quizId).options.questions;
    const byId = new Map(questions.map((question) => [question.id, question]));
    for (const id of questionIds) {
      const question = byId.get(id);
      if (question) taken.push(question);
    }
    drafts.setQuestions(
      quizId,
      questions.filter((question) => !wanted.has(question.id)),
    );
  }
  return taken;
}

/** Selected questions in selection order, as they are now (for a copy). */
function selectedQuestions(
  drafts: Drafts,
  groups: ReadonlyMap<string, readonly string[]>,
): Question[] {
  const found: Question[] = [];
  for (const [quizId, questionIds] of groups) {
    const byId = new Map(drafts.current(quizId).options.questions.map((q) => [q.id, q]));
    for (const id of questionIds) {
      const question = byId.get(id);
      if (question) found.push(question);
    }
  }
  return found;
}

/** Appends questions to the target quiz under ids it doesn't use yet. */
function appendTo(
  drafts: Drafts,
  targetQuizId: string,
  questions: readonly Question[],
  idFor: (question: Question, taken: ReadonlySet<string>) => string,
): void {
  if (questions.length === 0) return;
  const existing = drafts.current(targetQuizId).options.questions;
  const taken = new Set(existing.map((question) => question.id));
  const added = questions.map((question) => {
    const id = idFor(question, taken);
    taken.add(id);
    return id === question.id ? question : { ...question, id };
  });
  drafts.setQuestions(targetQuizId, [...existing, ...added]);
}

/** Sets a quiz-level field on every quiz of the selection where it differs. */
function setOnQuizzes(
  drafts: Drafts,
  groups: ReadonlyMap<string, readonly string[]>,
  change: (state: QuizState) => QuizState | undefined,
): void {
  for (const quizId of groups.keys()) {
    const next = change(drafts.current(quizId));
    if (next) drafts.set(quizId, next);
  }
}

/**
 * The quizzes as `operation` leaves them. Every quiz of the selection (and the target) must be
 * in `quizzes`; a selected question a quiz no longer has is NOT_FOUND.
 */
export function runOperation(
  quizzes: ReadonlyMap<string, QuizSnapshot>,
  selection: readonly QuestionRef[],
  operation: BulkOperation,
): OperationResult {
  const groups = groupByQuiz(selection);
  const drafts = new Drafts(quizzes);
  for (const [quizId, questionIds] of groups) {
    const quiz = drafts.snapshot(quizId);
    const ids = new Set(quiz.options.questions.map((question) => question.id));
    const missing = questionIds.filter((id) => !ids.has(id));
    if (missing.length > 0) throw missingQuestions(quiz, missing);
  }
  switch (operation.kind) {
    case 'replace': {
      const replace = compileReplacer(operation);
      editSelected(drafts, groups, (question) =>
        replaceInQuestion(question, replace, operation.scopes),
      );
      break;
    }
    case 'setPoints':
      editSelected(drafts, groups, (question) =>
        question.points === operation.points ? question : { ...question, points: operation.points },
      );
      break;
    case 'setFeedback':
      editSelected(drafts, groups, (question) => {
        const current = question.feedback;
        if (operation.mode === 'append') {
          if (operation.feedback === '') return question;
          const feedback = current ? `${current}\n\n${operation.feedback}` : operation.feedback;
          return { ...question, feedback };
        }
        if (operation.feedback === '') {
          if (current === undefined) return question;
          return Object.fromEntries(
            Object.entries(question).filter(([key]) => key !== 'feedback'),
          ) as Question;
        }
        return current === operation.feedback
          ? question
          : { ...question, feedback: operation.feedback };
      });
      break;
    case 'addTags':
      editSelected(drafts, groups, (question) => {
        const added = operation.tags.filter(
          (tag, index, tags) => !question.tags.includes(tag) && tags.indexOf(tag) === index,
        );
        return added.length === 0 ? question : { ...question, tags: [...question.tags, ...added] };
      });
      break;
    case 'removeTags':
      editSelected(drafts, groups, (question) => {
        const kept = question.tags.filter((tag) => !operation.tags.includes(tag));
        return kept.length === question.tags.length ? question : { ...question, tags: kept };
      });
      break;
    case 'setShuffle':
      setOnQuizzes(drafts, groups, (state) =>
        state.options.shuffle === operation.shuffle
          ? undefined
          : { ...state, options: { ...state.options, shuffle: operation.shuffle } },
      );
      break;
    case 'setPublished':
      setOnQuizzes(drafts, groups, (state) =>
        state.isPublished === operation.isPublished
          ? undefined
          : { ...state, isPublished: operation.isPublished },
      );
      break;
    case 'moveTo': {
      drafts.snapshot(operation.targetQuizId);
      // Questions already in the target stay where they are.
      const moved = takeOut(drafts, groups, operation.targetQuizId);
      appendTo(drafts, operation.targetQuizId, moved, (question, taken) =>
        taken.has(question.id) ? freshId(question.id, '-moved', taken) : question.id,
      );
      break;
    }
    case 'copyTo': {
      drafts.snapshot(operation.targetQuizId);
      const copies = selectedQuestions(drafts, groups);
      appendTo(drafts, operation.targetQuizId, copies, (question, taken) =>
        freshId(question.id, '-copy', taken),
      );
      break;
    }
    case 'delete':
      takeOut(drafts, groups);
      break;
  }
  return drafts.states;
}

// ---------------------------------------------------------------------------------------------
// Preview: what changes, and what the schema would refuse

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every leaf that differs between two JSON values, by dotted path: objects key by key, lists of
 * objects of the same length element by element, anything else (a list of tags, a text) whole.
 */
export function diffJson(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (sameJson(before, after)) return [];
  const at = (key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => diffJson(before[key], after[key], at(key)));
  }
  if (
    Array.isArray(before) &&
    Array.isArray(after) &&
    before.length === after.length &&
    before.every(isPlainObject)
  ) {
    return before.flatMap((item, index) => diffJson(item, after[index], at(index)));
  }
  return [{ path: path || '(value)', before: before ?? null, after: after ?? null }];
}

/** What the operation does to one quiz, question by question, and to the quiz's own fields. */
export function changesOf(before: QuizSnapshot, after: QuizState): BulkChange[] {
  const quiz = { quizId: before.id, quizTitle: before.title };
  const changes: BulkChange[] = [];
  const quizFields = [
    ...diffJson(before.options.shuffle, after.options.shuffle, 'shuffle'),
    ...diffJson(before.isPublished, after.isPublished, 'isPublished'),
  ];
  if (quizFields.length > 0) {
    changes.push({
      ...quiz,
      questionId: null,
      questionText: null,
      effect: 'changed',
      fields: quizFields,
    });
  }
  const beforeById = new Map(before.options.questions.map((question) => [question.id, question]));
  const afterIds = new Set(after.options.questions.map((question) => question.id));
  for (const question of before.options.questions) {
    if (!afterIds.has(question.id)) {
      changes.push({
        ...quiz,
        questionId: question.id,
        questionText: question.text,
        effect: 'removed',
        fields: [],
      });
    }
  }
  for (const question of after.options.questions) {
    const previous = beforeById.get(question.id);
    if (!previous) {
      changes.push({
        ...quiz,
        questionId: question.id,
        questionText: question.text,
        effect: 'added',
        fields: [],
      });
      continue;
    }
    const fields = diffJson(previous, question);
    if (fields.length > 0) {
      changes.push({
        ...quiz,
        questionId: question.id,
        questionText: question.text,
        effect: 'changed',
        fields,
      });
    }
  }
  return changes;
}

/**
 * The options as they will be written (the schema's defaults filled in), or the problems that
 * keep them from being written, each naming its question.
 */
export function validateState(
  quiz: QuizSnapshot,
  state: QuizState,
): { options: QuizOptions; problems: [] } | { options?: undefined; problems: BulkProblem[] } {
  const parsed = quizOptionsSchema.safeParse(state.options);
  if (parsed.success) return { options: parsed.data, problems: [] };
  return {
    problems: parsed.error.issues.map((issue) => {
      const [first, index, ...rest] = issue.path;
      const question =
        first === 'questions' && typeof index === 'number'
          ? state.options.questions[index]
          : undefined;
      const path = question ? rest : issue.path;
      return {
        quizId: quiz.id,
        quizTitle: quiz.title,
        questionId: question?.id ?? null,
        path: path.map(String).join('.') || '(options)',
        message: issue.message,
      };
    }),
  };
}
