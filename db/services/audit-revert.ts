import pg from 'pg';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import {
  revertChangeInputSchema,
  revertTransactionInputSchema,
  undeleteInputSchema,
  type AuditEntry,
  type AuditSnapshot,
  type RevertChangeInput,
  type RevertConflict,
  type RevertResult,
  type RevertTransactionConflict,
  type RevertTransactionInput,
  type UndeleteInput,
} from '../schemas/audit';
import { entriesAfter, getAuditEntry, transactionEntries, type TransactionKey } from './audit';
import {
  BOOKKEEPING_COLUMNS,
  readAuditedTables,
  requireAuditedTable,
  type AuditedTable,
  type AuditedTables,
} from './audited-tables';
import { ServiceError } from './service-error';

// A revert is a new change (the history only grows): it writes the old values back with plain
// SQL inside the caller's transaction, so the audit triggers record it with the admin as actor.

/** The most changes since a reverted one that a CONFLICT lists. */
const CONFLICT_LISTING = 50;
/** The most changes one transaction revert or undelete handles at once. */
const MAX_TRANSACTION_CHANGES = 50_000;

type RestoredAction = RevertResult['restored'][number]['action'];

/** Runs one statement of the revert inside its transaction. */
async function run(
  db: Database,
  sql: string,
  bind: unknown[],
  transaction: Transaction,
): Promise<number> {
  const [, affected] = await db.sequelize.query(sql, { bind, transaction, type: QueryTypes.RAW });
  return typeof affected === 'number'
    ? affected
    : ((affected as { rowCount?: number }).rowCount ?? 0);
}

/** Locks a record, if it exists, and returns it as a snapshot (secrets redacted like the log). */
async function lockRecord(
  db: Database,
  table: AuditedTable,
  recordId: string,
  transaction: Transaction,
): Promise<AuditSnapshot | null> {
  const rows = await db.select<{ snapshot: AuditSnapshot }>(
    `SELECT to_jsonb(t) AS snapshot FROM ${pg.escapeIdentifier(table.name)} t WHERE id = $1 FOR UPDATE`,
    [recordId],
    transaction,
  );
  const snapshot = rows[0]?.snapshot;
  if (!snapshot) return null;
  for (const column of table.redacted) {
    if (snapshot[column] !== null && snapshot[column] !== undefined)
      snapshot[column] = '[redacted]';
  }
  return snapshot;
}

/** Sets `fields` of a record back to their values in `target` (an UPDATE the triggers see). */
async function writeFields(
  db: Database,
  table: AuditedTable,
  recordId: string,
  target: AuditSnapshot,
  fields: string[],
  transaction: Transaction,
): Promise<void> {
  const columns = fields.map((field) => pg.escapeIdentifier(field)).join(', ');
  const name = pg.escapeIdentifier(table.name);
  await run(
    db,
    `UPDATE ${name} SET (${columns}) = (SELECT ${columns} FROM jsonb_populate_record(NULL::${name}, $1::jsonb))
     WHERE id = $2`,
    [JSON.stringify(target), recordId],
    transaction,
  );
}

/** Inserts a record as `snapshot` shows it; secrets, never logged, start out empty. */
async function insertSnapshot(
  db: Database,
  table: AuditedTable,
  snapshot: AuditSnapshot,
  transaction: Transaction,
): Promise<void> {
  const fields = table.columns.filter(
    (column) => column in snapshot && !table.redacted.includes(column),
  );
  const columns = fields.map((field) => pg.escapeIdentifier(field)).join(', ');
  const name = pg.escapeIdentifier(table.name);
  await run(
    db,
    `INSERT INTO ${name} (${columns}) SELECT ${columns} FROM jsonb_populate_record(NULL::${name}, $1::jsonb)`,
    [JSON.stringify(snapshot)],
    transaction,
  );
}

/** The fields a change set that a revert can put back: neither bookkeeping nor secrets. */
function revertibleFields(entry: AuditEntry, table: AuditedTable): string[] {
  return (entry.changedFields ?? []).filter(
    (field) =>
      !BOOKKEEPING_COLUMNS.has(field) &&
      !table.redacted.includes(field) &&
      table.columns.includes(field),
  );
}

function secretFields(entry: AuditEntry, table: AuditedTable): string[] {
  return (entry.changedFields ?? [])
    .filter((field) => table.redacted.includes(field))
    .map((field) => `${table.name}.${field}`);
}

function conflict(message: string, details: RevertConflict | RevertTransactionConflict): never {
  throw new ServiceError('CONFLICT', message, { current: details });
}

