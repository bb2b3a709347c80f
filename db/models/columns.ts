import { DataTypes, literal, type ModelAttributeColumnOptions } from 'sequelize';

/** The columns every table has (SCHEMA.md, "Rules for every table"); the database fills and keeps them. */
export const commonColumns = {
  id: {
    type: DataTypes.UUID,
    primaryKey: true,
    allowNull: false,
    defaultValue: literal('gen_random_uuid()'),
  },
  createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('now()') },
  // Kept by the lms_touch_row trigger on every UPDATE, raw SQL included.
  updatedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('now()') },
  version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
} satisfies Record<string, ModelAttributeColumnOptions>;

/** A foreign key column and what happens to it when its row goes. */
export function foreignKey(
  table: string,
  onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL',
  allowNull = false,
): ModelAttributeColumnOptions {
  return {
    type: DataTypes.UUID,
    allowNull,
    references: { model: table, key: 'id' },
    onDelete,
    // As every foreign key of the migrations has it (ids never change). Said here, because an
    // association finding no onUpdate on the attribute writes Sequelize's default CASCADE into it.
    onUpdate: 'NO ACTION',
  };
}

/** Options every model shares: snake_case columns, and timestamps left to the database. */
export const commonModelOptions = { underscored: true, timestamps: false } as const;
