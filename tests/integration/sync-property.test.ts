import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { linkToCentral } from '../../db/services/sync/link';
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
  type SyncStep,
} from '../support/sync-rounds';
import { changeAsApp, createSyncWorld, type SyncWorld } from '../support/sync-world';

let world: SyncWorld;

beforeAll(async () => {
  world = await createSyncWorld(2);
  for (const replica of world.replicas)
    await linkToCentral(replica.db, { url: world.central.database.url });
});

afterAll(async () => {
  await world?.close();
});

/** A handful of records (by email) that every node edits, deletes and re-creates. */
const SLOTS = 4;
/** Node 0 is the central server; 1 and 2 are the working copies. */
const nodeIndex = fc.integer({ min: 0, max: 2 });
const slot = fc.integer({ min: 0, max: SLOTS - 1 });

type Step =
  | { kind: 'edit'; node: number; slot: number }
  | { kind: 'delete'; node: number; slot: number }
  | { kind: 'create'; node: number; slot: number }
  | SyncStep;

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('edit' as const), node: nodeIndex, slot }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('delete' as const), node: nodeIndex, slot }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('create' as const), node: nodeIndex, slot }),
    weight: 2,
  },
  { arbitrary: syncStepArbitrary(2), weight: 4 },
);

let round = 0;
/** A name no edit ever wrote before, so where it ends up says which edit it was. */
let written = 0;
const emailOf = (slotIndex: number) => `slot${slotIndex}-r${round}@example.com`;

/** Where each node's last edit of a slot should end: on the central server, or in a conflict. */
const lastEdits = new Map<string, string>();

async function apply(step: Step): Promise<void> {
  if (isSyncStep(step)) {
    await runSyncStep(world, step);
    return;
  }
  const db = nodeOf(world, step.node).db;
  const key = `${step.node}:${step.slot}`;
  if (step.kind === 'delete') {
    await changeAsApp(db, `DELETE FROM users WHERE email = $1 RETURNING id`, [emailOf(step.slot)]);
    lastEdits.delete(key);
    return;
  }
  const name = `name ${++written}`;
  const rows =
    step.kind === 'edit'
      ? await changeAsApp(db, `UPDATE users SET full_name = $2 WHERE email = $1 RETURNING id`, [
          emailOf(step.slot),
          name,
        ])
      : await changeAsApp(
          db,
          `INSERT INTO users (email, full_name, role) VALUES ($1, $2, 'student') ON CONFLICT (email) DO NOTHING RETURNING id`,
          [emailOf(step.slot), name],
        );
  if (rows.length > 0) lastEdits.set(key, name);
}

/** Every name that reached the central server at some point, or was kept in a conflict. */
async function keptNames(): Promise<Set<string>> {
  const images = [...(await centralHistory(world)), ...(await conflictSides(world))];
  return new Set(
    images.flatMap(({ table, image }) =>
      table === 'users' && typeof image.full_name === 'string' ? [image.full_name] : [],
    ),
  );
}

/** Runs one sequence of steps, settles, and checks every copy converged with no edit lost. */
async function checkRound(steps: readonly Step[]): Promise<void> {
  round++;
  lastEdits.clear();
  for (const each of steps) await apply(each);
  // The last edit each node made to a record before it synced for good.
  const expected = new Map(lastEdits);
  await settleSync(world, alternateSides);
  await expectCopiesEqualCentral(world);
  const kept = await keptNames();
  const lost = [...expected].filter(([, name]) => !kept.has(name));
  expect(lost, 'edits neither on the central server nor in a conflict').toEqual([]);
}

it('brings every copy to the central state after random edits, syncs and dropped connections, losing no edit', async () => {
  await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), checkRound), {
    numRuns: 15,
    endOnFailure: true,
  });
}, 600_000);

it('keeps one conflict per unique collision, its central side current, so taking central ends at the latest version', async () => {
  // A counterexample the property found (seed -248158514): the push and then the pull each opened
  // a collision conflict for the same email, the central record was edited, and resolving the
  // push's (stale) conflict after the pull's put the copy back to central's version 1.
  await checkRound([
    { kind: 'edit', node: 2, slot: 2 },
    { kind: 'edit', node: 1, slot: 2 },
    { kind: 'pull', replica: 2, dropAfter: 1 },
    { kind: 'pull', replica: 2, dropAfter: null },
    { kind: 'edit', node: 1, slot: 1 },
    { kind: 'delete', node: 0, slot: 0 },
    { kind: 'delete', node: 0, slot: 2 },
    { kind: 'create', node: 0, slot: 3 },
    { kind: 'delete', node: 0, slot: 0 },
    { kind: 'create', node: 1, slot: 3 },
    { kind: 'create', node: 0, slot: 1 },
    { kind: 'push', replica: 1, dropAfter: 1 },
    { kind: 'pull', replica: 1, dropAfter: 1 },
    { kind: 'create', node: 1, slot: 0 },
    { kind: 'push', replica: 1, dropAfter: null },
    { kind: 'delete', node: 1, slot: 3 },
    { kind: 'edit', node: 0, slot: 3 },
  ]);
}, 120_000);

it('shows and keeps a local edit made while its conflict waited, so resolving never discards it unseen', async () => {
  // A counterexample the property found in CI (seed -199256884): replica 2 created a record that
  // collided with a central one, edited it while the conflict was open, and taking central then
  // dropped the edit, which the conflict (holding the local side as first found) had never shown.
  await checkRound([
    { kind: 'create', node: 0, slot: 0 },
    { kind: 'create', node: 2, slot: 0 },
    { kind: 'pull', replica: 2, dropAfter: null },
    { kind: 'push', replica: 2, dropAfter: 1 },
    { kind: 'edit', node: 2, slot: 0 },
  ]);
}, 120_000);
