import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database } from '../../db/connection';
import { Router } from '../../electron/api/router';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { launchChromium } from '../support/chromium';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';
import { LmsAdminApp, STEP_TIMEOUT_MS, type StaffAccount } from './lms-admin-app';

/** Fixed, so a failing run's URL can be opened by hand against the same host. */
const TOKEN = 'e2e-first-run-token-0123456789';
/** As long as any other step may wait (vitest's own default for a poll is 1 s). */
const POLL = { timeout: STEP_TIMEOUT_MS };
/** More students than one page of the list holds, so scrolling has to fetch the next pages. */
const STUDENT_COUNT = 250;

const admin: StaffAccount = {
  fullName: 'Ada Lovelace',
  email: 'ada@example.org',
  password: 'analytical engine 1843',
};

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the first-run end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('first run in the browser', () => {
  let database: TestDatabase;
  let db: Database;
  let host: WebHost;
  let app: LmsAdminApp;
  let page: Page;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    db = await Database.open(database.url);
    await db.sequelize.query(
      `INSERT INTO users (email, full_name, role)
       SELECT 'student' || n || '@example.org', 'Student ' || lpad(n::text, 3, '0'), 'student'
       FROM generate_series(1, $1::int) AS n`,
      { bind: [STUDENT_COUNT] },
    );
    host = await startWebHost({
      router: new Router({ db }),
      staticDir: inject('rendererDir'),
      token: TOKEN,
    });
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

  it('asks for the first admin on a fresh database, and signs them in', async () => {
    await app.checkpoint('1-first-run-setup');
    await app.setUpFirstAdmin(admin);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByText(admin.fullName, { exact: true }).first().isVisible()).toBe(true);
  });

  it('takes the launch token out of the address bar', () => {
    expect(page.url()).not.toContain(TOKEN);
  });

  it('lands on the Users page, listing the admin among the users', async () => {
    await app.usersTable().waitFor();
    expect(await app.navLink('Users').getAttribute('aria-current')).toBe('page');
    await app.userRow(admin.email).waitFor();
    await app.checkpoint('2-users');
  });

  it('loads more users as the list scrolls, keeping only the rows in view in the page', async () => {
    const status = page.getByText(/users? shown/);
    await expect.poll(() => status.textContent(), POLL).toMatch(/^100 users shown/);
    const list = page.getByRole('region', { name: 'Users list' });
    await list.focus();
    // As a person does: jump to the end, and again once more rows have arrived, until none do.
    await expect
      .poll(async () => {
        await page.keyboard.press('End');
        return status.textContent();
      }, POLL)
      .toBe(`${STUDENT_COUNT + 1} users shown`);
    await page.keyboard.press('End');
    // The list is in email order, so student99 is the last row.
    await app.userRow('student99@example.org').waitFor();
    await app.checkpoint('3-users-scrolled');
    expect(await app.usersTable().getByRole('row').count()).toBeLessThan(60);
  });

  it('finds the admin as the search is typed', async () => {
    await app.searchUsers('lovelace');
    await expect.poll(() => app.usersTable().getByRole('row').count(), POLL).toBe(2);
    await app.userRow(admin.email).waitFor();
    await app.checkpoint('4-users-search');
  });

  it('says what to do when a search matches no one', async () => {
    await app.searchUsers('nobody-by-this-name');
    await page.getByRole('heading', { name: 'No users match these filters' }).waitFor();
    await page.getByRole('button', { name: 'Show all users' }).click();
    await app.userRow(admin.email).waitFor();
  });

  it('filters by role', async () => {
    await page.getByLabel('Role').selectOption({ label: 'Admins' });
    await expect.poll(() => app.usersTable().getByRole('row').count(), POLL).toBe(2);
    await app.userRow(admin.email).waitFor();
  });

  it('exports the users the filter shows as a CSV file', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const lines = (await fs.readFile(file, 'utf8')).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^email,full_name,role/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^ada@example\.org,Ada Lovelace,admin/)]);
    await app.alert('Users exported').waitFor();
  });

  it('signs out to the sign-in page', async () => {
    await app.signOut();
    await page.getByRole('heading', { name: 'Sign in to LMS Admin' }).waitFor();
    expect(await app.usersTable().count()).toBe(0);
  });

  it('reaches every control of the sign-in page by Tab, each showing that it has focus', async () => {
    // Clicking the title moves the Tab starting point to the top of the form, as a person would.
    await page.getByRole('heading', { name: 'Sign in to LMS Admin' }).click();
    expect(await app.tabStops(4)).toEqual([
      { name: 'Email', isFocusVisible: true },
      { name: 'Password', isFocusVisible: true },
      { name: 'Toggle password visibility', isFocusVisible: true },
      { name: 'Sign in', isFocusVisible: true },
    ]);
  });

  it('refuses a wrong password, saying so in words', async () => {
    await app.signIn(admin.email, 'not the password');
    await app.alert('Wrong email or password.').waitFor();
    await app.checkpoint('5-sign-in-refused');
  });

  it('signs in with the right password, back on the Users page', async () => {
    await app.signIn(admin.email, admin.password);
    await app.usersTable().waitFor();
    await app.userRow(admin.email).waitFor();
  });

  it('creates a first course from the empty Courses page', async () => {
    await app.navLink('Courses').click();
    await page.getByRole('heading', { name: 'No courses yet' }).waitFor();
    await app.checkpoint('6-courses-empty');
    await page.getByRole('button', { name: 'New course' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New course' });
    await dialog.getByLabel('Title').fill('Introduction to SQL');
    await dialog.getByLabel('Description').fill('Tables, queries and joins, from the start.');
    await dialog.getByRole('button', { name: 'Create course' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await app.courseRow('introduction-to-sql').getByText('Draft').waitFor();
    await app.checkpoint('7-courses');
  });

  it('names a bad slug next to its field, and creates nothing', async () => {
    await page.getByRole('button', { name: 'New course' }).click();
    const dialog = page.getByRole('dialog', { name: 'New course' });
    await dialog.getByLabel('Title').fill('Databases');
    await dialog.getByLabel('Slug').fill('Not A Slug');
    await dialog.getByRole('button', { name: 'Create course' }).click();
    await dialog.getByText(/^Slug must be lower-case letters and digits/).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await app.coursesTable().getByRole('row').count()).toBe(2);
  });

  it('shows the admin the schema is up to date, with its applied migration', async () => {
    await app.navLink('Migrations').click();
    await page.getByText(/^The database is up to date/).waitFor();
    const applied = page.getByRole('table', { name: 'Applied migrations' });
    await applied.getByRole('row').filter({ hasText: '0001_initial_schema' }).waitFor();
    await app.checkpoint('8-migrations');
  });

  it('goes to a page from the command palette, by keyboard alone', async () => {
    await page.keyboard.press('Control+k');
    await page.getByRole('textbox', { name: 'Command' }).fill('cour');
    await page.getByRole('button', { name: 'Go to Courses' }).waitFor();
    await app.checkpoint('9-command-palette');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await app.coursesTable().waitFor();
    expect(await app.navLink('Courses').getAttribute('aria-current')).toBe('page');
  });

  it('keeps the session across a reload, though the link with the token is gone', async () => {
    await page.reload();
    await app.coursesTable().waitFor();
  });

  it('met no script error or Content Security Policy refusal on the way', () => {
    expect(app.problems).toEqual([]);
  });

  it('found no serious or critical accessibility violation on the pages it visited', () => {
    expect(app.accessibilityProblems).toEqual([]);
  });
});
