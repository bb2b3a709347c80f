import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, contract, type Channel } from '../../electron/api/contract';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import {
  exampleBulkOperationId,
  exampleInput,
  exampleProfileId,
  type ExampleContext,
} from '../support/channel-examples';
import { hostilePayloads, nestedValue } from '../support/hostile-payloads';
import { buildWorld } from '../support/lms-world';
import { tableChecksums, type TableChecksums } from '../support/table-checksum';

/**
 * Random and malformed payloads to every channel through the router, mostly as an admin (who
 * gets furthest), some anonymously: the answer is the channel's normal one or an expected error,
 * never INTERNAL; a payload the input schema rejects is VALIDATION; a call that fails leaves
 * every table as it was; and nothing reaches Object.prototype.
 */

/** Enough runs to meet every kind of payload on each of the ~50 channels within the time budget. */
const RUNS_PER_CHANNEL = 30;
const SIGN_IN_EMAIL = 'fuzz-instructor@example.org';

/**
 * Channels whose valid inputs would wreck the database every later call needs (a rollback to
 * `0` drops the schema): they get only payloads their schema rejects.
 */
const onlyMalformedFor: ReadonlySet<Channel> = new Set(['migrations.rollback']);

const caller = fc.oneof(
  { arbitrary: fc.constant('admin' as const), weight: 3 },
  { arbitrary: fc.constant('anonymous' as const), weight: 1 },
);

let api: ApiHarness;
let adminId: string;
let ownerId: string;
let latestMigration: string;
/** The tables as they are now, while known: a successful call may change them and forgets it. */
let knownChecksums: TableChecksums | undefined;
const prototypeNames = Object.getOwnPropertyNames(Object.prototype);

beforeAll(async () => {
  api = await createApiHarness();
  const admin = await api.signedIn('admin');
  adminId = admin.userId;
  ownerId = (await api.signedIn('instructor', SIGN_IN_EMAIL)).userId;
  const status = await callOk(api, 'migrations.status', {}, admin.sessionId);
  if (status.current === null) throw new Error('the test database has no migration applied');
  latestMigration = status.current;
});
afterAll(() => api.close());

/** A world of its own per channel, so a payload that happens to delete its rows spoils no other channel's run. */
async function freshContext(): Promise<ExampleContext> {
  const world = await buildWorld(api.db, ownerId);
  return {
    world,
    staff: { email: SIGN_IN_EMAIL, password: TEST_PASSWORD },
    latestMigration,
    profileId: await exampleProfileId(api.profiles),
    bulkOperationId: await exampleBulkOperationId(api.db, world),
  };
}

/** A list with holes at 0 to 2, as structured clone carries it. */
function sparseList(): unknown[] {
  const list: unknown[] = [];
  list[3] = 'x';
  return list;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

describe.each(channels)('%s', (channel) => {
  it('answers malformed and random payloads without INTERNAL, and a failed call changes nothing', async () => {
    const schema = contract[channel].input;
    // The router reads a missing input as `{}`, as the doors send no body for a call without one.
    const isMalformed = (payload: unknown): boolean =>
      !schema.safeParse(payload === undefined ? {} : payload).success;
    const example = exampleInput(channel, await freshContext());
    // Building the world changed the tables.
    knownChecksums = undefined;
    const all = hostilePayloads(example, schema);
    const payloads = onlyMalformedFor.has(channel) ? all.filter(isMalformed) : all;
    await fc.assert(
      fc.asyncProperty(payloads, caller, async (payload, who) => {
        const expectsValidation = isMalformed(payload);
        const before = (knownChecksums ??= await tableChecksums(api.db));
        const session = who === 'admin' ? api.router.sessions.start(adminId) : null;
        const result = await api.callRaw(channel, payload, session);
        // Taken out per run, so shrinking a failure isn't confused by an earlier run's entry.
        const logged = api.internalErrors.splice(0).map((entry) => describeError(entry.error));
        expect(logged).toEqual([]);
        const answer = result.ok ? 'ok' : result.error.code;
        expect(answer).not.toBe('INTERNAL');
        if (expectsValidation) expect(answer).toBe('VALIDATION');
        expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
        if (result.ok) knownChecksums = undefined;
        else expect(await tableChecksums(api.db)).toEqual(before);
      }),
      { numRuns: RUNS_PER_CHANNEL },
    );
  });
});

/** Metadata JSON can't hold as given, once found by the fuzzer above: now fixed cases. */
const nonJsonMetadata: readonly (readonly [string, Record<string, unknown>])[] = [
  ['a BigInt', { credits: 10n }],
  ['nesting 5000 levels deep', { tree: nestedValue(5000) }],
  ['a Map', { links: new Map([['site', 'https://example.org']]) }],
  ['a Date', { since: new Date(0) }],
  ['an undefined value', { note: undefined }],
  ['NaN', { score: Number.NaN }],
  ['a list with holes', { tags: sparseList() }],
];

const metadataChannels = [
  'users.create',
  'users.update',
  'courses.create',
  'courses.update',
] as const satisfies readonly Channel[];

describe.each(metadataChannels)('%s metadata', (channel) => {
  it.each(nonJsonMetadata)('refuses %s as VALIDATION naming the field', async (_what, metadata) => {
    const example = exampleInput(channel, await freshContext());
    const before = await tableChecksums(api.db);
    const result = await api.callRaw(
      channel,
      { ...(example as object), metadata },
      api.router.sessions.start(adminId),
    );
    expect(api.internalErrors.splice(0).map((entry) => describeError(entry.error))).toEqual([]);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const fields = result.ok ? {} : (result.error.fields ?? {});
    expect(Object.keys(fields).some((field) => field.startsWith('metadata'))).toBe(true);
    expect(await tableChecksums(api.db)).toEqual(before);
  });
});

it('reports a CSV metadata cell nested 5000 levels deep as a problem of its line', async () => {
  // Written out by hand: JSON.stringify itself can't go that deep here.
  const cell = `{""tree"":${'{""a"":'.repeat(5000)}1${'}'.repeat(5001)}`;
  const result = await api.callRaw(
    'users.import',
    { csv: `email,full_name,role,metadata\r\ndeep@example.org,Deep,student,"${cell}"\r\n` },
    api.router.sessions.start(adminId),
  );
  expect(api.internalErrors.splice(0).map((entry) => describeError(entry.error))).toEqual([]);
  expect(result).toMatchObject({
    ok: true,
    data: { isWritten: false, problems: [{ line: 2, column: 'metadata' }] },
  });
});
