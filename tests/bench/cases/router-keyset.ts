import pg from 'pg';
import { Database } from '../../../db/connection';
import { userPageSchema } from '../../../db/schemas/users';
import { seedDemoData } from '../../../db/seed';
import { encodeCursor } from '../../../db/services/keyset-cursor';
import { Router, type CallOptions } from '../../../electron/api/router';
import { compareMedians, goals, justRun, type BenchResult, type Sampling } from '../harness';
import { queriesSent } from '../query-capture';
import { withMigratedDatabase } from '../servers';

const PAGE_SIZE = 50;
const DEEP_PAGE = 10_000;
const ADMIN = {
  email: 'bench.admin@example.org',
  password: 'bench admin password, long enough',
  fullName: 'Bench Admin',
};

/** Signs in through the router as the first admin (created by `auth.setup`, which starts a session). */
async function signInFirstAdmin(
  router: Router,
  call: Omit<CallOptions, 'sessionId'>,
): Promise<string> {
  const outcome = await router.call('auth.setup', ADMIN, { ...call, sessionId: null });
  if (outcome.session?.kind !== 'start') {
    throw new Error(`auth.setup started no session: ${JSON.stringify(outcome.result)}`);
  }
  return outcome.session.id;
}

/**
 * f. The same deep page as d (50 users at page 10,000 of 1M, by keyset cursor), but as the app
 * asks for it: `users.list` through the router as a signed-in admin, so input parsing, the session
 * user's lookup, the role check, the transaction with its actor settings, the handler and the
 * output parsing all count. Baseline: the page's own SQL through raw `pg`.
 */
export async function routerKeyset(userCount: number, sampling: Sampling): Promise<BenchResult> {
  return withMigratedDatabase(async (url) => {
    const db = await Database.open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await seedDemoData(db, { users: userCount, courses: 0 });
      // Seeded staff have no password, so the app is still at first-run setup.
      const router = new Router({ db });
      const call = { ip: '127.0.0.1', source: 'app' } as const;
      const sessionId = await signInFirstAdmin(router, call);
      await client.query('ANALYZE users');

      // The deepest whole page up to page 10,000, so a scaled-down run (BENCH_USERS) still works.
      const page = Math.min(DEEP_PAGE, Math.floor(userCount / PAGE_SIZE));
      const skipped = (page - 1) * PAGE_SIZE;
      // The cursor a client holds after page - 1 pages: the last email it saw (users.ts's key).
      const { rows: anchor } = await client.query<{ email: string }>(
        'SELECT email FROM users ORDER BY email OFFSET $1 LIMIT 1',
        [Math.max(skipped - 1, 0)],
      );
      const lastSeen = skipped === 0 ? undefined : anchor[0]?.email;
      const cursor = lastSeen === undefined ? undefined : encodeCursor({ afterEmail: lastSeen });
      const input = { cursor, limit: PAGE_SIZE };
      const fetchPage = () => router.call('users.list', input, { ...call, sessionId });

      const sent = await queriesSent(db, fetchPage);
      const pageQuery = sent.find(({ sql }) => /\bFROM users\b[\s\S]*\bORDER BY email\b/.test(sql));
      if (!pageQuery) throw new Error(`users.list sent no page query: ${JSON.stringify(sent)}`);
      const outcome = await fetchPage();
      if (!outcome.result.ok) {
        throw new Error(`users.list failed: ${JSON.stringify(outcome.result.error)}`);
      }
      const served = userPageSchema.parse(outcome.result.data).items;
      const { rows: raw } = await client.query<{ email: string }>(pageQuery.sql, pageQuery.bind);
      if (served.length !== PAGE_SIZE || served[0]?.email !== raw[0]?.email) {
        throw new Error(
          `the router and raw pg disagree on page ${page}: ${served.length} users from ${served[0]?.email}, raw from ${raw[0]?.email}`,
        );
      }

      const timings = await compareMedians(
        sampling,
        justRun(async () => {
          const { result } = await fetchPage();
          // A refused call would be quick and wrong: fail instead of timing it.
          if (!result.ok) throw new Error(`users.list failed: ${result.error.message}`);
        }),
        justRun(async () => {
          await client.query(pageQuery.sql, pageQuery.bind);
        }),
      );
      return {
        name: `f. keyset page ${page.toLocaleString('en-US')} of ${userCount.toLocaleString('en-US')} users through the router vs raw pg`,
        unit: 'ms',
        ...timings,
        goal: goals.ratioAtMost(1.3),
      };
    } finally {
      await client.end();
      await db.close();
    }
  });
}
