import type { Sequelize } from 'sequelize';
import { auditEntryTableRules, defineAuditEntryModel, type AuditEntryModel } from './audit-entry';
import { courseTableRules, defineCourseModel, type CourseModel } from './course';
import { defineEnrollmentModel, enrollmentTableRules, type EnrollmentModel } from './enrollment';
import { enumTypeNames } from './enums';
import { defineLessonModel, lessonTableRules, type LessonModel } from './lesson';
import {
  defineLessonProgressModel,
  lessonProgressTableRules,
  type LessonProgressModel,
} from './lesson-progress';
import { defineQuizModel, quizTableRules, type QuizModel } from './quiz';
import {
  defineQuizAttemptModel,
  quizAttemptTableRules,
  type QuizAttemptModel,
} from './quiz-attempt';
import type { TableRules } from './table-rules';
import { defineUserModel, userTableRules, type UserModel } from './user';

export type { AuditEntry } from './audit-entry';
export type { Course } from './course';
export type { Enrollment } from './enrollment';
export type { Lesson } from './lesson';
export type { LessonProgress } from './lesson-progress';
export type { Quiz } from './quiz';
export type { QuizAttempt } from './quiz-attempt';
export type { User } from './user';

/**
 * The models of one Sequelize instance. Each instance gets classes of its own, so two
 * connection profiles (the local copy and the central server, say) never share a binding.
 */
export interface Models {
  User: UserModel;
  Course: CourseModel;
  Lesson: LessonModel;
  Quiz: QuizModel;
  Enrollment: EnrollmentModel;
  LessonProgress: LessonProgressModel;
  QuizAttempt: QuizAttemptModel;
  AuditEntry: AuditEntryModel;
}

/** Binds every model to `sequelize` and declares how they relate (ON DELETE as the migration has it). */
export function initModels(sequelize: Sequelize): Models {
  const User = defineUserModel(sequelize);
  const Course = defineCourseModel(sequelize);
  const Lesson = defineLessonModel(sequelize);
  const Quiz = defineQuizModel(sequelize);
  const Enrollment = defineEnrollmentModel(sequelize);
  const LessonProgress = defineLessonProgressModel(sequelize);
  const QuizAttempt = defineQuizAttemptModel(sequelize);
  const AuditEntry = defineAuditEntryModel(sequelize);
  User.hasMany(Course, { foreignKey: 'instructorId', as: 'taughtCourses', onDelete: 'RESTRICT' });
  Course.belongsTo(User, { foreignKey: 'instructorId', as: 'instructor', onDelete: 'RESTRICT' });
  Course.hasMany(Lesson, { foreignKey: 'courseId', as: 'lessons', onDelete: 'CASCADE' });
  Lesson.belongsTo(Course, { foreignKey: 'courseId', as: 'course', onDelete: 'CASCADE' });
  Course.hasMany(Quiz, { foreignKey: 'courseId', as: 'quizzes', onDelete: 'CASCADE' });
  Quiz.belongsTo(Course, { foreignKey: 'courseId', as: 'course', onDelete: 'CASCADE' });
  Lesson.hasMany(Quiz, { foreignKey: 'lessonId', as: 'quizzes', onDelete: 'SET NULL' });
  Quiz.belongsTo(Lesson, { foreignKey: 'lessonId', as: 'lesson', onDelete: 'SET NULL' });
  User.hasMany(Enrollment, { foreignKey: 'userId', as: 'enrollments', onDelete: 'CASCADE' });
  Enrollment.belongsTo(User, { foreignKey: 'userId', as: 'user', onDelete: 'CASCADE' });
  Course.hasMany(Enrollment, { foreignKey: 'courseId', as: 'enrollments', onDelete: 'CASCADE' });
  Enrollment.belongsTo(Course, { foreignKey: 'courseId', as: 'course', onDelete: 'CASCADE' });
  Enrollment.hasMany(LessonProgress, {
    foreignKey: 'enrollmentId',
    as: 'lessonProgress',
    onDelete: 'CASCADE',
  });
  LessonProgress.belongsTo(Enrollment, {
    foreignKey: 'enrollmentId',
    as: 'enrollment',
    onDelete: 'CASCADE',
  });
  Lesson.hasMany(LessonProgress, { foreignKey: 'lessonId', as: 'progress', onDelete: 'CASCADE' });
  LessonProgress.belongsTo(Lesson, { foreignKey: 'lessonId', as: 'lesson', onDelete: 'CASCADE' });
  Enrollment.hasMany(QuizAttempt, {
    foreignKey: 'enrollmentId',
    as: 'quizAttempts',
    onDelete: 'CASCADE',
  });
  QuizAttempt.belongsTo(Enrollment, {
    foreignKey: 'enrollmentId',
    as: 'enrollment',
    onDelete: 'CASCADE',
  });
  Quiz.hasMany(QuizAttempt, { foreignKey: 'quizId', as: 'attempts', onDelete: 'CASCADE' });
  QuizAttempt.belongsTo(Quiz, { foreignKey: 'quizId', as: 'quiz', onDelete: 'CASCADE' });
  return { User, Course, Lesson, Quiz, Enrollment, LessonProgress, QuizAttempt, AuditEntry };
}

/** What the models say the schema is, for `lms-admin migrate generate` and `check`. */
export const modelSchema = {
  defineModels: initModels,
  /** Every enum type by name; a column's enum is the one with its values, in order. */
  enums: enumTypeNames,
  /** Per table, what model options can't express. */
  tableRules: {
    users: userTableRules,
    courses: courseTableRules,
    lessons: lessonTableRules,
    quizzes: quizTableRules,
    enrollments: enrollmentTableRules,
    lesson_progress: lessonProgressTableRules,
    quiz_attempts: quizAttemptTableRules,
    audit_log: auditEntryTableRules,
  } satisfies Record<string, TableRules>,
};
