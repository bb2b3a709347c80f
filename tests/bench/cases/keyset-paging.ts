import pg from 'pg';
import { Database } from '../../../db/connection';
import { seedDemoData } from '../../../db/seed';
import { encodeCursor } from '../../../db/services/keyset-cursor';
import { listUsers } from '../../../db/services/users';
import { compareMedians, goals, justRun, type BenchResult, type Sampling } from '../harness';
import { queriesSent, type SentQuery } from '../query-capture';
import { withMigratedDatabase } from '../servers';

const PAGE_SIZE = 50;
const DEEP_PAGE = 10_000;

/** The last query `work` sent, so a baseline can send the same. */
async function lastQuerySent(db: Database, work: () => Promise<unknown>): Promise<SentQuery> {
  const sent = (await queriesSent(db, work)).at(-1);
  if (!sent) throw new Error('the service sent no query with bind parameters');
  return sent;
}

/**
 * d. A page of 50 users deep in a seeded set (page 10,000 of 1M), fetched with the service's
 * keyset cursor: against the identical SQL sent through raw `pg` (what the service layer costs),
 * and against the same page fetched with OFFSET (what keyset paging saves).
 */
export async function keysetPaging(
  userCount: number,
  samplings: { vsRaw: Sampling; vsOffset: Sampling },
): Promise<BenchResult[]> {
  return withMigratedDatabase(async (url) => {
    const db = await Database.open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await seedDemoData(db, { users: userCount, courses: 0 });
      await client.query('ANALYZE users');
      // The deepest whole page up to page 10,000, so a scaled-down run (BENCH_USERS) still works.
      const page = Math.min(DEEP_PAGE, Math.floor(userCount / PAGE_SIZE));
      const skipped = (page - 1) * PAGE_SIZE;
      const { rows: expected } = await client.query<{ email: string }>(
        'SELECT email FROM users ORDER BY email OFFSET $1 LIMIT $2',
        [Math.max(skipped - 1, 0), PAGE_SIZE + 1],
      );
      const anchor = skipped === 0 ? undefined : expected.shift();
      // The cursor a client holds after page - 1 pages: the last email it saw (users.ts's key).
      const cursor = anchor ? encodeCursor({ afterEmail: anchor.email }) : undefined;
      const fetchPage = () => listUsers(db, { cursor, limit: PAGE_SIZE });
      const sent = await lastQuerySent(db, fetchPage);
      const firstEmail = (await fetchPage()).items[0]?.email;
      if (firstEmail !== expected[0]?.email) {
        throw new Error(
          `the cursor did not lead to page ${page}: got ${firstEmail}, expected ${expected[0]?.email}`,
        );
      }
      const columns = /^SELECT\s+([\s\S]+?)\s+FROM users\b/.exec(sent.sql)?.[1];
      if (!columns) throw new Error(`unexpected listUsers SQL: ${sent.sql}`);
      const offsetSql = `SELECT ${columns} FROM users ORDER BY email LIMIT $1 OFFSET $2`;
      const { rows: offsetRows } = await client.query<{ email: string }>(offsetSql, [
        PAGE_SIZE + 1,
        skipped,
      ]);
      if (offsetRows[0]?.email !== firstEmail) throw new Error('OFFSET found another page');

      const servicePage = justRun(async () => {
        await fetchPage();
      });
      const label = `d. keyset page ${page.toLocaleString('en-US')} of ${userCount.toLocaleString('en-US')} users`;
      const vsRaw = await compareMedians(
        samplings.vsRaw,
        servicePage,
        justRun(async () => {
          await client.query(sent.sql, sent.bind);
        }),
      );
      const vsOffset = await compareMedians(
        samplings.vsOffset,
        servicePage,
        justRun(async () => {
          await client.query(offsetSql, [PAGE_SIZE + 1, skipped]);
        }),
      );
      return [
        { name: `${label} vs raw pg`, unit: 'ms', ...vsRaw, goal: goals.ratioAtMost(1.3) },
        { name: `${label} vs OFFSET`, unit: 'ms', ...vsOffset, goal: goals.timesFaster(50) },
      ];
    } finally {
      await client.end();
      await db.close();
    }
  });
}
