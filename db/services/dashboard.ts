import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import { enrollmentStatuses, type EnrollmentStatus } from '../models/enums';
import {
  courseDashboardInputSchema,
  SCORE_BUCKET_COUNT,
  SCORE_BUCKET_WIDTH,
  type CourseDashboard,
  type CourseDashboardInput,
  type QuizScoreSummary,
  type ScoreSummary,
} from '../schemas/dashboard';
import { requireCourse } from './enrollments';

/** One group of scored attempts: a quiz's or the course's, and one bucket or all of them. */
interface ScoreGroupRow {
  quiz_id: string | null;
  /** 1..10, or null for the group's total. */
  bucket: number | null;
  attempts: number;
  average_score: number | null;
  average_percent: number | null;
}

/**
 * Every aggregate of the scored attempts in one pass: GROUPING SETS give per quiz and per course,
 * per bucket and in total. An attempt counts when submitted or graded, with a score and a
 * positive max score; 100 % falls in the last bucket.
 */
const SCORE_GROUPS_SQL = `
  WITH scored AS (
    SELECT a.quiz_id, a.score, 100 * a.score / a.max_score AS percent
    FROM quizzes q JOIN quiz_attempts a ON a.quiz_id = q.id
    WHERE q.course_id = $1 AND a.status IN ('submitted', 'graded')
      AND a.score IS NOT NULL AND a.max_score > 0
  ),
  bucketed AS (
    SELECT quiz_id, score, percent,
           least(greatest(width_bucket(percent, 0, 100, $2::int), 1), $2::int) AS bucket
    FROM scored
  )
  SELECT CASE WHEN grouping(quiz_id) = 0 THEN quiz_id END AS quiz_id,
         CASE WHEN grouping(bucket) = 0 THEN bucket END AS bucket,
         count(*)::int AS attempts,
         avg(score)::float8 AS average_score,
         avg(percent)::float8 AS average_percent
  FROM bucketed
  GROUP BY GROUPING SETS ((quiz_id, bucket), (quiz_id), (bucket), ())`;

function emptySummary(): ScoreSummary {
  return {
    scoredAttempts: 0,
    averagePercent: null,
    distribution: Array.from({ length: SCORE_BUCKET_COUNT }, (_, index) => ({
      fromPercent: index * SCORE_BUCKET_WIDTH,
      toPercent: (index + 1) * SCORE_BUCKET_WIDTH,
      attempts: 0,
    })),
  };
}

/**
 * A course at a glance: enrollments by status, the completion rate, and how quiz attempts scored
 * (overall and per quiz). All figures are SQL aggregates; no attempt or enrollment row is loaded.
 */
export async function getCourseDashboard(
  db: Database,
  input: CourseDashboardInput,
  transaction?: Transaction,
): Promise<CourseDashboard> {
  const { courseId } = courseDashboardInputSchema.parse(input);
  await requireCourse(db, courseId, transaction);
  const statusCounts = await db.sequelize.query<{ status: EnrollmentStatus; count: number }>(
    `SELECT status, count(*)::int AS count FROM enrollments WHERE course_id = $1 GROUP BY status`,
    { bind: [courseId], type: QueryTypes.SELECT, transaction },
  );
  const byStatus = Object.fromEntries(enrollmentStatuses.map((status) => [status, 0])) as Record<
    EnrollmentStatus,
    number
  >;
  for (const { status, count } of statusCounts) byStatus[status] = count;
  const total = enrollmentStatuses.reduce((sum, status) => sum + byStatus[status], 0);
  const notDropped = total - byStatus.dropped;

  const quizzes = await db.sequelize.query<{ id: string; title: string }>(
    `SELECT id, title FROM quizzes WHERE course_id = $1 ORDER BY title, id`,
    { bind: [courseId], type: QueryTypes.SELECT, transaction },
  );
  const perQuiz = new Map<string, QuizScoreSummary>(
    quizzes.map((quiz) => [
      quiz.id,
      { ...emptySummary(), quizId: quiz.id, title: quiz.title, averageScore: null },
    ]),
  );
  const overall = emptySummary();
  const groups = await db.sequelize.query<ScoreGroupRow>(SCORE_GROUPS_SQL, {
    bind: [courseId, SCORE_BUCKET_COUNT],
    type: QueryTypes.SELECT,
    transaction,
  });
  for (const group of groups) {
    const quiz = group.quiz_id === null ? undefined : perQuiz.get(group.quiz_id);
    const summary = group.quiz_id === null ? overall : quiz;
    // A quiz added by someone else between the two queries is left for the next refresh.
    if (!summary) continue;
    if (group.bucket === null) {
      summary.scoredAttempts = group.attempts;
      summary.averagePercent = group.average_percent;
      if (quiz) quiz.averageScore = group.average_score;
    } else {
      const bucket = summary.distribution[group.bucket - 1];
      if (bucket) bucket.attempts = group.attempts;
    }
  }

  return {
    courseId,
    enrollments: { byStatus, total },
    completionRate: notDropped === 0 ? null : byStatus.completed / notDropped,
    scores: overall,
    quizzes: [...perQuiz.values()],
  };
}
