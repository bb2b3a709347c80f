import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import type { ProgressStatus } from '../models/enums';
import {
  setProgressInputSchema,
  type LessonProgress,
  type ProgressList,
  type SetProgressInput,
} from '../schemas/enrollments';
import { completedAtAfter, getEnrollment } from './enrollments';
import { ServiceError, staleVersionError } from './service-error';

interface LessonProgressRow {
  lesson_id: string;
  lesson_title: string;
  position: number;
  progress_id: string | null;
  status: ProgressStatus;
  completed_at: Date | null;
  time_spent_seconds: number;
  version: number | null;
}

function toLessonProgress(row: LessonProgressRow): LessonProgress {
  return {
    lessonId: row.lesson_id,
    lessonTitle: row.lesson_title,
    position: row.position,
    progressId: row.progress_id,
    status: row.status,
    completedAt: row.completed_at,
    timeSpentSeconds: row.time_spent_seconds,
    version: row.version,
  };
}

/** The lessons of the enrollment's course (or the one lesson) with this enrollment's progress in each. */
async function lessonProgressRows(
  db: Database,
  enrollmentId: string,
  lessonId: string | null,
  transaction?: Transaction,
): Promise<LessonProgressRow[]> {
  return db.sequelize.query<LessonProgressRow>(
    `SELECT l.id AS lesson_id, l.title AS lesson_title, l.position, p.id AS progress_id,
            coalesce(p.status, 'not_started') AS status, p.completed_at,
            coalesce(p.time_spent_seconds, 0) AS time_spent_seconds, p.version
     FROM enrollments e
     JOIN lessons l ON l.course_id = e.course_id
     LEFT JOIN lesson_progress p ON p.enrollment_id = e.id AND p.lesson_id = l.id
     WHERE e.id = $1 AND ($2::uuid IS NULL OR l.id = $2::uuid)
     ORDER BY l.position`,
    { bind: [enrollmentId, lessonId], type: QueryTypes.SELECT, transaction },
  );
}

/** Every lesson of the enrollment's course, in order, with the learner's progress (`not_started` where there is none). */
export async function listProgress(
  db: Database,
  enrollmentId: string,
  transaction?: Transaction,
): Promise<ProgressList> {
  const enrollment = await getEnrollment(db, enrollmentId, transaction);
  const rows = await lessonProgressRows(db, enrollmentId, null, transaction);
  return { enrollment, items: rows.map(toLessonProgress) };
}

/**
 * Records a learner's progress in a lesson of their course: creates the row when the edit started
 * from none (no `version`), else updates it if still at `version`. Anything else is a CONFLICT with
 * the progress as it is now. `completed` stamps completed_at; leaving it clears it.
 */
export async function setProgress(
  db: Database,
  input: SetProgressInput,
  transaction: Transaction,
): Promise<LessonProgress> {
  const { enrollmentId, lessonId, status, timeSpentSeconds, version } =
    setProgressInputSchema.parse(input);
  const enrollment = await getEnrollment(db, enrollmentId, transaction);
  const [current] = await lessonProgressRows(db, enrollmentId, lessonId, transaction);
  if (!current) {
    throw new ServiceError(
      'VALIDATION',
      `Lesson ${lessonId} is not a lesson of this enrollment's course: choose one of the course's lessons.`,
      { fields: { lessonId: "is not a lesson of the enrollment's course" } },
    );
  }
  const bind = [enrollment.id, lessonId, status, timeSpentSeconds ?? null];
  const written =
    version === undefined
      ? await db.sequelize.query(
          `INSERT INTO lesson_progress (enrollment_id, lesson_id, status, completed_at, time_spent_seconds)
           VALUES ($1, $2, $3::progress_status,
                   CASE WHEN $3::progress_status = 'completed' THEN now() END, coalesce($4::int, 0))
           ON CONFLICT (enrollment_id, lesson_id) DO NOTHING
           RETURNING id`,
          { bind, type: QueryTypes.SELECT, transaction },
        )
      : await db.sequelize.query(
          `UPDATE lesson_progress SET status = $3::progress_status,
             completed_at = ${completedAtAfter('$3::progress_status')},
             time_spent_seconds = coalesce($4::int, time_spent_seconds)
           WHERE enrollment_id = $1 AND lesson_id = $2 AND version = $5
           RETURNING id`,
          { bind: [...bind, version], type: QueryTypes.SELECT, transaction },
        );
  const [after] = await lessonProgressRows(db, enrollmentId, lessonId, transaction);
  if (!after) throw new Error('the lesson vanished within the transaction');
  if (written.length === 0) throw staleVersionError('lesson progress', toLessonProgress(after));
  return toLessonProgress(after);
}
