import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Database } from '../../../db/connection';
import { Migrator } from '../../../db/migrator';
import { linkToCentral } from '../../../db/services/sync/link';
import { pullChanges } from '../../../db/services/sync/pull';
import { pushChanges } from '../../../db/services/sync/push';
import { compareMedians, type BenchResult, type Goal, type Sampling } from '../harness';
import { withMigratedDatabase } from '../servers';

/** The goals: at least this many rows a second, and at most this many times a COPY round trip. */
const GOAL_ROWS_PER_SECOND = 20_000;
const GOAL_RATIO = 3;

function syncGoal(rows: number): Goal {
  return {
    describe: `≥ ${GOAL_ROWS_PER_SECOND.toLocaleString('en-US')} rows/s and ratio ≤ ${GOAL_RATIO.toFixed(2)}×`,
    isMet: (valueMs, baselineMs) =>
      rows / (valueMs / 1000) >= GOAL_ROWS_PER_SECOND && valueMs / baselineMs <= GOAL_RATIO,
  };
}

/** A second database on the server of `url`, migrated; dropped after `work`. */
async function withSiblingDatabase<T>(
  url: string,
  work: (siblingUrl: string) => Promise<T>,
): Promise<T> {
  const name = `lms_bench_sync_local`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const sibling = new URL(url);
  sibling.pathname = `/${name}`;
  try {
    const migrator = new Migrator({ databaseUrl: sibling.toString() });
    try {
      await migrator.up();
    } finally {
      await migrator.close();
    }
    return await work(sibling.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** COPY of every users row out of one database into a same-shaped table of the other: the baseline. */
async function copyRoundTrip(from: pg.Client, to: pg.Client): Promise<number> {
  await to.query('TRUNCATE bench_users_copy');
  const sink = to.query(copyFrom('COPY bench_users_copy FROM STDIN'));
  await pipeline(from.query(copyTo('COPY users TO STDOUT')), sink);
  return sink.rowCount;
}

/** As the app's transactions set them, so the change is a person's and joins the push queue. */
const AS_APP = `SELECT set_config('lms.source', 'app', true)`;

async function changeEveryUser(client: pg.Client, round: number): Promise<void> {
  await client.query('BEGIN');
  await client.query(AS_APP);
  await client.query(`UPDATE users SET full_name = 'Bench ' || $1 || ' ' || left(id::text, 8)`, [
    round,
  ]);
  await client.query('COMMIT');
  await client.query('VACUUM ANALYZE users');
}

/**
 * m. Sync of `rows` changed users each way between a linked local database and its central one
 * (both on one server, so the network is loopback on both sides):
 *  - push: every user changed locally, then `pushChanges` (plan into the outbox, batches of 2,000
 *    applied centrally with version checks and the ledger);
 *  - pull: every user changed centrally, then `pullChanges` (one snapshot, pages of 5,000).
 * Baseline of each: a COPY of the same rows from the one database into a plain table of the
 * other. Goals: ≥ 20k rows/s and ≤ 3× the COPY round trip.
 */
export async function syncRows(rows: number, sampling: Sampling): Promise<BenchResult[]> {
  return withMigratedDatabase(async (centralUrl) =>
    withSiblingDatabase(centralUrl, async (localUrl) => {
      const central = new pg.Client({ connectionString: centralUrl });
      const local = new pg.Client({ connectionString: localUrl });
      await central.connect();
      await local.connect();
      const db = await Database.open(localUrl);
      try {
        await central.query(
          `INSERT INTO users (email, full_name, role, metadata)
           SELECT 'sync' || g || '@example.com', 'User ' || g, 'student', jsonb_build_object('n', g)
             FROM generate_series(1, ${rows}) g`,
        );
        for (const client of [central, local]) {
          await client.query('CREATE TABLE bench_users_copy (LIKE users)');
        }
        await linkToCentral(db, { url: centralUrl });
        // The link keeps no password: each sync is given it, as the app does from its session.
        const target = { password: decodeURIComponent(new URL(centralUrl).password) };
        let round = 0;
        const push = await compareMedians(
          sampling,
          {
            prepare: () => changeEveryUser(local, ++round),
            run: async () => {
              const result = await pushChanges(db, target);
              if (result.applied !== rows)
                throw new Error(`push applied ${result.applied} of ${rows}`);
            },
            // The central changes come back to the local copy untimed, so the next round starts even.
            cleanUp: async () => {
              await pullChanges(db, target);
            },
          },
          {
            prepare: async () => undefined,
            run: async () => {
              if ((await copyRoundTrip(local, central)) !== rows) throw new Error('COPY lost rows');
            },
            cleanUp: async () => undefined,
          },
        );
        const pull = await compareMedians(
          sampling,
          {
            prepare: () => changeEveryUser(central, ++round),
            run: async () => {
              const result = await pullChanges(db, target);
              if (result.applied !== rows)
                throw new Error(`pull applied ${result.applied} of ${rows}`);
            },
            cleanUp: async () => undefined,
          },
          {
            prepare: async () => undefined,
            run: async () => {
              if ((await copyRoundTrip(central, local)) !== rows) throw new Error('COPY lost rows');
            },
            cleanUp: async () => undefined,
          },
        );
        const label = rows.toLocaleString('en-US');
        const rate = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en-US');
        return [
          {
            name: `m. sync push of ${label} changed users (${rate(push.valueMs)} rows/s) vs COPY round trip`,
            unit: 's',
            ...push,
            goal: syncGoal(rows),
          },
          {
            name: `m. sync pull of ${label} changed users (${rate(pull.valueMs)} rows/s) vs COPY round trip`,
            unit: 's',
            ...pull,
            goal: syncGoal(rows),
          },
        ];
      } finally {
        await db.close();
        await central.end();
        await local.end();
      }
    }),
  );
}
