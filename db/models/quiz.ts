import {
  DataTypes,
  Model,
  literal,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { TableRules } from './table-rules';
import { commonColumns, commonModelOptions, foreignKey } from './columns';

/** A quiz of a course; its questions and choices live in `options` (validated by zod at every edge). */
export function defineQuizModel(sequelize: Sequelize) {
  class Quiz extends Model<InferAttributes<Quiz>, InferCreationAttributes<Quiz>> {
    declare id: CreationOptional<string>;
    declare courseId: string;
    declare lessonId: CreationOptional<string | null>;
    declare title: string;
    declare isPublished: CreationOptional<boolean>;
    /** numeric: node-postgres returns it as a string to keep every digit. */
    declare passScore: CreationOptional<string | null>;
    declare options: { questions: unknown[] } & Record<string, unknown>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    declare version: CreationOptional<number>;
  }
  Quiz.init(
    {
      ...commonColumns,
      courseId: foreignKey('courses', 'CASCADE'),
      lessonId: foreignKey('lessons', 'SET NULL', true),
      title: { type: DataTypes.TEXT, allowNull: false },
      isPublished: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      passScore: { type: DataTypes.DECIMAL, allowNull: true },
      options: { type: DataTypes.JSONB, allowNull: false },
    },
    {
      ...commonModelOptions,
      sequelize,
      tableName: 'quizzes',
      indexes: [
        { name: 'quizzes_course_id_idx', fields: ['course_id'] },
        { name: 'quizzes_lesson_id_idx', fields: ['lesson_id'] },
        { name: 'quizzes_options_gin_idx', using: 'GIN', fields: ['options'] },
        // Serves `WHERE options->>'type' = …`.
        { name: 'quizzes_options_type_idx', fields: [literal("(options ->> 'type')")] },
      ],
    },
  );
  return Quiz;
}

export type QuizModel = ReturnType<typeof defineQuizModel>;
export type Quiz = InstanceType<QuizModel>;

/** The quizzes table's CHECK constraints, which model options can't express. */
export const quizTableRules: TableRules = {
  checks: {
    quizzes_title_check: "btrim(title) <> ''",
    quizzes_pass_score_check: 'pass_score IS NULL OR pass_score >= 0',
    // "options ? 'questions'" first: jsonb_typeof of a missing key is NULL, and a NULL CHECK passes.
    quizzes_options_check:
      "jsonb_typeof(options) = 'object' AND options ? 'questions' AND jsonb_typeof(options -> 'questions') = 'array'",
  },
};
