import type { MigrationDb } from '../db/migration';

/**
 * The tables whose every change the audit log records, with the columns whose values never enter
 * it (a changed secret is listed in changed_fields and shows as '[redacted]', never copied).
 * Every table of migration 0001: the integration test fails on a domain table missing here.
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

/** The three AFTER … FOR EACH STATEMENT triggers that audit one table. */
function auditTriggersOf(table: string, secrets: readonly string[]): string {
  const args = secrets.map((column) => `'${column}'`).join(', ');
  return `
    CREATE TRIGGER ${table}_audit_insert AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_changes(${args});
    CREATE TRIGGER ${table}_audit_update AFTER UPDATE ON ${table}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_changes(${args});
    CREATE TRIGGER ${table}_audit_delete AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_changes(${args});`;
}

/**
 * audit_log of shared/SCHEMA.md: before/after snapshots of every change to the LMS tables,
 * written by triggers so app, CLI, sync and raw SQL alike are recorded. `seq` is the sync
 * change feed's cursor: a total order of the changes, never reused.
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.query(`
    CREATE TYPE audit_action AS ENUM ('INSERT', 'UPDATE', 'DELETE');

    CREATE TABLE audit_log (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY,
      table_name text NOT NULL,
      record_id uuid NOT NULL,
      action audit_action NOT NULL,
      before jsonb,
      after jsonb,
      changed_fields text[],
      -- No foreign key: the history of a user outlives the user.
      actor_id uuid,
      actor_ip inet,
      source text NOT NULL,
      txid bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT audit_log_seq_key UNIQUE (seq),
      CONSTRAINT audit_log_source_check CHECK (source IN ('app', 'cli', 'sync', 'sql')),
      -- What each action carries: an insert has no before, a delete no after, an update both
      -- and the fields it changed.
      CONSTRAINT audit_log_snapshots_check CHECK (
        CASE action
          WHEN 'INSERT' THEN before IS NULL AND after IS NOT NULL
          WHEN 'UPDATE' THEN before IS NOT NULL AND after IS NOT NULL AND cardinality(changed_fields) > 0
          WHEN 'DELETE' THEN before IS NOT NULL AND after IS NULL
        END
      )
    );
    -- A record's history in order (timeline, as-of, revert's "changed since").
    CREATE INDEX audit_log_table_name_record_id_seq_idx ON audit_log (table_name, record_id, seq);
    -- One person's changes over time.
    CREATE INDEX audit_log_actor_id_created_at_idx ON audit_log (actor_id, created_at);
    -- Time ranges: rows arrive in time order, so a BRIN index is tiny and cheap to keep.
    CREATE INDEX audit_log_created_at_brin_idx ON audit_log USING brin (created_at);

    -- Statement-level triggers with transition tables rather than row triggers: one
    -- INSERT … SELECT per statement writes all its rows, where a row trigger pays a PL/pgSQL call
    -- and a separate INSERT for each row. A 100k-row UPDATE cost 1.7x with a row trigger; the
    -- benchmark (tests/bench/cases) measures this one. Rows are the same either way: one per
    -- changed record, in statement order. Arguments (TG_ARGV) name the columns never copied.
    CREATE FUNCTION lms_audit_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      -- A setting that was never set reads NULL; one set for a transaction that ended reads ''.
      actor uuid := NULLIF(current_setting('lms.actor_id', true), '')::uuid;
      actor_address inet := NULLIF(current_setting('lms.actor_ip', true), '')::inet;
      change_source text := COALESCE(NULLIF(current_setting('lms.source', true), ''), 'sql');
      secrets text[] := COALESCE(TG_ARGV, '{}');
      has_secrets boolean := cardinality(COALESCE(TG_ARGV, '{}')) > 0;
      transaction_id bigint := txid_current();
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log (table_name, record_id, action, after, actor_id, actor_ip, source, txid)
        SELECT TG_TABLE_NAME, n.id, 'INSERT', CASE WHEN has_secrets THEN lms_audit_mask(to_jsonb(n), secrets) ELSE to_jsonb(n) END,
               actor, actor_address, change_source, transaction_id
        FROM new_rows n;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit_log (table_name, record_id, action, before, actor_id, actor_ip, source, txid)
        SELECT TG_TABLE_NAME, o.id, 'DELETE', CASE WHEN has_secrets THEN lms_audit_mask(to_jsonb(o), secrets) ELSE to_jsonb(o) END,
               actor, actor_address, change_source, transaction_id
        FROM old_rows o;
      ELSE
        -- Old and new rows pair by id. An UPDATE that changes a row's id (raw SQL only) is the
        -- old record gone and a new one come, so it is logged as a DELETE and an INSERT.
        INSERT INTO audit_log
          (table_name, record_id, action, before, after, changed_fields, actor_id, actor_ip, source, txid)
        SELECT TG_TABLE_NAME, COALESCE(pair.new_id, pair.old_id),
               CASE WHEN pair.old_id IS NULL THEN 'INSERT'
                    WHEN pair.new_id IS NULL THEN 'DELETE'
                    ELSE 'UPDATE' END::audit_action,
               CASE WHEN has_secrets THEN lms_audit_mask(pair.old_row, secrets) ELSE pair.old_row END,
               CASE WHEN has_secrets THEN lms_audit_mask(pair.new_row, secrets) ELSE pair.new_row END,
               CASE WHEN pair.old_id IS NOT NULL AND pair.new_id IS NOT NULL THEN
                 ARRAY(SELECT field.key FROM jsonb_each(pair.new_row) field
                       WHERE field.value IS DISTINCT FROM pair.old_row -> field.key)
               END,
               actor, actor_address, change_source, transaction_id
        FROM (
          -- OFFSET 0 keeps the subquery whole, so each snapshot is built once per row (flattened,
          -- the planner rebuilt to_jsonb(o) for every field the diff looks up: 10x slower).
          SELECT o.id AS old_id, n.id AS new_id, to_jsonb(o) AS old_row, to_jsonb(n) AS new_row
          FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
          OFFSET 0
        ) pair
        -- An UPDATE that changes nothing is no change (lms_touch_row leaves such rows alone).
        WHERE pair.old_row IS DISTINCT FROM pair.new_row;
      END IF;
      RETURN NULL;
    END
    $$
    -- Room to pair a bulk statement's old and new rows in a hash table in memory.
    SET work_mem = '64MB';

    -- A snapshot with each secret column's value replaced by '[redacted]' (a NULL stays NULL,
    -- so "no password" remains visible).
    CREATE FUNCTION lms_audit_mask(snapshot jsonb, secrets text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE
        WHEN snapshot IS NULL THEN NULL
        ELSE snapshot || COALESCE(
          (SELECT jsonb_object_agg(secret, '"[redacted]"'::jsonb) FROM unnest(secrets) secret
           WHERE jsonb_typeof(snapshot -> secret) IS DISTINCT FROM 'null'
             AND snapshot ? secret),
          '{}'::jsonb)
      END
    $$;

    -- History only grows: corrections are new changes, never edits of old ones.
    CREATE FUNCTION lms_audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Revert a change through the app; it is recorded as a new change.';
    END
    $$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION lms_audit_log_refuse_change();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_log_refuse_change();

    ${Object.entries(auditedTables)
      .map(([table, secrets]) => auditTriggersOf(table, secrets))
      .join('\n')}
  `);
}

export async function down(db: MigrationDb): Promise<void> {
  await db.query(`
    ${Object.keys(auditedTables)
      .map(
        (table) => `
    DROP TRIGGER ${table}_audit_insert ON ${table};
    DROP TRIGGER ${table}_audit_update ON ${table};
    DROP TRIGGER ${table}_audit_delete ON ${table};`,
      )
      .join('')}
    DROP TABLE audit_log;
    DROP FUNCTION lms_audit_changes(), lms_audit_mask(jsonb, text[]), lms_audit_log_refuse_change();
    DROP TYPE audit_action;
  `);
}
