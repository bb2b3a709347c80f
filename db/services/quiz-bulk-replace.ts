import { RE2JS, RE2JSException } from 're2js';
import type { BulkOperation, ReplaceScope } from '../schemas/quiz-bulk';
import type { Question } from '../schemas/quiz-options';
import { ServiceError } from './service-error';

/**
 * Find and replace inside questions.
 *
 * Regular expressions use RE2 syntax (npm `re2js`, a port of Google's RE2), not JavaScript's or
 * PostgreSQL's backtracking engines: RE2 matches in time linear in the text, so no pattern (say
 * `(a+)+$`) can hang the app however it is written. RE2 is what the two share (classes,
 * quantifiers, groups and named groups, alternation, `\d \w \s \b`, inline flags `(?i)`, `(?m)`,
 * `(?s)`) without backreferences (`\1`) and lookaround (`(?=…)`, `(?<=…)`), which it refuses
 * with a clear error. The replacement follows JavaScript's `String.prototype.replace`: `$1`,
 * `$<name>`, `$&` for the whole match, `$$` for a dollar sign. A plain (non-regex) find is
 * literal on both sides: nothing in it or in its replacement is special.
 */

type ReplaceOperation = Extract<BulkOperation, { kind: 'replace' }>;

/** Replaces every match in one text; returns the same string when nothing matched. */
export type TextReplacer = (text: string) => string;

/** Compiles the find of a replace operation; a pattern RE2 refuses is a VALIDATION error saying why. */
export function compileReplacer(operation: ReplaceOperation): TextReplacer {
  const { find, replaceWith, isRegex, isCaseSensitive } = operation;
  if (!isRegex && isCaseSensitive) {
    return (text) => (text.includes(find) ? text.split(find).join(replaceWith) : text);
  }
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(
      isRegex ? find : RE2JS.quote(find),
      isCaseSensitive ? 0 : RE2JS.CASE_INSENSITIVE,
    );
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    const reason = error.message.replace(/^error parsing regexp: /, '');
    throw new ServiceError(
      'VALIDATION',
      `The pattern "${find}" is not a regular expression this editor runs: ${reason}. Patterns use RE2 syntax, which has no backreferences (\\1) or lookaround ((?=…), (?<=…)) so that every search takes time in proportion to the text.`,
      { fields: { 'operation.find': reason } },
    );
  }
  // A plain find replaces with its text as given; a regex expands $1, $<name>, $& and $$.
  const replacement = isRegex ? replaceWith : () => replaceWith;
  return (text) => pattern.matcher(text).replaceAll(replacement);
}

/** The same list, or a new one when any element changed. */
function mapList<T>(items: readonly T[], change: (item: T) => T): T[] | undefined {
  let changed: T[] | undefined;
  items.forEach((item, index) => {
    const next = change(item);
    if (next !== item) {
      changed ??= [...items];
      changed[index] = next;
    }
  });
  return changed;
}

/** `object` with `key` replaced when the text there changes (an absent optional text stays absent). */
function withReplaced<T extends object, K extends keyof T>(
  object: T,
  key: K,
  replace: TextReplacer,
): T {
  const value = object[key];
  if (typeof value !== 'string') return object;
  const next = replace(value);
  return next === value ? object : { ...object, [key]: next };
}

/** `question` with `key` (a list) replaced by its changed copy, if any element changed. */
function withList<T extends object, K extends keyof T, E>(
  question: T,
  key: K,
  list: readonly E[],
  change: (item: E) => E,
): T {
  const next = mapList(list, change);
  return next ? { ...question, [key]: next } : question;
}

/**
 * The question with every match replaced in the chosen scopes (the same object when nothing
 * matched): `text` is the question text; `choices` the answers a learner sees or types (choices,
 * accepted short answers, matching prompts and answers); `feedback` the general feedback and the
 * feedback of each choice, answer and true/false branch.
 */
export function replaceInQuestion(
  question: Question,
  replace: TextReplacer,
  scopes: readonly ReplaceScope[],
): Question {
  let result: Question = question;
  if (scopes.includes('text')) result = withReplaced(result, 'text', replace);
  if (scopes.includes('choices')) {
    switch (result.kind) {
      case 'single':
      case 'multiple':
        result = withList(result, 'choices', result.choices, (choice) =>
          withReplaced(choice, 'text', replace),
        );
        break;
      case 'short_answer':
        result = withList(result, 'answers', result.answers, (answer) =>
          withReplaced(answer, 'text', replace),
        );
        break;
      case 'matching':
        result = withList(result, 'pairs', result.pairs, (pair) =>
          withReplaced(withReplaced(pair, 'prompt', replace), 'answer', replace),
        );
        break;
      default:
        break;
    }
  }
  if (scopes.includes('feedback')) {
    result = withReplaced(result, 'feedback', replace);
    switch (result.kind) {
      case 'single':
      case 'multiple':
        result = withList(result, 'choices', result.choices, (choice) =>
          withReplaced(choice, 'feedback', replace),
        );
        break;
      case 'short_answer':
        result = withList(result, 'answers', result.answers, (answer) =>
          withReplaced(answer, 'feedback', replace),
        );
        break;
      case 'numerical':
        result = withList(result, 'answers', result.answers, (answer) =>
          withReplaced(answer, 'feedback', replace),
        );
        break;
      case 'true_false':
        result = withReplaced(
          withReplaced(result, 'feedbackTrue', replace),
          'feedbackFalse',
          replace,
        );
        break;
      default:
        break;
    }
  }
  return result;
}
