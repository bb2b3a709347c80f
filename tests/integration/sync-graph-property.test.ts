import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SyncConflict } from '../../db/schemas/sync';
import { linkToCentral } from '../../db/services/sync/link';
import { tableRank, type SyncedTable } from '../../db/services/sync/synced-tables';
import {
  alternateSides,
  centralHistory,
  conflictSides,
  expectCopiesEqualCentral,
  isSyncStep,
  nodeOf,
  runSyncStep,
  settleSync,
  syncStepArbitrary,
  type KeptImage,
  type SideChoice,
  type SyncStep,
} from '../support/sync-rounds';
import {
  changeAsApp,
  createSyncWorld,
  queryValue,
  type SyncNode,
  type SyncWorld,
} from '../support/sync-world';

let world: SyncWorld;

beforeAll(async () => {
  world = await createSyncWorld(2);
  for (const replica of world.replicas)
    await linkToCentral(replica.db, { url: world.central.database.url });
});

afterAll(async () => {
  await world?.close();
});

/**
 * The records every node creates, edits, moves, deletes and re-creates, by a key that is the
 * same on every node: users by email, courses by slug, lessons and quizzes by title, enrollments
 * by user and course (slot = user + USERS × course).
 */
const USERS = 3;
const COURSES = 2;
const SLOTS = {
  users: USERS,
  courses: COURSES,
  lessons: 3,
  quizzes: 2,
  enrollments: USERS * COURSES,
};
type GraphTable = keyof typeof SLOTS;
const GRAPH_TABLES = Object.keys(SLOTS) as GraphTable[];

type Change = {
  kind: 'create' | 'edit' | 'delete' | 'move';
  /** Node 0 is the central server; 1 and 2 are the working copies. */
  node: number;
  table: GraphTable;
  slot: number;
  /** The parent a create or move goes to: a user for a course, a course for the rest. */
  to: number;
};
type Step = Change | SyncStep;

const change: fc.Arbitrary<Change> = fc
  .record({
    kind: fc.constantFrom('create', 'edit', 'edit', 'delete', 'move'),
    node: fc.integer({ min: 0, max: 2 }),
    table: fc.constantFrom(...GRAPH_TABLES),
    slot: fc.nat(),
    to: fc.nat(),
  })
  .map((each) => ({
    ...each,
    slot: each.slot % SLOTS[each.table],
    to: each.to % (each.table === 'courses' ? USERS : COURSES),
  }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: change, weight: 3 },
  { arbitrary: syncStepArbitrary(2), weight: 1 },
);

let round = 0;
/** A number no change ever wrote before, so where its marker ends up says which change it was. */
let written = 0;
const email = (slot: number) => `u${slot}-r${round}@example.com`;
const slug = (slot: number) => `c${slot}-r${round}`;
const lessonTitle = (slot: number) => `lesson ${slot} r${round}`;
const quizTitle = (slot: number) => `quiz ${slot} r${round}`;
/** An enrollment's marker is its enrolled_at: this many seconds after 2020. */
const enrolledAt = (marker: number) => new Date(Date.UTC(2020, 0, 1) + marker * 1000);
const quizOptions = (marker: number) => ({
  type: 'multiple_choice',
  shuffle: false,
  questions: [
    {
      id: 'q1',
      kind: 'single',
      text: `question ${marker}`,
      points: 1,
      choices: [
        { id: 'a', text: 'yes', correct: true },
        { id: 'b', text: 'no', correct: false },
      ],
    },
  ],
});

/** The marker a change leaves in a record, read back from any image of it. */
function markerOf(table: string, image: Record<string, unknown>): string | undefined {
  switch (table) {
    case 'users':
      return String(image.full_name);
    case 'courses':
      return String(image.title);
    case 'lessons':
      return String(image.body);
    case 'quizzes': {
      const options = image.options as ReturnType<typeof quizOptions> | undefined;
      return options?.questions[0]?.text;
    }
    case 'enrollments':
      return String(Date.parse(String(image.enrolled_at)));
    default:
      return undefined;
  }
}

