import {
  DataTypes,
  Model,
  Op,
  literal,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { commonModelOptions } from './columns';
import { auditActions, type AuditAction } from './enums';
import type { TableRules } from './table-rules';

/** The tables whose rows belong to a course by their course_id, as a course's history reads them. */
export const courseChildTables = ['lessons', 'quizzes', 'enrollments'] as const;

/**
 * One change to one record, written by the audit triggers (migration 0002), never by the app:
 * the table is append-only, so this model only reads. `seq` is the total order of changes.
 */
export function defineAuditEntryModel(sequelize: Sequelize) {
  class AuditEntry extends Model<InferAttributes<AuditEntry>, InferCreationAttributes<AuditEntry>> {
    declare id: CreationOptional<string>;
    /** bigint: node-postgres reads it as a string, so no precision is lost past 2^53. */
    declare seq: CreationOptional<string>;
    declare tableName: string;
    declare recordId: string;
    declare action: AuditAction;
    declare before: Record<string, unknown> | null;
    declare after: Record<string, unknown> | null;
    declare changedFields: string[] | null;
    declare actorId: string | null;
    declare actorIp: string | null;
    declare source: string;
    declare txid: string;
    declare createdAt: CreationOptional<Date>;
  }
  AuditEntry.init(
    {
      id: {
        type: DataTypes.UUID,
        primaryKey: true,
        allowNull: false,
        // A time-ordered UUID (version 7; migration 0006 says why): inserts append to the index.
        defaultValue: literal(
          `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid`,
        ),
      },
      // GENERATED ALWAYS AS IDENTITY: the database numbers every entry.
      seq: {
        type: DataTypes.BIGINT,
        allowNull: false,
        autoIncrement: true,
        unique: 'audit_log_seq_key',
      },
      tableName: { type: DataTypes.TEXT, allowNull: false },
      recordId: { type: DataTypes.UUID, allowNull: false },
      action: { type: DataTypes.ENUM(...auditActions), allowNull: false },
      before: { type: DataTypes.JSONB, allowNull: true },
      after: { type: DataTypes.JSONB, allowNull: true },
      changedFields: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: true },
      actorId: { type: DataTypes.UUID, allowNull: true },
      actorIp: { type: DataTypes.INET, allowNull: true },
      source: { type: DataTypes.TEXT, allowNull: false },
      txid: { type: DataTypes.BIGINT, allowNull: false },
      createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('now()') },
    },
    {
      ...commonModelOptions,
      sequelize,
      tableName: 'audit_log',
      indexes: [
        {
          name: 'audit_log_table_name_record_id_seq_idx',
          fields: ['table_name', 'record_id', 'seq'],
        },
        { name: 'audit_log_actor_id_created_at_idx', fields: ['actor_id', 'created_at'] },
        { name: 'audit_log_created_at_brin_idx', using: 'BRIN', fields: ['created_at'] },
        // A course's history with its lessons, quizzes and enrollments (migration 0007 says why).
        {
          name: 'audit_log_course_children_idx',
          fields: [literal(`(((COALESCE(after, before) ->> 'course_id'))::uuid)`), 'seq'],
          where: { table_name: courseChildTables },
        },
        {
          name: 'audit_log_course_moved_idx',
          fields: [literal(`(((before ->> 'course_id'))::uuid)`), 'seq'],
          where: {
            [Op.and]: [
              { table_name: courseChildTables, action: 'UPDATE' },
              literal(`(before ->> 'course_id') IS DISTINCT FROM (after ->> 'course_id')`),
            ],
          },
        },
      ],
    },
  );
  return AuditEntry;
}

export type AuditEntryModel = ReturnType<typeof defineAuditEntryModel>;
export type AuditEntry = InstanceType<AuditEntryModel>;

/** The audit_log table's CHECKs and append-only triggers, which model options can't express. */
export const auditEntryTableRules: TableRules = {
  checks: {
    audit_log_source_check: "source IN ('app', 'cli', 'sync', 'sql')",
    // What each action carries: an insert has no before, a delete no after, an update both and
    // the fields it changed.
    audit_log_snapshots_check: `CASE action
      WHEN 'INSERT' THEN before IS NULL AND after IS NOT NULL
      WHEN 'UPDATE' THEN before IS NOT NULL AND after IS NOT NULL AND cardinality(changed_fields) > 0
      WHEN 'DELETE' THEN before IS NOT NULL AND after IS NULL
    END`,
  },
  // History only grows: corrections are new changes, never edits of old ones.
  triggers: {
    audit_log_append_only:
      'BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION lms_audit_log_refuse_change()',
    audit_log_no_truncate:
      'BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION lms_audit_log_refuse_change()',
  },
};
