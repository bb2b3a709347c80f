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
