import { ServiceError } from './service-error';

/** What a constraint violation means for the person, and which field to point at. */
const constraintMeanings: Record<string, { field: string; message: string }> = {
  users_email_key: { field: 'email', message: 'is already used by another user' },
  users_email_lower_check: { field: 'email', message: 'must be lower-case' },
  users_email_format_check: { field: 'email', message: 'must be an email address' },
  users_full_name_check: { field: 'fullName', message: 'must not be empty' },
  users_password_hash_check: { field: 'password', message: 'must be stored as a hash' },
  users_student_password_check: {
    field: 'password',
    message: 'students have no password in this app',
  },
  courses_slug_key: { field: 'slug', message: 'is already used by another course' },
  courses_slug_check: {
    field: 'slug',
    message: 'must be lower-case letters, digits and single hyphens',
  },
  courses_title_check: { field: 'title', message: 'must not be empty' },
  lessons_course_id_position_key: {
    field: 'position',
    message: 'is already taken by another lesson of this course',
  },
  lessons_title_check: { field: 'title', message: 'must not be empty' },
  quizzes_title_check: { field: 'title', message: 'must not be empty' },
  quizzes_options_check: { field: 'options', message: 'must be an object with a questions array' },
  enrollments_user_id_course_id_key: {
    field: 'userId',
    message: 'is already enrolled in this course',
  },
  lesson_progress_enrollment_id_lesson_id_key: {
    field: 'lessonId',
    message: 'already has progress for this enrollment',
  },
  quiz_attempts_enrollment_id_quiz_id_attempt_number_key: {
    field: 'attemptNumber',
    message: 'already exists for this enrollment and quiz',
  },
  enrollments_completed_at_check: {
    field: 'status',
    message: 'cannot be completed before the enrollment began: check its enrolled date',
  },
  lesson_progress_time_spent_seconds_check: {
    field: 'timeSpentSeconds',
    message: 'must not be negative',
  },
  quiz_attempts_score_check: { field: 'score', message: "must not exceed the attempt's max score" },
  courses_instructor_id_fkey: { field: 'instructorId', message: 'must be an existing user' },
};

interface PgErrorFields {
  code?: string;
  constraint?: string;
  column?: string;
  detail?: string;
  message?: string;
}

/** node-postgres' error, whether thrown directly or wrapped by Sequelize (`original`/`parent`). */
function pgErrorOf(error: unknown): PgErrorFields | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const wrapped =
    (error as { original?: unknown; parent?: unknown }).original ??
    (error as { parent?: unknown }).parent;
  const candidate = (wrapped ?? error) as PgErrorFields;
  return typeof candidate.code === 'string' ? candidate : undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
]);

/**
 * Translates what PostgreSQL refused into a ServiceError a person can act on; undefined when the
 * error is not a database refusal (then it is a bug, reported as INTERNAL).
 */
export function translateDatabaseError(error: unknown): ServiceError | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: string }).name === 'SequelizeConnectionError'
  ) {
    return new ServiceError(
      'UNAVAILABLE',
      'The database is not reachable right now; try again in a moment.',
    );
  }
  const pgError = pgErrorOf(error);
  if (!pgError?.code) return undefined;
  const { code, constraint } = pgError;
  const meaning = constraint ? constraintMeanings[constraint] : undefined;
  const fields = meaning ? { [meaning.field]: meaning.message } : undefined;
  if (CONNECTION_CODES.has(code) || code.startsWith('08')) {
    return new ServiceError(
      'UNAVAILABLE',
      'The database is not reachable right now; try again in a moment.',
    );
  }
  switch (code) {
    case '23505':
      return new ServiceError(
        'CONFLICT',
        meaning
          ? `${meaning.field} ${meaning.message}.`
          : 'That would duplicate an existing record.',
        { ...(fields && { fields }) },
      );
    // PostgreSQL 18 reports ON DELETE RESTRICT as 23001 (restrict_violation); earlier ones as 23503.
    case '23001':
    case '23503':
      return /still referenced/.test(pgError.detail ?? '')
        ? new ServiceError(
            'CONFLICT',
            `Other records still refer to this one (${pgError.detail}); remove or reassign them first.`,
          )
        : new ServiceError(
            'VALIDATION',
            meaning
              ? `${meaning.field} ${meaning.message}.`
              : 'It refers to a record that does not exist.',
            { ...(fields && { fields }) },
          );
    case '23514':
    case '23502':
    case '23P01':
      return new ServiceError(
        'VALIDATION',
        meaning
          ? `${meaning.field} ${meaning.message}.`
          : `The database refused the value${pgError.column ? ` of ${pgError.column}` : ''}: ${pgError.message}.`,
        { ...(fields && { fields }) },
      );
    case '22P02':
    case '22P05':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22021':
    case '2201B':
      return new ServiceError('VALIDATION', `The database refused a value: ${pgError.message}.`);
    case '40001':
    case '40P01':
    case '55P03':
      return new ServiceError(
        'CONFLICT',
        'Someone else was changing the same records at the same moment; try again.',
      );
    case '42P01':
      return new ServiceError(
        'UNAVAILABLE',
        'The database has no LMS schema yet (or not all of it): apply the migrations with `lms-admin migrate up`.',
      );
    case '57014':
      return new ServiceError('CANCELLED', 'The operation was cancelled; nothing was changed.');
    default:
      return undefined;
  }
}
