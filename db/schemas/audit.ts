import { z } from 'zod';
import { auditActions } from '../models/enums';
import { cursorSchema, dateSchema, idSchema, pageLimitSchema, pageSchema } from './common';

/** Where a change came from: the app, the CLI, sync, or anything else that spoke SQL. */
export const auditSources = ['app', 'cli', 'sync', 'sql'] as const;
export const auditSourceSchema = z.enum(auditSources);
export const auditActionSchema = z.enum(auditActions);

/** An audited table's name (which tables are audited, the database says: see the service). */
export const auditTableSchema = z
  .string()
  .trim()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a table name such as courses');

/**
 * An audit entry's position in the history (`audit_log.seq`). A bigint, so a decimal string on
 * the wire; a plain number is accepted from callers and turned into one.
 */
export const auditSeqSchema = z
  .union([z.string().trim(), z.number().int()])
  .transform(String)
  .pipe(z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be an audit entry number (seq)'));

/** A record's snapshot: its columns by name, secrets shown as '[redacted]'. */
export const auditSnapshotSchema = z.record(z.string(), z.unknown());
export type AuditSnapshot = z.infer<typeof auditSnapshotSchema>;

/** One change to one record, as the audit triggers wrote it. */
export const auditEntrySchema = z.object({
  seq: z.string(),
  tableName: z.string(),
  recordId: z.string(),
  action: auditActionSchema,
  before: auditSnapshotSchema.nullable(),
  after: auditSnapshotSchema.nullable(),
  changedFields: z.array(z.string()).nullable(),
  actorId: z.string().nullable(),
  /** The actor's name and email as they are now (null when unknown or since deleted). */
  actorName: z.string().nullable(),
  actorEmail: z.string().nullable(),
  actorIp: z.string().nullable(),
  /**
   * What the record is, in words, as of the change: a course's, lesson's or quiz's title, a
   * person's name, an enrollment's learner (their name now). Null when it has none.
   */
  recordLabel: z.string().nullable(),
  source: auditSourceSchema,
  txid: z.string(),
  createdAt: dateSchema,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Which changes a timeline or an export covers; every field narrows it. */
export const auditFilterSchema = z
  .object({
    tableName: auditTableSchema.optional(),
    /** One record's history (with tableName). */
    recordId: idSchema.optional(),
    /**
     * A course's history with what belongs to it: the course's own changes and those of every
     * lesson, quiz (its questions included) and enrollment whose snapshot names the course,
     * deleted ones too.
     */
    courseId: idSchema.optional(),
    /** One person's changes. */
    actorId: idSchema.optional(),
    action: auditActionSchema.optional(),
    source: auditSourceSchema.optional(),
    /** From this moment on (inclusive). */
    from: dateSchema.optional(),
    /** Before this moment (exclusive). */
    to: dateSchema.optional(),
    /** Text anywhere in the before or after snapshot (case-insensitive). */
    text: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((filter) => !filter.from || !filter.to || filter.from < filter.to, {
    message: 'must be after "from"',
    path: ['to'],
  });
export type AuditFilter = z.output<typeof auditFilterSchema>;

export const listAuditInputSchema = z
  .object({
    filter: auditFilterSchema.default({}),
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema,
  })
  .strict();
export type ListAuditInput = z.input<typeof listAuditInputSchema>;

/** A timeline page, newest change first. */
export const auditPageSchema = pageSchema(auditEntrySchema);
export type AuditPage = z.infer<typeof auditPageSchema>;

/** Names one entry of the history. */
export const auditEntryRefSchema = z.object({ seq: auditSeqSchema }).strict();
export type AuditEntryRef = z.input<typeof auditEntryRefSchema>;

/** Two versions of one record: the state right after entry `fromSeq` and after entry `toSeq`. */
export const auditDiffInputSchema = z
  .object({ fromSeq: auditSeqSchema, toSeq: auditSeqSchema })
  .strict();
export type AuditDiffInput = z.input<typeof auditDiffInputSchema>;

/** One field that differs between two versions. */
export const fieldChangeSchema = z.object({
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  /** Inside a JSON field (metadata, options): jsondiffpatch's delta of just that field. */
  delta: z.unknown().optional(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

export const auditDiffSchema = z.object({
  tableName: z.string(),
  recordId: z.string(),
  from: auditSnapshotSchema.nullable(),
  to: auditSnapshotSchema.nullable(),
  fields: z.array(fieldChangeSchema),
  /** The whole change as a jsondiffpatch delta (null when nothing differs). */
  delta: z.unknown(),
});
export type AuditDiff = z.infer<typeof auditDiffSchema>;

/** A record's state at a moment: the latest change at or before it decides. */
export const auditAsOfInputSchema = z
  .object({ tableName: auditTableSchema, recordId: idSchema, at: dateSchema })
  .strict();
export type AuditAsOfInput = z.input<typeof auditAsOfInputSchema>;

export const auditAsOfSchema = z.object({
  /** The record as it was; null when it did not exist then (not yet created, or deleted). */
  state: auditSnapshotSchema.nullable(),
  /** Whether the record was deleted at that moment (its last change was a DELETE). */
  isDeleted: z.boolean(),
  /** The change that gave it that state (null: no history before that moment). */
  entry: auditEntrySchema.nullable(),
  /** Whether the record exists now. */
  existsNow: z.boolean(),
});
export type AuditAsOf = z.infer<typeof auditAsOfSchema>;

/** Everything one transaction did, named by any of its entries. */
export const auditTransactionInputSchema = z
  .object({ seq: auditSeqSchema, cursor: cursorSchema.optional(), limit: pageLimitSchema })
  .strict();
export type AuditTransactionInput = z.input<typeof auditTransactionInputSchema>;

export const auditTransactionSchema = z.object({
  txid: z.string(),
  createdAt: dateSchema,
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorIp: z.string().nullable(),
  source: auditSourceSchema,
  /** How many changes per table and action: the whole transaction at a glance. */
  counts: z.array(
    z.object({ tableName: z.string(), action: auditActionSchema, changes: z.number().int() }),
  ),
  /** Its changes in the order they were made, a page at a time. */
  entries: auditPageSchema,
});
export type AuditTransaction = z.infer<typeof auditTransactionSchema>;

export const auditExportFormats = ['csv', 'json'] as const;
/** What an export covers and how it is written (the CLI writes it whole, to a file or stdout). */
export const auditExportInputSchema = z
  .object({ filter: auditFilterSchema.default({}), format: z.enum(auditExportFormats) })
  .strict();
export type AuditExportInput = z.input<typeof auditExportInputSchema>;

/**
 * One part of an export through the API: without a cursor the first, with one the part after
 * it. Parts are a few megabytes, so no export, however long, is ever whole in memory on either
 * side; the caller appends each part's text to its file in order.
 */
export const auditExportPartInputSchema = z
  .object({
    filter: auditFilterSchema.default({}),
    format: z.enum(auditExportFormats),
    cursor: cursorSchema.optional(),
  })
  .strict();
export type AuditExportPartInput = z.input<typeof auditExportPartInputSchema>;

export const auditExportPartSchema = z.object({
  /** This part of the file: the first holds the CSV header or the JSON array's `[`, the last its `]`. */
  text: z.string(),
  /** Entries in this part. */
  rows: z.number().int(),
  /** Entries in the parts so far, this one included. */
  done: z.number().int(),
  /** Entries the whole export holds: those the filter selected when its first part was read. */
  total: z.number().int(),
  /** Asks for the next part; null after the last. */
  nextCursor: cursorSchema.nullable(),
});
export type AuditExportPart = z.infer<typeof auditExportPartSchema>;

/**
 * What to do with each field a revert would set back when the record changed since: `revert`
 * sets it to the value before the change, `keep` leaves the value it has now.
 */
export const fieldChoicesSchema = z.record(z.string(), z.enum(['revert', 'keep']));
export type FieldChoices = z.infer<typeof fieldChoicesSchema>;

export const revertChangeInputSchema = z
  .object({ seq: auditSeqSchema, choices: fieldChoicesSchema.optional() })
  .strict();
export type RevertChangeInput = z.input<typeof revertChangeInputSchema>;

export const revertTransactionInputSchema = z.object({ seq: auditSeqSchema }).strict();
export type RevertTransactionInput = z.input<typeof revertTransactionInputSchema>;

export const undeleteInputSchema = z
  .object({
    /** The DELETE entry of the record to bring back. */
    seq: auditSeqSchema,
    /** Also bring back the rows the same transaction deleted (or unlinked) with it. */
    withCascaded: z.boolean().default(false),
  })
  .strict();
export type UndeleteInput = z.input<typeof undeleteInputSchema>;

/** What a revert or undelete did: one line per record it changed, as a new change. */
export const revertResultSchema = z.object({
  restored: z.array(
    z.object({ tableName: z.string(), recordId: z.string(), action: auditActionSchema }),
  ),
  /** Secret fields (password_hash) that history can't restore; they were left as they are. */
  skippedSecrets: z.array(z.string()),
});
export type RevertResult = z.infer<typeof revertResultSchema>;

/** On CONFLICT: what changed the record since the change being reverted. */
export const revertConflictSchema = z.object({
  tableName: z.string(),
  recordId: z.string(),
  current: auditSnapshotSchema.nullable(),
  changesSince: z.array(auditEntrySchema),
  /** Fields both the reverted change and a later one touched: each needs a choice. */
  contestedFields: z.array(z.string()),
});
export type RevertConflict = z.infer<typeof revertConflictSchema>;

/** On CONFLICT of a transaction's revert: the later changes to the records it touched. */
export const revertTransactionConflictSchema = z.object({
  changesSince: z.array(auditEntrySchema),
});
export type RevertTransactionConflict = z.infer<typeof revertTransactionConflictSchema>;
