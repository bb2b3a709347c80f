import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, MigrationFolder } from '../../db/migration-source';
import { UserFacingError } from '../../db/user-facing-error';
import { MigrationFixture, tableMigration } from '../support/migration-fixtures';
import { rejectionOf } from '../support/rejection';
import { TempFolders } from '../support/temp-folders';

const tempFolders = new TempFolders();
let fixture: MigrationFixture;

beforeEach(async () => {
  fixture = new MigrationFixture(await tempFolders.make('lms-migration-folder'));
});

afterEach(async () => {
  await tempFolders.removeAll();
});

/** The UserFacingError a promise rejects with; fails the test on anything else. */
async function userFacingRejection(promise: Promise<unknown>): Promise<UserFacingError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof UserFacingError)) throw error;
  return error;
}

describe('MigrationFolder.list', () => {
  it('lists migrations by name, whatever order they were written in', async () => {
    await fixture.write('0003_add_tags', tableMigration('0003_add_tags', 'tags'));
    await fixture.write('0001_initial', tableMigration('0001_initial', 'courses'));
    await fixture.writeFile('0002_add_lessons.ts', 'export {};\n');

    const { files, misnamed } = await fixture.folder.list();

    expect(files.map((file) => file.name)).toEqual([
      '0001_initial',
      '0002_add_lessons',
      '0003_add_tags',
    ]);
    expect(files[1]?.path).toBe(path.join(fixture.dir, '0002_add_lessons.ts'));
    expect(misnamed).toEqual([]);
  });

  it('reports script files not named NNNN_snake_name as misnamed', async () => {
    await fixture.writeFile('0001_initial.mjs', 'export {};\n');
    await fixture.writeFile('2_add_tags.ts', 'export {};\n');
    await fixture.writeFile('0003-add-lessons.mjs', 'export {};\n');
    await fixture.writeFile('0004_AddQuizzes.ts', 'export {};\n');

    const { files, misnamed } = await fixture.folder.list();

    expect(files.map((file) => file.name)).toEqual(['0001_initial']);
    expect(misnamed).toEqual(['0003-add-lessons.mjs', '0004_AddQuizzes.ts', '2_add_tags.ts']);
  });

  it('passes over files that are not scripts, and type declarations', async () => {
    await fixture.writeFile('0001_initial.mjs', 'export {};\n');
    await fixture.writeFile('README.md', '# migrations\n');
    await fixture.writeFile('0001_initial.d.ts', 'export {};\n');

    expect(await fixture.folder.list()).toMatchObject({
      files: [{ name: '0001_initial' }],
      misnamed: [],
    });
  });

  it('refuses two files that define the same migration, naming it', async () => {
    await fixture.writeFile('0001_initial.ts', 'export {};\n');
    await fixture.writeFile('0001_initial.mjs', 'export {};\n');

    const error = await userFacingRejection(fixture.folder.list());

    expect(error.message).toContain('define migration "0001_initial": keep one');
  });

  it('says so when the folder does not exist', async () => {
    const folder = new MigrationFolder(path.join(fixture.dir, 'absent'));

    const error = await userFacingRejection(folder.list());

    expect(error.message).toBe(
      `The migrations folder ${path.join(fixture.dir, 'absent')} can't be read: does it exist?`,
    );
  });

  it('gives each migration the sha256 of its content', async () => {
    const content = 'export async function up() {}\nexport async function down() {}\n';
    await fixture.writeFile('0001_initial.mjs', content);

    const { files } = await fixture.folder.list();

    expect(files[0]?.checksum).toBe(createHash('sha256').update(content).digest('hex'));
  });
});

describe('checksumOf', () => {
  it('is the same for CRLF and LF line endings, so a Windows checkout is no change', () => {
    expect(checksumOf('a\r\nb\r\n')).toBe(checksumOf('a\nb\n'));
  });

  it('differs when a character changes', () => {
    expect(checksumOf('DROP TABLE a;')).not.toBe(checksumOf('DROP TABLE b;'));
  });
});

describe('MigrationFolder.load', () => {
  it('returns the up and down a migration file exports', async () => {
    await fixture.write('0001_initial', tableMigration('0001_initial', 'courses'));
    const [file] = (await fixture.folder.list()).files;
    if (!file) throw new Error('no migration listed');
    const queries: string[] = [];

    const migration = await fixture.folder.load(file);
    await migration.up({ query: async (sql) => (queries.push(sql), { rows: [] }) });

    expect(queries).toEqual([tableMigration('0001_initial', 'courses').up]);
  });

  it('loads a migration file afresh once it has changed, not the copy imported before', async () => {
    await fixture.write('0001_initial', tableMigration('0001_initial', 'courses'));
    const before = (await fixture.folder.list()).files[0];
    if (!before) throw new Error('no migration listed');
    await fixture.folder.load(before);
    await fixture.write('0001_initial', tableMigration('0001_initial', 'lessons'));
    const after = (await fixture.folder.list()).files[0];
    if (!after) throw new Error('no migration listed');
    const queries: string[] = [];

    const migration = await fixture.folder.load(after);
    await migration.up({ query: async (sql) => (queries.push(sql), { rows: [] }) });

    expect(queries).toEqual([tableMigration('0001_initial', 'lessons').up]);
  });

  it('reports a file that fails to load in one line naming the migration', async () => {
    await fixture.writeFile('0001_broken.mjs', 'export async function up(db) {\n');
    const [file] = (await fixture.folder.list()).files;
    if (!file) throw new Error('no migration listed');

    const error = await userFacingRejection(fixture.folder.load(file));

    expect(error.message).toMatch(
      /^Migration 0001_broken \(.*0001_broken\.mjs\) can't be loaded: /,
    );
    expect(error.message).not.toContain('\n');
  });

  it('refuses a file without a down, naming the migration and what it lacks', async () => {
    await fixture.writeFile('0001_one_way.mjs', 'export async function up() {}\n');
    const [file] = (await fixture.folder.list()).files;
    if (!file) throw new Error('no migration listed');

    const error = await userFacingRejection(fixture.folder.load(file));

    expect(error.message).toContain('Migration 0001_one_way');
    expect(error.message).toContain('must export an async function down(db)');
  });
});

describe('MigrationFolder.create', () => {
  it('numbers a new migration after the last one and names it in snake case', async () => {
    await fixture.writeFile('0007_add_tags.mjs', 'export {};\n');

    const created = await fixture.folder.create('Add course Prerequisites!');

    expect(created).toBe(path.join(fixture.dir, '0008_add_course_prerequisites.ts'));
    const content = await fs.readFile(created, 'utf8');
    expect(content).toContain('export async function up(db: MigrationDb)');
    expect(content).toContain('export async function down(db: MigrationDb)');
  });

  it('starts at 0001 in an empty folder', async () => {
    expect(path.basename(await fixture.folder.create('initial'))).toBe('0001_initial.ts');
  });

  it('refuses a name that does not start with a letter', async () => {
    const error = await userFacingRejection(fixture.folder.create('42'));

    expect(error.message).toBe('"42" can\'t name a migration: use words such as add_course_tags.');
    expect(await fs.readdir(fixture.dir)).toEqual([]);
  });
});