/** The SQL of a change (returning the ids it wrote) and the marker it leaves. */
function changeSql({ kind, table, slot, to }: Change): {
  sql: string;
  bind: unknown[];
  marker?: string;
} {
  const marker = ++written;
  switch (table) {
    case 'users':
      if (kind === 'create')
        return {
          sql: `INSERT INTO users (email, full_name, role) VALUES ($1, $2, 'instructor')
                ON CONFLICT (email) DO NOTHING RETURNING id`,
          bind: [email(slot), `name ${marker}`],
          marker: `name ${marker}`,
        };
      if (kind === 'delete')
        // The app refuses to delete a course's instructor (ON DELETE RESTRICT) before trying.
        return {
          sql: `DELETE FROM users u WHERE email = $1
                   AND NOT EXISTS (SELECT 1 FROM courses c WHERE c.instructor_id = u.id) RETURNING id`,
          bind: [email(slot)],
        };
      return {
        sql: `UPDATE users SET full_name = $2 WHERE email = $1 RETURNING id`,
        bind: [email(slot), `name ${marker}`],
        marker: `name ${marker}`,
      };
    case 'courses':
      if (kind === 'create')
        return {
          sql: `INSERT INTO courses (slug, title, instructor_id)
                VALUES ($1, $2, (SELECT id FROM users WHERE email = $3))
                ON CONFLICT (slug) DO NOTHING RETURNING id`,
          bind: [slug(slot), `course ${marker}`, email(to)],
          marker: `course ${marker}`,
        };
      if (kind === 'delete')
        return { sql: `DELETE FROM courses WHERE slug = $1 RETURNING id`, bind: [slug(slot)] };
      if (kind === 'move')
        return {
          sql: `UPDATE courses SET title = $2, instructor_id = (SELECT id FROM users WHERE email = $3)
                 WHERE slug = $1 RETURNING id`,
          bind: [slug(slot), `course ${marker}`, email(to)],
          marker: `course ${marker}`,
        };
      return {
        sql: `UPDATE courses SET title = $2 WHERE slug = $1 RETURNING id`,
        bind: [slug(slot), `course ${marker}`],
        marker: `course ${marker}`,
      };
    case 'lessons':
      if (kind === 'create')
        return {
          sql: `INSERT INTO lessons (course_id, position, title, body)
                SELECT c.id, COALESCE((SELECT max(position) FROM lessons x WHERE x.course_id = c.id), 0) + 1, $1, $2
                  FROM courses c
                 WHERE c.slug = $3 AND NOT EXISTS (SELECT 1 FROM lessons WHERE title = $1)
                RETURNING id`,
          bind: [lessonTitle(slot), `body ${marker}`, slug(to)],
          marker: `body ${marker}`,
        };
      if (kind === 'delete')
        return {
          sql: `DELETE FROM lessons WHERE title = $1 RETURNING id`,
          bind: [lessonTitle(slot)],
        };
      if (kind === 'move')
        // To the end of another course (or of its own: a reorder). Sync may have brought in a
        // second lesson of this title from another node: one moves, so positions stay unique.
        return {
          sql: `UPDATE lessons l SET body = $2, course_id = c.id,
                       position = COALESCE((SELECT max(position) FROM lessons x WHERE x.course_id = c.id), 0) + 1
                  FROM courses c
                 WHERE c.slug = $3
                   AND l.id = (SELECT id FROM lessons WHERE title = $1 ORDER BY id LIMIT 1)
                RETURNING l.id`,
          bind: [lessonTitle(slot), `body ${marker}`, slug(to)],
          marker: `body ${marker}`,
        };
      return {
        sql: `UPDATE lessons SET body = $2 WHERE title = $1 RETURNING id`,
        bind: [lessonTitle(slot), `body ${marker}`],
        marker: `body ${marker}`,
      };
    case 'quizzes': {
      const options = JSON.stringify(quizOptions(marker));
      const text = `question ${marker}`;
      if (kind === 'create')
        return {
          sql: `INSERT INTO quizzes (course_id, lesson_id, title, options)
                SELECT c.id, (SELECT id FROM lessons x WHERE x.course_id = c.id ORDER BY position LIMIT 1), $1, $2::jsonb
                  FROM courses c
                 WHERE c.slug = $3 AND NOT EXISTS (SELECT 1 FROM quizzes WHERE title = $1)
                RETURNING id`,
          bind: [quizTitle(slot), options, slug(to)],
          marker: text,
        };
      if (kind === 'delete')
        return {
          sql: `DELETE FROM quizzes WHERE title = $1 RETURNING id`,
          bind: [quizTitle(slot)],
        };
      if (kind === 'move')
        return {
          sql: `UPDATE quizzes q SET options = $2::jsonb, course_id = c.id,
                       lesson_id = (SELECT id FROM lessons x WHERE x.course_id = c.id ORDER BY position DESC LIMIT 1)
                  FROM courses c
                 WHERE c.slug = $3 AND q.title = $1
                RETURNING q.id`,
          bind: [quizTitle(slot), options, slug(to)],
          marker: text,
        };
      return {
        sql: `UPDATE quizzes SET options = $2::jsonb WHERE title = $1 RETURNING id`,
        bind: [quizTitle(slot), options],
        marker: text,
      };
    }
    case 'enrollments': {
      const user = email(slot % USERS);
      const course = slug(Math.floor(slot / USERS));
      const at = enrolledAt(marker);
      const mark = String(at.getTime());
      if (kind === 'create')
        return {
          sql: `INSERT INTO enrollments (user_id, course_id, enrolled_at)
                SELECT u.id, c.id, $3 FROM users u, courses c WHERE u.email = $1 AND c.slug = $2
                ON CONFLICT (user_id, course_id) DO NOTHING RETURNING id`,
          bind: [user, course, at],
          marker: mark,
        };
      if (kind === 'delete')
        return {
          sql: `DELETE FROM enrollments e USING users u, courses c
                 WHERE u.email = $1 AND c.slug = $2 AND e.user_id = u.id AND e.course_id = c.id
                RETURNING e.id`,
          bind: [user, course],
        };
      if (kind === 'move')
        // To another course the user is not enrolled in yet (the pair is unique).
        return {
          sql: `UPDATE enrollments e SET course_id = t.id, enrolled_at = $3
                  FROM users u, courses c, courses t
                 WHERE u.email = $1 AND c.slug = $2 AND t.slug = $4
                   AND e.user_id = u.id AND e.course_id = c.id
                   AND NOT EXISTS (SELECT 1 FROM enrollments x WHERE x.user_id = u.id AND x.course_id = t.id)
                RETURNING e.id`,
          bind: [user, course, at, slug(to)],
          marker: mark,
        };
      return {
        sql: `UPDATE enrollments e SET enrolled_at = $3,
                     status = CASE e.status WHEN 'active' THEN 'pending' ELSE 'active' END::enrollment_status
                FROM users u, courses c
               WHERE u.email = $1 AND c.slug = $2 AND e.user_id = u.id AND e.course_id = c.id
              RETURNING e.id`,
        bind: [user, course, at],
        marker: mark,
      };
    }
  }
}

