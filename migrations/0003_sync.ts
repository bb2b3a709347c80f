import type { MigrationDb } from '../db/migration';

/**
 * Sync between a local working copy and a central server. Every database runs the same
 * migrations, so each has every table: a local copy uses `sync_link`, `sync_outbox`,
 * `sync_push_bases` and `sync_conflicts`; the central server uses `sync_applied_batches`, the
 * ledger that makes a re-sent push batch change nothing.
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.query(`
    -- A change that sync applies carries the row image of the replica it came from, version and
    -- updated_at included, so every copy of a record agrees on its version (the token sync
    -- compares against). Any other change bumps them as before.
    CREATE OR REPLACE FUNCTION lms_touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
      END IF;
      IF current_setting('lms.source', true) = 'sync' THEN
        RETURN NEW;
      END IF;
      NEW.updated_at := now();
      NEW.version := OLD.version + 1;
      RETURN NEW;
    END
    $$;

    -- The one central server this database is a working copy of (at most one row).
    CREATE TABLE sync_link (
      is_singleton boolean PRIMARY KEY DEFAULT true,
      -- postgres://user@host:port/database, never with a password.
      central_url text NOT NULL,
      central_system_id text NOT NULL,
      central_database text NOT NULL,
      -- Who this replica is on the central server's ledger.
      replica_id uuid NOT NULL DEFAULT gen_random_uuid(),
      -- Feed positions: every change with seq <= *_seq is done, and so are the transactions in
      -- *_open_xids once they commit (they were running, holding lower seqs, when we last read).
      pulled_seq bigint NOT NULL,
      pulled_open_xids bigint[] NOT NULL DEFAULT '{}',
      pushed_seq bigint NOT NULL,
      pushed_open_xids bigint[] NOT NULL DEFAULT '{}',
      linked_at timestamptz NOT NULL DEFAULT now(),
      last_pushed_at timestamptz,
      last_pulled_at timestamptz,
      CONSTRAINT sync_link_singleton_check CHECK (is_singleton),
      CONSTRAINT sync_link_central_url_check CHECK (
        central_url ~ '^postgres(ql)?://'
        AND central_url !~ '^[^/]*//[^/@]*:[^/@]*@'
        AND central_url !~* '[?&]password='
      ),
      CONSTRAINT sync_link_seq_check CHECK (pulled_seq >= 0 AND pushed_seq >= 0)
    );

    -- Push batches planned but not yet known to be applied centrally: sent again, under the same
    -- id, after a dropped connection or a crash; the central ledger says whether it already counted.
    CREATE TABLE sync_outbox (
      batch_id uuid PRIMARY KEY,
      position integer NOT NULL,
      -- [{table, id, base, row}]: base is the version the change started from (null: new record),
      -- row the record now (null: deleted).
      changes jsonb NOT NULL,
      -- Where the push cursor goes once the last batch of this plan is applied.
      to_seq bigint NOT NULL,
      to_open_xids bigint[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sync_outbox_position_key UNIQUE (position),
      CONSTRAINT sync_outbox_changes_check CHECK (jsonb_typeof(changes) = 'array')
    );

    -- The version a resolved conflict's record must be pushed against (null: not on the central
    -- server), where the local history alone would say otherwise.
    CREATE TABLE sync_push_bases (
      table_name text NOT NULL,
      record_id uuid NOT NULL,
      base_version integer,
      PRIMARY KEY (table_name, record_id)
    );

    CREATE TYPE sync_conflict_kind AS ENUM ('update-update', 'delete-update', 'unique-collision', 'rejected');

    -- A change that could not be applied without overwriting the other side. Both versions stay
    -- as they are (local row here, central row there) until a person resolves it.
    CREATE TABLE sync_conflicts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      table_name text NOT NULL,
      record_id uuid NOT NULL,
      kind sync_conflict_kind NOT NULL,
      -- Which side found it: a push the central server refused, or a pull met by local changes.
      found_by text NOT NULL,
      base jsonb,
      local jsonb,
      central jsonb,
      detail text NOT NULL,
      detected_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      resolved_by uuid,
      resolution jsonb,
      CONSTRAINT sync_conflicts_found_by_check CHECK (found_by IN ('push', 'pull')),
      CONSTRAINT sync_conflicts_sides_check CHECK (local IS NOT NULL OR central IS NOT NULL),
      CONSTRAINT sync_conflicts_resolution_check CHECK ((resolved_at IS NULL) = (resolution IS NULL))
    );
    -- One open conflict per record: a newer central change updates it rather than adding another.
    CREATE UNIQUE INDEX sync_conflicts_open_key ON sync_conflicts (table_name, record_id) WHERE resolved_at IS NULL;
    CREATE INDEX sync_conflicts_detected_at_idx ON sync_conflicts (detected_at DESC);

    -- Central side: every push batch applied, so a re-sent one is recognised and changes nothing.
    CREATE TABLE sync_applied_batches (
      batch_id uuid PRIMARY KEY,
      replica_id uuid NOT NULL,
      -- The transaction that applied it: a replica's pull skips feed entries of its own pushes.
      applied_txid bigint NOT NULL,
      change_count integer NOT NULL,
      -- What the replica must learn (the conflicts), kept so a re-send gets the same answer.
      result jsonb NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sync_applied_batches_change_count_check CHECK (change_count >= 0)
    );
    CREATE INDEX sync_applied_batches_replica_txid_idx ON sync_applied_batches (replica_id, applied_txid);
  `);
}

export async function down(db: MigrationDb): Promise<void> {
  await db.query(`
    DROP TABLE sync_applied_batches, sync_conflicts, sync_push_bases, sync_outbox, sync_link;
    DROP TYPE sync_conflict_kind;
    CREATE OR REPLACE FUNCTION lms_touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
      END IF;
      NEW.updated_at := now();
      NEW.version := OLD.version + 1;
      RETURN NEW;
    END
    $$;
  `);
}
