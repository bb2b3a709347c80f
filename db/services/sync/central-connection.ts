import pg from 'pg';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  databaseNameOf,
  describeDatabaseUrl,
  explainConnectionError,
  parseDatabaseUrl,
} from '../../database-url';
import { ServiceError } from '../service-error';

/** How a central server is named: its URL (a password in it, or given apart, is used, never kept). */
export interface CentralTarget {
  url: string;
  /** The password, when the URL has none (else PGPASSWORD or ~/.pgpass, as libpq does). */
  password?: string | undefined;
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
 */
export async function connectCentral(target: CentralTarget): Promise<pg.Client> {
  const url = parseDatabaseUrl(target.url);
  const withPassword = new URL(url);
  // node-postgres lets the connection string's (empty) password win over a separate one.
  if (target.password !== undefined && url.password === '') {
    withPassword.password = encodeURIComponent(target.password);
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
    // node-postgres' words when the server asks for a password and none was given.
    if (/password must be a string/.test((error as { message?: string }).message ?? '')) {
      throw new ServiceError(
        'UNAVAILABLE',
        `${describeDatabaseUrl(url)} asks for a password, and none was given (the link keeps none). Give it with the request (--password-stdin), PGPASSWORD or ~/.pgpass.`,
      );
    }
    const explained = explainConnectionError(error, url);
    throw new ServiceError('UNAVAILABLE', explained.message);
  }
  return client;
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
