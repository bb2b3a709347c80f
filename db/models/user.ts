import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { TableRules } from './table-rules';
import { commonColumns, commonModelOptions } from './columns';
import { userRoles, type UserRole } from './enums';

/** A person: student, instructor, admin or support. Only staff have a password (PHC-format hash). */
export function defineUserModel(sequelize: Sequelize) {
  class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
    declare id: CreationOptional<string>;
    declare email: string;
    declare fullName: string;
    declare role: UserRole;
    declare passwordHash: CreationOptional<string | null>;
    declare isActive: CreationOptional<boolean>;
    declare lastLoginAt: CreationOptional<Date | null>;
    declare lastLoginIp: CreationOptional<string | null>;
    declare metadata: CreationOptional<Record<string, unknown>>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    declare version: CreationOptional<number>;
  }
  User.init(
    {
      ...commonColumns,
      email: { type: DataTypes.TEXT, allowNull: false, unique: 'users_email_key' },
      fullName: { type: DataTypes.TEXT, allowNull: false },
      role: { type: DataTypes.ENUM(...userRoles), allowNull: false },
      passwordHash: { type: DataTypes.TEXT, allowNull: true },
      isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      lastLoginAt: { type: DataTypes.DATE, allowNull: true },
      lastLoginIp: { type: DataTypes.INET, allowNull: true },
      metadata: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
    },
    {
      ...commonModelOptions,
      sequelize,
      tableName: 'users',
      indexes: [
        { name: 'users_metadata_gin_idx', using: 'GIN', fields: ['metadata'] },
        {
          name: 'users_full_name_trgm_idx',
          using: 'GIN',
          fields: [{ name: 'full_name', operator: 'gin_trgm_ops' }],
        },
        {
          name: 'users_email_trgm_idx',
          using: 'GIN',
          fields: [{ name: 'email', operator: 'gin_trgm_ops' }],
        },
      ],
    },
  );
  return User;
}

export type UserModel = ReturnType<typeof defineUserModel>;
export type User = InstanceType<UserModel>;

/** The users table's CHECK constraints and audit redaction, which model options can't express. */
export const userTableRules: TableRules = {
  checks: {
    users_email_lower_check: 'email = lower(email)',
    users_email_format_check: "email ~ '^[^@[:space:]]+@[^@[:space:]]+$'",
    users_full_name_check: "btrim(full_name) <> ''",
    // A hash in PHC string form ($scrypt$… or $argon2id$…): a plain password can't be stored.
    users_password_hash_check:
      "password_hash IS NULL OR password_hash ~ '^\\$(scrypt|argon2id|argon2i|argon2d)\\$'",
    // Students don't sign in to this app, so they have no password here.
    users_student_password_check: "role <> 'student' OR password_hash IS NULL",
    users_metadata_check: "jsonb_typeof(metadata) = 'object'",
  },
  auditRedacted: ['password_hash'],
};
