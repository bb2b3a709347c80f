/**
 * What a table has in the database that Sequelize's model options can't say, declared beside its
 * model so `lms-admin migrate generate` and `check` see the whole table. Indexes (partial,
 * expression, GIN with operator classes), unique keys, foreign keys with ON DELETE, types,
 * nullability and defaults stay in the model itself; the `updated_at`/`version` trigger and check
 * follow from the columns (db/migration-authoring/conventions.ts).
 */
export interface TableRules {
  /** CHECK constraints by name: the condition, as SQL (`email = lower(email)`). */
  checks?: Readonly<Record<string, string>>;
  /** Unique keys (by the name given to `unique:`) checked at the end of each statement, not per row. */
  deferrableUniques?: readonly string[];
  /**
   * Triggers of this table beyond the conventions, by name: the statement after
   * `CREATE TRIGGER name` (`BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION f()`).
   */
  triggers?: Readonly<Record<string, string>>;
  /** Columns whose values the audit log never copies (it lists them as changed, redacted). */
  auditRedacted?: readonly string[];
}
