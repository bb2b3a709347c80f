import pg from 'pg';
import { explainConnectionError, parseDatabaseUrl } from '../database-url';

/** Runs `work` on a client of its own to `url`, closed after; a failure to connect says why. */
export async function withPgClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'lms-admin migrate' });
  try {
    await client.connect();
  } catch (error) {
    throw explainConnectionError(error, parseDatabaseUrl(url));
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
