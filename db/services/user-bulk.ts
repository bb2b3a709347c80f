import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import {
  bulkUpdateUsersInputSchema,
  userRefsInputSchema,
  versionedUserRefsInputSchema,
  type BulkDeletePreview,
  type BulkUpdateUsersInput,
  type BulkUpdateUsersResult,
  type VersionedUserRefs,
} from '../schemas/users';
import { ServiceError } from './service-error';
import {
  assertAnAdminRemains,
  canAdminister,
  toSummary,
  USER_COLUMNS,
  type UserRow,
} from './users';

/**
 * The users named, locked for this transaction's change. NOT_FOUND names the first missing one;
 * CONFLICT carries every selected user whose version moved on, as they are now.
 */
async function lockSelection(
  db: Database,
  selection: readonly { id: string; version: number }[],
  transaction: Transaction,
): Promise<UserRow[]> {
  const rows = await db.sequelize.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    { bind: [selection.map((user) => user.id)], type: QueryTypes.SELECT, transaction },
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = selection.filter((user) => !byId.has(user.id));
  if (missing.length > 0) {
    throw new ServiceError(
      'NOT_FOUND',
      `${missing.length} of the selected users no longer exist (first: ${missing[0]?.id}): refresh the list and select again. Nothing was changed.`,
    );
  }
  const stale = selection.flatMap((user) => {
    const row = byId.get(user.id);
    return row && row.version !== user.version ? [row] : [];
  });
  if (stale.length > 0) {
    throw new ServiceError(
      'CONFLICT',
      `${stale.length} of the selected users changed since the list was loaded (first: ${stale[0]?.email}). Nothing was changed: review them and try again.`,
      { current: stale.map(toSummary) },
    );
  }
  return rows;
}

/** Sets the role or active flag of every selected user at its version, all or none. */
export async function bulkUpdateUsers(
  db: Database,
  input: BulkUpdateUsersInput,
  transaction: Transaction,
): Promise<BulkUpdateUsersResult> {
  const { users } = bulkUpdateUsersInputSchema.parse(input);
  const before = await lockSelection(db, users, transaction);
  const updated = await db.sequelize.query<UserRow>(
    // The change's columns have names of their own, so RETURNING reads the users' unqualified.
    `UPDATE users
        SET role = coalesce(c.new_role, role),
            is_active = coalesce(c.new_active, is_active),
            -- A student does not sign in to this app: demoting one removes their password.
            password_hash = CASE WHEN c.new_role = 'student' THEN NULL ELSE password_hash END
       FROM unnest($1::uuid[], $2::user_role[], $3::boolean[]) AS c(change_id, new_role, new_active)
      WHERE id = c.change_id
      RETURNING ${USER_COLUMNS}`,
    {
      bind: [
        users.map((user) => user.id),
        users.map((user) => user.role ?? null),
        users.map((user) => user.isActive ?? null),
      ],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  const administeredBefore = new Set(before.filter(canAdminister).map((row) => row.id));
  if (updated.some((row) => administeredBefore.has(row.id) && !canAdminister(row))) {
    await assertAnAdminRemains(db, transaction);
  }
  const order = new Map(users.map((user, index) => [user.id, index]));
  updated.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { users: updated.map(toSummary) };
}

/** What deleting the users would remove with them (ON DELETE CASCADE), and what stops it (RESTRICT). */
export async function previewBulkDelete(
  db: Database,
  input: { ids: string[] },
  transaction?: Transaction,
): Promise<BulkDeletePreview> {
  const { ids } = userRefsInputSchema.parse(input);
  const [counts] = await db.sequelize.query<{
    users: number;
    enrollments: number;
    lesson_progress: number;
    quiz_attempts: number;
  }>(
    `SELECT (SELECT count(*)::int FROM users WHERE id = ANY($1::uuid[])) AS users,
            (SELECT count(*)::int FROM enrollments WHERE user_id = ANY($1::uuid[])) AS enrollments,
            (SELECT count(*)::int FROM lesson_progress p JOIN enrollments e ON e.id = p.enrollment_id
              WHERE e.user_id = ANY($1::uuid[])) AS lesson_progress,
            (SELECT count(*)::int FROM quiz_attempts a JOIN enrollments e ON e.id = a.enrollment_id
              WHERE e.user_id = ANY($1::uuid[])) AS quiz_attempts`,
    { bind: [ids], type: QueryTypes.SELECT, transaction },
  );
  const blockingCourses = await db.sequelize.query<{
    id: string;
    slug: string;
    title: string;
    instructorEmail: string;
  }>(
    `SELECT c.id, c.slug, c.title, u.email AS "instructorEmail"
       FROM courses c JOIN users u ON u.id = c.instructor_id
      WHERE c.instructor_id = ANY($1::uuid[]) ORDER BY c.slug`,
    { bind: [ids], type: QueryTypes.SELECT, transaction },
  );
  return {
    users: counts?.users ?? 0,
    cascades: {
      enrollments: counts?.enrollments ?? 0,
      lessonProgress: counts?.lesson_progress ?? 0,
      quizAttempts: counts?.quiz_attempts ?? 0,
    },
    blockingCourses,
  };
}

/** Deletes every selected user at its version (and what cascades), all or none. */
export async function bulkDeleteUsers(
  db: Database,
  input: VersionedUserRefs,
  transaction: Transaction,
): Promise<BulkDeletePreview> {
  const { users } = versionedUserRefsInputSchema.parse(input);
  const before = await lockSelection(db, users, transaction);
  const ids = users.map((user) => user.id);
  const preview = await previewBulkDelete(db, { ids }, transaction);
  const [blocking] = preview.blockingCourses;
  if (blocking) {
    throw new ServiceError(
      'CONFLICT',
      `${preview.blockingCourses.length} course(s) have one of these users as instructor (first: ${blocking.slug}, by ${blocking.instructorEmail}): give them another instructor first. Nothing was deleted.`,
    );
  }
  await db.sequelize.query(`DELETE FROM users WHERE id = ANY($1::uuid[])`, {
    bind: [ids],
    transaction,
  });
  if (before.some(canAdminister)) await assertAnAdminRemains(db, transaction);
  return preview;
}
