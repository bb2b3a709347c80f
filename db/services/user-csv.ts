import Papa from 'papaparse';
import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import { rawConnectionOf, type Database } from '../connection';
import { chunkLines, copyInto, copyLine } from '../copy-rows';
import { emailSchema, fullNameSchema } from '../schemas/auth';
import { jsonObjectInputSchema } from '../schemas/common';
import { describeUnstorable, UNSTORABLE_CHARACTER } from '../schemas/storable-text';
import {
  exportUsersInputSchema,
  importUsersInputSchema,
  requiredUserCsvColumns,
  userCsvColumns,
  type ExportUsersInput,
  type ExportUsersResult,
  type ImportProblem,
  type ImportUsersInput,
  type ImportUsersResult,
} from '../schemas/user-csv';
import { userRoleSchema } from '../schemas/users';
import { forEachCsvRow, guardCell, headerProblems } from './csv-rows';
import type { LongWork } from './long-work';
import { selectUserRows } from './users';

// The audit export imports the formula guard from here, where it began.
export { guardCell } from './csv-rows';

const PREVIEW_ROWS = 20;
const MAX_PROBLEMS = 1000;
const EXPORT_BATCH = 10_000;
const booleanCell = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value, context) => {
    if (value === '' || ['true', 'yes', '1', 't', 'y'].includes(value)) return true;
    if (['false', 'no', '0', 'f', 'n'].includes(value)) return false;
    context.addIssue({ code: 'custom', message: 'must be true or false' });
    return z.NEVER;
  });

const metadataCell = z
  .string()
  .trim()
  .transform((value, context) => {
    if (value === '') return {};
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
    context.addIssue({
      code: 'custom',
      message: 'must be a JSON object such as {"cohort":"2026"}',
    });
    return z.NEVER;
  })
  .pipe(jsonObjectInputSchema);

const csvRowSchema = z.object({
  email: emailSchema,
  full_name: fullNameSchema,
  role: z.string().trim().toLowerCase().pipe(userRoleSchema),
  is_active: booleanCell,
  metadata: metadataCell,
});
type CsvRow = z.infer<typeof csvRowSchema>;

interface ParsedRow {
  line: number;
  row: CsvRow;
}

/** Reads the file: each row validated, with the line it starts on (quoted fields may span lines). */
function parseUsersCsv(
  csv: string,
  work: LongWork,
): { rows: ParsedRow[]; problems: ImportProblem[]; total: number } {
  const problems: ImportProblem[] = [];
  const rows: ParsedRow[] = [];
  const text = csv.replace(/^\uFEFF/, '');
  let header: string[] | undefined;
  let total = 0;
  forEachCsvRow(text, ({ cells, line, errors }) => {
    for (const message of errors) problems.push({ line, message });
    if (!header) {
      header = cells.map((cell) => cell.trim().toLowerCase());
      for (const message of headerProblems(header, userCsvColumns, requiredUserCsvColumns)) {
        problems.push({ line, message });
      }
      return;
    }
    total++;
    if (total % 10_000 === 0) {
      work.signal?.throwIfAborted();
      work.progress?.(total, undefined, 'checking rows');
    }
    if (cells.length !== header.length) {
      problems.push({
        line,
        message: `has ${cells.length} fields where the header has ${header.length}`,
      });
      return;
    }
    const record = Object.fromEntries(header.map((name, index) => [name, cells[index] ?? '']));
    const unstorable = Object.entries(record).filter(([, value]) =>
      UNSTORABLE_CHARACTER.test(value),
    );
    for (const [column, value] of unstorable) {
      problems.push({
        line,
        column,
        message: describeUnstorable(value.match(UNSTORABLE_CHARACTER)?.[0] ?? ''),
      });
    }
    if (unstorable.length > 0) return;
    const parsed = csvRowSchema.safeParse({ is_active: '', metadata: '', ...record });
    if (parsed.success) rows.push({ line, row: parsed.data });
    else {
      for (const issue of parsed.error.issues) {
        problems.push({ line, column: String(issue.path[0] ?? ''), message: issue.message });
      }
    }
  });
  if (!header)
    problems.push({
      line: 1,
      message: `the file is empty: the first line must name the columns ${userCsvColumns.join(', ')}`,
    });
  return { rows, problems, total };
}

