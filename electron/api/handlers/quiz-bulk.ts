import type { SessionUser } from '../../../db/schemas/auth';
import {
  applyBulkOperation,
  editQuestion,
  previewBulkOperation,
  undoBulkOperation,
} from '../../../db/services/quiz-bulk-apply';
import { recentBulkOperations } from '../../../db/services/quiz-bulk-history';
import { searchQuestions, type QuizScope } from '../../../db/services/quiz-bulk-search';
import { actorOf, type HandlerTable } from './handler';

type QuizBulkChannel =
  | 'quizzes.bulk.search'
  | 'quizzes.bulk.preview'
  | 'quizzes.bulk.apply'
  | 'quizzes.bulk.undo'
  | 'quizzes.bulk.recent'
  | 'quizzes.bulk.editQuestion';

/** An instructor reaches the quizzes of their own courses; admins and support every quiz. */
function scopeOf(actor: SessionUser): QuizScope {
  return actor.role === 'instructor' ? { instructorId: actor.id } : {};
}

export const quizBulkHandlers: HandlerTable<QuizBulkChannel> = {
  'quizzes.bulk.search': (input, context) =>
    searchQuestions(context.db, input, scopeOf(actorOf(context)), context.transaction),
  'quizzes.bulk.preview': (input, context) =>
    previewBulkOperation(context.db, input, scopeOf(actorOf(context)), context.transaction),
  'quizzes.bulk.apply': (input, context) =>
    applyBulkOperation(context.db, input, scopeOf(actorOf(context)), context.transaction, context),
  'quizzes.bulk.undo': (input, context) =>
    undoBulkOperation(context.db, input, scopeOf(actorOf(context)), context.transaction, context),
  'quizzes.bulk.recent': (input, context) =>
    recentBulkOperations(context.db, actorOf(context).id, input, context.transaction),
  'quizzes.bulk.editQuestion': (input, { db, transaction }) => editQuestion(db, input, transaction),
};
