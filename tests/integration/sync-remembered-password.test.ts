import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import { keyFileSecretBox, secretBoxFor, type SafeStorageLike } from '../../db/profiles/secret-box';
import { linkToCentral } from '../../db/services/sync/link';
import { pushChanges } from '../../db/services/sync/push';
import { getSyncStatus } from '../../db/services/sync/status';
import { Router } from '../../electron/api/router';
import type { Channel, ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { runCli } from '../support/cli-runner';
import { createUser } from '../support/lms-factories';
import { changeAsApp, queryValue } from '../support/sync-world';
import { tempFolderFor } from '../support/temp-folders';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

/**
 * The central password remembered for a link: sealed by the app's secret box, used by the status
 * check, push and pull of later sessions, refused in clear words once the server stops taking it,
 * and forgotten on request. The central server is reached as a role of its own, so a test can
 * change that role's password as an administrator of the central server would.
 */

const ROLE = `sync_remember_${randomBytes(4).toString('hex')}`;
const FIRST_PASSWORD = `first ${randomBytes(6).toString('hex')}`;
const SECOND_PASSWORD = `second ${randomBytes(6).toString('hex')}`;
const ADMIN_EMAIL = 'remembering.admin@example.org';
const STUDENT_EMAIL = 'copied.student@example.org';

let centralDatabase: TestDatabase;
let central: Database;
/** The central server as the link names it: the role, no password. */
let centralUrl: string;

beforeAll(async () => {
  centralDatabase = await createMigratedDatabase();
  central = await Database.open(centralDatabase.url);
  await central.sequelize.query(`CREATE ROLE ${ROLE} LOGIN SUPERUSER PASSWORD '${FIRST_PASSWORD}'`);
  await createUser(central, { role: 'admin', email: ADMIN_EMAIL });
  await createUser(central, { email: STUDENT_EMAIL });
  const url = new URL(centralDatabase.url);
  url.username = ROLE;
  url.password = '';
  centralUrl = url.toString();
});

afterAll(async () => {
  await central?.sequelize.query(`DROP ROLE IF EXISTS ${ROLE}`);
  await central?.close();
  await centralDatabase?.drop();
});

async function setCentralPassword(password: string): Promise<void> {
  await central.sequelize.query(`ALTER ROLE ${ROLE} PASSWORD '${password}'`);
}

describe('a remembered central password through the API', () => {
  let api: ApiHarness;
  let sessionId: string;
  /** The app started again: a new router on a new connection pool, the same computer's secret box. */
  let restarted: { db: Database; router: Router };

  async function callAfterRestart<C extends Channel>(channel: C, input: ChannelInput<C>) {
    return (
      await restarted.router.call(channel, input, { sessionId, ip: '127.0.0.1', source: 'app' })
    ).result;
  }

  async function okAfterRestart<C extends Channel>(
    channel: C,
    input: ChannelInput<C>,
  ): Promise<ChannelOutput<C>> {
    const result = await callAfterRestart(channel, input);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
    return result.data as ChannelOutput<C>;
  }

  beforeAll(async () => {
    api = await createApiHarness();
    // The admin signed in here collides with the central one: that conflict waits, unpushed.
    ({ sessionId } = await api.signedIn('admin', ADMIN_EMAIL));
    await callOk(
      api,
      'sync.link',
      { url: centralUrl, password: FIRST_PASSWORD, rememberPassword: true },
      sessionId,
    );
    const db = await Database.open(api.database.url);
    restarted = {
      db,
      router: new Router({ db, profiles: api.profiles, sessions: api.router.sessions }),
    };
  });

  afterAll(async () => {
    await restarted?.db.close();
    await api?.close();
  });

  it('keeps the password only sealed: the stored value, the status and the link hold no trace of it', async () => {
    const sealed = await queryValue<string>(
      api.db,
      `SELECT central_password_sealed AS value FROM sync_link`,
    );
    expect(sealed).toMatch(/^key-file:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain(FIRST_PASSWORD);
    const sealedBytes = Buffer.from(sealed.slice('key-file:'.length), 'base64').toString('latin1');
    expect(sealedBytes).not.toContain(FIRST_PASSWORD);
    const linkRow = await queryValue<string>(
      api.db,
      `SELECT row_to_json(l)::text AS value FROM sync_link l`,
    );
    expect(linkRow.replace(sealed, '')).not.toContain(FIRST_PASSWORD);
    const status = await okAfterRestart('sync.status', { checkOnline: true });
    expect(JSON.stringify(status)).not.toContain(FIRST_PASSWORD);
    expect(JSON.stringify(status)).not.toContain(sealed);
  });

  it('lets a new session check, push and pull without being given the password', async () => {
    const status = await okAfterRestart('sync.status', { checkOnline: true });
    expect(status).toMatchObject({
      isOnline: true,
      isPasswordRemembered: true,
      centralMessage: null,
    });
    await changeAsApp(
      restarted.db,
      `UPDATE users SET full_name = 'Renamed here' WHERE email = $1 RETURNING id`,
      [STUDENT_EMAIL],
    );
    const pushed = await okAfterRestart('sync.push', {});
    expect(pushed.applied).toBe(1);
    expect(
      await queryValue(central, `SELECT full_name AS value FROM users WHERE email = $1`, [
        STUDENT_EMAIL,
      ]),
    ).toBe('Renamed here');
    await createUser(central, { email: 'made.centrally@example.org' });
    const pulled = await okAfterRestart('sync.pull', {});
    expect(pulled.applied).toBe(1);
    expect(api.internalErrors).toEqual([]);
  });

  it('says the remembered password was refused, and asks for it again, once the server changed it', async () => {
    await setCentralPassword(SECOND_PASSWORD);
    const status = await okAfterRestart('sync.status', { checkOnline: true });
    expect(status.isOnline).toBe(false);
    expect(status.centralMessage).toMatch(
      /refused the remembered password.*Enter the password again/,
    );
    const push = await callAfterRestart('sync.push', {});
    expect(push).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    if (push.ok) throw new Error('unreachable');
    expect(push.error.message).toMatch(/refused the remembered password/);
    for (const text of [status.centralMessage, push.error.message]) {
      expect(text).not.toContain(FIRST_PASSWORD);
      expect(text).not.toContain(SECOND_PASSWORD);
    }
  });

  it('refuses to remember a password the server does not take, keeping the one it had', async () => {
    const before = await queryValue<string>(
      api.db,
      `SELECT central_password_sealed AS value FROM sync_link`,
    );
    const result = await callAfterRestart('sync.rememberPassword', { password: 'not it' });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(await queryValue(api.db, `SELECT central_password_sealed AS value FROM sync_link`)).toBe(
      before,
    );
  });

  it('remembers the new password, which later sessions use', async () => {
    await okAfterRestart('sync.rememberPassword', { password: SECOND_PASSWORD });
    const db = await Database.open(api.database.url);
    try {
      const router = new Router({ db, profiles: api.profiles, sessions: api.router.sessions });
      const result = await router.call(
        'sync.status',
        { checkOnline: true },
        { sessionId, ip: '127.0.0.1', source: 'app' },
      );
      expect(result.result).toMatchObject({ ok: true, data: { isOnline: true } });
    } finally {
      await db.close();
    }
  });

  it('forgets the password: the next session is asked for it again', async () => {
    expect(await okAfterRestart('sync.forgetPassword', {})).toEqual({ wasRemembered: true });
    expect(
      await queryValue(api.db, `SELECT central_password_sealed AS value FROM sync_link`),
    ).toBeNull();
    const status = await okAfterRestart('sync.status', { checkOnline: true });
    expect(status).toMatchObject({ isOnline: false, isPasswordRemembered: false });
    expect(status.centralMessage).toMatch(/asks for a password, and none was given/);
    expect(await okAfterRestart('sync.forgetPassword', {})).toEqual({ wasRemembered: false });
  });
});

describe('remembering the central password when linking', () => {
  it('refuses to remember when no password was given, and stays unlinked', async () => {
    const api = await createApiHarness();
    try {
      const { sessionId } = await api.signedIn('admin');
      const result = await api.call(
        'sync.link',
        { url: centralUrl, rememberPassword: true },
        sessionId,
      );
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', fields: { password: expect.any(String) } },
      });
      const status = await callOk(api, 'sync.status', { checkOnline: false }, sessionId);
      expect(status.isLinked).toBe(false);
    } finally {
      await api.close();
    }
  });

  it('keeps no password unless asked, as before', async () => {
    const api = await createApiHarness();
    try {
      await setCentralPassword(FIRST_PASSWORD);
      const { sessionId } = await api.signedIn('admin');
      await callOk(api, 'sync.link', { url: centralUrl, password: FIRST_PASSWORD }, sessionId);
      expect(
        await queryValue(api.db, `SELECT central_password_sealed AS value FROM sync_link`),
      ).toBeNull();
      const status = await callOk(api, 'sync.status', { checkOnline: false }, sessionId);
      expect(status.isPasswordRemembered).toBe(false);
    } finally {
      await api.close();
    }
  });
});

