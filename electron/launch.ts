/**
 * `npm start` / `npm run web`: prepares the database the app works on (the embedded server,
 * started and migrated, or DATABASE_URL) and keeps it up until Ctrl+C.
 *
 * The window itself (Electron, or the browser over the loopback host where no Electron runtime
 * exists) arrives with the renderer; until then this says so plainly instead of pretending.
 */
import { openDatabaseTarget } from '../db/database-target';
import { Migrator } from '../db/migrator';
import { UserFacingError } from '../db/user-facing-error';

async function launch(): Promise<void> {
  const target = await openDatabaseTarget();
  const migrator = new Migrator({ databaseUrl: target.url });
  migrator.on('migrating', ({ name, index, total }) =>
    console.log(`Applying ${name} (${index}/${total})…`),
  );
  try {
    const applied = await migrator.up();
    console.log(
      `Database ready: ${target.label}; ${applied.length} migration(s) applied now, schema current.`,
    );
  } finally {
    await migrator.close();
  }
  console.log(
    'The LMS Admin window is not built yet (the renderer lands next); use `lms-admin` meanwhile. Ctrl+C stops the database.',
  );
  const stop = async (): Promise<void> => {
    await target.release();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  setInterval(() => undefined, 1 << 30);
}

launch().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? `Error: ${error.message}` : error);
  process.exit(1);
});
