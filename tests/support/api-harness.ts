import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Database } from '../../db/connection';
import { ProfileStore } from '../../db/profiles/profile-store';
import { keyFileSecretBox } from '../../db/profiles/secret-box';
import type { StaffRole } from '../../db/schemas/auth';
import type { ApiResult, Channel, ChannelInput } from '../../electron/api/contract';
import { Router, type InternalErrorLog } from '../../electron/api/router';
import { createMigratedDatabase, type TestDatabase } from './test-database';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A router on a fresh migrated database, with a way to call it as a given session. */
export interface ApiHarness {
  database: TestDatabase;
  db: Database;
  router: Router;
  /** The router's connection profiles, in a folder of their own. */
  profiles: ProfileStore;
  internalErrors: InternalErrorLog[];
  call<C extends Channel>(
    channel: C,
    input: ChannelInput<C>,
    sessionId?: string | null,
  ): Promise<ApiResult<unknown>>;
  /** Sends anything at all, as a hostile or buggy caller would. */
  callRaw(channel: string, input: unknown, sessionId?: string | null): Promise<ApiResult<unknown>>;
  /** Creates a staff user with TEST_PASSWORD and signs them in; returns their id and session. */
  signedIn(role: StaffRole, email?: string): Promise<{ userId: string; sessionId: string }>;
  close(): Promise<void>;
}

export async function createApiHarness(): Promise<ApiHarness> {
  const database = await createMigratedDatabase();
  const db = await Database.open(database.url);
  const internalErrors: InternalErrorLog[] = [];
  const profilesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lms-profiles-'));
  const profiles = new ProfileStore(profilesDir, keyFileSecretBox(profilesDir));
  const router = new Router({
    db,
    profiles,
    logInternalError: (entry) => internalErrors.push(entry),
  });
  let counter = 0;
  const callRaw = async (channel: string, input: unknown, sessionId: string | null = null) =>
    (await router.call(channel, input, { sessionId, ip: '127.0.0.1', source: 'app' })).result;
  return {
    database,
    db,
    router,
    profiles,
    internalErrors,
    call: (channel, input, sessionId) => callRaw(channel, input, sessionId),
    callRaw,
    async signedIn(role, email) {
      counter += 1;
      const address = email ?? `${role}${counter}@example.org`;
      const [rows] = await db.sequelize.query(
        `INSERT INTO users (email, full_name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
        { bind: [address, `Test ${role} ${counter}`, role, await hashOnce()] },
      );
      const userId = (rows as { id: string }[])[0]?.id;
      const outcome = await router.call(
        'auth.signIn',
        { email: address, password: TEST_PASSWORD },
        {
          sessionId: null,
          ip: '127.0.0.1',
          source: 'app',
        },
      );
      if (!userId || outcome.session?.kind !== 'start')
        throw new Error(`could not sign in as ${role}`);
      return { userId, sessionId: outcome.session.id };
    },
    async close() {
      await db.close();
      await database.drop();
      await fs.rm(profilesDir, { recursive: true, force: true });
    },
  };
}

let testHash: Promise<string> | undefined;
/** scrypt is slow on purpose: hash the shared test password once per file. */
function hashOnce(): Promise<string> {
  testHash ??= import('../../db/services/passwords').then(({ hashPassword }) =>
    hashPassword(TEST_PASSWORD),
  );
  return testHash;
}
