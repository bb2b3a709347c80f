import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import type { UserRole } from '../models/enums';
import type { SessionUser, SetupInput, SignInInput } from '../schemas/auth';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { ServiceError } from './service-error';
import type { SignInThrottle } from './sign-in-throttle';

interface StaffRow {
  id: string;
  email: string;
  full_name: string;
  role: UserRole;
  is_active: boolean;
  password_hash: string | null;
}

function asSessionUser(row: StaffRow): SessionUser | null {
  if (!row.is_active || row.role === 'student') return null;
  return { id: row.id, email: row.email, fullName: row.full_name, role: row.role };
}

/** Whether the first admin still has to be created (no active admin with a password exists). */
export async function needsSetup(db: Database, transaction?: Transaction): Promise<boolean> {
  const rows = await db.sequelize.query<{ exists: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND is_active AND password_hash IS NOT NULL) AS exists`,
    { type: QueryTypes.SELECT, transaction },
  );
  return !rows[0]?.exists;
}

/** First run: creates the first admin. Refused once any admin can sign in. */
export async function setupFirstAdmin(
  db: Database,
  input: SetupInput,
  transaction: Transaction,
): Promise<SessionUser> {
  // Two windows racing through setup must not both create an admin.
  await db.sequelize.query(
    `SELECT pg_advisory_xact_lock(hashtext('lms-admin:first-admin-setup'))`,
    { transaction },
  );
  if (!(await needsSetup(db, transaction))) {
    throw new ServiceError('CONFLICT', 'Setup is already done: an admin exists. Sign in instead.');
  }
  const passwordHash = await hashPassword(input.password);
  const rows = await db.sequelize.query<StaffRow>(
    `INSERT INTO users (email, full_name, role, password_hash)
     VALUES ($1, $2, 'admin', $3)
     ON CONFLICT (email) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash,
       full_name = EXCLUDED.full_name, is_active = true
     RETURNING id, email, full_name, role, is_active, password_hash`,
    { bind: [input.email, input.fullName, passwordHash], type: QueryTypes.SELECT, transaction },
  );
  const user = rows[0] && asSessionUser(rows[0]);
  if (!user) throw new Error('setup inserted no admin row');
  return user;
}

const SIGN_IN_REFUSED = 'Wrong email or password.';

/**
 * Signs a staff member in. The same answer and the same work for an unknown email, a wrong
 * password, a student or a deactivated account, so a guesser learns nothing; repeated failures
 * for one email slow down.
 */
export async function signIn(
  db: Database,
  input: SignInInput & { ip: string | null },
  throttle: SignInThrottle,
  transaction: Transaction,
): Promise<SessionUser> {
  // Keyed by account only: every door of this app is local (IPC, loopback), so an address
  // would lump all its users together and let one typo lock everyone out.
  const keys = [input.email];
  const waitMs = throttle.waitMs(keys);
  if (waitMs > 0) {
    throw new ServiceError(
      'UNAUTHENTICATED',
      `Too many failed sign-ins: wait ${Math.ceil(waitMs / 1000)} s before trying again.`,
      { retryAfterMs: waitMs },
    );
  }
  const rows = await db.sequelize.query<StaffRow>(
    `SELECT id, email, full_name, role, is_active, password_hash FROM users WHERE email = $1`,
    { bind: [input.email], type: QueryTypes.SELECT, transaction },
  );
  const row = rows[0];
  const isPasswordRight = await verifyPassword(
    input.password,
    row?.password_hash ?? (await decoyPasswordHash()),
  );
  const user = row && isPasswordRight ? asSessionUser(row) : null;
  if (!user) {
    throttle.recordFailure(keys);
    throw new ServiceError('UNAUTHENTICATED', SIGN_IN_REFUSED);
  }
  throttle.recordSuccess(keys);
  await db.sequelize.query(
    `UPDATE users SET last_login_at = now(), last_login_ip = $2 WHERE id = $1`,
    {
      bind: [user.id, input.ip],
      transaction,
    },
  );
  return user;
}

/** The signed-in user as the database has them now: null once deactivated, demoted to student or deleted. */
export async function loadSessionUser(
  db: Database,
  userId: string,
  transaction?: Transaction,
): Promise<SessionUser | null> {
  const rows = await db.sequelize.query<StaffRow>(
    `SELECT id, email, full_name, role, is_active, password_hash FROM users WHERE id = $1`,
    { bind: [userId], type: QueryTypes.SELECT, transaction },
  );
  const row = rows[0];
  return row && row.password_hash !== null ? asSessionUser(row) : null;
}
