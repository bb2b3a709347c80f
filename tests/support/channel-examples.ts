import { randomBytes } from 'node:crypto';
import { channels, type Channel, type ChannelInput } from '../../electron/api/contract';
import type { Database } from '../../db/connection';
import type { ProfileStore } from '../../db/profiles/profile-store';
import { applyBulkOperation } from '../../db/services/quiz-bulk-apply';
import { createQuiz } from './lms-factories';
import type { LmsWorld, VersionedRef } from './lms-world';

/** What an example input may refer to besides the world's rows. */
export interface ExampleContext {
  world: LmsWorld;
  /** A staff member who can sign in, with their password. */
  staff: { email: string; password: string };
  /** The newest applied migration: rolling back to it keeps every migration applied. */
  latestMigration: string;
  /** A saved connection profile of the router's computer. */
  profileId: string;
  /** A bulk operation applied to a quiz of the world's course, of its own, that can be undone. */
  bulkOperationId: string;
}

/** A saved profile for the examples that need one, under a name no other world uses. */
export async function exampleProfileId(profiles: ProfileStore): Promise<string> {
  const saved = await profiles.save({
    name: `Example ${freshTag()}`,
    host: 'db.example.org',
    port: 5432,
    database: 'lms',
    user: 'lms_admin',
    sslMode: 'verify-full',
  });
  return saved.id;
}

/** Applies a bulk operation to a new quiz of the world's course (leaving the world's own quiz alone). */
export async function exampleBulkOperationId(db: Database, world: LmsWorld): Promise<string> {
  const quiz = await createQuiz(db, { courseId: world.course.id });
  const applied = await db.withTransaction(
    { actorId: null, actorIp: null, source: 'app' },
    (transaction) =>
      applyBulkOperation(
        db,
        {
          selection: [{ quizId: quiz.id, questionId: 'q1' }],
          operation: { kind: 'setPoints', points: 2 },
          expectedVersions: [{ quizId: quiz.id, version: 1 }],
        },
        {},
        transaction,
      ),
  );
  if (applied.operationId === null) throw new Error('the example bulk operation wrote nothing');
  return applied.operationId;
}

/** One valid input per channel, built from a fresh world; the type insists that none is missing. */
export type ChannelExamples = { [C in Channel]: (context: ExampleContext) => ChannelInput<C> };

/** Keeps emails and titles of new rows unique across the many worlds of one database. */
function freshTag(): string {
  return randomBytes(4).toString('hex');
}

/** The id and version of a row, without the other fields the world keeps (inputs are strict). */
function versioned({ id, version }: VersionedRef): VersionedRef {
  return { id, version };
}

/**
 * Inputs that each channel accepts and that succeed for a caller allowed to make them, given a
 * fresh world. Destructive ones act on the world's own rows, never on the callers.
 */