/** The same email twice in the file is a problem on every line after the first. */
function findDuplicates(rows: readonly ParsedRow[]): ImportProblem[] {
  const firstLine = new Map<string, number>();
  const problems: ImportProblem[] = [];
  for (const { line, row } of rows) {
    const first = firstLine.get(row.email);
    if (first === undefined) firstLine.set(row.email, line);
    else problems.push({ line, column: 'email', message: `${row.email} is also on line ${first}` });
  }
  return problems;
}

async function existingEmails(
  db: Database,
  emails: string[],
  transaction?: Transaction,
): Promise<Set<string>> {
  const rows = await db.sequelize.query<{ email: string }>(
    `SELECT email FROM users WHERE email = ANY($1::text[])`,
    {
      bind: [emails],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return new Set(rows.map((row) => row.email));
}

/**
 * Imports users from CSV: every row is checked first and every problem reported with its line;
 * only a file without problems is written, all rows in one COPY inside the caller's transaction.
 */
export async function importUsersCsv(
  db: Database,
  rawInput: ImportUsersInput,
  transaction: Transaction,
  work: LongWork = {},
): Promise<ImportUsersResult> {
  const input = importUsersInputSchema.parse(rawInput);
  const parsed = parseUsersCsv(input.csv, work);
  const problems = [...parsed.problems, ...findDuplicates(parsed.rows)];
  const existing = await existingEmails(
    db,
    parsed.rows.map(({ row }) => row.email),
    transaction,
  );
  const toCreate = parsed.rows.filter(({ line, row }) => {
    if (!existing.has(row.email)) return true;
    if (!input.skipExisting) {
      problems.push({
        line,
        column: 'email',
        message: `${row.email} already exists (import with "skip existing" to leave it out)`,
      });
    }
    return false;
  });
  problems.sort((a, b) => a.line - b.line);
  const isWritable = problems.length === 0 && !input.dryRun;
  const skipped = input.skipExisting ? parsed.rows.length - toCreate.length : 0;
  if (isWritable && toCreate.length > 0) {
    work.progress?.(0, toCreate.length, 'writing');
    const lines = (function* () {
      for (const { row } of toCreate) {
        yield copyLine([
          row.email,
          row.full_name,
          row.role,
          String(row.is_active),
          JSON.stringify(row.metadata),
        ]);
      }
    })();
    const chunks = (function* () {
      for (const chunk of chunkLines(lines, 10_000, (rows) =>
        work.progress?.(rows, toCreate.length, 'writing'),
      )) {
        work.signal?.throwIfAborted();
        yield chunk;
      }
    })();
    await copyInto(
      rawConnectionOf(transaction),
      'COPY users (email, full_name, role, is_active, metadata) FROM STDIN',
      chunks,
    );
    work.progress?.(toCreate.length, toCreate.length, 'written');
  }
  return {
    rows: parsed.total,
    created: problems.length === 0 ? toCreate.length : 0,
    skipped,
    problems: problems.slice(0, MAX_PROBLEMS),
    isWritten: isWritable,
    preview: toCreate.slice(0, PREVIEW_ROWS).map(({ line, row }) => ({
      line,
      email: row.email,
      fullName: row.full_name,
      role: row.role,
    })),
  };
}

/** Exports the users a filter selects, in the import layout, read in keyset batches. */
export async function exportUsersCsv(
  db: Database,
  rawInput: ExportUsersInput,
  transaction?: Transaction,
  work: LongWork = {},
): Promise<ExportUsersResult> {
  const filter = exportUsersInputSchema.parse(rawInput);
  const parts = [Papa.unparse([userCsvColumns as unknown as string[]])];
  let afterEmail: string | undefined;
  let rows = 0;
  for (;;) {
    work.signal?.throwIfAborted();
    const batch = await selectUserRows(db, { ...filter, afterEmail }, EXPORT_BATCH, transaction);
    if (batch.length === 0) break;
    parts.push(
      Papa.unparse(
        batch.map((user) => [
          guardCell(user.email),
          guardCell(user.full_name),
          user.role,
          String(user.is_active),
          JSON.stringify(user.metadata),
        ]),
      ),
    );
    rows += batch.length;
    work.progress?.(rows, undefined, 'exporting');
    afterEmail = batch.at(-1)?.email;
    if (batch.length < EXPORT_BATCH) break;
  }
  return { csv: `${parts.join('\r\n')}\r\n`, rows };
}
