/**
 * The whole journey of issue 4, in one browser, on a fresh database one migration behind: the
 * first admin sets LMS Admin up and adds staff, builds a course with lessons and a quiz, imports
 * learners from a CSV file that first has mistakes, enrols them, reads the dashboard; support finds
 * no way to change anything; an instructor sees only the course they make; the admin applies the
 * pending migration with its progress. Each step is driven by what a person reads on screen.
 */
import type { Locator, Page } from 'playwright-core';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database } from '../../db/connection';
import { MigrationFolder } from '../../db/migration-source';
import { Migrator } from '../../db/migrator';
import { Router } from '../../electron/api/router';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { launchChromium } from '../support/chromium';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { LmsAdminApp, STEP_TIMEOUT_MS, type StaffAccount } from './lms-admin-app';

const POLL = { timeout: STEP_TIMEOUT_MS };

const admin: StaffAccount = {
  fullName: 'Ada Lovelace',
  email: 'ada@example.org',
  password: 'analytical engine 1843',
};
const instructor: StaffAccount = {
  fullName: 'Ines Instructor',
  email: 'ines@example.org',
  password: 'a long enough passphrase',
};
const support: StaffAccount = {
  fullName: 'Sam Support',
  email: 'sam@example.org',
  password: 'another long passphrase',
};

