import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import type { UserRole } from '../models/enums';
import {
  createUserInputSchema,
  listUsersInputSchema,
  updateUserInputSchema,
  type CreateUserInput,
  type ListUsersInput,
  type UpdateUserInput,
  type UserDeletePreview,
  type UserDetail,
  type UserPage,
  type UserSummary,
} from '../schemas/users';
import { containsPattern, decodeCursor, encodeCursor } from './keyset-cursor';
import { hashPassword } from './passwords';
import { insertRow } from './versioned-rows';
import { ServiceError, staleVersionError } from './service-error';

export interface UserRow {
  id: string;
  email: string;
  full_name: string;
  role: UserRole;
  is_active: boolean;
  last_login_at: Date | null;
  last_login_ip: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  metadata: Record<string, unknown>;
  has_password: boolean;
}

/** The columns every user query reads, in `UserRow`'s shape. */
export const USER_COLUMNS = `id, email, full_name, role, is_active, last_login_at, host(last_login_ip) AS last_login_ip,
  created_at, updated_at, version, metadata, password_hash IS NOT NULL AS has_password`;

export function toSummary(row: UserRow): UserSummary {
  return {
    id: row.id,
    email: row.email,
    fullName: row.full_name,
    role: row.role,
    isActive: row.is_active,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    version: row.version,
  };
}

function toDetail(row: UserRow): UserDetail {
  return {
    ...toSummary(row),
    hasPassword: row.has_password,
    lastLoginIp: row.last_login_ip,
    metadata: row.metadata,
    updatedAt: row.updated_at,
  };
}

/** Users are listed by email, which is unique, so the last email seen is the whole cursor. */
const userCursorSchema = z.object({ afterEmail: z.string() });

/** Which users a list or an export covers, and where in email order it resumes. */
export interface UserFilter {
  search?: string | undefined;
  role?: UserRole | undefined;
  isActive?: boolean | undefined;
  afterEmail?: string | undefined;
}

