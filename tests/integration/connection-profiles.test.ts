import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileChange } from '../../db/schemas/connection-profiles';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { runCli } from '../support/cli-runner';
import { tempFolderFor } from '../support/temp-folders';

const SECRET = 'pässwörd with spaces & symbols';

let api: ApiHarness;
let adminSession: string;
/** The test database's own server, user and password: a profile that really connects. */
let server: URL;

beforeAll(async () => {
  api = await createApiHarness();
  adminSession = (await api.signedIn('admin')).sessionId;
  server = new URL(api.database.url);
});
afterAll(() => api.close());

function profileOfTestServer(overrides: Partial<ProfileChange> = {}): ProfileChange {
  return {
    name: `Test server ${Math.random().toString(36).slice(2)}`,
    host: server.hostname,
    port: Number(server.port || 5432),
    database: decodeURIComponent(server.pathname.slice(1)),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    sslMode: 'disable',
    ...overrides,
  };
}

/** The profiles file and every file beside it, as text: where a password must never show. */
async function everythingOnDisk(): Promise<string> {
  const list = await api.profiles.list();
  const folder = /key in (.+), readable/.exec(list.passwordProtection)?.[1];
  if (!folder) throw new Error(`no key file named in "${list.passwordProtection}"`);
  const dir = path.dirname(folder);
  const names = await fs.readdir(dir, { recursive: true });
  const texts = await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      return (await fs.stat(file)).isFile() ? fs.readFile(file, 'latin1') : '';
    }),
  );
  return texts.join('\n');
}

describe('saving a profile', () => {
  it('stores the password encrypted, in files only the user can read, and never returns it', async () => {
    const saved = await callOk(
      api,
      'profiles.save',
      profileOfTestServer({ password: SECRET }),
      adminSession,
    );
    expect(saved).toMatchObject({ hasPassword: true, version: 1 });
    expect(JSON.stringify(saved)).not.toContain(SECRET);
    expect(await everythingOnDisk()).not.toContain(SECRET);
    expect(await everythingOnDisk()).not.toContain(Buffer.from(SECRET).toString('base64'));
    const list = await callOk(api, 'profiles.list', {}, adminSession);
    expect(JSON.stringify(list)).not.toContain(SECRET);
    const file = /key in (.+), readable/.exec(list.passwordProtection)?.[1] ?? '';
    for (const name of [file, path.join(path.dirname(file), 'connection-profiles.json')]) {
      expect((await fs.stat(name)).mode & 0o777, name).toBe(0o600);
    }
  });

  it('keeps the stored password when an edit leaves it out, and removes it when emptied', async () => {
    const saved = await api.profiles.save(profileOfTestServer());
    const withoutPassword = profileOfTestServer({ name: saved.name, password: undefined });
    const renamed = await api.profiles.save({
      ...withoutPassword,
      id: saved.id,
      version: saved.version,
      database: 'postgres',
    });
    expect(renamed).toMatchObject({ hasPassword: true, version: 2, database: 'postgres' });
    expect((await api.profiles.credentialsOf(saved.id)).password).toBe(
      decodeURIComponent(server.password),
    );
    const cleared = await api.profiles.save({
      ...withoutPassword,
      id: saved.id,
      version: renamed.version,
      password: '',
    });
    expect(cleared.hasPassword).toBe(false);
  });

  it('refuses an edit started from an old version, showing the current profile', async () => {
    const saved = await api.profiles.save(profileOfTestServer());
    const edit = { ...profileOfTestServer({ name: saved.name }), id: saved.id, version: 1 };
    await api.profiles.save({ ...edit, database: 'first' });
    const result = await api.call('profiles.save', { ...edit, database: 'second' }, adminSession);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { database: 'first', version: 2 } },
    });
    expect((await api.profiles.credentialsOf(saved.id)).profile.database).toBe('first');
  });

  it('refuses a second profile of the same name, whatever its case, naming the field', async () => {
    const saved = await api.profiles.save(profileOfTestServer());
    const result = await api.call(
      'profiles.save',
      profileOfTestServer({ name: saved.name.toUpperCase() }),
      adminSession,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { name: 'is already used by another profile' } },
    });
  });

  it('refuses a host that would bend the URL, and verify-ca without a CA, changing nothing', async () => {
    const before = await api.profiles.list();
    for (const [input, field] of [
      [profileOfTestServer({ host: 'evil.example.org/other?sslmode=disable' }), 'host'],
      [profileOfTestServer({ host: 'user:pw@host' }), 'host'],
      [profileOfTestServer({ sslMode: 'verify-ca' }), 'caCertificate'],
    ] as const) {
      const result = await api.call('profiles.save', input, adminSession);
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(result.ok ? {} : result.error.fields).toHaveProperty(field);
    }
    expect(await api.profiles.list()).toEqual(before);
  });
});

