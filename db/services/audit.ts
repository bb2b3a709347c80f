import { createHash } from 'node:crypto';
import * as jsondiffpatch from 'jsondiffpatch';
import Papa from 'papaparse';
import pg from 'pg';
import type { Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import {
  auditAsOfInputSchema,
  auditDiffInputSchema,
  auditExportInputSchema,
  auditExportPartInputSchema,
  auditTransactionInputSchema,
  listAuditInputSchema,
  type AuditAsOf,
  type AuditAsOfInput,
  type AuditDiff,
  type AuditDiffInput,
  type AuditEntry,
  type AuditExportInput,
  type AuditExportPart,
  type AuditExportPartInput,
  type AuditFilter,
  type AuditPage,
  type AuditSnapshot,
  type AuditTransaction,
  type AuditTransactionInput,
  type FieldChange,
  type ListAuditInput,
} from '../schemas/audit';
import { courseChildTables } from '../models/audit-entry';
import { readAuditedTables, requireAuditedTable } from './audited-tables';
import { containsPattern, decodeCursor, encodeCursor } from './keyset-cursor';
import type { LongWork } from './long-work';
import { ServiceError } from './service-error';
import { guardCell } from './csv-rows';

/** An audit_log row with its actor's current name, as the queries below select it. */
interface AuditEntryRow {
  seq: string;
  table_name: string;
  record_id: string;
  action: AuditEntry['action'];
  before: AuditSnapshot | null;
  after: AuditSnapshot | null;
  changed_fields: string[] | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  actor_ip: string | null;
  record_label: string | null;
  source: AuditEntry['source'];
  txid: string;
  created_at: Date;
}

/**
 * bigints as text (no precision lost), the IP without its /32. The record's label comes from its
 * snapshot (a title, a name), an enrollment's from its learner's row.
 */
const ENTRY_SELECT = `SELECT a.seq::text AS seq, a.table_name, a.record_id, a.action, a.before, a.after,
    a.changed_fields, a.actor_id, u.full_name AS actor_name, u.email AS actor_email,
    host(a.actor_ip) AS actor_ip,
    COALESCE(COALESCE(a.after, a.before) ->> 'title', COALESCE(a.after, a.before) ->> 'full_name',
      learner.full_name) AS record_label,
    a.source, a.txid::text AS txid, a.created_at
  FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
  LEFT JOIN users learner ON a.table_name = 'enrollments'
    AND learner.id = (COALESCE(a.after, a.before) ->> 'user_id')::uuid`;

function toEntry(row: AuditEntryRow): AuditEntry {
  return {
    seq: row.seq,
    tableName: row.table_name,
    recordId: row.record_id,
    action: row.action,
    before: row.before,
    after: row.after,
    changedFields: row.changed_fields,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorEmail: row.actor_email,
    actorIp: row.actor_ip,
    recordLabel: row.record_label,
    source: row.source,
    txid: row.txid,
    createdAt: row.created_at,
  };
}

/** The history is keyset-paged on seq, which is unique: the last seq seen is the whole cursor. */
const seqCursorSchema = z.object({ seq: z.string().regex(/^[0-9]+$/) });

/** Collects bind parameters for one query: `param(value)` returns its `$n`. */
function parameters(): { bind: unknown[]; param: (value: unknown) => string } {
  const bind: unknown[] = [];
  return {
    bind,
    param: (value) => {
      bind.push(value);
      return `$${bind.length}`;
    },
  };
}

const COURSE_CHILD_TABLES = `(${courseChildTables.map((table) => `'${table}'`).join(', ')})`;

/**
 * The parts of a course's history, each served by an index newest first (migration 0007): the
 * course's own entries, its children's entries by the course they belong to after the change (or
 * before it, for a delete), and the children moved away from it by the course they left. No entry
 * is in two parts.
 */
function courseScopeParts(course: string): string[][] {
  return [
    [`a.table_name = 'courses'`, `a.record_id = ${course}`],
    [
      `a.table_name IN ${COURSE_CHILD_TABLES}`,
      `((COALESCE(a.after, a.before) ->> 'course_id'))::uuid = ${course}`,
    ],
    [
      `a.table_name IN ${COURSE_CHILD_TABLES}`,
      `a.action = 'UPDATE'`,
      `(a.before ->> 'course_id') IS DISTINCT FROM (a.after ->> 'course_id')`,
      `((a.before ->> 'course_id'))::uuid = ${course}`,
    ],
  ];
}

/**
 * What a filter selects, as the WHERE conditions of one or more disjoint parts: one part, or a
 * course's history in the parts of courseScopeParts, each narrowed by the other filters.
 */
function filterParts(filter: AuditFilter, param: (value: unknown) => string): string[][] {
  const conditions = filterConditions(filter, param);
  if (filter.courseId === undefined) return [conditions];
  return courseScopeParts(param(filter.courseId)).map((part) => [...part, ...conditions]);
}

/** The WHERE conditions of a filter; a record's history needs its table (that is its index). */
function filterConditions(filter: AuditFilter, param: (value: unknown) => string): string[] {
  if (filter.recordId !== undefined && filter.tableName === undefined) {
    throw new ServiceError('VALIDATION', "Name the record's table to see its history.", {
      fields: { 'filter.tableName': 'is required with recordId' },
    });
  }
  const conditions: string[] = [];
  if (filter.tableName !== undefined) conditions.push(`a.table_name = ${param(filter.tableName)}`);
  if (filter.recordId !== undefined) conditions.push(`a.record_id = ${param(filter.recordId)}`);
  if (filter.actorId !== undefined) conditions.push(`a.actor_id = ${param(filter.actorId)}`);
  if (filter.action !== undefined) conditions.push(`a.action = ${param(filter.action)}`);
  if (filter.source !== undefined) conditions.push(`a.source = ${param(filter.source)}`);
  if (filter.from !== undefined) conditions.push(`a.created_at >= ${param(filter.from)}`);
  if (filter.to !== undefined) conditions.push(`a.created_at < ${param(filter.to)}`);
  if (filter.text !== undefined) {
    const pattern = param(containsPattern(filter.text));
    conditions.push(`(a.before::text ILIKE ${pattern} OR a.after::text ILIKE ${pattern})`);
  }
  return conditions;
}

/** One page of the entries a filter selects, newest first, after the seq a cursor names. */
async function selectEntries(
  db: Database,
  filter: AuditFilter,
  beforeSeq: string | undefined,
  limit: number,
  transaction?: Transaction,
): Promise<AuditEntryRow[]> {
  const { bind, param } = parameters();
  const after = beforeSeq === undefined ? [] : [`a.seq < ${param(beforeSeq)}`];
  const pageSize = param(limit);
  const pages = filterParts(filter, param).map((part) => {
    const conditions = [...part, ...after];
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return `${ENTRY_SELECT} ${where} ORDER BY a.seq DESC LIMIT ${pageSize}`;
  });
  const [only] = pages;
  // Several parts: each part's page, newest first, merged into one page.
  const sql =
    pages.length === 1 && only !== undefined
      ? only
      : `SELECT * FROM (${pages.map((page) => `(${page})`).join(' UNION ALL ')}) parts
         ORDER BY parts.seq::bigint DESC LIMIT ${pageSize}`;
  return db.select<AuditEntryRow>(sql, bind, transaction);
}

/** The history a filter selects (one record, one actor, or everything), newest change first. */
export async function listAudit(
  db: Database,
  input: ListAuditInput = {},
  transaction?: Transaction,
): Promise<AuditPage> {
  const { filter, cursor, limit } = listAuditInputSchema.parse(input);
  const beforeSeq = cursor === undefined ? undefined : decodeCursor(seqCursorSchema, cursor).seq;
  // One row more than the page tells whether a next page exists without counting.
  const rows = await selectEntries(db, filter, beforeSeq, limit + 1, transaction);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toEntry),
    nextCursor: rows.length > limit && last ? encodeCursor({ seq: last.seq }) : null,
  };
}

