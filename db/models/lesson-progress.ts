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
import { progressStatuses, type ProgressStatus } from './enums';

/** How far an enrolled learner got with one lesson. */
export function defineLessonProgressModel(sequelize: Sequelize) {
  class LessonProgress extends Model<
    InferAttributes<LessonProgress>,
    InferCreationAttributes<LessonProgress>
  > {
    declare id: CreationOptional<string>;
    declare enrollmentId: string;
    declare lessonId: string;
    declare status: CreationOptional<ProgressStatus>;
    declare completedAt: CreationOptional<Date | null>;
    declare timeSpentSeconds: CreationOptional<number>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    declare version: CreationOptional<number>;
  }
  LessonProgress.init(
    {
      ...commonColumns,
      enrollmentId: {
        ...foreignKey('enrollments', 'CASCADE'),
        unique: 'lesson_progress_enrollment_id_lesson_id_key',
      },
      lessonId: {
        ...foreignKey('lessons', 'CASCADE'),
        unique: 'lesson_progress_enrollment_id_lesson_id_key',
      },
      status: {
        type: DataTypes.ENUM(...progressStatuses),
        allowNull: false,
        defaultValue: 'not_started',
      },
      completedAt: { type: DataTypes.DATE, allowNull: true },
      timeSpentSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    {
      ...commonModelOptions,
      sequelize,
      tableName: 'lesson_progress',
      indexes: [{ name: 'lesson_progress_lesson_id_idx', fields: ['lesson_id'] }],
    },
  );
  return LessonProgress;
}

export type LessonProgressModel = ReturnType<typeof defineLessonProgressModel>;
export type LessonProgress = InstanceType<LessonProgressModel>;

/** The lesson_progress table's CHECK constraints, which model options can't express. */
export const lessonProgressTableRules: TableRules = {
  checks: { lesson_progress_time_spent_seconds_check: 'time_spent_seconds >= 0' },
};