describe('the secret box that sealed the password', () => {
  /** A stand-in for Electron's safeStorage (the OS keychain): a reversible scramble, never the text. */
  const fakeKeychain: SafeStorageLike = {
    isEncryptionAvailable: () => true,
    encryptString: (plainText) =>
      Buffer.from(Buffer.from(plainText, 'utf8').map((byte) => byte ^ 0x5a)),
    decryptString: (sealed) => Buffer.from(sealed.map((byte) => byte ^ 0x5a)).toString('utf8'),
  };

  it('opens it in the desktop app (keychain), and elsewhere asks for the password in words', async (test) => {
    await setCentralPassword(FIRST_PASSWORD);
    const local = await createMigratedDatabase();
    const db = await Database.open(local.url);
    try {
      const keychain = secretBoxFor(await tempFolderFor(test, 'lms-keychain'), fakeKeychain);
      expect(keychain.kind).toBe('keychain');
      await linkToCentral(
        db,
        { url: centralUrl, password: FIRST_PASSWORD },
        {},
        { rememberPasswordWith: keychain },
      );
      const inApp = await getSyncStatus(db, { checkOnline: true, target: { secrets: keychain } });
      expect(inApp).toMatchObject({ isOnline: true, isPasswordRemembered: true });
      // The CLI and browser mode seal with the key file, which can't open the keychain's seal.
      const keyFile = keyFileSecretBox(await tempFolderFor(test, 'lms-key-file'));
      const elsewhere = await getSyncStatus(db, {
        checkOnline: true,
        target: { secrets: keyFile },
      });
      expect(elsewhere.isOnline).toBe(false);
      expect(elsewhere.centralMessage).toMatch(
        /sealed with the desktop app's operating system keychain.*Enter the password again/,
      );
      await expect(pushChanges(db, { secrets: keyFile })).rejects.toThrow(
        /Enter the password again/,
      );
    } finally {
      await db.close();
      await local.drop();
    }
  });
});