/**
 * Where each node's last change of each record should end: on the central server, in its
 * history or in a conflict. Keyed by `node:table:id`, so a record that moves stays one record.
 */
const lastEdits = new Map<string, { table: string; marker: string }>();

async function apply(step: Step): Promise<void> {
  if (isSyncStep(step)) {
    await runSyncStep(world, step);
    return;
  }
  const db = nodeOf(world, step.node).db;
  const { sql, bind, marker } = changeSql(step);
  const before = await queryValue<string>(
    db,
    `SELECT COALESCE(max(seq), 0) AS value FROM audit_log`,
  );
  const rows = await changeAsApp(db, sql, bind);
  if (marker) {
    for (const row of rows)
      lastEdits.set(`${step.node}:${step.table}:${String(row.id)}`, { table: step.table, marker });
    return;
  }
  // A node that deletes a record (its children with it) drops its own edits of them.
  const deleted = await db.select<{ table_name: string; record_id: string }>(
    `SELECT table_name, record_id::text FROM audit_log WHERE seq > $1 AND action = 'DELETE'`,
    [before],
  );
  for (const row of deleted) lastEdits.delete(`${step.node}:${row.table_name}:${row.record_id}`);
}

/** Every marker kept: in the central server's history or on either side of a conflict. */
async function keptMarkers(): Promise<Set<string>> {
  const images: KeptImage[] = [...(await centralHistory(world)), ...(await conflictSides(world))];
  return new Set(images.map(({ table, image }) => `${table}:${markerOf(table, image)}`));
}

