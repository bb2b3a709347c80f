import pg from 'pg';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  databaseNameOf,
  describeDatabaseUrl,
  explainConnectionError,
  parseDatabaseUrl,
} from '../../database-url';
import type { SecretBox } from '../../profiles/secret-box';
import { ServiceError } from '../service-error';

/**
 * How a central server is named: its URL (a password in it, or given apart, is used, never kept
 * unless the person asks to remember it: then only sealed, see `remembered-password.ts`).
 */
export interface CentralTarget {
  url: string;
  /** The password, when the URL has none (else the remembered one, else PGPASSWORD or ~/.pgpass, as libpq does). */
  password?: string | undefined;
  /** What opens the link's remembered password; without it a remembered password is not used. */
  secrets?: SecretBox | undefined;
  /** The link's remembered password, sealed by `secrets`. */
  sealedPassword?: string | null | undefined;
  /** How long to wait for the server to answer. */
  connectTimeoutMs?: number;
}

/** A central URL without its password: what the link keeps and messages show. */
export function centralIdentityUrl(raw: string): string {
  const url = parseDatabaseUrl(raw);
  url.password = '';
  url.searchParams.delete('password');
  return url.toString();
}

/** Who a server is: its cluster's system identifier and the database, so a link never follows a URL to another server. */
export interface ServerIdentity {
  systemId: string;
  database: string;
}

export async function readServerIdentity(client: pg.ClientBase): Promise<ServerIdentity> {
  const { rows } = await client.query<{ system_id: string; database: string }>(
    `SELECT system_identifier::text AS system_id, current_database() AS database FROM pg_control_system()`,
  );
  const row = rows[0];
  if (!row) throw new Error('pg_control_system() returned no row');
  return { systemId: row.system_id, database: row.database };
}

/**
 * Opens one connection to the central server, in UTC (row images compare as text). A URL that
 * doesn't parse or a server that refuses is one clear line (UNAVAILABLE), never with the password.
 * The password: the URL's, else the one given, else the remembered one, else libpq's sources.
 */
export async function connectCentral(target: CentralTarget): Promise<pg.Client> {
  const url = parseDatabaseUrl(target.url);
  const withPassword = new URL(url);
  const isRemembered =
    url.password === '' &&
    target.password === undefined &&
    Boolean(target.sealedPassword) &&
    target.secrets !== undefined;
  const password =
    isRemembered && target.secrets && target.sealedPassword
      ? await openRememberedPassword(target.secrets, target.sealedPassword, url)
      : target.password;
  // node-postgres lets the connection string's (empty) password win over a separate one.
  if (password !== undefined && url.password === '') {
    withPassword.password = encodeURIComponent(password);
  }
  const client = new pg.Client({
    connectionString: withPassword.toString(),
    database: databaseNameOf(url),
    connectionTimeoutMillis: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    application_name: 'lms-admin sync',
  });
  // A connection that drops later (network gone, server restarted) fails the query under way;
  // without a listener the 'error' event would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`SET TimeZone = 'UTC'`);
  } catch (error) {
    await client.end().catch(() => undefined);
    if (isRemembered && (error as { code?: string }).code === '28P01') {
      throw new ServiceError(
        'UNAVAILABLE',
        `${describeDatabaseUrl(url)} refused the remembered password: it was changed or has expired. Enter the password again (and remember it anew), or forget the remembered one.`,
      );
    }
    // node-postgres' words when the server asks for a password and none was given.
    if (/password must be a string/.test((error as { message?: string }).message ?? '')) {
      throw new ServiceError(
        'UNAVAILABLE',
        `${describeDatabaseUrl(url)} asks for a password, and none was given (none is remembered for this link). Give it with the request (--password-stdin), remember it (lms-admin sync remember-password, or on the Sync page), or set PGPASSWORD or ~/.pgpass.`,
      );
    }
    const explained = explainConnectionError(error, url);
    throw new ServiceError('UNAVAILABLE', explained.message);
  }
  return client;
}

/**
 * The remembered password, opened. One this box can't open (sealed by the desktop app's keychain
 * and read by the CLI, or under a key file since replaced) is a clear UNAVAILABLE that asks for
 * the password again; the box's own words are for connection profiles, so they are not passed on.
 */
async function openRememberedPassword(
  secrets: SecretBox,
  sealed: string,
  url: URL,
): Promise<string> {
  try {
    return await secrets.decrypt(sealed);
  } catch {
    const sealedBy = sealed.startsWith('keychain:')
      ? "the desktop app's operating system keychain, which only the desktop app can open"
      : 'a key file this app no longer has (another data folder, or the key was replaced)';
    throw new ServiceError(
      'UNAVAILABLE',
      `The remembered password for ${describeDatabaseUrl(url)} was sealed with ${sealedBy}. Enter the password again (and remember it anew here), or forget the remembered one.`,
    );
  }
}

/** `user@host:port/database` of a central URL, for messages. */
export function describeCentral(raw: string): string {
  return describeDatabaseUrl(parseDatabaseUrl(raw));
}

/** The migrations a database has applied, name → checksum. */
export async function readAppliedMigrations(client: pg.ClientBase): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; checksum: string }>(
    `SELECT name, checksum FROM schema_migrations ORDER BY name COLLATE "C"`,
  );
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

/**
 * Refuses, naming every difference, unless both databases applied the same migrations with the
 * same checksums: the same tables and columns are what makes a row image mean the same thing.
 */
export function assertSameMigrations(
  local: Map<string, string>,
  central: Map<string, string>,
  centralName: string,
): void {
  const differences: string[] = [];
  for (const [name, checksum] of local) {
    const other = central.get(name);
    if (other === undefined) differences.push(`${name} is applied here but not on ${centralName}`);
    else if (other !== checksum) differences.push(`${name} differs (its file changed on one side)`);
  }
  for (const name of central.keys()) {
    if (!local.has(name)) differences.push(`${name} is applied on ${centralName} but not here`);
  }
  if (differences.length > 0) {
    throw new ServiceError(
      'CONFLICT',
      `The migrations of this database and ${centralName} differ: ${differences.join('; ')}. Apply the same migrations on both (lms-admin migrate up) and try again.`,
    );
  }
}
