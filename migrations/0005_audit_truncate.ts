import type { MigrationDb } from '../db/migration';

/**
 * The tables migration 0002 audits, with the columns its triggers never copy: the truncate
 * trigger masks exactly what the row triggers mask. A list, not a catalog query: `migrate up
 * --sql` prints this migration for a database that doesn't have 0002's triggers yet.
 */
const auditedTables: Record<string, readonly string[]> = {
  users: ['password_hash'],
  courses: [],
  lessons: [],
  quizzes: [],
  enrollments: [],
  lesson_progress: [],
  quiz_attempts: [],
};

/**
 * TRUNCATE empties a table without firing its DELETE triggers, so until now `TRUNCATE courses`
 * in psql left no trace. A BEFORE TRUNCATE trigger on every audited table logs each row about to
 * go as a DELETE with its before snapshot, under the same actor, IP, source and txid rules as
 * every other change: the timeline shows it and undelete brings the rows back. TRUNCATE … CASCADE
 * fires the trigger of each table it empties, so the cascaded rows are logged in the same
 * transaction, where undelete's "with what went with it" finds them.
 *
 * A function of its own rather than a branch of lms_audit_changes: that function is tuned for
 * per-statement row changes (and may be retuned), while this one runs once per TRUNCATE.
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.query(`
    CREATE FUNCTION lms_audit_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      -- As lms_audit_changes reads them: unset (NULL) or ended ('') settings mean raw SQL.
      actor uuid := NULLIF(current_setting('lms.actor_id', true), '')::uuid;
      actor_address inet := NULLIF(current_setting('lms.actor_ip', true), '')::inet;
      change_source text := COALESCE(NULLIF(current_setting('lms.source', true), ''), 'sql');
      secrets text[] := COALESCE(TG_ARGV, '{}');
    BEGIN
      -- The rows are still there before the TRUNCATE: one INSERT … SELECT logs them all.
      EXECUTE format(
        'INSERT INTO audit_log (table_name, record_id, action, before, actor_id, actor_ip, source, txid)
         SELECT %L, t.id, ''DELETE'',
                CASE WHEN cardinality($1) > 0 THEN lms_audit_mask(to_jsonb(t), $1) ELSE to_jsonb(t) END,
                $2, $3, $4, txid_current()
         FROM %I.%I t',
        TG_TABLE_NAME, TG_TABLE_SCHEMA, TG_TABLE_NAME)
      USING secrets, actor, actor_address, change_source;
      RETURN NULL;
    END
    $$;
    ${Object.entries(auditedTables)
      .map(
        ([table, secrets]) => `
    CREATE TRIGGER ${table}_audit_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_truncate(${secrets.map((column) => `'${column}'`).join(', ')});`,
      )
      .join('')}
  `);
}

export async function down(db: MigrationDb): Promise<void> {
  await db.query(`
    ${Object.keys(auditedTables)
      .map((table) => `DROP TRIGGER ${table}_audit_truncate ON ${table};`)
      .join('\n    ')}
    DROP FUNCTION lms_audit_truncate();
  `);
}
