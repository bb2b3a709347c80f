import { UserFacingError } from './user-facing-error';

/** A PostgreSQL URL, checked once at the edge: protocol, host and database are present. */
export function parseDatabaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UserFacingError(
      `Not a valid database URL: "${redactDatabaseUrl(raw)}". Expected postgres://USER:PASSWORD@HOST:PORT/DATABASE.`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UserFacingError(
      `Not a PostgreSQL URL: "${redactDatabaseUrl(raw)}" uses ${url.protocol}//; expected postgres:// or postgresql://.`,
    );
  }
  if (!hostOf(url)) {
    throw new UserFacingError(`The database URL "${redactDatabaseUrl(raw)}" names no host.`);
  }
  if (url.pathname.replace(/^\//, '') === '') {
    throw new UserFacingError(
      `The database URL "${redactDatabaseUrl(raw)}" names no database (add /DATABASE at the end).`,
    );
  }
  return url;
}

/**
 * The host a URL names: its authority, else a `?host=` parameter, which is how libpq and node-postgres
 * take a Unix socket folder (`postgres:///lms?host=/var/run/postgresql`).
 */
function hostOf(url: URL): string {
  return url.hostname || url.searchParams.get('host') || '';
}

/** The URL with its password replaced, for messages and logs. */
export function redactDatabaseUrl(raw: string): string {
  return (
    raw
      // URL parsers end the user info at the last `@` before the path, so a password may hold an
      // unencoded `@`; in a URL too broken to parse, it may also hold a `/`.
      .replace(/^([^:/?#]*:\/\/[^:/?#]*:)(?:[^/?#]*|[^@]*)@/, '$1***@')
      // node-postgres also takes the password from the query string.
      .replace(/([?&]password=)[^&#]*/gi, '$1***')
  );
}

/** Decodes a percent-encoded part of a URL, or leaves it as written when its encoding is broken. */
function decodeLeniently(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The password a URL carries, percent-decoded; undefined when it has none. */
export function passwordOf(url: URL): string | undefined {
  return decodeLeniently(url.password) || undefined;
}

/** The database a URL names, percent-decoded (`lms%20prod` is the database `lms prod`). */
export function databaseNameOf(url: URL): string {
  return decodeLeniently(url.pathname.slice(1));
}

/** Where a URL points, in words: `user@host:port/database`. */
export function describeDatabaseUrl(url: URL): string {
  const user = decodeLeniently(url.username) || '(default user)';
  return `${user}@${hostOf(url)}:${url.port || '5432'}/${databaseNameOf(url)}`;
}

/**
 * How long a new connection may wait for the server to answer. Without a limit, a host that drops
 * packets (a firewall) or a port where something other than PostgreSQL listens keeps a command
 * waiting for minutes, or for ever.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** How node-postgres fails when its connectionTimeoutMillis runs out: this message, and no code. */
const PG_CONNECT_TIMEOUT_MESSAGE = 'timeout expired';

/** How node-postgres fails when SSL was asked for and the server has none: this message, and no code. */
const PG_NO_SSL_MESSAGE = 'The server does not support SSL connections';

/** Turns a failure to connect into one line that says which part was wrong and what to do. */
export function explainConnectionError(error: unknown, url: URL): Error {
  const where = describeDatabaseUrl(url);
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  switch (code ?? (message === PG_CONNECT_TIMEOUT_MESSAGE ? 'ETIMEDOUT' : undefined)) {
    case 'ECONNREFUSED':
      return new UserFacingError(
        `Can't connect to PostgreSQL at ${hostOf(url)}:${url.port || '5432'}: connection refused. Is the server running, and is the port right?`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserFacingError(
        `Can't connect to PostgreSQL: unknown host "${hostOf(url)}". Check the host in the database URL.`,
      );
    case 'ETIMEDOUT':
      return new UserFacingError(
        `Can't connect to PostgreSQL at ${hostOf(url)}:${url.port || '5432'}: timed out. Check the host, port and firewall.`,
      );
    case '28P01':
      return new UserFacingError(
        `PostgreSQL refused the password for ${where}. Check the user and password in the database URL.`,
      );
    case '28000':
      return new UserFacingError(
        `PostgreSQL refused the connection for ${where}: ${message}. Check the user, or the server's pg_hba.conf.`,
      );
    case '3D000':
      return new UserFacingError(
        `The database "${databaseNameOf(url)}" does not exist on ${hostOf(url)}:${url.port || '5432'}. Create it (createdb) or fix the database URL.`,
      );
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return new UserFacingError(
        `The certificate of ${hostOf(url)} is not signed by a CA this computer trusts (${code}). Give the server's CA certificate, or use sslmode=require to encrypt without checking it.`,
      );
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new UserFacingError(
        `The certificate of ${hostOf(url)} is for another host name. Connect by the name in the certificate, or use sslmode=verify-ca.`,
      );
    case '57P03':
      return new UserFacingError(
        `PostgreSQL at ${hostOf(url)} is starting up or shutting down; try again in a moment.`,
      );
    default:
      if (error instanceof UserFacingError) return error;
      if (message === PG_NO_SSL_MESSAGE) {
        return new UserFacingError(
          `PostgreSQL at ${hostOf(url)}:${url.port || '5432'} does not accept SSL connections. Enable SSL on the server, or set sslmode=disable if the network is trusted.`,
        );
      }
      return new UserFacingError(
        `Can't connect to PostgreSQL (${where}): ${message ?? String(error)}`,
      );
  }
}