export const channelExamples: ChannelExamples = {
  'auth.state': () => ({}),
  'auth.setup': () => ({
    email: `setup-${freshTag()}@example.org`,
    password: 'a long enough passphrase',
    fullName: 'First Admin',
  }),
  'auth.signIn': ({ staff }) => ({ email: staff.email, password: staff.password }),
  'auth.signOut': () => ({}),
  'auth.me': () => ({}),

  'courses.list': () => ({}),
  'courses.get': ({ world }) => ({ id: world.course.id }),
  'courses.create': () => ({ title: `New course ${freshTag()}` }),
  'courses.update': ({ world }) => ({ ...versioned(world.course), title: 'Renamed course' }),
  'courses.publish': ({ world }) => versioned(world.course),
  'courses.unpublish': ({ world }) => versioned(world.course),
  'courses.deletePreview': ({ world }) => ({ id: world.course.id }),
  'courses.delete': ({ world }) => versioned(world.course),
  'courses.dashboard': ({ world }) => ({ courseId: world.course.id }),

  'lessons.list': ({ world }) => ({ courseId: world.course.id }),
  'lessons.create': ({ world }) => ({ courseId: world.course.id, title: 'New lesson' }),
  'lessons.update': ({ world }) => ({ ...versioned(world.lesson), title: 'Renamed lesson' }),
  'lessons.delete': ({ world }) => versioned(world.lesson),
  'lessons.reorder': ({ world }) => ({ courseId: world.course.id, lessonIds: [world.lesson.id] }),

  'quizzes.list': ({ world }) => ({ courseId: world.course.id }),
  'quizzes.get': ({ world }) => ({ id: world.quiz.id }),
  'quizzes.create': ({ world }) => ({ courseId: world.course.id, title: 'New quiz' }),
  'quizzes.update': ({ world }) => ({ ...versioned(world.quiz), title: 'Renamed quiz' }),
  'quizzes.deletePreview': ({ world }) => ({ id: world.quiz.id }),
  'quizzes.delete': ({ world }) => versioned(world.quiz),
  'quizzes.addQuestion': ({ world }) => ({
    quizId: world.quiz.id,
    version: world.quiz.version,
    question: { id: 'added', kind: 'true_false', text: 'SQL is a language.', answer: true },
  }),
  'quizzes.updateQuestion': ({ world }) => ({
    quizId: world.quiz.id,
    version: world.quiz.version,
    question: {
      id: world.quiz.questionId,
      kind: 'single',
      text: '3 + 3 = ?',
      choices: [
        { id: 'a', text: '6', correct: true },
        { id: 'b', text: '7', correct: false },
      ],
    },
  }),
  'quizzes.removeQuestion': ({ world }) => ({
    quizId: world.quiz.id,
    version: world.quiz.version,
    questionId: world.quiz.questionId,
  }),
  'quizzes.moveQuestion': ({ world }) => ({
    quizId: world.quiz.id,
    version: world.quiz.version,
    questionId: world.quiz.questionId,
    toIndex: 0,
  }),

  'quizzes.import.preview': ({ world }) => ({
    courseId: world.course.id,
    fileName: 'week.gift',
    content: '::Sum::2 + 2 = ?{=4 ~5}\n',
  }),
  'quizzes.import.apply': ({ world }) => ({
    courseId: world.course.id,
    format: 'gift',
    quizTitle: `Imported ${freshTag()}`,
    content: '::Sky::The sky is blue.{T}\n',
  }),
  'quizzes.export': ({ world }) => ({ courseId: world.course.id, format: 'moodle-xml' }),

  'quizzes.bulk.search': ({ world }) => ({ courseId: world.course.id, text: '2 + 2' }),
  'quizzes.bulk.preview': ({ world }) => ({
    selection: [{ quizId: world.quiz.id, questionId: world.quiz.questionId }],
    operation: { kind: 'replace', find: '2 + 2', replaceWith: 'two plus two' },
  }),
  'quizzes.bulk.apply': ({ world }) => ({
    selection: [{ quizId: world.quiz.id, questionId: world.quiz.questionId }],
    operation: { kind: 'setPoints', points: 3 },
    expectedVersions: [{ quizId: world.quiz.id, version: world.quiz.version }],
  }),
  'quizzes.bulk.undo': ({ bulkOperationId }) => ({ operationId: bulkOperationId }),
  'quizzes.bulk.recent': () => ({ limit: 5 }),
  'quizzes.bulk.editQuestion': ({ world }) => ({
    quizId: world.quiz.id,
    version: world.quiz.version,
    questionId: world.quiz.questionId,
    changes: { text: '2 + 2 equals?', points: 2 },
  }),

  'enrollments.list': ({ world }) => ({ courseId: world.course.id }),
  'enrollments.enrollMany': ({ world }) => ({
    courseId: world.course.id,
    userIds: [world.newcomer.id],
  }),
  'enrollments.unenrollPreview': ({ world }) => ({
    courseId: world.course.id,
    enrollmentIds: [world.enrollment.id],
  }),
  'enrollments.unenrollMany': ({ world }) => ({
    courseId: world.course.id,
    enrollmentIds: [world.enrollment.id],
  }),
  'enrollments.setStatus': ({ world }) => ({
    enrollmentId: world.enrollment.id,
    version: world.enrollment.version,
    status: 'completed',
  }),
  'progress.list': ({ world }) => ({ enrollmentId: world.enrollment.id }),
  'progress.set': ({ world }) => ({
    enrollmentId: world.enrollment.id,
    lessonId: world.lesson.id,
    status: 'completed',
    version: world.progress.version,
  }),
  'attempts.list': ({ world }) => ({ enrollmentId: world.enrollment.id }),
  'attempts.correct': ({ world }) => ({
    attemptId: world.attempt.id,
    version: world.attempt.version,
    score: 7,
  }),
  'attempts.reset': ({ world }) => ({
    attemptId: world.attempt.id,
    version: world.attempt.version,
  }),

  'users.list': () => ({}),
  'users.get': ({ world }) => ({ id: world.student.id }),
  'users.create': () => ({
    email: `created-${freshTag()}@example.org`,
    fullName: 'Created Learner',
    role: 'student',
  }),
  'users.update': ({ world }) => ({ ...versioned(world.student), fullName: 'Renamed Learner' }),
  'users.deactivate': ({ world }) => versioned(world.student),
  'users.deletePreview': ({ world }) => ({ id: world.student.id }),
  'users.delete': ({ world }) => versioned(world.student),
  'users.bulkUpdate': ({ world }) => ({
    users: [
      { ...versioned(world.student), role: 'instructor' },
      { ...versioned(world.newcomer), isActive: false },
    ],
  }),
  'users.bulkDeletePreview': ({ world }) => ({ ids: [world.student.id, world.newcomer.id] }),
  'users.bulkDelete': ({ world }) => ({
    users: [versioned(world.student), versioned(world.newcomer)],
  }),
  'users.enrollments': ({ world }) => ({ id: world.student.id }),
  'users.import': () => ({
    csv: `email,full_name,role\r\nimported-${freshTag()}@example.org,Imported Learner,student\r\n`,
  }),
  'users.export': () => ({}),

  'audit.list': ({ world }) => ({ filter: { tableName: 'courses', recordId: world.course.id } }),
  'audit.get': ({ world }) => ({ seq: world.audit.courseCreatedSeq }),
  'audit.diff': ({ world }) => ({
    fromSeq: world.audit.courseCreatedSeq,
    toSeq: world.audit.courseCreatedSeq,
  }),
  'audit.asOf': ({ world }) => ({
    tableName: 'courses',
    recordId: world.course.id,
    at: new Date(),
  }),
  'audit.transaction': ({ world }) => ({ seq: world.audit.courseCreatedSeq }),
  'audit.export': ({ world }) => ({
    filter: { recordId: world.course.id, tableName: 'courses' },
    format: 'csv',
  }),
  // The newcomer is in no course and unchanged since created: reverting that deletes them.
  'audit.revert': ({ world }) => ({ seq: world.audit.newcomerCreatedSeq }),
  'audit.revertTransaction': ({ world }) => ({ seq: world.audit.newcomerCreatedSeq }),
  // The world deletes nothing: undeleting a creation is refused as not a deletion.
  'audit.undelete': ({ world }) => ({ seq: world.audit.newcomerCreatedSeq }),

  'migrations.status': () => ({}),
  'migrations.preview': () => ({}),
  'migrations.drift': () => ({}),
  // Nothing is pending in a migrated test database: applying all is a no-op.
  'migrations.apply': () => ({}),
  'migrations.rollback': ({ latestMigration }) => ({ to: latestMigration }),

  'sync.status': () => ({ checkOnline: false }),
  // Nothing listens on port 1: the link fails fast, as a person with a wrong URL would see it.
  'sync.link': () => ({ url: 'postgres://nobody@127.0.0.1:1/lms' }),
  'sync.linkPreview': () => ({ url: 'postgres://nobody@127.0.0.1:1/lms' }),
  // The test database is no working copy: push and pull say it must be linked first.
  'sync.push': () => ({}),
  'sync.pull': () => ({}),
  'sync.unlink': () => ({}),
  'sync.rememberPassword': () => ({ password: 'central secret' }),
  'sync.forgetPassword': () => ({}),
  'sync.conflicts': () => ({}),
  'sync.resolve': () => ({ conflictId: '00000000-0000-4000-8000-000000000000', take: 'local' }),

  'profiles.list': () => ({}),
  'profiles.save': () => ({
    name: `Central ${freshTag()}`,
    host: 'db.example.org',
    database: 'lms',
    user: 'lms_admin',
    password: 'a secret',
  }),
  'profiles.remove': ({ profileId }) => ({ id: profileId }),
  'profiles.activate': ({ profileId }) => ({ id: profileId }),
  // Unreachable on purpose: a test reports the failure as its answer, quickly.
  'profiles.test': () => ({
    name: 'Nowhere',
    host: '127.0.0.1',
    port: 1,
    database: 'lms',
    user: 'nobody',
    sslMode: 'disable',
  }),
};

/** The example input of `channel` (a runtime lookup: a channel the table lacks throws, naming it). */
export function exampleInput(channel: Channel, context: ExampleContext): unknown {
  if (!Object.hasOwn(channelExamples, channel)) {
    throw new Error(
      `No example input for ${channel}: add one to tests/support/channel-examples.ts`,
    );
  }
  return channelExamples[channel](context);
}

/** The contract's channels that have no example: must be none. */
export function channelsWithoutExample(): Channel[] {
  return channels.filter((channel) => !Object.hasOwn(channelExamples, channel));
}
