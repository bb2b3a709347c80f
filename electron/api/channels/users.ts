import {
  createUserInputSchema,
  listUsersInputSchema,
  updateUserInputSchema,
  userDeletePreviewSchema,
  userDetailSchema,
  userPageSchema,
  userRefInputSchema,
  versionedUserRefInputSchema,
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
