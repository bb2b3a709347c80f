import type { Channel } from '../contract';
import { auditHandlers } from './audit';
import { authHandlers } from './auth';
import { connectionProfileHandlers } from './connection-profiles';
import { courseHandlers } from './courses';
import { dashboardHandlers } from './dashboard';
import { enrollmentHandlers } from './enrollments';
import type { HandlerTable } from './handler';
import { migrationHandlers } from './migrations';
import { questionFileHandlers } from './question-files';
import { quizBulkHandlers } from './quiz-bulk';
import { quizHandlers } from './quizzes';
import { syncHandlers } from './sync';
import { userHandlers } from './users';

/** Every channel's handler, merged in one place; the type insists that none is missing. */
export const handlers: HandlerTable<Channel> = {
  ...authHandlers,
  ...auditHandlers,
  ...courseHandlers,
  ...quizHandlers,
  ...quizBulkHandlers,
  ...questionFileHandlers,
  ...enrollmentHandlers,
  ...dashboardHandlers,
  ...userHandlers,
  ...migrationHandlers,
  ...syncHandlers,
  ...connectionProfileHandlers,
};
