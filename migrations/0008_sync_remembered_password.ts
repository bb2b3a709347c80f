import type { MigrationDb } from '../db/migration';

/**
 * Sync's link may remember the central server's password, so the status check, push and pull
 * work in a new app session without asking again. Only sealed (encrypted by the app's secret
 * box: the keychain's key or the key file beside the embedded database), never as typed: the
 * check refuses anything that isn't a box's label and base64. Deleting the link forgets it.
 *
 * The open conflicts are read a page at a time, newest first: an index in that order (the id
 * breaks ties, as a link records its conflicts all at one `now()`).
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.query(`
    ALTER TABLE sync_link
      ADD COLUMN central_password_sealed text,
      ADD CONSTRAINT sync_link_central_password_sealed_check
        CHECK (central_password_sealed ~ '^(keychain|key-file):[A-Za-z0-9+/]+={0,2}$');
    CREATE INDEX sync_conflicts_open_page_idx ON sync_conflicts (detected_at DESC, id DESC)
      WHERE resolved_at IS NULL;
  `);
}

export async function down(db: MigrationDb): Promise<void> {
  await db.query(`
    DROP INDEX sync_conflicts_open_page_idx;
    ALTER TABLE sync_link DROP COLUMN central_password_sealed;
  `);
}
