import type pg from 'pg';
import type { Database } from '../../connection';
import type { SyncConflict, SyncConflictKind } from '../../schemas/sync';

/** Columns whose values never leave the service (the audit log masks the same ones). */
const SECRET_COLUMNS = new Set(['password_hash']);
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

/** Conflicts, open ones first and newest first (resolved ones only when asked). */
export async function listConflicts(
  db: Database,
  options: { includeResolved: boolean },
): Promise<SyncConflict[]> {
  return db.withRawClient(async (client: pg.ClientBase) => {
    const { rows } = await client.query<ConflictRow>(
      `SELECT ${CONFLICT_COLUMNS} FROM sync_conflicts
        WHERE $1 OR resolved_at IS NULL
        ORDER BY resolved_at IS NOT NULL, detected_at DESC
        LIMIT 1000`,
      [options.includeResolved],
    );
    return rows.map(presentConflict);
  });
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
