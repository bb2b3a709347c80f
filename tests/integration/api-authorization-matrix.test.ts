import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../db/schemas/auth';
import type { ErrorCode } from '../../db/schemas/errors';
import { channels, contract, type Channel, type ChannelSpec } from '../../electron/api/contract';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import {
  channelsWithoutExample,
  exampleInput,
  exampleBulkOperationId,
  exampleProfileId,
  type ExampleContext,
} from '../support/channel-examples';
import { buildWorld } from '../support/lms-world';
import { tableChecksums } from '../support/table-checksum';

/**
 * Every channel of the contract × every kind of caller: the router lets a call through exactly
 * when the contract says so. Each pair gets a fresh world and a fresh session, so destructive
 * channels (deletes, unenrol, sign-out…) can't spoil another pair.
 */

/** The callers of the matrix: a role, or none, and whether they own the world's course. */
interface Caller {
  name: string;
  role: StaffRole | null;
  ownsCourse: boolean;
}

const callers: readonly Caller[] = [
  { name: 'anonymous', role: null, ownsCourse: false },
  { name: 'admin', role: 'admin', ownsCourse: false },
  { name: 'instructor owning the course', role: 'instructor', ownsCourse: true },
  { name: 'instructor not owning it', role: 'instructor', ownsCourse: false },
  { name: 'support', role: 'support', ownsCourse: false },
];

type Access = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN';

/** What the contract promises this caller on this channel. */
function accessByContract(channel: Channel, caller: Caller): Access {
  const spec: ChannelSpec = contract[channel];
  if (spec.roles === 'anonymous') return 'allowed';
  if (caller.role === null) return 'UNAUTHENTICATED';
  if (!spec.roles.includes(caller.role)) return 'FORBIDDEN';
  const isOwnedOnly = spec.ownedCourse !== undefined || spec.ownsEveryQuiz === true;
  if (isOwnedOnly && caller.role === 'instructor' && !caller.ownsCourse) return 'FORBIDDEN';
  return 'allowed';
}

/**
 * Channels whose example, once let through, meets a rule of the handler rather than succeeding.
 * That answer still proves the call passed authorization.
 */
const answerWhenAllowed: Partial<Record<Channel, ErrorCode>> = {
  // The harness's admin exists, so first-run setup is over for everyone.
  'auth.setup': 'CONFLICT',
  // The world deletes nothing, so its example names a creation, which is no deletion to undo.
  'audit.undelete': 'VALIDATION',
  // The test database is no working copy and no central server answers its example URL.
  'sync.link': 'UNAVAILABLE',
  'sync.linkPreview': 'UNAVAILABLE',
  'sync.push': 'NOT_FOUND',
  'sync.pull': 'NOT_FOUND',
  'sync.unlink': 'NOT_FOUND',
  'sync.rememberPassword': 'NOT_FOUND',
  'sync.forgetPassword': 'NOT_FOUND',
  'sync.resolve': 'NOT_FOUND',
};

const SIGN_IN_EMAIL = 'matrix-support@example.org';

let api: ApiHarness;
/** The user id behind each signed-in caller. */
const userIds = new Map<string, string>();
let ownerId: string;
let latestMigration: string;

beforeAll(async () => {
  api = await createApiHarness();
  const admin = await api.signedIn('admin');
  const owner = await api.signedIn('instructor');
  const other = await api.signedIn('instructor');
  const support = await api.signedIn('support', SIGN_IN_EMAIL);
  ownerId = owner.userId;
  userIds.set('admin', admin.userId);
  userIds.set('instructor owning the course', owner.userId);
  userIds.set('instructor not owning it', other.userId);
  userIds.set('support', support.userId);
  // Rolling back to the newest applied migration is a no-op, as long as nothing is pending.
  const status = await callOk(api, 'migrations.status', {}, admin.sessionId);
  if (status.current === null || status.pending.length > 0) {
    throw new Error(
      `the test database should have every migration applied: ${JSON.stringify(status)}`,
    );
  }
  latestMigration = status.current;
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

/** A session of its own for one call, so sign-in and sign-out can't end a session another call uses. */
function sessionFor(caller: Caller): string | null {
  if (caller.role === null) return null;
  const userId = userIds.get(caller.name);
  if (!userId) throw new Error(`no signed-in user for ${caller.name}`);
  return api.router.sessions.start(userId);
}

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

it('has an example input for every channel of the contract', () => {
  expect(channelsWithoutExample()).toEqual([]);
});

it("builds every example so that its channel's input schema accepts it", async () => {
  const context = await freshContext();
  const rejected = channels.filter(
    (channel) => !contract[channel].input.safeParse(exampleInput(channel, context)).success,
  );
  expect(rejected).toEqual([]);
});

describe.each(channels)('%s', (channel) => {
  for (const caller of callers) {
    const access = accessByContract(channel, caller);
    it(`${access === 'allowed' ? 'lets through' : `refuses (${access})`} ${caller.name}`, async () => {
      const input = exampleInput(channel, await freshContext());
      const before = access === 'allowed' ? undefined : await tableChecksums(api.db);
      const result = await api.callRaw(channel, input, sessionFor(caller));
      const code = result.ok ? undefined : result.error.code;
      const message = result.ok ? undefined : result.error.message;
      const actual: Access = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? code : 'allowed';
      expect({ channel, caller: caller.name, access: actual }, message).toEqual({
        channel,
        caller: caller.name,
        access,
      });
      if (before) {
        expect(await tableChecksums(api.db)).toEqual(before);
      } else {
        expect({ channel, caller: caller.name, answer: code ?? 'ok' }, message).toEqual({
          channel,
          caller: caller.name,
          answer: answerWhenAllowed[channel] ?? 'ok',
        });
      }
    });
  }
});
