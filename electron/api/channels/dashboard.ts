import { courseDashboardInputSchema, courseDashboardSchema } from '../../../db/schemas/dashboard';
import { anyStaff, channel } from '../channel';

export const dashboardChannels = {
  'courses.dashboard': channel({
    input: courseDashboardInputSchema,
    output: courseDashboardSchema,
    roles: anyStaff,
    ownedCourse: { field: 'courseId', via: 'course' },
  }),
} as const;