/** Rows whose foreign key names a record that isn't there (the database should make this impossible). */
async function orphans(node: SyncNode): Promise<string[]> {
  const keys = await node.db.select<{ child: string; parent: string; column: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent, a.attname AS column
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
    [],
  );
  const found: string[] = [];
  for (const { child, parent, column } of keys) {
    const count = await queryValue<string>(
      node.db,
      `SELECT count(*) AS value FROM ${child} t
        WHERE t."${column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${parent} p WHERE p.id = t."${column}")`,
    );
    if (Number(count) > 0) found.push(`${count} ${child}.${column} → missing ${parent}`);
  }
  return found;
}

/**
 * What every round starts from, made centrally and pulled by both copies: most slots filled, so
 * edits, moves and deletes find their records, and a few empty, so creates have room too.
 */
const startingRecords: Pick<Change, 'table' | 'slot' | 'to'>[] = [
  ...[0, 1, 2].map((slot) => ({ table: 'users' as const, slot, to: 0 })),
  { table: 'courses', slot: 0, to: 0 },
  { table: 'courses', slot: 1, to: 1 },
  { table: 'lessons', slot: 0, to: 0 },
  { table: 'lessons', slot: 1, to: 1 },
  { table: 'quizzes', slot: 0, to: 0 },
  ...[0, 1, 3, 4].map((slot) => ({ table: 'enrollments' as const, slot, to: 0 })),
];
const startingGraph: Step[] = startingRecords.map((each) => ({ kind: 'create', node: 0, ...each }));
startingGraph.push(
  { kind: 'pull', replica: 1, dropAfter: null },
  { kind: 'pull', replica: 2, dropAfter: null },
);

/**
 * Sides alternate, and flip from pass to pass: a person whose choice came back as a new conflict
 * (keeping a course deleted that the central server gave a new lesson, say) chooses otherwise.
 */
const flippingSides: SideChoice = (conflict, index, pass) =>
  alternateSides(conflict, index + pass, pass);

/** A person settles a lesson's conflict before its course's, a course's before its instructor's. */
const childrenFirst = (a: SyncConflict, b: SyncConflict) =>
  tableRank(b.tableName as SyncedTable) - tableRank(a.tableName as SyncedTable);

/** Runs one sequence of steps, settles, and checks the copies converged, intact, with no change lost. */
async function checkRound(
  steps: readonly Step[],
  choose: SideChoice = flippingSides,
): Promise<void> {
  round++;
  for (const each of startingGraph) await apply(each);
  lastEdits.clear();
  for (const each of steps) await apply(each);
  const expected = [...lastEdits.values()];
  // Deeper than one table, a dispute can take a pass per level (a quiz, then its lesson, its course).
  await settleSync(world, choose, childrenFirst, 10);
  await expectCopiesEqualCentral(world);
  for (const node of [world.central, ...world.replicas])
    expect(await orphans(node), node.name).toEqual([]);
  const kept = await keptMarkers();
  const lost = expected.filter(({ table, marker }) => !kept.has(`${table}:${marker}`));
  expect(lost, 'changes neither on the central server nor in a conflict').toEqual([]);
}

