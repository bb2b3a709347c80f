import { getCourseDashboard } from '../../../db/services/dashboard';
import type { HandlerTable } from './handler';

export const dashboardHandlers: HandlerTable<'courses.dashboard'> = {
  'courses.dashboard': (input, { db, transaction }) => getCourseDashboard(db, input, transaction),
};
