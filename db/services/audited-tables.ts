import type { Transaction } from 'sequelize';
import type { Database } from '../connection';
import { ServiceError } from './service-error';

/** A table the audit triggers watch, as the catalog describes it now. */
export interface AuditedTable {
  name: string;
  /** Its columns, in table order. */
  columns: string[];
  /** Columns the audit log never copies (the trigger's arguments), e.g. password_hash. */
  redacted: string[];
  /** Its single-column foreign keys: which column points at which table. */
  references: { column: string; table: string }[];
}

/** The audited tables by name, parents before the tables that reference them. */
export type AuditedTables = Map<string, AuditedTable>;

/** Columns the database keeps itself: a revert never sets them (the touch trigger moves them on). */
export const BOOKKEEPING_COLUMNS: ReadonlySet<string> = new Set([
  'id',
  'created_at',
  'updated_at',
  'version',
]);

interface AuditedTableRow {
  name: string;
  columns: string[];
  redacted: string[];
  references: { column: string; table: string }[];
}

/**
 * Reads which tables carry the audit triggers (migration 0002's lms_audit_changes) from the
 * catalog, so a table audited by a later migration is revertible without code changes here.
 */
export async function readAuditedTables(
  db: Database,
  transaction?: Transaction,
): Promise<AuditedTables> {
  const rows = await db.select<AuditedTableRow>(
    `SELECT c.relname AS name,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns,
       ARRAY(SELECT DISTINCT arg FROM pg_trigger t,
               unnest(string_to_array(encode(t.tgargs, 'escape'), '\\000')) arg
             WHERE t.tgrelid = c.oid AND t.tgfoid = 'lms_audit_changes'::regproc AND arg <> '') AS redacted,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('column', a.attname, 'table', ref.relname))
                 FROM pg_constraint k
                 JOIN pg_class ref ON ref.oid = k.confrelid
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                 WHERE k.conrelid = c.oid AND k.contype = 'f' AND cardinality(k.conkey) = 1), '[]') AS "references"
     FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace
       AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgfoid = 'lms_audit_changes'::regproc)`,
    [],
    transaction,
  );
  return new Map(parentsFirst(rows).map((row) => [row.name, row]));
}

/** Orders tables so each comes after every table it references (self-references ignored). */
function parentsFirst(tables: AuditedTableRow[]): AuditedTableRow[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: AuditedTableRow[] = [];
  const placed = new Set<string>();
  const place = (table: AuditedTableRow, path: Set<string>): void => {
    if (placed.has(table.name) || path.has(table.name)) return;
    path.add(table.name);
    for (const { table: parent } of table.references) {
      const found = byName.get(parent);
      if (found && parent !== table.name) place(found, path);
    }
    placed.add(table.name);
    ordered.push(table);
  };
  const byNameOrder = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  for (const table of byNameOrder) place(table, new Set());
  return ordered;
}

/** The audited table named `name`, or a VALIDATION error naming the field. */
export function requireAuditedTable(tables: AuditedTables, name: string): AuditedTable {
  const table = tables.get(name);
  if (!table) {
    throw new ServiceError(
      'VALIDATION',
      `"${name}" is not an audited table: choose one of ${[...tables.keys()].join(', ')}.`,
      { fields: { tableName: 'is not an audited table' } },
    );
  }
  return table;
}