/** Learners, and the two staff, in one file; line 3 has a bad email, line 5 an unknown role. */
const BAD_CSV = [
  'email,full_name,role',
  'grace@example.org,Grace Hopper,student',
  'alan@,Alan Turing,student',
  'edsger@example.org,Edsger Dijkstra,student',
  'barbara@example.org,Barbara Liskov,wizard',
].join('\n');
const FIXED_CSV = BAD_CSV.replace('alan@,', 'alan@example.org,').replace('wizard', 'student');
const csvFile = (text: string) => ({
  name: 'learners.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(text),
});

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the admin journey end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('an admin’s first day, end to end', () => {
  let database: TestDatabase;
  let db: Database;
  let host: WebHost;
  let app: LmsAdminApp;
  let page: Page;
  /** The migration left pending for the admin to apply from the page. */
  let pendingMigration: string;

  const dialog = (name: string | RegExp): Locator => page.getByRole('dialog', { name });
  const tab = (name: string): Locator => page.getByRole('tab', { name });
  const count = async (sql: string): Promise<number> => {
    const [row] = await db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT });
    return Number(row?.n);
  };
  const signInAs = async (account: StaffAccount): Promise<void> => {
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await app.signOut();
    await app.signIn(account.email, account.password);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  const openCourse = async (title: string): Promise<void> => {
    await app.navLink('Courses').click();
    await app.courseRow(title).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  };

  beforeAll(async () => {
    const names = (await new MigrationFolder().list()).files.map((file) => file.name);
    const latest = names.at(-1);
    const previous = names.at(-2);
    if (!latest || !previous) throw new Error('the journey needs at least two migrations');
    pendingMigration = latest;
    database = await createTestDatabase();
    const migrator = new Migrator({ databaseUrl: database.url });
    try {
      await migrator.up({ to: previous });
    } finally {
      await migrator.close();
    }
    db = await Database.open(database.url);
    host = await startWebHost({ router: new Router({ db }), staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await db?.close();
    await database?.drop();
  });

  it('sets up the first admin and signs them in', async () => {
    await app.setUpFirstAdmin(admin);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('adds the instructor and support staff', async () => {
    for (const [account, role] of [
      [instructor, 'Instructor'],
      [support, 'Support (read-only)'],
    ] as const) {
      await app.navLink('Users').click();
      await page.getByRole('button', { name: 'New user' }).click();
      const form = dialog('New user');
      await form.getByLabel('Email').fill(account.email);
      await form.getByLabel('Full name').fill(account.fullName);
      await form.getByLabel('Role').selectOption({ label: role });
      await form.getByRole('textbox', { name: 'Password', exact: true }).fill(account.password);
      await form.getByRole('button', { name: 'Create user' }).click();
      await form.waitFor({ state: 'hidden' });
    }
    await expect
      .poll(() => count(`SELECT count(*) AS n FROM users WHERE role <> 'student'`), POLL)
      .toBe(3);
  });

  it('creates a course with two lessons and a quiz', async () => {
    await app.navLink('Courses').click();
    await page.getByRole('button', { name: 'New course' }).first().click();
    const form = dialog('New course');
    await form.getByLabel('Title').fill('Databases in Practice');
    await form.getByRole('button', { name: 'Create course' }).click();
    await form.waitFor({ state: 'hidden' });
    await openCourse('Databases in Practice');

    await tab('Lessons').click();
    for (const title of ['Tables', 'Queries']) {
      await page.getByRole('button', { name: 'New lesson' }).first().click();
      const lesson = dialog('New lesson');
      await lesson.getByLabel('Title').fill(title);
      await lesson.getByRole('button', { name: 'Add lesson' }).click();
      await lesson.waitFor({ state: 'hidden' });
    }
    await page
      .getByRole('list', { name: 'Lessons in order' })
      .getByRole('listitem')
      .filter({ hasText: '2. Queries' })
      .waitFor();

    await tab('Quizzes').click();
    await page.getByRole('button', { name: 'New quiz' }).first().click();
    const quiz = dialog('New quiz');
    await quiz.getByLabel('Title').fill('Check your SQL');
    await quiz.getByRole('button', { name: 'Create quiz' }).click();
    await page.getByRole('button', { name: 'Add question' }).first().click();
    const editor = dialog('New question');
    await editor.getByLabel('Kind').selectOption({ label: 'True or false' });
    await editor.getByLabel('Question text').fill('A primary key may be null.');
    await editor.getByRole('radio', { name: 'False' }).check();
    await editor.getByRole('button', { name: 'Add question' }).click();
    await editor.waitFor({ state: 'hidden' });
    await page.getByRole('list', { name: 'Questions in order' }).getByRole('listitem').waitFor();
    await app.checkpoint('j1-course-quiz');
    expect(await count(`SELECT count(*) AS n FROM lessons`)).toBe(2);
  });

  it('sees the bad rows of a CSV file reported by line, then imports the fixed file', async () => {
    await app.navLink('Users').click();
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const importer = dialog('Import users from CSV');
    await importer.getByLabel('CSV file').setInputFiles(csvFile(BAD_CSV));
    await importer.getByText('learners.csv has problems; nothing was imported').waitFor();
    const problems = importer.getByRole('table', { name: 'Problems in the file' });
    await problems
      .getByRole('row')
      .filter({ hasText: /^3email/ })
      .waitFor();
    await problems
      .getByRole('row')
      .filter({ hasText: /^5role/ })
      .waitFor();
    await app.checkpoint('j2-import-problems');
    expect(await count(`SELECT count(*) AS n FROM users WHERE role = 'student'`)).toBe(0);
    await importer.getByLabel('CSV file').setInputFiles(csvFile(FIXED_CSV));
    await importer.getByRole('button', { name: 'Import 4 users' }).click();
    await importer.waitFor({ state: 'hidden' });
    expect(await count(`SELECT count(*) AS n FROM users WHERE role = 'student'`)).toBe(4);
  });

  it('bulk-enrols the imported learners and sees them on the dashboard', async () => {
    await openCourse('Databases in Practice');
    await tab('Enrollments').click();
    await page.getByRole('button', { name: 'Enrol users' }).first().click();
    const form = dialog('Enrol users');
    await form.getByRole('tab', { name: 'Paste emails' }).click();
    await form
      .getByLabel('Emails', { exact: true })
      .fill('grace@example.org\nalan@example.org\nedsger@example.org\nbarbara@example.org');
    await form.getByRole('button', { name: 'Review 4 users' }).click();
    await form.getByRole('button', { name: 'Enrol 4 users' }).click();
    await form.getByText('4 learners enrolled').waitFor();
    await form.getByRole('button', { name: 'Done' }).click();
    await tab('Dashboard').click();
    await page
      .getByRole('table', { name: 'Enrollments by status' })
      .getByRole('row', { name: 'Active 4' })
      .waitFor();
    await page.getByRole('img', { name: /^Bar chart of 4 enrollments by status/ }).waitFor();
    await app.checkpoint('j3-dashboard');
  });

  it('lets support staff read the course and find no way to change it', async () => {
    await signInAs(support);
    await openCourse('Databases in Practice');
    const editButtons =
      /^(Save changes|Publish|Unpublish|Delete|New lesson|New quiz|Add question|Enrol users|Edit|Remove|Move|Import|New user)/;
    for (const name of ['Overview', 'Lessons', 'Quizzes', 'Enrollments']) {
      await tab(name).click();
      expect(await page.getByRole('button', { name: editButtons }).count(), name).toBe(0);
    }
    await app.navLink('Users').click();
    await app.usersTable().waitFor();
    expect(await page.getByRole('button', { name: editButtons }).count()).toBe(0);
    expect(await app.navLink('Migrations').count()).toBe(0);
    await app.checkpoint('j4-support');
  });

  it('shows the instructor only the course they create, and nothing of the users', async () => {
    await signInAs(instructor);
    await page.getByRole('heading', { name: 'My courses' }).waitFor();
    await page.getByRole('button', { name: 'New course' }).first().click();
    const form = dialog('New course');
    await form.getByLabel('Title').fill('Statistics for Everyone');
    await form.getByRole('button', { name: 'Create course' }).click();
    await form.waitFor({ state: 'hidden' });
    await app.courseRow('Statistics for Everyone').waitFor();
    expect(await app.courseRow('Databases in Practice').count()).toBe(0);
    expect(await app.navLink('Users').count()).toBe(0);
    expect(await app.navLink('Migrations').count()).toBe(0);
    await app.checkpoint('j5-instructor');
  });

  it('applies the pending migration from the migrations page, with its progress', async () => {
    await signInAs(admin);
    await app.navLink('Migrations').click();
    await page.getByText(pendingMigration).first().waitFor();
    await app.checkpoint('j6-migrations-pending');
    await page.getByRole('button', { name: /^Apply 1 migration/ }).click();
    const confirm = dialog('Apply migrations?');
    await confirm.getByRole('button', { name: /^Apply 1 migration/ }).click();
    await app.alert('Migrations applied').waitFor();
    await page.getByText(/The database is up to date/).waitFor();
    expect(
      await count(`SELECT count(*) AS n FROM schema_migrations WHERE name = '${pendingMigration}'`),
    ).toBe(1);
    await app.checkpoint('j7-migrations-applied');
  });

  it('met no script error, CSP refusal or serious accessibility violation', () => {
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
