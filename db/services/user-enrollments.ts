import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import type { EnrollmentStatus } from '../models/enums';
import type { UserEnrollmentList } from '../schemas/users';
import { getUser } from './users';

interface UserEnrollmentRow {
  id: string;
  course_id: string;
  course_title: string;
  course_slug: string;
  status: EnrollmentStatus;
  enrolled_at: Date;
  completed_at: Date | null;
  lessons: number;
  lessons_completed: number;
  attempts: number;
  best_score_ratio: number | null;
}

/**
 * Every course the user is enrolled in, newest first, with how many of its lessons they completed
 * and their quiz attempts: what a user's page shows at a glance. NOT_FOUND when the user is gone.
 */
export async function listUserEnrollments(
  db: Database,
  userId: string,
  transaction?: Transaction,
): Promise<UserEnrollmentList> {
  await getUser(db, userId, transaction);
  const rows = await db.sequelize.query<UserEnrollmentRow>(
    `SELECT e.id, e.course_id, c.title AS course_title, c.slug AS course_slug, e.status,
            e.enrolled_at, e.completed_at,
            (SELECT count(*)::int FROM lessons l WHERE l.course_id = e.course_id) AS lessons,
            (SELECT count(*)::int FROM lesson_progress p
              WHERE p.enrollment_id = e.id AND p.status = 'completed') AS lessons_completed,
            (SELECT count(*)::int FROM quiz_attempts a WHERE a.enrollment_id = e.id) AS attempts,
            (SELECT max(a.score / a.max_score)::float8 FROM quiz_attempts a
              WHERE a.enrollment_id = e.id AND a.status <> 'in_progress' AND a.max_score > 0) AS best_score_ratio
       FROM enrollments e JOIN courses c ON c.id = e.course_id
      WHERE e.user_id = $1
      ORDER BY e.enrolled_at DESC, c.slug`,
    { bind: [userId], type: QueryTypes.SELECT, transaction },
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      courseId: row.course_id,
      courseTitle: row.course_title,
      courseSlug: row.course_slug,
      status: row.status,
      enrolledAt: row.enrolled_at,
      completedAt: row.completed_at,
      lessons: row.lessons,
      lessonsCompleted: row.lessons_completed,
      attempts: row.attempts,
      bestScoreRatio: row.best_score_ratio,
    })),
  };
}
