import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Database } from '../../../db/connection';
import { Migrator } from '../../../db/migrator';
import { linkToCentral } from '../../../db/services/sync/link';
import { pullChanges } from '../../../db/services/sync/pull';
import { pushChanges } from '../../../db/services/sync/push';
import {
  compareMedians,
  formatTime,
  median,
  type BenchResult,
  type Goal,
  type Sampling,
  type TimedWork,
} from '../harness';
import { withMigratedDatabase } from '../servers';

/** The issue's goals: at least this many rows a second, and at most this many times a COPY round trip. */
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

/** The users columns, in table order: the same on both sides (migrations match). */
async function usersColumns(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name::text FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'users' ORDER BY ordinal_position`,
  );
  return rows.map((row) => `"${row.column_name}"`).join(', ');
}

/**
 * The baseline: the fastest honest bulk path for the same changed rows, from `from` to `to`.
 * Untimed first, every user is changed in an open transaction of `from` (so the rows really
 * differ from `to`'s, as sync's do). Timed: COPY of the rows out of that transaction into a
 * temporary staging table of `to` (no indexes, no triggers: the raw COPY round trip, its time
 * kept in `rawCopiesMs`), then one `UPDATE users … FROM staging` of the real table, as sync's
 * source (versions carried), so its indexes (three GIN among them), its touch trigger and its
 * audit trigger do what they do for sync. Both transactions are then rolled back, untimed,
 * leaving the sync state as it was (a commit would add one WAL flush to the baseline).
 */
function bulkRoundTrip(
  from: pg.Client,
  to: pg.Client,
  columns: string,
  nextRound: () => number,
  rawCopiesMs: number[],
): TimedWork<undefined> {
  const settable = columns.split(', ').filter((column) => column !== '"id"');
  return {
    prepare: async () => {
      // The last round's old row versions gone, as before the sync it is compared with.
      await to.query('VACUUM ANALYZE users');
      await from.query('BEGIN');
      await to.query('BEGIN');
      await from.query(AS_APP);
      await from.query(
        `UPDATE users SET full_name = 'Baseline ' || $1 || ' ' || left(id::text, 8)`,
        [nextRound()],
      );
    },
    run: async () => {
      const startedAt = performance.now();
      await to.query(`CREATE TEMPORARY TABLE bench_users_staging (LIKE users) ON COMMIT DROP`);
      const sink = to.query(copyFrom(`COPY bench_users_staging (${columns}) FROM STDIN`));
      await pipeline(from.query(copyTo(`COPY (SELECT ${columns} FROM users) TO STDOUT`)), sink);
      rawCopiesMs.push(performance.now() - startedAt);
      await to.query(`SELECT set_config('lms.source', 'sync', true)`);
      const { rowCount } = await to.query(
        `UPDATE users t SET (${settable.join(', ')}) = (${settable.map((column) => `s.${column}`).join(', ')})
           FROM bench_users_staging s WHERE t.id = s.id`,
      );
      if (rowCount !== sink.rowCount) throw new Error('the bulk path lost rows');
    },
    cleanUp: async () => {
      await to.query('ROLLBACK');
      await from.query('ROLLBACK');
    },
  };
}

/** As the app's transactions set them, so the change is a person's and joins the push queue. */
const AS_APP = `SELECT set_config('lms.source', 'app', true)`;

async function changeEveryUser(client: pg.Client, target: pg.Client, round: number): Promise<void> {
  await client.query('BEGIN');
  await client.query(AS_APP);
  await client.query(`UPDATE users SET full_name = 'Bench ' || $1 || ' ' || left(id::text, 8)`, [
    round,
  ]);
  await client.query('COMMIT');
  await client.query('VACUUM ANALYZE users');
  // The last round's old row versions gone on the side written to, as before the baseline.
  await target.query('VACUUM ANALYZE users');
}

/**
 * m. Sync of `rows` changed users each way between a linked local database and its central one
 * (both on one server, so the network is loopback on both sides):
 *  - push: every user changed locally, then `pushChanges` (plan into the outbox, batches applied
 *    centrally with version checks and the ledger);
 *  - pull: every user changed centrally, then `pullChanges` (one snapshot, pages applied locally).
 * Baseline of each: the bulk path of `bulkRoundTrip` for the same rows in the same direction
 * (COPY out, COPY into staging, one UPDATE … FROM staging of the real table, triggers and
 * indexes included); the raw COPY part alone is printed beside it. Goals: ≥ 20k rows/s and ≤ 3×
 * the bulk path.
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
        await linkToCentral(db, { url: centralUrl });
        const columns = await usersColumns(central);
        // The link keeps no password: each sync is given it, as the app does from its session.
        const target = { password: decodeURIComponent(new URL(centralUrl).password) };
        let round = 0;
        const nextRound = () => ++round;
        const pushRawCopiesMs: number[] = [];
        const push = await compareMedians(
          sampling,
          {
            prepare: () => changeEveryUser(local, central, nextRound()),
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
          bulkRoundTrip(local, central, columns, nextRound, pushRawCopiesMs),
        );
        const pullRawCopiesMs: number[] = [];
        const pull = await compareMedians(
          sampling,
          {
            prepare: () => changeEveryUser(central, local, nextRound()),
            run: async () => {
              const result = await pullChanges(db, target);
              if (result.applied !== rows)
                throw new Error(`pull applied ${result.applied} of ${rows}`);
            },
            cleanUp: async () => undefined,
          },
          bulkRoundTrip(central, local, columns, nextRound, pullRawCopiesMs),
        );
        const label = rows.toLocaleString('en-US');
        const rate = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en-US');
        const load = os.loadavg()[0]?.toFixed(2);
        const against = (rawCopiesMs: readonly number[], baselineMs: number) =>
          `vs bulk COPY path: COPY out + COPY into staging + UPDATE … FROM staging of the real users ` +
          `(indexes, audit) ${rate(baselineMs)} rows/s; raw COPY alone ${formatTime(median(rawCopiesMs), 's')}; ` +
          `load average ${load}`;
        return [
          {
            name: `m. sync push of ${label} changed users (${rate(push.valueMs)} rows/s) ${against(pushRawCopiesMs, push.baselineMs)}`,
            unit: 's',
            ...push,
            goal: syncGoal(rows),
          },
          {
            name: `m. sync pull of ${label} changed users (${rate(pull.valueMs)} rows/s) ${against(pullRawCopiesMs, pull.baselineMs)}`,
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