/** Reverts one change as a new change: an update's fields set back, an insert deleted, a delete undone. */
export async function revertChange(
  db: Database,
  input: RevertChangeInput,
  transaction: Transaction,
): Promise<RevertResult> {
  const { seq, choices } = revertChangeInputSchema.parse(input);
  const tables = await readAuditedTables(db, transaction);
  const entry = await getAuditEntry(db, seq, transaction);
  if (entry.action === 'DELETE') return restoreDeleted(db, tables, entry, false, transaction);
  const table = requireAuditedTable(tables, entry.tableName);
  const current = await lockRecord(db, table, entry.recordId, transaction);
  // Read after the lock: a change committed while we waited for it is seen here.
  const later = await entriesAfter(db, entry, CONFLICT_LISTING, transaction);
  const fields = revertibleFields(entry, table);
  const contested = [...new Set(later.flatMap((change) => change.changedFields ?? []))].filter(
    (field) => fields.includes(field),
  );
  const details: RevertConflict = {
    tableName: entry.tableName,
    recordId: entry.recordId,
    current,
    changesSince: later,
    contestedFields: contested,
  };
  if (entry.action === 'INSERT') {
    if (later.length > 0 || current === null) {
      conflict(
        `This ${entry.tableName} record changed after it was created (${later.length} later change${later.length === 1 ? '' : 's'}): revert those first, or delete it yourself.`,
        details,
      );
    }
    await run(
      db,
      `DELETE FROM ${pg.escapeIdentifier(table.name)} WHERE id = $1`,
      [entry.recordId],
      transaction,
    );
    return {
      restored: [{ tableName: table.name, recordId: entry.recordId, action: 'DELETE' }],
      skippedSecrets: [],
    };
  }
  const before = entry.before;
  if (!before) throw new Error(`audit entry ${entry.seq} is an UPDATE without a before snapshot`);
  if (fields.length === 0) {
    throw new ServiceError(
      'VALIDATION',
      `Change #${entry.seq} changed only ${(entry.changedFields ?? []).join(', ')}, which history can't put back (secrets are never copied): set a new value instead.`,
      { fields: { seq: 'has nothing a revert can restore' } },
    );
  }
  if (current === null) {
    conflict(
      `This ${entry.tableName} record was deleted after change #${entry.seq}: undelete it first.`,
      details,
    );
  }
  if (later.length > 0) {
    if (!choices) {
      conflict(
        `This ${entry.tableName} record changed ${later.length === 1 ? 'once' : `${later.length} times`} since change #${entry.seq}${contested.length > 0 ? ` (${contested.join(', ')} again)` : ''}: choose, field by field, what to revert and what to keep.`,
        details,
      );
    }
    const unchosen = contested.filter((field) => choices[field] === undefined);
    if (unchosen.length > 0) {
      throw new ServiceError(
        'VALIDATION',
        `Choose whether to revert or keep ${unchosen.join(', ')}: a later change set ${unchosen.length === 1 ? 'it' : 'them'} too.`,
        {
          fields: Object.fromEntries(
            unchosen.map((field) => [`choices.${field}`, 'needs a choice']),
          ),
        },
      );
    }
  }
  const chosen = fields.filter((field) => (choices?.[field] ?? 'revert') === 'revert');
  if (chosen.length === 0) {
    throw new ServiceError('VALIDATION', 'Every field is kept: there is nothing to revert.', {
      fields: { choices: 'keeps every field' },
    });
  }
  await writeFields(db, table, entry.recordId, before, chosen, transaction);
  return {
    restored: [{ tableName: table.name, recordId: entry.recordId, action: 'UPDATE' }],
    skippedSecrets: secretFields(entry, table),
  };
}

/** One record a transaction touched: its state before the transaction and its last change in it. */
interface TouchedRecord {
  table: AuditedTable;
  recordId: string;
  before: AuditSnapshot | null;
  lastSeq: string;
  secrets: string[];
}

/** The entries of one transaction, refusing one too big to revert at once. */
async function allTransactionEntries(
  db: Database,
  key: TransactionKey,
  transaction: Transaction,
): Promise<AuditEntry[]> {
  const entries = await transactionEntries(
    db,
    key,
    undefined,
    MAX_TRANSACTION_CHANGES + 1,
    transaction,
  );
  if (entries.length > MAX_TRANSACTION_CHANGES) {
    throw new ServiceError(
      'VALIDATION',
      `That transaction changed more than ${MAX_TRANSACTION_CHANGES.toLocaleString('en')} records: revert it in parts, change by change.`,
      { fields: { seq: 'names a transaction too big to revert at once' } },
    );
  }
  return entries;
}