describe('testing a connection', () => {
  it('reports the server version, SSL and the migrations applied for a working profile', async () => {
    const saved = await api.profiles.save(profileOfTestServer());
    const result = await callOk(api, 'profiles.test', { id: saved.id }, adminSession);
    expect(result).toMatchObject({ ok: true, isSsl: false });
    expect(result.ok && result.appliedMigrations).toBeGreaterThan(0);
    expect(result.ok && result.serverVersion).toMatch(/^\d+/);
  });

  it('tests a draft before it is saved, using the stored password when the draft has none', async () => {
    const saved = await api.profiles.save(profileOfTestServer());
    const draft = profileOfTestServer({ name: saved.name, password: undefined });
    const result = await callOk(
      api,
      'profiles.test',
      { ...draft, id: saved.id, version: saved.version },
      adminSession,
    );
    expect(result.ok).toBe(true);
  });

  it('says in words why a connection fails: wrong password, no SSL on the server, nothing listening', async () => {
    const cases: [Partial<ProfileChange>, RegExp][] = [
      [{ password: 'wrong password' }, /refused the password/],
      [{ sslMode: 'require' }, /does not accept SSL/],
      [{ port: 1 }, /connection refused/],
    ];
    for (const [overrides, expected] of cases) {
      const result = await callOk(
        api,
        'profiles.test',
        profileOfTestServer(overrides),
        adminSession,
      );
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(expected) });
    }
  });
});

describe('choosing the database', () => {
  it('removing the active profile makes the embedded database the default again', async () => {
    const saved = await api.profiles.save(profileOfTestServer());
    const active = await callOk(api, 'profiles.activate', { id: saved.id }, adminSession);
    expect(active.activeProfileId).toBe(saved.id);
    const after = await callOk(api, 'profiles.remove', { id: saved.id }, adminSession);
    expect(after.activeProfileId).toBeNull();
    expect(after.profiles.map((profile) => profile.id)).not.toContain(saved.id);
  });

  it('reports a damaged profiles file in words instead of losing it', async (test) => {
    const dir = await tempFolderFor(test, 'lms-damaged-profiles');
    await fs.writeFile(path.join(dir, 'connection-profiles.json'), '{"formatVersion": 1, "prof');
    const result = await runCli(['profiles', 'list'], { LMS_DATA_DIR: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/connection-profiles\.json is not valid JSON; fix or remove it/);
    expect(await fs.readFile(path.join(dir, 'connection-profiles.json'), 'utf8')).toBe(
      '{"formatVersion": 1, "prof',
    );
  });
});

describe('the CLI', () => {
  it('adds a profile with the password from stdin, and commands then run on that server', async (test) => {
    const dir = await tempFolderFor(test, 'lms-cli-profiles');
    const profile = profileOfTestServer({ name: 'Central' });
    const added = await runCli(
      [
        'profiles',
        'add',
        '--name',
        'Central',
        '--host',
        profile.host,
        '--port',
        String(profile.port),
        '--database',
        profile.database,
        '--user',
        profile.user,
        '--ssl-mode',
        'disable',
        '--password-stdin',
      ],
      { LMS_DATA_DIR: dir },
      `${profile.password}\n`,
    );
    expect(added.stderr).toBe('');
    expect(added.exitCode).toBe(0);
    const tested = await runCli(['profiles', 'test', 'central'], { LMS_DATA_DIR: dir });
    expect(tested.stdout).toMatch(/^Connected in \d+ ms: PostgreSQL \d.*, no SSL, \d+ migration/);
    expect((await runCli(['profiles', 'use', 'Central'], { LMS_DATA_DIR: dir })).exitCode).toBe(0);
    // No --database-url and no DATABASE_URL: the active profile, not a new embedded server.
    const status = await runCli(['migrate', 'status'], { LMS_DATA_DIR: dir });
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/^Pending: none$/m);
    await expect(fs.access(path.join(dir, 'cluster'))).rejects.toThrow();
  });

  it('names the profiles there are when asked for one that does not exist', async (test) => {
    const dir = await tempFolderFor(test, 'lms-cli-profiles');
    const result = await runCli(['--profile', 'nope', 'migrate', 'status'], { LMS_DATA_DIR: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('Error: No connection profile "nope". None is saved yet.\n');
  });
});
