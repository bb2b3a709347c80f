import { parse } from 'libpg-query';
import { z } from 'zod';
import type { MigrationDb, MigrationModule } from '../migration';
import { quoteLiteral } from './sql-text';

/** One query a migration sent, as sent. */
export interface RecordedQuery {
  sql: string;
  params: readonly unknown[];
}

/** What a migration would send in one direction, recorded without touching a database. */
export interface RecordedRun {
  queries: RecordedQuery[];
  /**
   * Why the record may not be what a real run sends: the migration reads rows (it got none
   * here), or it stopped with an error. Empty when the record is exact.
   */
  caveats: string[];
}

const readingStatement = z.looseObject({ SelectStmt: z.unknown().optional() });

/** Whether any statement of `sql` returns rows the migration could act on (SELECT, RETURNING). */
async function readsRows(sql: string): Promise<boolean> {
  if (/\breturning\b/i.test(sql)) return true;
  try {
    const { stmts } = z
      .object({ stmts: z.array(z.object({ stmt: readingStatement })) })
      .parse(await parse(sql));
    return stmts.some(({ stmt }) => stmt.SelectStmt !== undefined);
  } catch {
    // SQL the parser rejects would fail the real run too; the preview shows it as it is.
    return false;
  }
}

/**
 * Runs `migration[direction]` against a stand-in that records each query and answers with no
 * rows: the SQL a run would send, for a migration that doesn't decide what to do from what it reads.
 */
export async function recordMigration(
  migration: MigrationModule,
  direction: 'up' | 'down',
): Promise<RecordedRun> {
  const queries: RecordedQuery[] = [];
  const caveats: string[] = [];
  const recorder: MigrationDb = {
    query: async (sql, params) => {
      queries.push({ sql, params: params ?? [] });
      if (await readsRows(sql)) {
        caveats.push(
          'it reads rows (SELECT or RETURNING), which the preview answers with none: what it sends after that may differ on the real database',
        );
      }
      return { rows: [] };
    },
  };
  try {
    await migration[direction](recorder);
  } catch (error) {
    caveats.push(
      `it stopped during the preview (${error instanceof Error ? error.message : String(error)}), so the statements after that point are missing`,
    );
  }
  return { queries, caveats: [...new Set(caveats)] };
}

/** SQL written indented inside a template literal, moved to the left margin and trimmed. */
function dedent(sql: string): string {
  const lines = sql
    .replace(/^\s*\n/, '')
    .trimEnd()
    .split('\n');
  const indents = lines
    .filter((line) => line.trim() !== '')
    .map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const margin = Math.min(...indents, Number.MAX_SAFE_INTEGER);
  return lines
    .map((line) => line.slice(Math.min(margin, /^ */.exec(line)?.[0].length ?? 0)))
    .join('\n');
}

/** A parameter as an SQL literal for psql. */
function literalOf(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return quoteLiteral(value.toISOString());
  if (typeof value === 'object') return quoteLiteral(JSON.stringify(value));
  return quoteLiteral(String(value));
}

/**
 * A recorded query as psql runs it: as it is, or, with parameters, PREPAREd and EXECUTEd with
 * them as literals, so the server binds them exactly as it would have.
 */
export function sqlForPsql(query: RecordedQuery, step: string): string {
  const sql = dedent(query.sql).replace(/;\s*$/, '');
  if (query.params.length === 0) return `${sql};`;
  const name = `lms_preview_${step}`;
  return [
    `PREPARE ${name} AS ${sql};`,
    `EXECUTE ${name}(${query.params.map(literalOf).join(', ')});`,
    `DEALLOCATE ${name};`,
  ].join('\n');
}
