import { emptyInputSchema } from '../../../db/schemas/common';
import {
  activateProfileInputSchema,
  connectionTestResultSchema,
  profileInputSchema,
  profileListSchema,
  profileRefSchema,
  profileSummarySchema,
  testProfileInputSchema,
} from '../../../db/schemas/connection-profiles';
import { adminOnly, channel } from '../channel';

/**
 * Connection profiles belong to this computer, not to the database: only an admin may see or
 * change where the app connects.
 */
export const connectionProfileChannels = {
  'profiles.list': channel({
    input: emptyInputSchema,
    output: profileListSchema,
    roles: adminOnly,
  }),
  'profiles.save': channel({
    input: profileInputSchema,
    output: profileSummarySchema,
    roles: adminOnly,
  }),
  'profiles.remove': channel({
    input: profileRefSchema,
    output: profileListSchema,
    roles: adminOnly,
  }),
  'profiles.activate': channel({
    input: activateProfileInputSchema,
    output: profileListSchema,
    roles: adminOnly,
  }),
  'profiles.test': channel({
    input: testProfileInputSchema,
    output: connectionTestResultSchema,
    roles: adminOnly,
  }),
} as const;
