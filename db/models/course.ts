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

/** A course, owned by its instructor; its lessons and quizzes go with it. */
export function defineCourseModel(sequelize: Sequelize) {
  class Course extends Model<InferAttributes<Course>, InferCreationAttributes<Course>> {
    declare id: CreationOptional<string>;
    declare slug: string;
    declare title: string;
    declare description: CreationOptional<string | null>;
    declare instructorId: CreationOptional<string | null>;
    declare isPublished: CreationOptional<boolean>;
    declare publishedAt: CreationOptional<Date | null>;
    declare metadata: CreationOptional<Record<string, unknown>>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    declare version: CreationOptional<number>;
  }
  Course.init(
    {
      ...commonColumns,
      slug: { type: DataTypes.TEXT, allowNull: false, unique: 'courses_slug_key' },
      title: { type: DataTypes.TEXT, allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: true },
      instructorId: foreignKey('users', 'RESTRICT', true),
      isPublished: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      publishedAt: { type: DataTypes.DATE, allowNull: true },
      metadata: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
    },
    {
      ...commonModelOptions,
      sequelize,
      tableName: 'courses',
      indexes: [
        { name: 'courses_instructor_id_idx', fields: ['instructor_id'] },
        {
          name: 'courses_published_idx',
          fields: [{ name: 'published_at', order: 'DESC' }],
          where: { is_published: true },
        },
        { name: 'courses_metadata_gin_idx', using: 'GIN', fields: ['metadata'] },
      ],
    },
  );
  return Course;
}

export type CourseModel = ReturnType<typeof defineCourseModel>;
export type Course = InstanceType<CourseModel>;

/** The courses table's CHECK constraints, which model options can't express. */
export const courseTableRules: TableRules = {
  checks: {
    courses_slug_check: "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100",
    courses_title_check: "btrim(title) <> ''",
    courses_metadata_check: "jsonb_typeof(metadata) = 'object'",
  },
};
