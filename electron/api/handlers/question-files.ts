import { exportQuestions } from '../../../db/services/question-export';
import { importQuestions } from '../../../db/services/question-import';
import type { HandlerTable } from './handler';

type QuestionFileChannel = 'quizzes.import.preview' | 'quizzes.import.apply' | 'quizzes.export';

export const questionFileHandlers: HandlerTable<QuestionFileChannel> = {
  'quizzes.import.preview': (input, { db, transaction, signal, progress }) =>
    importQuestions(db, input, transaction, { isDryRun: true, signal, progress }),
  'quizzes.import.apply': (input, { db, transaction, signal, progress }) =>
    importQuestions(db, input, transaction, { isDryRun: false, signal, progress }),
  'quizzes.export': (input, { db, transaction, signal, progress }) =>
    exportQuestions(db, input, transaction, { signal, progress }),
};