/** One entry of the history, or NOT_FOUND. */
export async function getAuditEntry(
  db: Database,
  seq: string,
  transaction?: Transaction,
): Promise<AuditEntry> {
  const rows = await db.select<AuditEntryRow>(
    `${ENTRY_SELECT} WHERE a.seq = $1`,
    [seq],
    transaction,
  );
  const row = rows[0];
  if (!row) {
    throw new ServiceError('NOT_FOUND', `There is no change #${seq} in the history.`, {
      fields: { seq: 'names no change' },
    });
  }
  return toEntry(row);
}

/** The changes to one record after entry `seq`, oldest first (at most `limit`). */
export async function entriesAfter(
  db: Database,
  entry: Pick<AuditEntry, 'tableName' | 'recordId' | 'seq'>,
  limit: number,
  transaction?: Transaction,
): Promise<AuditEntry[]> {
  const rows = await db.select<AuditEntryRow>(
    `${ENTRY_SELECT} WHERE a.table_name = $1 AND a.record_id = $2 AND a.seq > $3 ORDER BY a.seq LIMIT $4`,
    [entry.tableName, entry.recordId, entry.seq, limit],
    transaction,
  );
  return rows.map(toEntry);
}

/** A record's state right after an entry: its after snapshot (null once deleted). */
function stateAfter(entry: AuditEntry): AuditSnapshot | null {
  return entry.action === 'DELETE' ? null : entry.after;
}