it('brings every copy to the central state after random changes across users, courses, lessons, quizzes and enrollments, with no change lost and no orphan', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 30 }), (steps) => checkRound(steps)),
    {
      numRuns: 12,
      endOnFailure: true,
    },
  );
}, 600_000);

it('settles a conflict by itself once both sides deleted the record, rather than failing every pull', async () => {
  // A counterexample the graph property found (seed 2025072953), shrunk by hand to users alone:
  // a copy's delete met a central edit (a conflict whose local side is a delete), then the central
  // server deleted the record too, and each pull after broke on the conflict left with no side.
  await checkRound([
    { kind: 'delete', node: 1, table: 'users', slot: 2, to: 0 },
    { kind: 'edit', node: 0, table: 'users', slot: 2, to: 0 },
    { kind: 'push', replica: 1, dropAfter: null },
    { kind: 'delete', node: 0, table: 'users', slot: 2, to: 0 },
    { kind: 'pull', replica: 1, dropAfter: null },
  ]);
}, 120_000);

it("pulls back what a push's lesson delete did to quizzes it didn't carry, so the quiz's conflict can be resolved", async () => {
  // A counterexample the graph property found (twice in two 12-run trials), shrunk by hand:
  // a copy deleted a lesson, a quiz created centrally pointed at it (its pull refused the quiz).
  // Pushing the delete set the quiz's lesson_id NULL centrally, in the push's own transaction,
  // which the copy's pull skipped as "already here": the conflict kept the stale quiz, and
  // taking either side failed on the missing lesson, for good.
  await checkRound([
    { kind: 'delete', node: 2, table: 'lessons', slot: 0, to: 0 },
    { kind: 'create', node: 0, table: 'quizzes', slot: 1, to: 0 },
    { kind: 'pull', replica: 2, dropAfter: null },
  ]);
}, 120_000);

it('keeps a course the central server deleted, with the lesson edited here, when a person takes their copy for both', async () => {
  // A counterexample the graph property found (seed 22), shrunk by hand: keeping the local side
  // of a record deleted centrally first deleted it locally to re-create it, which its lesson (kept
  // too) refused, so neither side could be taken and the copy never settled.
  await checkRound(
    [
      { kind: 'edit', node: 2, table: 'lessons', slot: 0, to: 0 },
      { kind: 'delete', node: 0, table: 'courses', slot: 0, to: 0 },
      { kind: 'pull', replica: 2, dropAfter: null },
    ],
    () => 'local',
  );
  const kept = await queryValue<string>(
    world.central.db,
    `SELECT count(*) AS value FROM lessons l JOIN courses c ON c.id = l.course_id WHERE c.slug = $1`,
    [slug(0)],
  );
  expect(kept).toBe('1');
}, 120_000);

it('keeps a lesson whose move collided centrally when a person takes the central side, and loses no other edit of it', async () => {
  // A counterexample the graph property found in CI (seed -1781671081), shrunk by machine: a copy
  // moved lesson 1 to the position the central server had just given lesson 0, and made lesson 2
  // where lesson 1 had been. The push met two collisions. Taking central for lesson 2 wrote
  // central's lesson 1 over the copy's moved one (its move lost unseen); taking central for
  // lesson 1 then deleted it, and the next push deleted it on the central server too.
  await checkRound([
    { kind: 'move', node: 0, table: 'lessons', slot: 0, to: 0 },
    { kind: 'move', node: 1, table: 'lessons', slot: 1, to: 0 },
    { kind: 'push', replica: 1, dropAfter: 1 },
    { kind: 'create', node: 1, table: 'lessons', slot: 2, to: 1 },
  ]);
  const lessons = await queryValue<string>(
    world.central.db,
    `SELECT string_agg(title, ', ' ORDER BY title) AS value FROM lessons WHERE title LIKE $1`,
    [`% r${round}`],
  );
  expect(lessons).toBe(`${lessonTitle(0)}, ${lessonTitle(1)}`);
}, 120_000);
