import { parseDatabaseUrl, redactDatabaseUrl } from './database-url';
import { resolveDataDir } from './data-dir';
import { EmbeddedServer } from './embedded';
import { ProfileStore, type ProfileCredentials } from './profiles/profile-store';
import { profileUrl } from './profiles/profile-url';
import { secretBoxFor, type SecretBox } from './profiles/secret-box';
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
  /** `--profile`: a saved connection profile by name or id; wins over the active profile. */
  profile?: string | undefined;
  /** What opens profile passwords: the Electron app passes its keychain's; else the key file. */
  secretBox?: SecretBox;
  env?: NodeJS.ProcessEnv;
}

/**
 * Picks the database: `--database-url`, then `--profile`, then `DATABASE_URL`, then the active
 * connection profile, then the embedded server (started if needed).
 */
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
  if (options.databaseUrl !== undefined && options.profile !== undefined) {
    throw new UserFacingError('Give --database-url or --profile, not both.');
  }
  const dataDir = resolveDataDir(env);
  const profiles = new ProfileStore(dataDir, options.secretBox ?? secretBoxFor(dataDir));
  if (options.profile !== undefined) {
    return profileTarget(await profiles.credentialsOf(options.profile), '--profile');
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
  const active = await profiles.activeCredentials();
  if (active) return profileTarget(active, 'active profile');
  const server = new EmbeddedServer(dataDir);
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

function profileTarget(credentials: ProfileCredentials, origin: string): DatabaseTarget {
  const url = profileUrl(credentials);
  return {
    url,
    label: `${redactDatabaseUrl(url)} (${origin} "${credentials.profile.name}")`,
    release: async () => undefined,
  };
}