/** The later changes (outside the transaction) to the records it touched, oldest first. */
async function changesSince(
  db: Database,
  records: TouchedRecord[],
  transaction: Transaction,
): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for (const record of records) {
    found.push(
      ...(await entriesAfter(
        db,
        { tableName: record.table.name, recordId: record.recordId, seq: record.lastSeq },
        CONFLICT_LISTING - found.length,
        transaction,
      )),
    );
    if (found.length >= CONFLICT_LISTING) break;
  }
  return found;
}

/** Locks every record a revert will touch, table by table, in one statement each. */
async function lockRecords(
  db: Database,
  records: TouchedRecord[],
  transaction: Transaction,
): Promise<Set<string>> {
  const existing = new Set<string>();
  const idsByTable = new Map<string, string[]>();
  for (const record of records) {
    const ids = idsByTable.get(record.table.name) ?? [];
    ids.push(record.recordId);
    idsByTable.set(record.table.name, ids);
  }

  for (const [tableName, ids] of idsByTable) {
    const rows = await db.select<{ id: string }>(
      `SELECT id FROM ${pg.escapeIdentifier(tableName)} WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
      transaction,
    );
    for (const row of rows) existing.add(`${tableName}/${row.id}`);
  }
  return existing;
}

/**
 * Puts each record back to `before` (its state before the transaction), in an order the foreign
 * keys allow: re-inserts parents first, then updates, then deletes children first.
 */
async function restoreRecords(
  db: Database,
  tables: AuditedTables,
  records: TouchedRecord[],
  existing: Set<string>,
  transaction: Transaction,
): Promise<RevertResult> {
  // Positions of a course's lessons may pass through each other on the way back.
  await run(db, 'SET CONSTRAINTS ALL DEFERRED', [], transaction);
  const order = [...tables.keys()];
  const rank = (record: TouchedRecord): number => order.indexOf(record.table.name);
  const exists = (record: TouchedRecord): boolean =>
    existing.has(`${record.table.name}/${record.recordId}`);
  const restored: RevertResult['restored'] = [];
  const done = (record: TouchedRecord, action: RestoredAction): void => {
    restored.push({ tableName: record.table.name, recordId: record.recordId, action });
  };
  const reinserts = records.filter((record) => record.before && !exists(record));
  for (const record of reinserts.sort((a, b) => rank(a) - rank(b))) {
    if (record.before) await insertSnapshot(db, record.table, record.before, transaction);
    done(record, 'INSERT');
  }
  for (const record of records.filter((candidate) => candidate.before && exists(candidate))) {
    const before = record.before;
    if (!before) continue;
    const fields = record.table.columns.filter(
      (column) =>
        column in before &&
        !BOOKKEEPING_COLUMNS.has(column) &&
        !record.table.redacted.includes(column),
    );
    await writeFields(db, record.table, record.recordId, before, fields, transaction);
    done(record, 'UPDATE');
  }
  const deletes = records.filter((record) => !record.before && exists(record));
  for (const record of deletes.sort((a, b) => rank(b) - rank(a))) {
    await run(
      db,
      `DELETE FROM ${pg.escapeIdentifier(record.table.name)} WHERE id = $1`,
      [record.recordId],
      transaction,
    );
    done(record, 'DELETE');
  }
  const secrets = records.flatMap((record) => record.secrets);
  return { restored, skippedSecrets: [...new Set(secrets)] };
}

/** The records `entries` touched, each with its state before the first of them. */
function touchedRecords(tables: AuditedTables, entries: AuditEntry[]): TouchedRecord[] {
  const records = new Map<string, TouchedRecord>();
  for (const entry of entries) {
    const table = requireAuditedTable(tables, entry.tableName);
    const key = `${entry.tableName}/${entry.recordId}`;
    const secrets =
      entry.action === 'UPDATE'
        ? secretFields(entry, table)
        : entry.before && table.redacted.some((column) => entry.before?.[column] === '[redacted]')
          ? table.redacted.map((column) => `${table.name}.${column}`)
          : [];
    const known = records.get(key);
    if (known) {
      known.lastSeq = entry.seq;
      known.secrets.push(...secrets);
    } else {
      records.set(key, {
        table,
        recordId: entry.recordId,
        before: entry.action === 'INSERT' ? null : entry.before,
        lastSeq: entry.seq,
        secrets,
      });
    }
  }
  return [...records.values()];
}

/** Checks, under lock, that nothing changed the records since; then puts them back. */
async function restoreUnlessChanged(
  db: Database,
  tables: AuditedTables,
  records: TouchedRecord[],
  message: (count: number) => string,
  transaction: Transaction,
): Promise<RevertResult> {
  const existing = await lockRecords(db, records, transaction);
  const later = await changesSince(db, records, transaction);
  if (later.length > 0) conflict(message(later.length), { changesSince: later });
  return restoreRecords(db, tables, records, existing, transaction);
}

/** Reverts everything the transaction of entry `seq` did, as one new transaction. */
export async function revertTransaction(
  db: Database,
  input: RevertTransactionInput,
  transaction: Transaction,
): Promise<RevertResult> {
  const { seq } = revertTransactionInputSchema.parse(input);
  const tables = await readAuditedTables(db, transaction);
  const anchor = await getAuditEntry(db, seq, transaction);
  const entries = await allTransactionEntries(
    db,
    { txid: anchor.txid, anchorSeq: anchor.seq },
    transaction,
  );
  const records = touchedRecords(tables, entries);
  return restoreUnlessChanged(
    db,
    tables,
    records,
    (count) =>
      `Records this transaction changed were changed again since (${count}${count >= CONFLICT_LISTING ? '+' : ''} later change${count === 1 ? '' : 's'}): revert those first, or revert single changes with per-field choices.`,
    transaction,
  );
}

/** Whether `entry`'s row pointed at one of `ids` before the change, through a foreign key. */
function referencesAny(entry: AuditEntry, table: AuditedTable, ids: Set<string>): boolean {
  return table.references.some(({ column }) => {
    const value = entry.before?.[column];
    return typeof value === 'string' && ids.has(value);
  });
}

/**
 * The entries of `deleted`'s transaction that went with it: rows deleted because they pointed at
 * it (ON DELETE CASCADE, to any depth) and links it cut (ON DELETE SET NULL).
 */
function cascadedWith(
  tables: AuditedTables,
  deleted: AuditEntry,
  transactionChanges: AuditEntry[],
): AuditEntry[] {
  const ids = new Set([deleted.recordId]);
  const chosen = new Set([deleted.seq]);
  const found = [deleted];
  for (let grew = true; grew;) {
    grew = false;
    for (const entry of transactionChanges) {
      if (chosen.has(entry.seq) || entry.action === 'INSERT') continue;
      const table = tables.get(entry.tableName);
      if (!table || !referencesAny(entry, table, ids)) continue;
      const isUnlink =
        entry.action === 'UPDATE' &&
        revertibleFields(entry, table).every((field) =>
          table.references.some((reference) => reference.column === field),
        );
      if (entry.action === 'DELETE' || isUnlink) {
        chosen.add(entry.seq);
        found.push(entry);
        if (entry.action === 'DELETE') ids.add(entry.recordId);
        grew = true;
      }
    }
  }
  return found;
}

async function restoreDeleted(
  db: Database,
  tables: AuditedTables,
  deleted: AuditEntry,
  withCascaded: boolean,
  transaction: Transaction,
): Promise<RevertResult> {
  const entries = withCascaded
    ? cascadedWith(
        tables,
        deleted,
        await allTransactionEntries(
          db,
          { txid: deleted.txid, anchorSeq: deleted.seq },
          transaction,
        ),
      )
    : [deleted];
  const records = touchedRecords(tables, entries);
  const existing = await lockRecords(db, records, transaction);
  if (existing.has(`${deleted.tableName}/${deleted.recordId}`)) {
    conflict(`This ${deleted.tableName} record exists again: there is nothing to undelete.`, {
      changesSince: await changesSince(db, records, transaction),
    });
  }
  return restoreUnlessChanged(
    db,
    tables,
    records,
    (count) =>
      `Rows this undelete would bring back were changed since they were deleted (${count} later change${count === 1 ? '' : 's'}): look at them before trying again.`,
    transaction,
  );
}

/** Brings back a deleted record, and on request what its deletion took with it. */
export async function undeleteRecord(
  db: Database,
  input: UndeleteInput,
  transaction: Transaction,
): Promise<RevertResult> {
  const { seq, withCascaded } = undeleteInputSchema.parse(input);
  const tables = await readAuditedTables(db, transaction);
  const entry = await getAuditEntry(db, seq, transaction);
  if (entry.action !== 'DELETE') {
    throw new ServiceError(
      'VALIDATION',
      `Change #${seq} is an ${entry.action}, not a deletion: name the change that deleted the record.`,
      { fields: { seq: 'is not a deletion' } },
    );
  }
  requireAuditedTable(tables, entry.tableName);
  return restoreDeleted(db, tables, entry, withCascaded, transaction);
}
