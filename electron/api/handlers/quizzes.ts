import {
  addQuestion,
  createQuiz,
  deleteQuiz,
  getQuiz,
  listQuizzes,
  moveQuestion,
  previewQuizDelete,
  removeQuestion,
  updateQuestion,
  updateQuiz,
} from '../../../db/services/quizzes';
import type { HandlerTable } from './handler';

type QuizChannel =
  | 'quizzes.list'
  | 'quizzes.get'
  | 'quizzes.create'
  | 'quizzes.update'
  | 'quizzes.deletePreview'
  | 'quizzes.delete'
  | 'quizzes.addQuestion'
  | 'quizzes.updateQuestion'
  | 'quizzes.removeQuestion'
  | 'quizzes.moveQuestion';

export const quizHandlers: HandlerTable<QuizChannel> = {
  'quizzes.list': (input, { db, transaction }) => listQuizzes(db, input, transaction),
  'quizzes.get': (input, { db, transaction }) => getQuiz(db, input.id, transaction),
  'quizzes.create': (input, { db, transaction }) => createQuiz(db, input, transaction),
  'quizzes.update': (input, { db, transaction }) => updateQuiz(db, input, transaction),
  'quizzes.deletePreview': (input, { db, transaction }) =>
    previewQuizDelete(db, input.id, transaction),
  'quizzes.delete': (input, { db, transaction }) => deleteQuiz(db, input, transaction),
  'quizzes.addQuestion': (input, { db, transaction }) => addQuestion(db, input, transaction),
  'quizzes.updateQuestion': (input, { db, transaction }) => updateQuestion(db, input, transaction),
  'quizzes.removeQuestion': (input, { db, transaction }) => removeQuestion(db, input, transaction),
  'quizzes.moveQuestion': (input, { db, transaction }) => moveQuestion(db, input, transaction),
};
