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

/** A lesson of a course, at a position unique within it. */
export function defineLessonModel(sequelize: Sequelize) {
  class Lesson extends Model<InferAttributes<Lesson>, InferCreationAttributes<Lesson>> {
    declare id: CreationOptional<string>;
    declare courseId: string;
    declare position: number;
    declare title: string;
    declare body: CreationOptional<string | null>;
    declare durationMinutes: CreationOptional<number | null>;
    declare isPublished: CreationOptional<boolean>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    declare version: CreationOptional<number>;
  }
  Lesson.init(
    {
      ...commonColumns,
      // (course_id, position) is deferrable: see lessonTableRules.
      courseId: { ...foreignKey('courses', 'CASCADE'), unique: 'lessons_course_id_position_key' },
      position: {
        type: DataTypes.INTEGER,
        allowNull: false,
        unique: 'lessons_course_id_position_key',
      },
      title: { type: DataTypes.TEXT, allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: true },
      durationMinutes: { type: DataTypes.INTEGER, allowNull: true },
      isPublished: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    },
    { ...commonModelOptions, sequelize, tableName: 'lessons' },
  );
  return Lesson;
}

export type LessonModel = ReturnType<typeof defineLessonModel>;
export type Lesson = InstanceType<LessonModel>;

/** The lessons table's CHECK constraints and deferred unique key, which model options can't express. */
export const lessonTableRules: TableRules = {
  checks: {
    lessons_position_check: 'position >= 1',
    lessons_title_check: "btrim(title) <> ''",
    lessons_duration_minutes_check: 'duration_minutes IS NULL OR duration_minutes >= 0',
  },
  // Checked at the end of each statement, so one UPDATE can reorder a course's lessons.
  deferrableUniques: ['lessons_course_id_position_key'],
};