/** Users matching `filter`, in email order, at most `limit`: the one query lists and exports share. */
export async function selectUserRows(
  db: Database,
  filter: UserFilter,
  limit: number,
  transaction?: Transaction,
): Promise<UserRow[]> {
  const conditions: string[] = [];
  const bind: unknown[] = [];
  const param = (value: unknown): string => {
    bind.push(value);
    return `$${bind.length}`;
  };
  if (filter.search) {
    const pattern = param(containsPattern(filter.search));
    conditions.push(`(full_name ILIKE ${pattern} OR email ILIKE ${pattern})`);
  }
  if (filter.role) conditions.push(`role = ${param(filter.role)}`);
  if (filter.isActive !== undefined) conditions.push(`is_active = ${param(filter.isActive)}`);
  if (filter.afterEmail !== undefined) conditions.push(`email > ${param(filter.afterEmail)}`);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return db.select<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users ${where} ORDER BY email LIMIT ${param(limit)}`,
    bind,
    transaction,
  );
}

/** Lists users a page at a time with a keyset cursor (never OFFSET), filtered and searched. */
export async function listUsers(
  db: Database,
  input: ListUsersInput = {},
  transaction?: Transaction,
): Promise<UserPage> {
  const { cursor, limit, ...filter } = listUsersInputSchema.parse(input);
  const afterEmail =
    cursor === undefined ? undefined : decodeCursor(userCursorSchema, cursor).afterEmail;
  // One row more than the page tells whether a next page exists without counting.
  const rows = await selectUserRows(db, { ...filter, afterEmail }, limit + 1, transaction);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor({ afterEmail: last.email }) : null,
  };
}

async function findUserRow(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<UserRow | undefined> {
  const rows = await db.sequelize.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
    {
      bind: [id],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return rows[0];
}

function notFound(id: string): ServiceError {
  return new ServiceError('NOT_FOUND', `No user with id ${id}: it may have been deleted.`);
}

export async function getUser(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<UserDetail> {
  const row = await findUserRow(db, id, transaction);
  if (!row) throw notFound(id);
  return toDetail(row);
}

export async function createUser(
  db: Database,
  input: CreateUserInput,
  transaction: Transaction,
): Promise<UserDetail> {
  const user = createUserInputSchema.parse(input);
  const passwordHash = user.password === undefined ? null : await hashPassword(user.password);
  const row = await insertRow<UserRow>(
    db,
    `INSERT INTO users (email, full_name, role, password_hash, metadata) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${USER_COLUMNS}`,
    [user.email, user.fullName, user.role, passwordHash, JSON.stringify(user.metadata ?? {})],
    transaction,
  );
  return toDetail(row);
}

/**
 * Refuses a change that would leave nobody able to administer the app: the last active admin
 * with a password can't be demoted, deactivated, locked out or deleted.
 */
export async function assertAnAdminRemains(db: Database, transaction: Transaction): Promise<void> {
  // Serializes admin-removing changes: two admins demoting each other at once can't both pass.
  await db.sequelize.query(`SELECT pg_advisory_xact_lock(hashtext('lms-admin:admins'))`, {
    transaction,
  });
  const rows = await db.sequelize.query<{ admins: number }>(
    `SELECT count(*)::int AS admins FROM users WHERE role = 'admin' AND is_active AND password_hash IS NOT NULL`,
    { type: QueryTypes.SELECT, transaction },
  );
  if ((rows[0]?.admins ?? 0) === 0) {
    throw new ServiceError(
      'CONFLICT',
      'This is the last admin who can sign in: make another admin first.',
    );
  }
}

/** Whether the user can administer the app: an active admin who can sign in. */
export const canAdminister = (row: UserRow): boolean =>
  row.role === 'admin' && row.is_active && row.has_password;

/** Applies the changed fields if the row is still at `version`; else CONFLICT with the row as it is now. */
export async function updateUser(
  db: Database,
  input: UpdateUserInput,
  transaction: Transaction,
): Promise<UserDetail> {
  const { id, version, ...changes } = updateUserInputSchema.parse(input);
  const before = await findUserRow(db, id, transaction);
  const assignments: string[] = [];
  const bind: unknown[] = [id, version];
  const set = (column: string, value: unknown): void => {
    bind.push(value);
    assignments.push(`${column} = $${bind.length}`);
  };
  if (changes.email !== undefined) set('email', changes.email);
  if (changes.fullName !== undefined) set('full_name', changes.fullName);
  if (changes.role !== undefined) set('role', changes.role);
  if (changes.isActive !== undefined) set('is_active', changes.isActive);
  if (changes.metadata !== undefined) set('metadata', JSON.stringify(changes.metadata));
  if (changes.password !== undefined) {
    set('password_hash', changes.password === null ? null : await hashPassword(changes.password));
  }
  // Demoting a user to student also removes the password they can no longer use.
  if (changes.role === 'student' && changes.password === undefined) set('password_hash', null);
  const rows =
    assignments.length === 0
      ? await db.sequelize.query<UserRow>(
          `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 AND version = $2`,
          {
            bind,
            type: QueryTypes.SELECT,
            transaction,
          },
        )
      : await db.sequelize.query<UserRow>(
          `UPDATE users SET ${assignments.join(', ')} WHERE id = $1 AND version = $2 RETURNING ${USER_COLUMNS}`,
          { bind, type: QueryTypes.SELECT, transaction },
        );
  const row = rows[0];
  if (!row) {
    const current = await findUserRow(db, id, transaction);
    throw current ? staleVersionError('user', toDetail(current)) : notFound(id);
  }
  if (before && canAdminister(before) && !canAdminister(row))
    await assertAnAdminRemains(db, transaction);
  return toDetail(row);
}

export async function deactivateUser(
  db: Database,
  input: { id: string; version: number },
  transaction: Transaction,
): Promise<UserDetail> {
  return updateUser(db, { ...input, isActive: false }, transaction);
}

/** What deleting the user would remove with it (ON DELETE CASCADE), and the courses that block it (RESTRICT). */
export async function previewUserDelete(
  db: Database,
  id: string,
  transaction?: Transaction,
): Promise<UserDeletePreview> {
  const row = await findUserRow(db, id, transaction);
  if (!row) throw notFound(id);
  const [counts] = await db.sequelize.query<{
    enrollments: number;
    lesson_progress: number;
    quiz_attempts: number;
  }>(
    `SELECT (SELECT count(*)::int FROM enrollments WHERE user_id = $1) AS enrollments,
            (SELECT count(*)::int FROM lesson_progress p JOIN enrollments e ON e.id = p.enrollment_id WHERE e.user_id = $1) AS lesson_progress,
            (SELECT count(*)::int FROM quiz_attempts a JOIN enrollments e ON e.id = a.enrollment_id WHERE e.user_id = $1) AS quiz_attempts`,
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  const blockingCourses = await db.sequelize.query<{ id: string; slug: string; title: string }>(
    `SELECT id, slug, title FROM courses WHERE instructor_id = $1 ORDER BY slug`,
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  return {
    user: toSummary(row),
    cascades: {
      enrollments: counts?.enrollments ?? 0,
      lessonProgress: counts?.lesson_progress ?? 0,
      quizAttempts: counts?.quiz_attempts ?? 0,
    },
    blockingCourses,
  };
}

/** Deletes the user (and what cascades) if still at `version` and no course names them as instructor. */
export async function deleteUser(
  db: Database,
  input: { id: string; version: number },
  transaction: Transaction,
): Promise<UserDeletePreview> {
  const preview = await previewUserDelete(db, input.id, transaction);
  if (preview.user.version !== input.version) {
    throw staleVersionError('user', await getUser(db, input.id, transaction));
  }
  if (preview.blockingCourses.length > 0) {
    throw new ServiceError(
      'CONFLICT',
      `This user instructs ${preview.blockingCourses.length} course(s) (${preview.blockingCourses.map((course) => course.slug).join(', ')}): give them another instructor first.`,
    );
  }
  const before = await findUserRow(db, input.id, transaction);
  await db.sequelize.query(`DELETE FROM users WHERE id = $1 AND version = $2`, {
    bind: [input.id, input.version],
    transaction,
  });
  if (before && canAdminister(before)) await assertAnAdminRemains(db, transaction);
  return preview;
}
