/**
 * `npm run bench`: how fast LMS Admin's database work is, each case against a baseline measured
 * in the same run (case and baseline take turns, so a busy machine slows both alike).
 *
 *  a. cold start: the embedded server up on an existing data folder, the schema check
 *     (Migrator.status(), nothing pending) and the first query (listUsers). Baseline: the bare
 *     `postgres` of the same binaries started on that folder until ready. Goal ≤ 0.8 s.
 *  b. first run: an empty data folder to a running, migrated server (initdb included).
 *     Baseline: the bare `initdb` with the same flags. Goal ≤ 1.5 s.
 *  c. Migrator.status() with 200 applied migration files. Baseline: one SELECT of the ledger
 *     through raw `pg` plus a readdir of the folder. Goal < 100 ms.
 *  d. a keyset page (50 users) at page 10,000 of 1M seeded users through listUsers. Baselines:
 *     the identical SQL through raw `pg` (goal ≤ 1.3×) and the same page with OFFSET (goal ≥ 50×
 *     faster).
 *  e. seedDemoData of 1M users against a plain COPY of the same rows from a buffer in memory
 *     (ratio reported).
 *  f. the page of d as the app asks for it: `users.list` through the router as a signed-in admin
 *     (parse, session user, role check, transaction with actor settings, handler, output parse).
 *     Baseline: the page's own SQL through raw `pg`. Goal ≤ 1.3×.
 *  g. importUsersCsv of 100k users from CSV text, in a `db.withTransaction` as the router runs
 *     it. Baselines: a plain COPY of the same rows (goal ≤ 1.5×) and per-row Sequelize
 *     `User.create` in one transaction (goal: import ≥ 10× faster; timed on 10k rows and scaled
 *     linearly, as the printed line says). Every run starts from an empty users table.
 *  h. quizzes.bulk find/replace over 10k questions in 1k quizzes (applyBulkOperation: read,
 *     version check, validate, one UPDATE) vs one hand-written SQL `UPDATE … jsonb_set` (goal
 *     ≤ 1.5×), plain and regex; per-row Sequelize `save()` beside it for reference.
 *  i. the users grid in headless Chromium with 100k users loaded, scrolled top to bottom in 600
 *     frames: p95 time between frames against the same page idle (goal ≤ 16.7 ms), and the most
 *     row elements in the DOM meanwhile (goal ≤ 100).
 *  l. importQuestions of a 10k-question GIFT file (ten categories, every kind) in a transaction,
 *     reported as questions/s beside JSON.parse + one INSERT of the same quizzes.
 *  m. sync of 100k changed users each way (push, pull) between a linked local database and its
 *     central one, against the bulk COPY path of the same rows: COPY out, COPY into a staging
 *     table, one UPDATE … FROM staging of the real table (goals ≥ 20k rows/s and ≤ 3×).
 *
 * Cases a and b time the embedded server itself, in temporary folders. Cases c–g each get a
 * fresh embedded server in a temporary folder, or a new database on BENCH_DATABASE_URL when set.
 * Everything is removed after. BENCH_USERS (default 1,000,000) scales d, e and f down for a quick
 * run, and g too when below 100,000. BENCH_ONLY runs some cases only, by letter: BENCH_ONLY=f,g.
 */
import os from 'node:os';
import { z } from 'zod';
import { auditOverhead } from './cases/audit-overhead';
import { coldStart } from './cases/cold-start';
import { firstRun } from './cases/first-run';
import { giftImport } from './cases/gift-import';
import { keysetPaging } from './cases/keyset-paging';
import { migratorStatus } from './cases/migrator-status';
import { routerKeyset } from './cases/router-keyset';
import { seedVersusCopy } from './cases/seed-copy';
import { syncRows } from './cases/sync-rows';
import { usersImport } from './cases/users-import';
import { quizFindReplace } from './cases/quiz-find-replace';
import { usersGridScroll } from './cases/users-grid-scroll';
import { formatResult, formatSummary, type BenchFailure, type BenchResult } from './harness';

const userCount = z.coerce
  .number()
  .int()
  .min(1_000, { message: 'BENCH_USERS must be a whole number of at least 1000' })
  .parse(process.env.BENCH_USERS ?? 1_000_000);

