import type pg from 'pg';
import { z } from 'zod';
import type { Database } from '../../connection';
import type {
  SyncConflict,
  SyncConflictKind,
  SyncConflictListInput,
  SyncConflictPage,
} from '../../schemas/sync';
import { decodeCursor, encodeCursor } from '../keyset-cursor';
import { recordKey, TableStatements } from './apply-rows';
import { isSyncedTable, readTableColumns } from './synced-tables';

/** Columns whose values never leave the service (the audit log masks the same ones). */
export const SECRET_COLUMNS = new Set(['password_hash']);
const REDACTED = '[redacted]';

/** An image with its secrets replaced, for people and the wire; a missing secret stays null. */
export function maskSecrets(image: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!image) return null;
  return Object.fromEntries(
    Object.entries(image).map(([key, value]) => [
      key,
      SECRET_COLUMNS.has(key) && value !== null ? REDACTED : value,
    ]),
  );
}

export interface ConflictRow {
  id: string;
  table_name: string;
  record_id: string;
  kind: SyncConflictKind;
  found_by: 'push' | 'pull';
  base: Record<string, unknown> | null;
  local: Record<string, unknown> | null;
  central: Record<string, unknown> | null;
  detail: string;
  detected_at: Date;
  resolved_at: Date | null;
}

export const CONFLICT_COLUMNS = `id::text, table_name, record_id::text, kind, found_by, base, local, central, detail, detected_at, resolved_at`;

/** A conflict as callers see it: secrets masked. */
export function presentConflict(row: ConflictRow): SyncConflict {
  return {
    id: row.id,
    tableName: row.table_name,
    recordId: row.record_id,
    kind: row.kind,
    foundBy: row.found_by,
    base: maskSecrets(row.base),
    local: maskSecrets(row.local),
    central: maskSecrets(row.central),
    detail: row.detail,
    detectedAt: row.detected_at,
    resolvedAt: row.resolved_at,
  };
}

/** Where a page of conflicts ended: the last one's place in the list's order. */
const conflictCursorSchema = z
  .object({
    isResolved: z.boolean(),
    /** `detected_at` to the microsecond, as PostgreSQL prints it (a Date keeps milliseconds only). */
    detectedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
    id: z.uuid(),
  })
  .strict();

/** A cursor past the open ones comes only from a list with the resolved ones. */
const openConflictCursorSchema = conflictCursorSchema.extend({ isResolved: z.literal(false) });

/**
 * One page of conflicts: open ones first, newest first (resolved ones only when asked), the id
 * breaking ties (a link records hundreds at one `now()`). Keyset paging: a conflict resolved
 * while a person pages on neither shifts nor repeats the pages after it. An open conflict shows
 * the local record as it is now, not as it was when the conflict was found: the record may be
 * edited while the conflict waits, and a person must choose between what is really there.
 */
export async function listConflictPage(
  db: Database,
  input: SyncConflictListInput,
): Promise<SyncConflictPage> {
  const { includeResolved = false, cursor, limit = 50 } = input;
  const after =
    cursor === undefined
      ? null
      : decodeCursor(includeResolved ? conflictCursorSchema : openConflictCursorSchema, cursor);
  return db.withRawClient(async (client: pg.ClientBase) => {
    // Open ones only (the Sync page, the usual case): a range of the open-conflicts index.
    const where = includeResolved
      ? `$1::boolean IS NULL
         OR (resolved_at IS NOT NULL) > $1
         OR ((resolved_at IS NOT NULL) = $1 AND (detected_at, id) < ($2::timestamptz, $3::uuid))`
      : `resolved_at IS NULL AND ($1::boolean IS NULL OR (detected_at, id) < ($2::timestamptz, $3::uuid))`;
    const order = includeResolved
      ? `resolved_at IS NOT NULL, detected_at DESC, id DESC`
      : `detected_at DESC, id DESC`;
    const { rows } = await client.query<ConflictRow & { detected_key: string }>(
      `SELECT ${CONFLICT_COLUMNS},
              to_char(detected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS detected_key
         FROM sync_conflicts
        WHERE ${where}
        ORDER BY ${order}
        LIMIT $4`,
      [after?.isResolved ?? null, after?.detectedAt ?? null, after?.id ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const open = page.filter((row) => row.resolved_at === null);
    const live = await readLiveLocals(client, open);
    const last = page.at(-1);
    return {
      items: page.map(({ detected_key: _key, ...row }) =>
        presentConflict(
          row.resolved_at === null ? { ...row, local: live.get(row.id) ?? null } : row,
        ),
      ),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({
              isResolved: last.resolved_at !== null,
              detectedAt: last.detected_key,
              id: last.id,
            })
          : null,
    };
  });
}

/** The largest page a list channel gives: the whole list comes in pages of this. */
const LIST_ALL_PAGE_SIZE = 500;

/** Every conflict (open ones first, newest first), read page by page: for the CLI and checks. */
export async function listConflicts(
  db: Database,
  options: { includeResolved: boolean },
): Promise<SyncConflict[]> {
  const conflicts: SyncConflict[] = [];
  let cursor: string | undefined;
  do {
    const page = await listConflictPage(db, { ...options, cursor, limit: LIST_ALL_PAGE_SIZE });
    conflicts.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return conflicts;
}

/** The local record a conflict is about: the collided local one, or the record itself. */
export function localIdOf(conflict: ConflictRow): string {
  return (conflict.local?.id as string | undefined) ?? conflict.record_id;
}

/** The current local image of each conflict's record, by conflict id (absent when deleted locally). */
export async function readLiveLocals(
  client: pg.ClientBase,
  conflicts: readonly ConflictRow[],
): Promise<Map<string, Record<string, unknown>>> {
  if (conflicts.length === 0) return new Map();
  const statements = new TableStatements(await readTableColumns(client));
  const keys = conflicts.flatMap((conflict) =>
    isSyncedTable(conflict.table_name)
      ? [{ table: conflict.table_name, id: localIdOf(conflict) }]
      : [],
  );
  const images = await statements.readImages(client, keys);
  const live = new Map<string, Record<string, unknown>>();
  for (const conflict of conflicts) {
    const image = images.get(recordKey(conflict.table_name, localIdOf(conflict)));
    if (image) live.set(conflict.id, image);
  }
  return live;
}

/**
 * The fields in which two sides differ (the keys of either), without the bookkeeping columns a
 * person doesn't choose between: `version` and `updated_at` follow from the choice.
 */
export function differingFields(
  local: Record<string, unknown> | null,
  central: Record<string, unknown> | null,
): string[] {
  const keys = new Set([...Object.keys(local ?? {}), ...Object.keys(central ?? {})]);
  return [...keys].filter(
    (key) =>
      !['id', 'version', 'updated_at', 'created_at'].includes(key) &&
      JSON.stringify(local?.[key] ?? null) !== JSON.stringify(central?.[key] ?? null),
  );
}
