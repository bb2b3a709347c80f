import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { Database } from '../../../db/connection';
import { copyInto } from '../../../db/copy-rows';
import { seedDemoData } from '../../../db/seed';
import { compareMedians, goals, type BenchResult, type Sampling } from '../harness';
import { withMigratedDatabase } from '../servers';

/**
 * e. `db seed` of users only (generated, streamed, indexes set aside and rebuilt) against a plain
 * `COPY users FROM STDIN` of the same rows from a buffer already in memory, into the same table
 * with all its indexes. Every run starts from an empty table after a checkpoint.
 */
export async function seedVersusCopy(userCount: number, sampling: Sampling): Promise<BenchResult> {
  return withMigratedDatabase(async (url) => {
    const db = await Database.open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // The baseline's rows: the first seed's output, read back once, untimed.
      const rows: Buffer[] = [];
      const keepFirstSeedRows = async (): Promise<void> => {
        if (rows.length > 0) return;
        for await (const chunk of client.query(copyTo('COPY users TO STDOUT'))) {
          if (Buffer.isBuffer(chunk)) rows.push(chunk);
        }
      };
      const emptyTable = async (): Promise<void> => {
        await client.query('TRUNCATE users CASCADE');
        await client.query('CHECKPOINT');
      };
      const timings = await compareMedians(
        sampling,
        {
          prepare: emptyTable,
          run: async () => {
            await seedDemoData(db, { users: userCount, courses: 0 });
          },
          cleanUp: keepFirstSeedRows,
        },
        {
          prepare: emptyTable,
          run: async () => {
            await client.query('BEGIN');
            const copied = await copyInto(client, 'COPY users FROM STDIN', rows);
            await client.query('COMMIT');
            if (copied !== userCount) throw new Error(`COPY wrote ${copied} rows`);
          },
          cleanUp: async () => undefined,
        },
      );
      return {
        name: `e. db seed of ${userCount.toLocaleString('en-US')} users vs plain COPY`,
        unit: 's',
        ...timings,
        goal: goals.reportOnly('ratio reported'),
      };
    } finally {
      await client.end();
      await db.close();
    }
  });
}
