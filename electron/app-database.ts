/**
 * The database the app runs on, opened the same way by the Electron window and by browser mode:
 * `DATABASE_URL`, the active connection profile, or the embedded server (started here if needed),
 * migrated to the latest schema, then connected.
 */
import { Database } from '../db/connection';
import { openDatabaseTarget } from '../db/database-target';
import { DestructiveMigrationError, Migrator } from '../db/migrator';
import type { SecretBox } from '../db/profiles/secret-box';

/** An open database, and the way to let go of it (and of the embedded server, if started for the app). */
export interface AppDatabase {
  db: Database;
  /** Where it is, in words for messages: never shows a password. */
  label: string;
  close(): Promise<void>;
}

/** Applies every pending migration, saying what it does in `log` lines. */
async function migrateToLatest(databaseUrl: string, log: (line: string) => void): Promise<void> {
  const migrator = new Migrator({ databaseUrl });
  migrator.on('lock-waiting', ({ timeoutMs }) =>
    log(`Waiting up to ${timeoutMs / 1000} s for another process to finish migrating…`),
  );
  migrator.on('migrating', ({ name, index, total }) =>
    log(`Applying ${name} (${index}/${total})…`),
  );
  try {
    const applied = await migrator.up();
    log(`Schema current: ${applied.length} migration(s) applied now.`);
  } catch (error) {
    // Steps that drop data wait for a person's yes on the Migrations page; the app opens meanwhile.
    if (!(error instanceof DestructiveMigrationError)) throw error;
    log(`Migrations left pending: ${error.message}`);
  } finally {
    await migrator.close();
  }
}

/**
 * Opens the app's database. A step that fails lets go of what the steps before it opened, so an
 * embedded server started for nothing is stopped again. `secretBox` opens the active profile's
 * password (the desktop app's keychain); the key file by default.
 */
export async function openAppDatabase(
  log: (line: string) => void,
  secretBox?: SecretBox,
): Promise<AppDatabase> {
  const target = await openDatabaseTarget({ secretBox });
  try {
    log(`Database: ${target.label}.`);
    await migrateToLatest(target.url, log);
    const db = await Database.open(target.url);
    return {
      db,
      label: target.label,
      async close() {
        try {
          await db.close();
        } finally {
          await target.release();
        }
      },
    };
  } catch (error) {
    await target.release();
    throw error;
  }
}
