import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import { importQuestionsResultSchema } from '../../db/schemas/question-formats';
import { runCli, type CliResult } from '../support/cli-runner';
import { createCourse } from '../support/lms-factories';
import { tempFolderFor } from '../support/temp-folders';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

/** `lms-admin quizzes import|export`, each run as its own process on one migrated database. */

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createMigratedDatabase();
  db = await Database.open(database.url);
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

const lms = (args: readonly string[], stdin?: string): Promise<CliResult> =>
  runCli(['--database-url', database.url, ...args], {}, stdin);

const fixturePath = (name: string): string =>
  new URL(`../fixtures/question-formats/${name}`, import.meta.url).pathname;

async function quizTitles(courseId: string): Promise<[string, number][]> {
  const rows = await db.sequelize.query<{ title: string; count: number }>(
    `SELECT title, jsonb_array_length(options -> 'questions') AS count FROM quizzes
     WHERE course_id = $1 ORDER BY title`,
    { bind: [courseId], type: QueryTypes.SELECT },
  );
  return rows.map((row) => [row.title, row.count]);
}

describe('lms-admin quizzes import', () => {
  it('imports a GIFT file, a quiz per category, and says what it created', async () => {
    const course = await createCourse(db);
    const result = await lms([
      'quizzes',
      'import',
      fixturePath('docs-examples.gift'),
      '--course',
      course.slug,
    ]);
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout).toContain('New quiz "GIFT examples": 11 questions (');
    expect(result.stdout).toContain('Imported 11 questions into 1 quiz.');
    expect(await quizTitles(course.id)).toEqual([['GIFT examples', 11]]);
  });

  it('lists every problem with its line, exits 1 and writes nothing', async () => {
    const course = await createCourse(db);
    const result = await lms([
      'quizzes',
      'import',
      fixturePath('malformed.gift'),
      '--course',
      course.slug,
    ]);
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 6).map((line) => line.replace(/ \(.*?\)/, '').split(':')[0])).toEqual([
      'line 3, column 32',
      'line 5, column 28',
      'line 7, column 23',
      'line 9, column 18',
      'line 11, column 19',
      'line 13, column 1',
    ]);
    expect(lines.at(-1)).toMatch(
      /^Error: 6 problems in .*malformed\.gift \(read as gift\): nothing was imported/,
    );
    expect(await quizTitles(course.id)).toEqual([]);
  });

  it('names the line and column of a NUL byte, and writes nothing', async (context) => {
    const course = await createCourse(db);
    const file = path.join(await tempFolderFor(context, 'quizzes-cli'), 'binary.gift');
    await fs.writeFile(file, '::Q1:: Fine {T}\n\n::Q2:: Bad\0 text {F}\n');
    const result = await lms(['quizzes', 'import', file, '--course', course.slug]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      "line 3, column 11: holds a NUL character (byte 0), which the database can't store",
    );
    expect(await quizTitles(course.id)).toEqual([]);
  });

  it('checks without writing on --dry-run, and prints the result as JSON with --json', async () => {
    const course = await createCourse(db);
    const result = await lms(
      [
        'quizzes',
        'import',
        '-',
        '--course',
        course.slug,
        '--format',
        'aiken',
        '--quiz',
        'Arithmetic',
        '--dry-run',
        '--json',
      ],
      'What is 2 + 2?\nA) 3\nB) 4\nANSWER: B\n',
    );
    expect(result).toMatchObject({ exitCode: 0 });
    const parsed = importQuestionsResultSchema.parse(JSON.parse(result.stdout));
    expect(parsed).toMatchObject({
      format: 'aiken',
      isWritten: false,
      quizzes: [{ title: 'Arithmetic', action: 'create', questionCount: 1 }],
    });
    expect(await quizTitles(course.id)).toEqual([]);
  });

  it('refuses a file whose format it cannot tell, and an unknown format', async (context) => {
    const course = await createCourse(db);
    const dir = await tempFolderFor(context, 'quizzes-cli');
    const file = path.join(dir, 'questions.md');
    await fs.writeFile(file, 'Q{T}\n');
    const unknown = await lms(['quizzes', 'import', file, '--course', course.slug]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(
      /Say which format the file is in \(gift, aiken, moodle-xml, csv, json\)/,
    );
    const bad = await lms(['quizzes', 'import', file, '--course', course.slug, '--format', 'docx']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/--format/);
  });

  it('has --help for import and export', async () => {
    for (const command of ['import', 'export']) {
      const help = await lms(['quizzes', command, '--help']);
      expect(help).toMatchObject({ exitCode: 0 });
      expect(help.stdout).toContain(`Usage: lms-admin quizzes ${command}`);
      expect(help.stdout).toContain('--format');
    }
  });
});

describe('lms-admin quizzes export', () => {
  it('writes one quiz to a file in a format that imports back the same', async (context) => {
    const course = await createCourse(db);
    expect(
      (
        await lms([
          'quizzes',
          'import',
          fixturePath('unsupported.xml'),
          '--course',
          course.slug,
          '--skip-unsupported',
        ])
      ).exitCode,
    ).toBe(0);
    const dir = await tempFolderFor(context, 'quizzes-cli');
    const out = path.join(dir, 'mixed.gift');
    const exported = await lms([
      'quizzes',
      'export',
      '--course',
      course.slug,
      '--quiz',
      'Mixed',
      '--format',
      'gift',
      '--out',
      out,
    ]);
    expect(exported).toMatchObject({ exitCode: 0 });
    expect(exported.stdout).toBe(`Exported 3 questions of 1 quiz to ${out}.\n`);
    // GIFT can't hold points, tags or case sensitivity: each is noted on stderr.
    expect(exported.stderr).toMatch(/note: quiz "Mixed", question capital-fr: GIFT has no points/);
    expect(readFileSync(out, 'utf8')).toMatch(/^\$CATEGORY: \$course\$\/Mixed\n/);

    const target = await createCourse(db);
    expect((await lms(['quizzes', 'import', out, '--course', target.slug])).exitCode).toBe(0);
    expect(await quizTitles(target.id)).toEqual([['Mixed', 3]]);
  });

  it('prints to stdout without --out, and names a missing course', async () => {
    const course = await createCourse(db);
    await lms(['quizzes', 'import', fixturePath('docs-examples.gift'), '--course', course.slug]);
    const printed = await lms([
      'quizzes',
      'export',
      '--course',
      course.slug,
      '--format',
      'moodle-xml',
    ]);
    expect(printed).toMatchObject({ exitCode: 0 });
    expect(printed.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<quiz>/);
    const missing = await lms([
      'quizzes',
      'export',
      '--course',
      'no-such-course',
      '--format',
      'json',
    ]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/No course with slug "no-such-course"/);
  });
});
