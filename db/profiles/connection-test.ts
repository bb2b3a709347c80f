import pg from 'pg';
import type { ConnectionTestResult } from '../schemas/connection-profiles';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  explainConnectionError,
  parseDatabaseUrl,
} from '../database-url';

/**
 * Connects once and says what is there: the server's version, whether the link is encrypted, and
 * how many of the app's migrations it has. A failure is an answer too, in words, never a throw:
 * the person is asking whether it works.
 */
export async function testConnection(
  rawUrl: string,
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<ConnectionTestResult> {
  const url = parseDatabaseUrl(rawUrl);
  const started = performance.now();
  const client = new pg.Client({ connectionString: rawUrl, connectionTimeoutMillis: timeoutMs });
  // A server that drops the link after connecting emits 'error' on the client; the query fails too.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{
      server_version: string;
      is_ssl: boolean | null;
      has_ledger: boolean;
    }>(
      `SELECT current_setting('server_version') AS server_version,
              (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS is_ssl,
              to_regclass('schema_migrations') IS NOT NULL AS has_ledger`,
    );
    const [server] = rows;
    const applied = server?.has_ledger
      ? (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'))
          .rows[0]?.n
      : 0;
    return {
      ok: true,
      serverVersion: server?.server_version ?? 'unknown',
      isSsl: server?.is_ssl === true,
      appliedMigrations: applied ?? 0,
      latencyMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { ok: false, message: explainConnectionError(error, url).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}
