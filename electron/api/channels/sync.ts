import { z } from 'zod';
import {
  syncConflictListInputSchema,
  syncConflictListSchema,
  syncForgetPasswordResultSchema,
  syncLinkInputSchema,
  syncLinkResultSchema,
  syncPullResultSchema,
  syncPushResultSchema,
  syncRememberPasswordInputSchema,
  syncResolveInputSchema,
  syncResolveResultSchema,
  syncRunInputSchema,
  syncStatusSchema,
  syncUnlinkResultSchema,
} from '../../../db/schemas/sync';
import { adminOnly, channel } from '../channel';

/** Sync of this (local) database with a central server: admins only (it writes everything). */
export const syncChannels = {
  'sync.status': channel({
    input: z.object({ checkOnline: z.boolean().default(true) }).strict(),
    output: syncStatusSchema,
    roles: adminOnly,
  }),
  'sync.link': channel({
    input: syncLinkInputSchema,
    output: syncLinkResultSchema,
    roles: adminOnly,
    isLong: true,
  }),
  /** What linking would do now (records to copy, to push, conflicts), changing nothing. */
  'sync.linkPreview': channel({
    input: syncLinkInputSchema,
    output: syncLinkResultSchema,
    roles: adminOnly,
    isLong: true,
  }),
  'sync.push': channel({
    input: syncRunInputSchema,
    output: syncPushResultSchema,
    roles: adminOnly,
    isLong: true,
  }),
  'sync.pull': channel({
    input: syncRunInputSchema,
    output: syncPullResultSchema,
    roles: adminOnly,
    isLong: true,
  }),
  /** Ends the link (the records stay); refused while changes wait to be pushed or conflicts are open. */
  'sync.unlink': channel({
    input: z.object({}).strict(),
    output: syncUnlinkResultSchema,
    roles: adminOnly,
  }),
  /** Remembers the central password (encrypted on this computer), after checking it opens the server. */
  'sync.rememberPassword': channel({
    input: syncRememberPasswordInputSchema,
    output: z.object({}),
    roles: adminOnly,
  }),
  'sync.forgetPassword': channel({
    input: z.object({}).strict(),
    output: syncForgetPasswordResultSchema,
    roles: adminOnly,
  }),
  /** A page of conflicts (open first, newest first); follow `nextCursor` for the next. */
  'sync.conflicts': channel({
    input: syncConflictListInputSchema,
    output: syncConflictListSchema,
    roles: adminOnly,
  }),
  'sync.resolve': channel({
    input: syncResolveInputSchema,
    output: syncResolveResultSchema,
    roles: adminOnly,
  }),
} as const;
