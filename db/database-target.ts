import { parseDatabaseUrl, redactDatabaseUrl } from './database-url';
import { resolveDataDir } from './data-dir';
import { EmbeddedServer } from './embedded';
import { UserFacingError } from './user-facing-error';

/** The database a command works on, and how to let go of it when done. */
export interface DatabaseTarget {
  url: string;
  /** Where it came from, in words, for messages: never shows a password. */
  label: string;
  /** Stops the embedded server if it was started for commands (not `db start`) and nobody else uses it. */
  release(): Promise<void>;
}

export interface DatabaseTargetOptions {
  /** `--database-url`: wins over the environment. */
  databaseUrl?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/** Picks the database: `--database-url`, then `DATABASE_URL`, then the embedded server (started if needed). */
export async function openDatabaseTarget(
  options: DatabaseTargetOptions = {},
): Promise<DatabaseTarget> {
  const env = options.env ?? process.env;
  // Given but empty, as from `--database-url "$TYPO"`: choosing another database instead would
  // run the command on the wrong one. (An empty DATABASE_URL is as good as unset, as usual.)
  if (options.databaseUrl !== undefined && options.databaseUrl.trim() === '') {
    throw new UserFacingError(
      '--database-url is empty: give it a postgres:// URL, or leave it out to use DATABASE_URL or the embedded server.',
    );
  }
  const explicit = options.databaseUrl?.trim() || env.DATABASE_URL?.trim();
  if (explicit) {
    parseDatabaseUrl(explicit);
    const origin = options.databaseUrl !== undefined ? '--database-url' : 'DATABASE_URL';
    return {
      url: explicit,
      label: `${redactDatabaseUrl(explicit)} (${origin})`,
      release: async () => undefined,
    };
  }
  const server = new EmbeddedServer(resolveDataDir(env));
  const handle = await server.start({ isTransient: true });
  return {
    url: handle.url,
    label: `embedded PostgreSQL in ${server.dataDir}`,
    // Not only when started here: the command that started it may have finished first, while
    // this one was still using it. A server `db start` left running stays.
    release: async () => {
      await server.releaseTransient();
    },
  };
}