describe('sync.unlink', () => {
  it('is refused while a change waits to be pushed; once pushed it unlinks, forgetting the password, and linking again merges', async () => {
    await setCentralPassword(FIRST_PASSWORD);
    const api = await createApiHarness();
    try {
      const { sessionId } = await api.signedIn('admin');
      await callOk(
        api,
        'sync.link',
        { url: centralUrl, password: FIRST_PASSWORD, rememberPassword: true },
        sessionId,
      );
      const refused = await api.call('sync.unlink', {}, sessionId);
      expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      if (refused.ok) throw new Error('unreachable');
      // The admin signed in here is a record the central server lacks.
      expect(refused.error.message).toMatch(/1 changed record\(s\) to push.*Nothing was changed/);
      expect(await queryValue<number>(api.db, `SELECT count(*)::int AS value FROM sync_link`)).toBe(
        1,
      );
      await callOk(api, 'sync.push', {}, sessionId);
      const unlinked = await callOk(api, 'sync.unlink', {}, sessionId);
      expect(unlinked).toMatchObject({ wasPasswordRemembered: true });
      expect(await queryValue<number>(api.db, `SELECT count(*)::int AS value FROM sync_link`)).toBe(
        0,
      );
      const status = await callOk(api, 'sync.status', { checkOnline: false }, sessionId);
      expect(status).toMatchObject({ isLinked: false, isPasswordRemembered: false });
      const relinked = await callOk(
        api,
        'sync.link',
        { url: centralUrl, password: FIRST_PASSWORD },
        sessionId,
      );
      expect(relinked).toMatchObject({ isMerge: true, localToPush: 0 });
      expect(relinked.conflicts).toEqual({
        collisions: 0,
        changedOnBoth: 0,
        deletedOnOneSide: 0,
        waiting: 0,
      });
    } finally {
      await api.close();
    }
  });
});

describe('lms-admin sync with a remembered password', () => {
  it('links with --remember-password, then status, push and forget-password work without it', async (test) => {
    await setCentralPassword(FIRST_PASSWORD);
    const local = await createMigratedDatabase();
    try {
      const env = {
        DATABASE_URL: local.url,
        LMS_DATA_DIR: await tempFolderFor(test, 'lms-sync-remember'),
      };
      const linked = await runCli(
        ['sync', 'link', centralUrl, '--password-stdin', '--remember-password'],
        env,
        `${FIRST_PASSWORD}\n`,
      );
      expect(linked.stderr).not.toContain(FIRST_PASSWORD);
      expect(linked).toMatchObject({ exitCode: 0 });
      expect(linked.stdout).toContain('The password is remembered, encrypted');
      const status = await runCli(['sync', 'status'], env);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toMatch(/\(online\)/);
      expect(status.stdout).toContain('Password: remembered (encrypted)');
      expect(status.stdout).not.toContain(FIRST_PASSWORD);
      const pushed = await runCli(['sync', 'push'], env);
      expect(pushed).toMatchObject({ exitCode: 0 });
      const forgotten = await runCli(['sync', 'forget-password'], env);
      expect(forgotten.stdout).toContain('The central password is forgotten');
      const after = await runCli(['sync', 'status'], env);
      expect(after.stdout).toMatch(/offline: .*asks for a password/);
      expect(after.stdout).toContain('Password: not remembered');
      const unlinked = await runCli(['sync', 'unlink', '--yes'], env);
      expect(unlinked).toMatchObject({ exitCode: 0 });
      expect(unlinked.stdout).toMatch(/^Unlinked from .*every record stays here/);
    } finally {
      await local.drop();
    }
  });
});
