import {
  bulkDeletePreviewSchema,
  bulkUpdateUsersInputSchema,
  bulkUpdateUsersResultSchema,
  createUserInputSchema,
  listUsersInputSchema,
  updateUserInputSchema,
  userDeletePreviewSchema,
  userDetailSchema,
  userEnrollmentListSchema,
  userPageSchema,
  userRefInputSchema,
  userRefsInputSchema,
  versionedUserRefInputSchema,
  versionedUserRefsInputSchema,
} from '../../../db/schemas/users';
import {
  exportUsersInputSchema,
  exportUsersResultSchema,
  importUsersInputSchema,
  importUsersResultSchema,
} from '../../../db/schemas/user-csv';
import { adminOnly, adminOrSupport, anyStaff, channel } from '../channel';

export const userChannels = {
  // Instructors list users to find the people they enrol; details stay with admins and support.
  'users.list': channel({ input: listUsersInputSchema, output: userPageSchema, roles: anyStaff }),
  'users.get': channel({
    input: userRefInputSchema,
    output: userDetailSchema,
    roles: adminOrSupport,
  }),
  'users.create': channel({
    input: createUserInputSchema,
    output: userDetailSchema,
    roles: adminOnly,
  }),
  'users.update': channel({
    input: updateUserInputSchema,
    output: userDetailSchema,
    roles: adminOnly,
  }),
  'users.deactivate': channel({
    input: versionedUserRefInputSchema,
    output: userDetailSchema,
    roles: adminOnly,
  }),
  /** What a delete would cascade to, and the courses that block it: shown before `users.delete`. */
  'users.deletePreview': channel({
    input: userRefInputSchema,
    output: userDeletePreviewSchema,
    roles: adminOnly,
  }),
  'users.delete': channel({
    input: versionedUserRefInputSchema,
    output: userDeletePreviewSchema,
    roles: adminOnly,
  }),
  /** Role or active flag of many users, each at its version: all or none (an undo is one more call). */
  'users.bulkUpdate': channel({
    input: bulkUpdateUsersInputSchema,
    output: bulkUpdateUsersResultSchema,
    roles: adminOnly,
  }),
  /** What `users.bulkDelete` would cascade to, and the courses that block it. */
  'users.bulkDeletePreview': channel({
    input: userRefsInputSchema,
    output: bulkDeletePreviewSchema,
    roles: adminOnly,
  }),
  'users.bulkDelete': channel({
    input: versionedUserRefsInputSchema,
    output: bulkDeletePreviewSchema,
    roles: adminOnly,
  }),
  /** Every course the user is enrolled in, with lessons completed and quiz attempts. */
  'users.enrollments': channel({
    input: userRefInputSchema,
    output: userEnrollmentListSchema,
    roles: adminOrSupport,
  }),
  /** Checks every row first (`dryRun` stops there); writes all rows or none. */
  'users.import': channel({
    input: importUsersInputSchema,
    output: importUsersResultSchema,
    roles: adminOnly,
    isLong: true,
  }),
  'users.export': channel({
    input: exportUsersInputSchema,
    output: exportUsersResultSchema,
    roles: adminOrSupport,
    isLong: true,
  }),
} as const;