const differ = jsondiffpatch.create({
  // Array items are matched by their id when they have one (quiz questions, choices).
  objectHash: (item: object, index?: number) =>
    'id' in item && (typeof item.id === 'string' || typeof item.id === 'number')
      ? String(item.id)
      : `$index:${index ?? 0}`,
});

/** The fields that differ between two snapshots, each with its before and after value. */
export function fieldChanges(from: AuditSnapshot | null, to: AuditSnapshot | null): FieldChange[] {
  const fields = new Set([...Object.keys(from ?? {}), ...Object.keys(to ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const before = from?.[field] ?? null;
    const after = to?.[field] ?? null;
    const delta = differ.diff(before, after);
    if (delta === undefined) continue;
    const isStructured = typeof before === 'object' && typeof after === 'object';
    changes.push(
      isStructured && before !== null && after !== null
        ? { field, before, after, delta }
        : { field, before, after },
    );
  }
  return changes;
}

/** What differs between two versions of one record (the states right after two entries). */
export async function diffAuditVersions(
  db: Database,
  input: AuditDiffInput,
  transaction?: Transaction,
): Promise<AuditDiff> {
  const { fromSeq, toSeq } = auditDiffInputSchema.parse(input);
  const [from, to] = await Promise.all([
    getAuditEntry(db, fromSeq, transaction),
    getAuditEntry(db, toSeq, transaction),
  ]);
  if (from.tableName !== to.tableName || from.recordId !== to.recordId) {
    throw new ServiceError(
      'VALIDATION',
      `Changes #${fromSeq} and #${toSeq} are of different records: compare two versions of one record.`,
      { fields: { toSeq: 'is a change of another record' } },
    );
  }
  const before = stateAfter(from);
  const after = stateAfter(to);
  return {
    tableName: from.tableName,
    recordId: from.recordId,
    from: before,
    to: after,
    fields: fieldChanges(before, after),
    delta: differ.diff(before, after) ?? null,
  };
}

/** A record as it was at a moment, deleted records included (the undelete view). */
export async function auditAsOf(
  db: Database,
  input: AuditAsOfInput,
  transaction?: Transaction,
): Promise<AuditAsOf> {
  const { tableName, recordId, at } = auditAsOfInputSchema.parse(input);
  const table = requireAuditedTable(await readAuditedTables(db, transaction), tableName);
  const [rows, existing] = await Promise.all([
    db.select<AuditEntryRow>(
      `${ENTRY_SELECT} WHERE a.table_name = $1 AND a.record_id = $2 AND a.created_at <= $3
       ORDER BY a.seq DESC LIMIT 1`,
      [tableName, recordId, at],
      transaction,
    ),
    db.select<{ id: string }>(
      `SELECT id FROM ${pg.escapeIdentifier(table.name)} WHERE id = $1`,
      [recordId],
      transaction,
    ),
  ]);
  const entry = rows[0] ? toEntry(rows[0]) : null;
  return {
    state: entry ? stateAfter(entry) : null,
    isDeleted: entry?.action === 'DELETE',
    entry,
    existsNow: existing.length > 0,
  };
}

/** One transaction of the history: its txid, and the seq of one of its entries. */
export interface TransactionKey {
  txid: string;
  anchorSeq: string;
}

/**
 * Selects a transaction's entries. created_at is now() of the transaction, the same on all its
 * entries, so with it the BRIN index narrows the search to a few pages and txid needs no index.
 * It is read from the anchor in SQL: a JS Date would drop its microseconds.
 */
const IN_TRANSACTION = `a.txid = $1 AND a.created_at = (SELECT created_at FROM audit_log WHERE seq = $2)`;

/** Every entry of one transaction, in the order they were made. */
export async function transactionEntries(
  db: Database,
  key: TransactionKey,
  afterSeq: string | undefined,
  limit: number,
  transaction?: Transaction,
): Promise<AuditEntry[]> {
  const rows = await db.select<AuditEntryRow>(
    `${ENTRY_SELECT} WHERE ${IN_TRANSACTION} AND a.seq > $3 ORDER BY a.seq LIMIT $4`,
    [key.txid, key.anchorSeq, afterSeq ?? '0', limit],
    transaction,
  );
  return rows.map(toEntry);
}

/** Everything the transaction of entry `seq` did, with counts per table and action. */
export async function getAuditTransaction(
  db: Database,
  input: AuditTransactionInput,
  transaction?: Transaction,
): Promise<AuditTransaction> {
  const { seq, cursor, limit } = auditTransactionInputSchema.parse(input);
  const anchor = await getAuditEntry(db, seq, transaction);
  const key = { txid: anchor.txid, anchorSeq: anchor.seq };
  const afterSeq = cursor === undefined ? undefined : decodeCursor(seqCursorSchema, cursor).seq;
  const [entries, counts] = await Promise.all([
    transactionEntries(db, key, afterSeq, limit + 1, transaction),
    db.select<{ table_name: string; action: AuditEntry['action']; changes: number }>(
      `SELECT a.table_name, a.action, count(*)::int AS changes FROM audit_log a
       WHERE ${IN_TRANSACTION} GROUP BY a.table_name, a.action ORDER BY a.table_name, a.action`,
      [key.txid, key.anchorSeq],
      transaction,
    ),
  ]);
  const page = entries.slice(0, limit);
  const last = page.at(-1);
  return {
    txid: anchor.txid,
    createdAt: anchor.createdAt,
    actorId: anchor.actorId,
    actorName: anchor.actorName,
    actorIp: anchor.actorIp,
    source: anchor.source,
    counts: counts.map((row) => ({
      tableName: row.table_name,
      action: row.action,
      changes: row.changes,
    })),
    entries: {
      items: page,
      nextCursor: entries.length > limit && last ? encodeCursor({ seq: last.seq }) : null,
    },
  };
}

/** The columns of a CSV export, in order. */
export const auditCsvColumns = [
  'seq',
  'created_at',
  'table_name',
  'record_id',
  'action',
  'changed_fields',
  'actor_id',
  'actor_name',
  'actor_email',
  'actor_ip',
  'source',
  'txid',
  'before',
  'after',
] as const;

function csvRow(entry: AuditEntry): string[] {
  return [
    entry.seq,
    entry.createdAt.toISOString(),
    entry.tableName,
    entry.recordId,
    entry.action,
    (entry.changedFields ?? []).join(' '),
    entry.actorId ?? '',
    guardCell(entry.actorName ?? ''),
    guardCell(entry.actorEmail ?? ''),
    entry.actorIp ?? '',
    entry.source,
    entry.txid,
    guardCell(entry.before ? JSON.stringify(entry.before) : ''),
    guardCell(entry.after ? JSON.stringify(entry.after) : ''),
  ];
}

/** How many entries an export reads per query: memory stays flat however long the history. */
const EXPORT_BATCH = 2_000;

/**
 * About how much text one API part holds (a part ends after the batch that reaches it): small
 * enough for one IPC or HTTP message and a renderer's memory, big enough that a million entries
 * take a few hundred calls rather than thousands.
 */
const EXPORT_PART_CHARS = 4_000_000;

/** Where an export stands: the entries older than `beforeSeq` are still to come. */
interface ExportPosition {
  beforeSeq: string;
  done: number;
  total: number;
}

/** An API export's cursor: its position, and which filter and format it continues. */
const exportCursorSchema = z.object({
  of: z.string(),
  beforeSeq: z.string().regex(/^[0-9]+$/),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
});

/** Names an export's filter and format, so a cursor can't continue a different export. */
function exportFingerprint(filter: AuditFilter, format: AuditExportInput['format']): string {
  return createHash('sha256')
    .update(JSON.stringify({ filter, format }))
    .digest('base64url')
    .slice(0, 16);
}

/**
 * Fixes what an export holds: the entries the filter selects up to the newest one now, and how
 * many. Entries made while it runs have a higher seq and stay out, so the parts of a long export
 * add up to the history as it was when it began, and its total is right.
 */
async function startExport(
  db: Database,
  filter: AuditFilter,
  transaction?: Transaction,
): Promise<ExportPosition> {
  const { bind, param } = parameters();
  const [top] = await db.select<{ seq: string }>(
    `SELECT (COALESCE(max(seq), 0) + 1)::text AS seq FROM audit_log`,
    [],
    transaction,
  );
  const beforeSeq = top?.seq ?? '1';
  const upTo = `a.seq < ${param(beforeSeq)}`;
  const counts = filterParts(filter, param).map(
    (part) => `(SELECT count(*) FROM audit_log a WHERE ${[...part, upTo].join(' AND ')})`,
  );
  const [counted] = await db.select<{ total: number }>(
    `SELECT (${counts.join(' + ')})::int AS total`,
    bind,
    transaction,
  );
  return { beforeSeq, done: 0, total: counted?.total ?? 0 };
}

function exportHeader(format: AuditExportInput['format']): string {
  return format === 'csv' ? `${Papa.unparse([[...auditCsvColumns]])}\r\n` : '[';
}

function exportFooter(format: AuditExportInput['format'], rows: number): string {
  if (format === 'csv') return '';
  return rows > 0 ? '\n]\n' : ']\n';
}

/**
 * Writes the entries after `from`, newest first, a batch at a time into `write`, until none are
 * left or the text written reaches `maxChars`. Says where it stopped and whether that was the end.
 */
async function writeExportEntries(
  db: Database,
  filter: AuditFilter,
  format: AuditExportInput['format'],
  from: ExportPosition,
  write: (chunk: string) => Promise<void> | void,
  work: LongWork,
  maxChars: number,
  transaction?: Transaction,
): Promise<{ position: ExportPosition; isComplete: boolean }> {
  let { beforeSeq, done } = from;
  let chars = 0;
  for (;;) {
    work.signal?.throwIfAborted();
    const batch = (await selectEntries(db, filter, beforeSeq, EXPORT_BATCH, transaction)).map(
      toEntry,
    );
    const last = batch.at(-1);
    if (!last) return { position: { ...from, beforeSeq, done }, isComplete: true };
    const text =
      format === 'csv'
        ? `${Papa.unparse(batch.map(csvRow))}\r\n`
        : `${done > 0 ? ',' : ''}\n${batch.map((entry) => JSON.stringify(entry)).join(',\n')}`;
    await write(text);
    chars += text.length;
    done += batch.length;
    beforeSeq = last.seq;
    work.progress?.(done, Math.max(done, from.total), 'exporting');
    const position = { ...from, beforeSeq, done };
    if (batch.length < EXPORT_BATCH) return { position, isComplete: true };
    if (chars >= maxChars) return { position, isComplete: false };
  }
}

/**
 * Writes the history a filter selects, newest first, as CSV or a JSON array, a batch at a time
 * into `write` (a file, stdout): ten million entries never sit in memory at once. Returns how
 * many entries it wrote.
 */
export async function writeAuditExport(
  db: Database,
  input: AuditExportInput,
  write: (chunk: string) => Promise<void> | void,
  work: LongWork = {},
  transaction?: Transaction,
): Promise<number> {
  const { filter, format } = auditExportInputSchema.parse(input);
  const start = await startExport(db, filter, transaction);
  await write(exportHeader(format));
  const { position } = await writeExportEntries(
    db,
    filter,
    format,
    start,
    write,
    work,
    Number.POSITIVE_INFINITY,
    transaction,
  );
  await write(exportFooter(format, position.done));
  return position.done;
}

/**
 * One part of an export through the API (see auditExportPartInputSchema): the caller appends
 * the parts in order, and only it holds the file, so a cancelled export leaves no file behind
 * unless the caller keeps what it has.
 */
export async function readAuditExportPart(
  db: Database,
  input: AuditExportPartInput,
  work: LongWork = {},
  transaction?: Transaction,
): Promise<AuditExportPart> {
  const { filter, format, cursor } = auditExportPartInputSchema.parse(input);
  const fingerprint = exportFingerprint(filter, format);
  const chunks: string[] = [];
  const write = (chunk: string): void => {
    chunks.push(chunk);
  };
  let from: ExportPosition;
  if (cursor === undefined) {
    from = await startExport(db, filter, transaction);
    write(exportHeader(format));
  } else {
    const { of, ...position } = decodeCursor(exportCursorSchema, cursor);
    if (of !== fingerprint) {
      throw new ServiceError(
        'VALIDATION',
        'That cursor continues an export with another filter or format: start the export again.',
        { fields: { cursor: 'belongs to another export' } },
      );
    }
    from = position;
  }
  const { position, isComplete } = await writeExportEntries(
    db,
    filter,
    format,
    from,
    write,
    work,
    EXPORT_PART_CHARS,
    transaction,
  );
  if (isComplete) write(exportFooter(format, position.done));
  return {
    text: chunks.join(''),
    rows: position.done - from.done,
    done: position.done,
    total: Math.max(position.done, position.total),
    nextCursor: isComplete ? null : encodeCursor({ of: fingerprint, ...position }),
  };
}
