import { quoteIdentifier, quoteLiteral } from './sql-text';

/** What a table gets from the schema's conventions rather than from its model. */
export interface TableConventions {
  checks: Record<string, string>;
  /** Whole `CREATE TRIGGER` statements. */
  triggers: string[];
}

/** The function migration 0002 audits tables with; the audit convention applies once it exists. */
export const AUDIT_FUNCTION = 'lms_audit_changes';
/** The function migration 0005 logs a TRUNCATE's rows with; its trigger joins the convention then. */
export const AUDIT_TRUNCATE_FUNCTION = 'lms_audit_truncate';

/** Which audit functions the database has, so a table gets the triggers its peers have. */
export interface AuditFunctions {
  /** lms_audit_changes: the INSERT, UPDATE and DELETE statement triggers. */
  hasChanges: boolean;
  /** lms_audit_truncate: the BEFORE TRUNCATE trigger. */
  hasTruncate: boolean;
}

/** The statement triggers that write a table's changes to audit_log (migrations 0002, 0005). */
function auditTriggers(
  table: string,
  redacted: readonly string[],
  functions: AuditFunctions,
): string[] {
  const args = redacted.map(quoteLiteral).join(', ');
  const on = quoteIdentifier(table);
  const run = `FOR EACH STATEMENT EXECUTE FUNCTION ${AUDIT_FUNCTION}(${args})`;
  return [
    ...(functions.hasChanges
      ? [
          `CREATE TRIGGER ${quoteIdentifier(`${table}_audit_insert`)} AFTER INSERT ON ${on} REFERENCING NEW TABLE AS new_rows ${run}`,
          `CREATE TRIGGER ${quoteIdentifier(`${table}_audit_update`)} AFTER UPDATE ON ${on} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows ${run}`,
          `CREATE TRIGGER ${quoteIdentifier(`${table}_audit_delete`)} AFTER DELETE ON ${on} REFERENCING OLD TABLE AS old_rows ${run}`,
        ]
      : []),
    ...(functions.hasTruncate
      ? [
          `CREATE TRIGGER ${quoteIdentifier(`${table}_audit_truncate`)} BEFORE TRUNCATE ON ${on} ` +
            `FOR EACH STATEMENT EXECUTE FUNCTION ${AUDIT_TRUNCATE_FUNCTION}(${args})`,
        ]
      : []),
  ];
}

/**
 * SCHEMA.md's rules for every mutable table: a table with `updated_at` and `version` keeps them
 * by the `lms_touch_row` trigger (raw SQL included), checks `version >= 1`, and, once the
 * database has the audit functions, has its every change written to audit_log, TRUNCATE included
 * (the columns in `auditRedacted` never copied). A new model with `commonColumns` gets all of it in its generated
 * migration without saying so.
 */
export function conventionsFor(
  table: string,
  columns: readonly string[],
  options: { audit: AuditFunctions; auditRedacted: readonly string[] },
): TableConventions {
  if (!columns.includes('updated_at') || !columns.includes('version')) {
    return { checks: {}, triggers: [] };
  }
  return {
    checks: { [`${table}_version_check`]: 'version >= 1' },
    triggers: [
      `CREATE TRIGGER ${quoteIdentifier(`${table}_touch_row`)} BEFORE UPDATE ON ${quoteIdentifier(table)} ` +
        'FOR EACH ROW EXECUTE FUNCTION lms_touch_row()',
      ...auditTriggers(table, options.auditRedacted, options.audit),
    ],
  };
}