const cases: { name: string; measure: () => Promise<BenchResult | BenchResult[]> }[] = [
  { name: 'a. cold start', measure: () => coldStart({ runs: 5, warmup: 1 }) },
  { name: 'b. first run (initdb)', measure: () => firstRun({ runs: 3, warmup: 1 }) },
  { name: 'c. Migrator.status()', measure: () => migratorStatus({ runs: 30, warmup: 5 }) },
  {
    name: 'd. keyset paging',
    measure: () =>
      keysetPaging(userCount, {
        vsRaw: { runs: 200, warmup: 20 },
        vsOffset: { runs: 7, warmup: 1 },
      }),
  },
  // Each round loads a million rows twice (about a minute here): three rounds, no warm-up, keep
  // the whole run within ten minutes.
  { name: 'e. db seed vs COPY', measure: () => seedVersusCopy(userCount, { runs: 3, warmup: 0 }) },
  {
    name: 'f. keyset paging through the router',
    measure: () => routerKeyset(userCount, { runs: 200, warmup: 20 }),
  },
  // A round against COPY takes about ten seconds here and one against per-row creates about
  // twenty: the shared box is noisy, so seven rounds for the closer ratio, three for the other.
  {
    name: 'g. users CSV import',
    measure: () =>
      usersImport(userCount, { vsCopy: { runs: 7, warmup: 1 }, vsCreate: { runs: 3, warmup: 1 } }),
  },
  {
    name: 'h. quiz find/replace',
    measure: () =>
      quizFindReplace({ vsSql: { runs: 7, warmup: 1 }, vsSave: { runs: 3, warmup: 1 } }),
  },
  // 100k users (fewer with a smaller BENCH_USERS), all loaded into the grid before the timing.
  {
    name: 'i. users grid scroll in Chromium',
    measure: () => usersGridScroll(Math.min(userCount, 100_000)),
  },
  // BENCH_AUDIT_ROWS (default 10,000,000) sizes the history the timeline is read from.
  {
    name: 'j. audit overhead',
    measure: () =>
      auditOverhead(
        z.coerce
          .number()
          .int()
          .min(1_000)
          .parse(process.env.BENCH_AUDIT_ROWS ?? 10_000_000),
        {
          bulk: { runs: 5, warmup: 1 },
          single: { runs: 5, warmup: 1 },
          timeline: { runs: 200, warmup: 20 },
        },
      ),
  },
  { name: 'l. GIFT import', measure: () => giftImport({ runs: 5, warmup: 1 }) },
  // One round pushes and pulls 100k rows each way (a minute or two here): three rounds.
  { name: 'm. sync each way', measure: () => syncRows(100_000, { runs: 3, warmup: 0 }) },
];

// A case's letter is its name up to the first dot.
const only = process.env.BENCH_ONLY?.split(',').map((letter) => letter.trim().toLowerCase());
const letterOf = (name: string): string => name.slice(0, name.indexOf('.'));
const unknownLetters = only?.filter(
  (letter) => !cases.some(({ name }) => letterOf(name) === letter),
);
if (unknownLetters?.length) {
  throw new Error(
    `BENCH_ONLY names no case ${unknownLetters.join(', ')}: the cases are ${cases.map(({ name }) => letterOf(name)).join(', ')}`,
  );
}
const selected = only ? cases.filter(({ name }) => only.includes(letterOf(name))) : cases;

const startedAt = performance.now();
process.stdout.write(
  `LMS Admin benchmarks: ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(2)}, ` +
    `BENCH_USERS=${userCount.toLocaleString('en-US')}` +
    `${process.env.BENCH_DATABASE_URL ? ', cases c–g on BENCH_DATABASE_URL' : ''}` +
    `${only ? `, only ${only.join(', ')}` : ''}\n\n`,
);
const results: (BenchResult | BenchFailure)[] = [];
for (const benchCase of selected) {
  try {
    const measured = await benchCase.measure();
    for (const result of Array.isArray(measured) ? measured : [measured]) {
      results.push(result);
      process.stdout.write(`${formatResult(result)}\n`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.push({ name: benchCase.name, error: message });
    process.stdout.write(`${benchCase.name}: FAILED: ${message}\n`);
  }
}
process.stdout.write(
  `\n${formatSummary(results)}\n\nTotal ${((performance.now() - startedAt) / 1000).toFixed(0)} s.\n`,
);
if (results.some((result) => 'error' in result)) process.exitCode = 1;
