import { QueryTypes } from 'sequelize';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { createStudent, createUser } from '../support/lms-factories';

const NEW_PASSWORD = 'a long enough passphrase';

let api: ApiHarness;
let adminId: string;
let adminSession: string;

beforeAll(async () => {
  api = await createApiHarness();
  ({ userId: adminId, sessionId: adminSession } = await api.signedIn('admin'));
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

async function passwordHashOf(id: string): Promise<string | null> {
  const rows = await api.db.sequelize.query<{ password_hash: string | null }>(
    `SELECT password_hash FROM users WHERE id = $1`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  const row = rows[0];
  if (!row) throw new Error(`no user ${id}`);
  return row.password_hash;
}

/** An instructor added without a password, as the admin sees them. */
async function instructorWithoutPassword() {
  const created = await createUser(api.db, { role: 'instructor' });
  return callOk(api, 'users.get', { id: created.id }, adminSession);
}

const signIn = (email: string, password: string) => api.call('auth.signIn', { email, password });

describe('users.update with a password', () => {
  it('sets a password the user then signs in with, and answers only that there is one', async () => {
    const user = await instructorWithoutPassword();
    const saved = await callOk(
      api,
      'users.update',
      { id: user.id, version: user.version, password: NEW_PASSWORD },
      adminSession,
    );
    expect(saved).toMatchObject({ hasPassword: true, version: user.version + 1 });
    expect(JSON.stringify(saved)).not.toContain(NEW_PASSWORD);
    expect(await passwordHashOf(user.id)).toMatch(/^\$scrypt\$/);
    expect(await signIn(user.email, NEW_PASSWORD)).toMatchObject({
      ok: true,
      data: { email: user.email, role: 'instructor' },
    });
  });

  it('records the new password in the history as changed, never its hash', async () => {
    const user = await instructorWithoutPassword();
    await callOk(
      api,
      'users.update',
      { id: user.id, version: user.version, password: NEW_PASSWORD },
      adminSession,
    );
    const history = await callOk(
      api,
      'audit.list',
      { filter: { tableName: 'users', recordId: user.id, action: 'UPDATE' }, limit: 10 },
      adminSession,
    );
    const [change] = history.items;
    expect(change?.changedFields).toContain('password_hash');
    expect(change?.after?.['password_hash']).toBe('[redacted]');
    expect(JSON.stringify(history)).not.toContain(String(await passwordHashOf(user.id)));
  });

  it('refuses a too short password on its field and changes nothing', async () => {
    const user = await instructorWithoutPassword();
    const result = await api.call(
      'users.update',
      { id: user.id, version: user.version, password: 'short' },
      adminSession,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { password: 'must be at least 10 characters' } },
    });
    expect(await passwordHashOf(user.id)).toBeNull();
  });

  it('refuses to give a student a password: students do not sign in', async () => {
    const student = await createStudent(api.db);
    const { version } = await callOk(api, 'users.get', { id: student.id }, adminSession);
    const result = await api.call(
      'users.update',
      { id: student.id, version, password: NEW_PASSWORD },
      adminSession,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { password: expect.any(String) } },
    });
    expect(await passwordHashOf(student.id)).toBeNull();
  });

  it('removes a password: the user can no longer sign in, and an open session of theirs ends', async () => {
    const staff = await api.signedIn('support');
    const user = await callOk(api, 'users.get', { id: staff.userId }, adminSession);
    const saved = await callOk(
      api,
      'users.update',
      { id: user.id, version: user.version, password: null },
      adminSession,
    );
    expect(saved.hasPassword).toBe(false);
    expect(await passwordHashOf(user.id)).toBeNull();
    expect(await api.call('auth.me', {}, staff.sessionId)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a password change against a stale version, and keeps the password it had', async () => {
    const user = await instructorWithoutPassword();
    await callOk(
      api,
      'users.update',
      { id: user.id, version: user.version, fullName: 'Renamed Meanwhile' },
      adminSession,
    );
    const result = await api.call(
      'users.update',
      { id: user.id, version: user.version, password: NEW_PASSWORD },
      adminSession,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', current: { fullName: 'Renamed Meanwhile', hasPassword: false } },
    });
    expect(await passwordHashOf(user.id)).toBeNull();
  });

  it('refuses to remove the password of the last admin who can sign in', async () => {
    await api.db.sequelize.query(
      `UPDATE users SET role = 'support' WHERE role = 'admin' AND id <> $1`,
      { bind: [adminId] },
    );
    const self = await callOk(api, 'users.get', { id: adminId }, adminSession);
    const result = await api.call(
      'users.update',
      { id: adminId, version: self.version, password: null },
      adminSession,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await passwordHashOf(adminId)).not.toBeNull();
  });

  it('lets support staff set no password', async () => {
    const support = await api.signedIn('support');
    const user = await instructorWithoutPassword();
    const result = await api.call(
      'users.update',
      { id: user.id, version: user.version, password: NEW_PASSWORD },
      support.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await passwordHashOf(user.id)).toBeNull();
  });
});
