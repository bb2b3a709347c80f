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
import { enrollmentStatuses, type EnrollmentStatus } from './enums';

/** A user's journey through a course: at most one per user and course. */
export function defineEnrollmentModel(sequelize: Sequelize) {
  class Enrollment extends Model<InferAttributes<Enrollment>, InferCreationAttributes<Enrollment>> {
    declare id: CreationOptional<string>;
    declare userId: string;
    declare courseId: string;
    declare status: CreationOptional<EnrollmentStatus>;
    declare enrolledAt: CreationOptional<Date>;
    declare completedAt: CreationOptional<Date | null>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    declare version: CreationOptional<number>;
  }
  Enrollment.init(
    {
      ...commonColumns,
      userId: { ...foreignKey('users', 'CASCADE'), unique: 'enrollments_user_id_course_id_key' },
      courseId: {
        ...foreignKey('courses', 'CASCADE'),
        unique: 'enrollments_user_id_course_id_key',
      },
      status: {
        type: DataTypes.ENUM(...enrollmentStatuses),
        allowNull: false,
        defaultValue: 'active',
      },
      enrolledAt: {
        type: DataTypes.DATE,
        allowNull: false,
        defaultValue: commonColumns.createdAt.defaultValue,
      },
      completedAt: { type: DataTypes.DATE, allowNull: true },
    },
    {
      ...commonModelOptions,
      sequelize,
      tableName: 'enrollments',
      indexes: [{ name: 'enrollments_course_id_status_idx', fields: ['course_id', 'status'] }],
    },
  );
  return Enrollment;
}

export type EnrollmentModel = ReturnType<typeof defineEnrollmentModel>;
export type Enrollment = InstanceType<EnrollmentModel>;

/** The enrollments table's CHECK constraints, which model options can't express. */
export const enrollmentTableRules: TableRules = {
  checks: {
    enrollments_completed_at_check: 'completed_at IS NULL OR completed_at >= enrolled_at',
  },
};
