import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import { runCli } from '../support/cli-runner';
import { createCourse } from '../support/lms-factories';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

/** `lms-admin quizzes replace`: the question bank's find and replace from the command line. */

let database: TestDatabase;
let db: Database;
let slug: string;
let quizId: string;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = await Database.open(database.url);
  const course = await createCourse(db, { slug: 'spelling-101' });
  slug = course.slug;
  const questions = ['Do we recieve mail?', 'Is teh sky blue?'].map((text, index) => ({
    id: `q${index + 1}`,
    kind: 'true_false',
    text,
    answer: true,
    textFormat: 'plain',
    points: 1,
    tags: [],
  }));
  const [row] = await db.select<{ id: string }>(
    `INSERT INTO quizzes (course_id, title, options) VALUES ($1, 'Spelling', $2) RETURNING id`,
    [course.id, JSON.stringify({ shuffle: false, questions })],
  );
  if (!row) throw new Error('no quiz');
  quizId = row.id;
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

const texts = async (): Promise<string[]> => {
  const [row] = await db.select<{ texts: string[] }>(
    `SELECT array_agg(q ->> 'text') AS texts FROM quizzes, jsonb_array_elements(options -> 'questions') q WHERE id = $1`,
    [quizId],
  );
  return row?.texts ?? [];
};
const replace = (...args: string[]) =>
  runCli(['--database-url', database.url, 'quizzes', 'replace', '--course', slug, ...args]);

describe('lms-admin quizzes replace', () => {
  it('lists what a dry run would change and writes nothing', async () => {
    const result = await replace('--find', 'recieve', '--with', 'receive', '--dry-run');
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain(
      'Spelling › q1 text: "Do we recieve mail?" → "Do we receive mail?"',
    );
    expect(result.stdout).toContain(
      'Dry run: 1 question of 1 quiz would change; nothing was written.',
    );
    expect(await texts()).toEqual(['Do we recieve mail?', 'Is teh sky blue?']);
  });

  it('replaces with a regex in one transaction and says how much changed', async () => {
    const result = await replace(
      '--find',
      '\\b(re)?(c)ie',
      '--with',
      '$1$2ei',
      '--regex',
      '--quiz',
      'Spelling',
    );
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain('Replaced in 1 question of 1 quiz.');
    expect(await texts()).toEqual(['Do we receive mail?', 'Is teh sky blue?']);
  });

  it('refuses a backreference with one line naming RE2, changing nothing', async () => {
    const result = await replace('--find', '(t)\\1', '--with', 'x', '--regex');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/RE2 syntax/);
    expect(await texts()).toEqual(['Do we receive mail?', 'Is teh sky blue?']);
  });
});

/** The id `quizzes replace` prints for undoing what it wrote. */
const undoIdOf = (stdout: string): string => {
  const id = /To undo: lms-admin quizzes undo (\S+)/.exec(stdout)?.[1];
  if (id === undefined) throw new Error(`no undo line in: ${stdout}`);
  return id;
};
const quizzes = (...args: string[]) => runCli(['--database-url', database.url, 'quizzes', ...args]);

describe('lms-admin quizzes operations and undo', () => {
  it('undoes a replace in one step, lists it as undone, and redoes it from the undo', async () => {
    const before = await texts();
    const replaced = await replace('--find', 'teh', '--with', 'the');
    expect(replaced.exitCode, replaced.stderr).toBe(0);
    const operationId = undoIdOf(replaced.stdout);
    expect(await texts()).toContain('Is the sky blue?');

    const listed = await quizzes('operations');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const line = listed.stdout.split('\n').find((row) => row.startsWith(operationId));
    expect(line).toMatch(/Replace “teh” with “the”.*1 question in 1 quiz.*can be undone/);

    const undone = await quizzes('undo', operationId);
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(undone.stdout).toContain('Undone: 1 question in 1 quiz restored.');
    expect(await texts()).toEqual(before);

    const afterUndo = await quizzes('operations', '--json');
    const items = JSON.parse(afterUndo.stdout) as {
      id: string;
      action: string;
      blockedBy: string | null;
    }[];
    expect(items.find((item) => item.id === operationId)?.blockedBy).toBe('undone');
    const undoRecord = items[0];
    expect(undoRecord).toMatchObject({ action: 'undo', blockedBy: null });

    const redone = await quizzes('undo', undoRecord?.id ?? '');
    expect(redone.exitCode, redone.stderr).toBe(0);
    expect(await texts()).toContain('Is the sky blue?');
  });

  it('refuses to undo over a later edit of the quiz, naming it, and changes nothing', async () => {
    const replaced = await replace('--find', 'sky', '--with', 'sea');
    expect(replaced.exitCode, replaced.stderr).toBe(0);
    const operationId = undoIdOf(replaced.stdout);
    await db.select(`UPDATE quizzes SET title = 'Spelling test' WHERE id = $1`, [quizId]);
    const textsBefore = await texts();

    const refused = await quizzes('undo', operationId);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /Nothing was undone: a quiz was edited or deleted after the operation \("Spelling test"\)/,
    );
    expect(await texts()).toEqual(textsBefore);
    const listed = await quizzes('operations');
    expect(listed.stdout.split('\n').find((row) => row.startsWith(operationId))).toMatch(
      /a quiz was edited since$/,
    );
  });

  it('names a bad or unknown operation id in one line', async () => {
    const malformed = await quizzes('undo', 'last');
    expect(malformed.exitCode).not.toBe(0);
    expect(malformed.stderr).toMatch(/operation-id/);
    const unknown = await quizzes('undo', '00000000-0000-4000-8000-000000000000');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^Error: No bulk operation "0{8}-.*" is recorded/);
  });
});
