import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection';
import {
  createAttempt,
  createCourse,
  createLesson,
  createQuiz,
  createStudent,
  enroll,
  recordProgress,
} from './lms-factories';

/** A row a test can name in an edit: its id and the version an edit would start from. */
export interface VersionedRef {
  id: string;
  version: number;
}

/**
 * One course of every kind of row the API works on: owned by an instructor, with a lesson, a
 * quiz, an enrolled student with progress in the lesson and a submitted attempt at the quiz,
 * and a second student not enrolled yet. Built with plain SQL, so it costs a few inserts.
 */
export interface LmsWorld {
  ownerId: string;
  course: VersionedRef & { slug: string };
  lesson: VersionedRef;
  /** The factory's quiz: one single-choice question with this id. */
  quiz: VersionedRef & { questionId: string };
  student: VersionedRef & { email: string };
  /** An active student who is in no course. */
  newcomer: VersionedRef & { email: string };
  enrollment: VersionedRef;
  progress: VersionedRef;
  attempt: VersionedRef;
  /** Entries of the audit history the world's creation wrote (seq), for the audit channels. */
  audit: { courseCreatedSeq: string; newcomerCreatedSeq: string };
}

/** The question `createQuiz` in lms-factories writes. */
const FACTORY_QUESTION_ID = 'q1';

/** Builds a fresh world around a course that `ownerId` instructs. */
export async function buildWorld(db: Database, ownerId: string): Promise<LmsWorld> {
  const course = await createCourse(db, { instructorId: ownerId });
  const lesson = await createLesson(db, { courseId: course.id });
  const quiz = await createQuiz(db, { courseId: course.id, lessonId: lesson.id });
  const student = await createStudent(db);
  const newcomer = await createStudent(db);
  const enrollment = await enroll(db, { userId: student.id, courseId: course.id });
  const progress = await recordProgress(db, { enrollmentId: enrollment.id, lessonId: lesson.id });
  const attempt = await createAttempt(db, { enrollmentId: enrollment.id, quizId: quiz.id });
  const versions = await versionsOf(db, {
    courses: course.id,
    lessons: lesson.id,
    quizzes: quiz.id,
    student: student.id,
    newcomer: newcomer.id,
  });
  const audit = await creationSeqsOf(db, { courses: course.id, users: newcomer.id });
  return {
    ownerId,
    course: { ...course, version: versions.courses },
    lesson: { id: lesson.id, version: versions.lessons },
    quiz: { id: quiz.id, version: versions.quizzes, questionId: FACTORY_QUESTION_ID },
    student: { id: student.id, email: student.email, version: versions.student },
    newcomer: { id: newcomer.id, email: newcomer.email, version: versions.newcomer },
    enrollment: { id: enrollment.id, version: enrollment.version },
    progress: { id: progress.id, version: progress.version },
    attempt: { id: attempt.id, version: attempt.version },
    audit,
  };
}

/** The audit entries that recorded the creation of the world's course and its newcomer. */
async function creationSeqsOf(
  db: Database,
  ids: { courses: string; users: string },
): Promise<LmsWorld['audit']> {
  const rows = await db.select<{ table_name: string; seq: string }>(
    `SELECT table_name, seq::text AS seq FROM audit_log
     WHERE action = 'INSERT' AND ((table_name = 'courses' AND record_id = $1) OR (table_name = 'users' AND record_id = $2))`,
    [ids.courses, ids.users],
  );
  const seqOf = (table: string): string => {
    const seq = rows.find((row) => row.table_name === table)?.seq;
    if (!seq) throw new Error(`no audit entry recorded the world's ${table} row`);
    return seq;
  };
  return { courseCreatedSeq: seqOf('courses'), newcomerCreatedSeq: seqOf('users') };
}

/** The factories that don't return a version: read them in one query rather than assume 1. */
async function versionsOf(
  db: Database,
  ids: { courses: string; lessons: string; quizzes: string; student: string; newcomer: string },
): Promise<Record<keyof typeof ids, number>> {
  const [row] = await db.sequelize.query<Record<keyof typeof ids, number>>(
    `SELECT (SELECT version FROM courses WHERE id = $1) AS courses,
            (SELECT version FROM lessons WHERE id = $2) AS lessons,
            (SELECT version FROM quizzes WHERE id = $3) AS quizzes,
            (SELECT version FROM users WHERE id = $4) AS student,
            (SELECT version FROM users WHERE id = $5) AS newcomer`,
    {
      bind: [ids.courses, ids.lessons, ids.quizzes, ids.student, ids.newcomer],
      type: QueryTypes.SELECT,
    },
  );
  if (!row) throw new Error('the version query returned no row');
  return row;
}
