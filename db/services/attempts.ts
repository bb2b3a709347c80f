import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import type { AttemptStatus } from '../models/enums';
import {
  correctAttemptInputSchema,
  listAttemptsInputSchema,
  versionedAttemptRefInputSchema,
  type AttemptList,
  type CorrectAttemptInput,
  type ListAttemptsInput,
  type QuizAttempt,
  type VersionedAttemptRef,
} from '../schemas/enrollments';
import { getEnrollment } from './enrollments';
import { ServiceError, staleVersionError } from './service-error';

interface AttemptRow {
  id: string;
  enrollment_id: string;
  quiz_id: string;
  quiz_title: string;
  attempt_number: number;
  status: AttemptStatus;
  score: number | null;
  max_score: number | null;
  answers: unknown;
  started_at: Date;
  submitted_at: Date | null;
  updated_at: Date;
  version: number;
}

/** An attempt `a` with its quiz `q`; scores as float8 so they arrive as numbers, not numeric strings. */
const ATTEMPT_COLUMNS = `a.id, a.enrollment_id, a.quiz_id, q.title AS quiz_title, a.attempt_number,
  a.status, a.score::float8 AS score, a.max_score::float8 AS max_score, a.answers, a.started_at,
  a.submitted_at, a.updated_at, a.version`;

function toAttempt(row: AttemptRow): QuizAttempt {
  return {
    id: row.id,
    enrollmentId: row.enrollment_id,
    quizId: row.quiz_id,
    quizTitle: row.quiz_title,
    attemptNumber: row.attempt_number,
    status: row.status,
    score: row.score,
    maxScore: row.max_score,
    answers: row.answers,
    startedAt: row.started_at,
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The attempts of an enrollment, of one quiz or all, by quiz then attempt number. */
export async function listAttempts(
  db: Database,
  input: ListAttemptsInput,
  transaction?: Transaction,
): Promise<AttemptList> {
  const { enrollmentId, quizId } = listAttemptsInputSchema.parse(input);
  await getEnrollment(db, enrollmentId, transaction);
  const rows = await db.sequelize.query<AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
     WHERE a.enrollment_id = $1 AND ($2::uuid IS NULL OR a.quiz_id = $2::uuid)
     ORDER BY q.title, q.id, a.attempt_number`,
    { bind: [enrollmentId, quizId ?? null], type: QueryTypes.SELECT, transaction },
  );
  return { items: rows.map(toAttempt) };
}

/** The attempt, locked for this transaction's change when `forUpdate`; NOT_FOUND when gone. */
async function getAttempt(
  db: Database,
  id: string,
  transaction: Transaction,
  forUpdate = false,
): Promise<QuizAttempt> {
  const rows = await db.sequelize.query<AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
     WHERE a.id = $1 ${forUpdate ? 'FOR UPDATE OF a' : ''}`,
    { bind: [id], type: QueryTypes.SELECT, transaction },
  );
  const row = rows[0];
  if (!row) {
    throw new ServiceError(
      'NOT_FOUND',
      `No quiz attempt with id ${id}: it may have been reset. Refresh the list.`,
    );
  }
  return toAttempt(row);
}

/**
 * A grader's correction of a finished attempt, if still at `version`: the score must lie within
 * 0..max score (any score from 0 when the LMS recorded no max), and the attempt becomes `graded`
 * (or stays `submitted` when asked).
 */
export async function correctAttempt(
  db: Database,
  input: CorrectAttemptInput,
  transaction: Transaction,
): Promise<QuizAttempt> {
  const { attemptId, version, score, status } = correctAttemptInputSchema.parse(input);
  const current = await getAttempt(db, attemptId, transaction, true);
  if (current.version !== version) throw staleVersionError('quiz attempt', current);
  if (current.status === 'in_progress') {
    throw new ServiceError(
      'CONFLICT',
      'The learner is still taking this attempt: correct it once it is submitted.',
    );
  }
  if (current.maxScore !== null && score > current.maxScore) {
    const range = `must be between 0 and ${current.maxScore}, the attempt's max score`;
    throw new ServiceError('VALIDATION', `The score ${score} is too high: it ${range}.`, {
      fields: { score: range },
    });
  }
  await db.sequelize.query(
    `UPDATE quiz_attempts SET score = $2, status = $3::attempt_status WHERE id = $1`,
    { bind: [attemptId, score, status], transaction },
  );
  return getAttempt(db, attemptId, transaction);
}

/** Removes the attempt, if still at `version`, so the learner can take the quiz again; returns what was removed. */
export async function resetAttempt(
  db: Database,
  input: VersionedAttemptRef,
  transaction: Transaction,
): Promise<QuizAttempt> {
  const { attemptId, version } = versionedAttemptRefInputSchema.parse(input);
  const current = await getAttempt(db, attemptId, transaction, true);
  if (current.version !== version) throw staleVersionError('quiz attempt', current);
  await db.sequelize.query(`DELETE FROM quiz_attempts WHERE id = $1`, {
    bind: [attemptId],
    transaction,
  });
  return current;
}
