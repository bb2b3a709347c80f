import { z } from 'zod';
import { cursorSchema, dateSchema, idSchema, pageLimitSchema, pageSchema } from './common';

/** Sync of a local working copy with a central server. Pure zod: the renderer bundles these. */

export const SyncConflictKind = {
  updateUpdate: 'update-update',
  deleteUpdate: 'delete-update',
  uniqueCollision: 'unique-collision',
  rejected: 'rejected',
} as const;
export type SyncConflictKind = (typeof SyncConflictKind)[keyof typeof SyncConflictKind];
export const syncConflictKindSchema = z.enum([
  SyncConflictKind.updateUpdate,
  SyncConflictKind.deleteUpdate,
  SyncConflictKind.uniqueCollision,
  SyncConflictKind.rejected,
]);

/** A central server's URL as typed (checked by the service, which explains what is wrong with it). */
export const centralUrlSchema = z
  .string()
  .trim()
  .min(1, { message: 'enter the central server URL, postgres://USER@HOST:PORT/DATABASE' })
  .max(2000);

/** A password typed apart from the URL; used for this call (and this app session), stored only when asked. */
const centralPasswordSchema = z.string().min(1).max(1000).optional();

export const syncLinkInputSchema = z
  .object({
    url: centralUrlSchema,
    password: centralPasswordSchema,
    /** Keep the password (encrypted) so status, push and pull need it no more in later sessions. */
    rememberPassword: z.boolean().default(false),
  })
  .strict();

/** A password to remember for the linked central server (checked against it first). */
export const syncRememberPasswordInputSchema = z
  .object({ password: z.string().min(1, { message: 'enter the password' }).max(1000) })
  .strict();

/** What unlinking ended: the link to this server, and its remembered password if there was one. */
export const syncUnlinkResultSchema = z.object({
  centralUrl: z.string(),
  /** `user@host:port/database`, for messages. */
  centralName: z.string(),
  wasPasswordRemembered: z.boolean(),
});
export type SyncUnlinkResult = z.infer<typeof syncUnlinkResultSchema>;

export const syncForgetPasswordResultSchema = z.object({
  /** Whether a password was remembered (and is now forgotten). */
  wasRemembered: z.boolean(),
});

export const syncRunInputSchema = z.object({ password: centralPasswordSchema }).strict();

/** A record as one side has it: every column by name (password_hash masked when it leaves the service). */
export const rowImageSchema = z.record(z.string(), z.unknown());

export const syncStatusSchema = z.object({
  isLinked: z.boolean(),
  /** The central server, without its password. */
  centralUrl: z.string().nullable(),
  replicaId: z.string().nullable(),
  linkedAt: dateSchema.nullable(),
  lastPushedAt: dateSchema.nullable(),
  lastPulledAt: dateSchema.nullable(),
  /** Local records changed since the last push (records, not edits). */
  pendingChanges: z.number().int(),
  /** Push batches sent but not yet known to be applied (a push was interrupted). */
  unfinishedBatches: z.number().int(),
  openConflicts: z.number().int(),
  /** Whether the central server answered just now (null: not linked, or not asked). */
  isOnline: z.boolean().nullable(),
  /** Why it is offline, in words. */
  centralMessage: z.string().nullable(),
  /** Whether the central password is remembered (encrypted) on this computer; never the password. */
  isPasswordRemembered: z.boolean(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** The conflicts a link of a database that already held data opened, by what they are. */
export const syncLinkConflictCountsSchema = z.object({
  /** A local and a central record with the same unique value (an email, a course slug). */
  collisions: z.number().int(),
  /** The same record (same id) on both sides, with different content. */
  changedOnBoth: z.number().int(),
  /** A record one side deleted and the other still has. */
  deletedOnOneSide: z.number().int(),
  /** Central records that belong to a record held back by a conflict: they come in once it is resolved. */
  waiting: z.number().int(),
});

/** What linking did (or, previewed, would do). */
export const syncLinkResultSchema = z.object({
  centralUrl: z.string(),
  /** Central rows brought into this database, by table. */
  rowsCopied: z.record(z.string(), z.number().int()),
  /** Whether this database already held LMS data, merged with the central data rather than filled. */
  isMerge: z.boolean(),
  /** Records already the same on both sides. */
  unchanged: z.number().int(),
  /** Local records the central server lacks: the next push sends them as new records. */
  localToPush: z.number().int(),
  conflicts: syncLinkConflictCountsSchema,
});
export type SyncLinkResult = z.infer<typeof syncLinkResultSchema>;

export const syncPushResultSchema = z.object({
  /** Records applied on the central server. */
  applied: z.number().int(),
  batches: z.number().int(),
  /** Batches the central server had already applied (a retry after an unknown outcome). */
  replayedBatches: z.number().int(),
  conflicts: z.number().int(),
});
export type SyncPushResult = z.infer<typeof syncPushResultSchema>;

export const syncPullResultSchema = z.object({
  /** Records changed locally (inserted, updated or deleted). */
  applied: z.number().int(),
  /** Records the central server changed that were already the same here. */
  unchanged: z.number().int(),
  conflicts: z.number().int(),
});
export type SyncPullResult = z.infer<typeof syncPullResultSchema>;

export const syncConflictSchema = z.object({
  id: z.string(),
  tableName: z.string(),
  recordId: z.string(),
  kind: syncConflictKindSchema,
  foundBy: z.enum(['push', 'pull']),
  base: rowImageSchema.nullable(),
  local: rowImageSchema.nullable(),
  central: rowImageSchema.nullable(),
  detail: z.string(),
  detectedAt: dateSchema,
  resolvedAt: dateSchema.nullable(),
});
export type SyncConflict = z.infer<typeof syncConflictSchema>;

/** Conflicts a page at a time: open ones first, newest first; resolved ones only when asked. */
export const syncConflictListInputSchema = z
  .object({
    includeResolved: z.boolean().default(false),
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema,
  })
  .strict();
export type SyncConflictListInput = z.input<typeof syncConflictListInputSchema>;
export const syncConflictListSchema = pageSchema(syncConflictSchema);
export type SyncConflictPage = z.infer<typeof syncConflictListSchema>;

/** Which side's value a field takes. */
export const syncSideSchema = z.enum(['local', 'central']);
export type SyncSide = z.infer<typeof syncSideSchema>;

/**
 * How a person settles a conflict: one side for the whole record, or a side per field (every
 * field that differs must be given one), with typed values for fields neither side has right
 * (a new email where two people took the same one).
 */
export const syncResolveInputSchema = z
  .object({
    conflictId: idSchema,
    take: z.union([syncSideSchema, z.literal('fields')]),
    fields: z.record(z.string().min(1).max(63), syncSideSchema).optional(),
    values: z.record(z.string().min(1).max(63), z.unknown()).optional(),
  })
  .strict()
  .refine((input) => input.take === 'fields' || input.fields === undefined, {
    message: 'fields go with take: "fields"',
    path: ['fields'],
  });
export type SyncResolveInput = z.infer<typeof syncResolveInputSchema>;

export const syncResolveResultSchema = z.object({
  conflict: syncConflictSchema,
  /** The record as it now is locally (null: deleted); it is pushed with the next push. */
  row: rowImageSchema.nullable(),
  isPushNeeded: z.boolean(),
});
export type SyncResolveResult = z.infer<typeof syncResolveResultSchema>;
