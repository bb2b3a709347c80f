import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import { ServiceError } from '../services/service-error';

/**
 * People name courses by slug and users by email on the command line, where the services take
 * ids: each lookup here is the one small query that bridges the two, with a clear NOT_FOUND.
 */

/** The course with this slug. */
export async function courseBySlug(
  db: Database,
  slug: string,
  transaction?: Transaction,
): Promise<{ id: string; slug: string }> {
  const [course] = await db.sequelize.query<{ id: string; slug: string }>(
    `SELECT id, slug FROM courses WHERE slug = $1`,
    { bind: [slug], type: QueryTypes.SELECT, transaction },
  );
  if (!course) {
    throw new ServiceError(
      'NOT_FOUND',
      `No course with slug "${slug}": \`lms-admin courses list\` shows them.`,
    );
  }
  return course;
}

/** The user with this email (emails are stored lower-case), and the version an edit starts from. */
export async function userByEmail(
  db: Database,
  email: string,
  transaction?: Transaction,
): Promise<{ id: string; version: number; isActive: boolean }> {
  const [user] = await db.sequelize.query<{ id: string; version: number; isActive: boolean }>(
    `SELECT id, version, is_active AS "isActive" FROM users WHERE email = $1`,
    { bind: [email], type: QueryTypes.SELECT, transaction },
  );
  if (!user) {
    throw new ServiceError(
      'NOT_FOUND',
      `No user with email "${email}": \`lms-admin users list --search TEXT\` finds users.`,
    );
  }
  return user;
}

/** The enrollments in the course of the users with these emails: email → enrollment id. */
export async function enrollmentIdsByEmail(
  db: Database,
  courseId: string,
  emails: readonly string[],
  transaction?: Transaction,
): Promise<Map<string, string>> {
  const rows = await db.sequelize.query<{ email: string; id: string }>(
    `SELECT u.email, e.id FROM enrollments e JOIN users u ON u.id = e.user_id
     WHERE e.course_id = $1 AND u.email = ANY($2::text[])`,
    { bind: [courseId, emails], type: QueryTypes.SELECT, transaction },
  );
  return new Map(rows.map((row) => [row.email, row.id]));
}
