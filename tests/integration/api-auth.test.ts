import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.close());

describe('first run and sign-in', () => {
  it('reports that setup is needed until the first admin exists, then creates that admin and a session', async () => {
    expect(await api.call('auth.state', {})).toEqual({
      ok: true,
      data: { needsSetup: true, user: null },
    });
    const outcome = await api.router.call(
      'auth.setup',
      { email: 'Root@Example.org', password: TEST_PASSWORD, fullName: 'Root Admin' },
      { sessionId: null, ip: '127.0.0.1', source: 'app' },
    );
    expect(outcome.result).toMatchObject({
      ok: true,
      data: { email: 'root@example.org', role: 'admin' },
    });
    expect(outcome.session?.kind).toBe('start');
    const sessionId = outcome.session?.kind === 'start' ? outcome.session.id : null;
    expect(await api.call('auth.me', {}, sessionId)).toMatchObject({
      ok: true,
      data: { role: 'admin' },
    });
    expect(await api.call('auth.state', {})).toMatchObject({
      ok: true,
      data: { needsSetup: false },
    });
  });

  it('refuses a second setup once an admin exists', async () => {
    const result = await api.call('auth.setup', {
      email: 'other@example.org',
      password: TEST_PASSWORD,
      fullName: 'X',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    await api.signedIn('support', 'known@example.org');
    const unknown = await api.call('auth.signIn', {
      email: 'nobody@example.org',
      password: 'whatever-it-is',
    });
    const wrong = await api.call('auth.signIn', {
      email: 'known@example.org',
      password: 'not the password',
    });
    expect(unknown).toEqual(wrong);
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Wrong email or password.' },
    });
  });

  it('does not let a student sign in', async () => {
    await api.db.sequelize.query(
      `INSERT INTO users (email, full_name, role) VALUES ('student@example.org', 'S', 'student')`,
    );
    const result = await api.call('auth.signIn', {
      email: 'student@example.org',
      password: TEST_PASSWORD,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('slows down repeated failures for one email', async () => {
    await api.signedIn('instructor', 'target@example.org');
    for (let attempt = 0; attempt < 5; attempt++) {
      await api.call('auth.signIn', { email: 'target@example.org', password: 'guess-number-x' });
    }
    const blocked = await api.call('auth.signIn', {
      email: 'target@example.org',
      password: TEST_PASSWORD,
    });
    expect(blocked).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    if (!blocked.ok) expect(blocked.error.retryAfterMs).toBeGreaterThan(0);
  });

  it('ends the session on sign-out', async () => {
    const { sessionId } = await api.signedIn('support');
    await api.call('auth.signOut', {}, sessionId);
    expect(await api.call('auth.me', {}, sessionId)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('ends the session of a user deactivated meanwhile', async () => {
    const { userId, sessionId } = await api.signedIn('support');
    await api.db.sequelize.query(`UPDATE users SET is_active = false WHERE id = $1`, {
      bind: [userId],
    });
    expect(await api.call('auth.me', {}, sessionId)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('users', () => {
  it('returns CONFLICT with the current row when an update carries a stale version, and overwrites nothing', async () => {
    const admin = await api.signedIn('admin');
    const created = await api.call(
      'users.create',
      { email: 'stale@example.org', fullName: 'First', role: 'student' },
      admin.sessionId,
    );
    if (!created.ok) throw new Error(created.error.message);
    const { id } = created.data as { id: string };
    const first = await api.call(
      'users.update',
      { id, version: 1, fullName: 'Second' },
      admin.sessionId,
    );
    expect(first).toMatchObject({ ok: true, data: { fullName: 'Second', version: 2 } });
    const stale = await api.call(
      'users.update',
      { id, version: 1, fullName: 'Third' },
      admin.sessionId,
    );
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { fullName: 'Second', version: 2 } },
    });
  });

  it('names the field when an email is already used', async () => {
    const admin = await api.signedIn('admin');
    await api.call(
      'users.create',
      { email: 'dup@example.org', fullName: 'A', role: 'student' },
      admin.sessionId,
    );
    const again = await api.call(
      'users.create',
      { email: 'DUP@example.org', fullName: 'B', role: 'student' },
      admin.sessionId,
    );
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', fields: { email: expect.any(String) } },
    });
  });

  it('lets support read users but change none', async () => {
    const support = await api.signedIn('support');
    expect(await api.call('users.list', { limit: 1 }, support.sessionId)).toMatchObject({
      ok: true,
    });
    const create = await api.call(
      'users.create',
      { email: 'x@example.org', fullName: 'X', role: 'student' },
      support.sessionId,
    );
    expect(create).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses to deactivate the last admin who can sign in', async () => {
    const rows = await api.db.sequelize.query<{ id: string; version: number }>(
      `SELECT id, version FROM users WHERE role = 'admin' AND is_active`,
      { type: QueryTypes.SELECT },
    );
    const admin = await api.signedIn('admin');
    for (const row of rows)
      await api.call('users.deactivate', { id: row.id, version: row.version }, admin.sessionId);
    const self = await api.call(
      'users.deactivate',
      { id: admin.userId, version: 1 },
      admin.sessionId,
    );
    expect(self).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(api.internalErrors).toEqual([]);
  });
});
