import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { TableRules } from './table-rules';
import { commonColumns, commonModelOptions, foreignKey } from './columns';
import { attemptStatuses, type AttemptStatus } from './enums';

/** One attempt of an enrolled learner at a quiz, numbered per enrollment and quiz. */
export function defineQuizAttemptModel(sequelize: Sequelize) {
  class QuizAttempt extends Model<
    InferAttributes<QuizAttempt>,
    InferCreationAttributes<QuizAttempt>
  > {
    declare id: CreationOptional<string>;
    declare enrollmentId: string;
    declare quizId: string;
    declare attemptNumber: number;
    declare status: CreationOptional<AttemptStatus>;
    declare answers: CreationOptional<unknown>;
    /** numeric: strings, to keep every digit. */
    declare score: CreationOptional<string | null>;
    declare maxScore: CreationOptional<string | null>;
    declare startedAt: CreationOptional<Date>;
    declare submittedAt: CreationOptional<Date | null>;
    declare ipAddress: CreationOptional<string | null>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    declare version: CreationOptional<number>;
  }
  const attemptKey = 'quiz_attempts_enrollment_id_quiz_id_attempt_number_key';
  QuizAttempt.init(
    {
      ...commonColumns,
      enrollmentId: { ...foreignKey('enrollments', 'CASCADE'), unique: attemptKey },
      quizId: { ...foreignKey('quizzes', 'CASCADE'), unique: attemptKey },
      attemptNumber: { type: DataTypes.INTEGER, allowNull: false, unique: attemptKey },
      status: {
        type: DataTypes.ENUM(...attemptStatuses),
        allowNull: false,
        defaultValue: 'in_progress',
      },
      answers: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
      score: { type: DataTypes.DECIMAL, allowNull: true },
      maxScore: { type: DataTypes.DECIMAL, allowNull: true },
      startedAt: {
        type: DataTypes.DATE,
        allowNull: false,
        defaultValue: commonColumns.createdAt.defaultValue,
      },
      submittedAt: { type: DataTypes.DATE, allowNull: true },
      ipAddress: { type: DataTypes.INET, allowNull: true },
    },
    {
      ...commonModelOptions,
      sequelize,
      tableName: 'quiz_attempts',
      indexes: [
        { name: 'quiz_attempts_quiz_id_idx', fields: ['quiz_id'] },
        { name: 'quiz_attempts_answers_gin_idx', using: 'GIN', fields: ['answers'] },
      ],
    },
  );
  return QuizAttempt;
}

export type QuizAttemptModel = ReturnType<typeof defineQuizAttemptModel>;
export type QuizAttempt = InstanceType<QuizAttemptModel>;

/** The quiz_attempts table's CHECK constraints, which model options can't express. */
export const quizAttemptTableRules: TableRules = {
  checks: {
    quiz_attempts_attempt_number_check: 'attempt_number >= 1',
    quiz_attempts_max_score_check: 'max_score IS NULL OR max_score >= 0',
    quiz_attempts_score_check: 'score IS NULL OR max_score IS NULL OR score <= max_score',
    quiz_attempts_submitted_at_check: 'submitted_at IS NULL OR submitted_at >= started_at',
  },
};
