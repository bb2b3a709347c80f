import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

// `lms-admin audit …` as a person runs it: its own process, the database named by DATABASE_URL.

let database: TestDatabase;
let psql: pg.Client;
let courseId: string;

beforeAll(async () => {
  database = await createMigratedDatabase();
  psql = new pg.Client({ connectionString: database.url });
  await psql.connect();
  const { rows } = await psql.query<{ id: string }>(
    `INSERT INTO courses (slug, title) VALUES ('cli-audit', 'Original title') RETURNING id`,
  );
  courseId = rows[0]?.id ?? '';
  await psql.query(`UPDATE courses SET title = 'Wrong title' WHERE id = $1`, [courseId]);
});
afterAll(async () => {
  await psql?.end();
  await database?.drop();
});

const audit = (...args: string[]) => runCli(['audit', ...args], { DATABASE_URL: database.url });

describe('lms-admin audit', () => {
  it("prints a record's timeline as JSON", async () => {
    const result = await audit('timeline', '--table', 'courses', '--record', courseId, '--json');
    expect(result.exitCode).toBe(0);
    const page = JSON.parse(result.stdout) as { items: { action: string; source: string }[] };
    expect(page.items.map((entry) => entry.action)).toEqual(['UPDATE', 'INSERT']);
    expect(page.items[0]?.source).toBe('sql');
  });

  it('reverts a change with --yes, recorded as made through the CLI', async () => {
    const { rows } = await psql.query<{ seq: string }>(
      `SELECT seq::text FROM audit_log WHERE record_id = $1 AND action = 'UPDATE' ORDER BY seq DESC LIMIT 1`,
      [courseId],
    );
    const result = await audit('revert', rows[0]?.seq ?? '', '--yes');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`UPDATE courses ${courseId}`);
    const { rows: after } = await psql.query<{ title: string; source: string }>(
      `SELECT c.title, (SELECT source FROM audit_log WHERE record_id = c.id ORDER BY seq DESC LIMIT 1)
       FROM courses c WHERE c.id = $1`,
      [courseId],
    );
    expect(after[0]).toEqual({ title: 'Original title', source: 'cli' });
  });

  it('refuses to revert without --yes when nobody can be asked', async () => {
    const result = await audit('revert', '1');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/without confirmation.*--yes/);
  });

  it('exports a filtered history as CSV to stdout', async () => {
    const result = await audit('export', '--table', 'courses', '--record', courseId);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^seq,created_at,table_name/);
    expect(lines).toHaveLength(4);
  });

  it('explains a bad change number in one line', async () => {
    const result = await audit('diff', 'x', '2');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('must be an audit entry number');
  });
});
