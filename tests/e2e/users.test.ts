import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { launchChromium } from '../support/chromium';
import {
  createAttempt,
  createCourse,
  createLesson,
  createQuiz,
  createStudent,
  enroll,
  recordProgress,
} from '../support/lms-factories';
import { LmsAdminApp, STEP_TIMEOUT_MS } from './lms-admin-app';

const ADMIN_EMAIL = 'ada.admin@example.org';
const SUPPORT_EMAIL = 'sam.support@example.org';
const LEARNER = { email: 'lin.learner@example.org', fullName: 'Lin Learner' };
const BULK_USERS = [
  { email: 'bulk1@example.org', fullName: 'Bulk One' },
  { email: 'bulk2@example.org', fullName: 'Bulk Two' },
  { email: 'bulk3@example.org', fullName: 'Bulk Three' },
];
const BULK_EMAILS = BULK_USERS.map((user) => user.email);
const POLL = { timeout: STEP_TIMEOUT_MS };

/** A file with a bad email on line 3 and an unknown role on line 4; lines 2 and 5 are fine. */
const BAD_CSV = [
  'email,full_name,role',
  'grace@example.org,Grace Hopper,student',
  'not-an-email,Alan Turing,student',
  'edsger@example.org,Edsger Dijkstra,wizard',
  'barbara@example.org,Barbara Liskov,instructor',
].join('\n');
const FIXED_CSV = BAD_CSV.replace('not-an-email', 'alan@example.org').replace('wizard', 'student');

const csvFile = (text: string) => ({
  name: 'people.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(text),
});

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the users end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('the users pages', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let learnerId: string;

  const page = () => app.page;
  const userRole = async (email: string): Promise<string | undefined> => {
    const rows = await harness.db.sequelize.query<{ role: string }>(
      `SELECT role FROM users WHERE email = $1`,
      { bind: [email], type: QueryTypes.SELECT },
    );
    return rows[0]?.role;
  };

  beforeAll(async () => {
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    await harness.signedIn('support', SUPPORT_EMAIL);
    const instructor = await harness.signedIn('instructor');
    const course = await createCourse(harness.db, {
      instructorId: instructor.userId,
      title: 'Relational Databases',
    });
    const lesson = await createLesson(harness.db, {
      courseId: course.id,
      position: 1,
      title: 'Tables and keys',
    });
    const quiz = await createQuiz(harness.db, { courseId: course.id, title: 'Keys quiz' });
    const learner = await createStudent(harness.db, LEARNER);
    learnerId = learner.id;
    const enrollment = await enroll(harness.db, { userId: learner.id, courseId: course.id });
    await recordProgress(harness.db, {
      enrollmentId: enrollment.id,
      lessonId: lesson.id,
      status: 'completed',
    });
    await createAttempt(harness.db, {
      enrollmentId: enrollment.id,
      quizId: quiz.id,
      status: 'graded',
      score: 8,
      maxScore: 10,
    });
    for (const user of BULK_USERS) await createStudent(harness.db, user);
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.usersTable().waitFor();
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  it('reports the bad rows of a CSV file by line and column before writing anything', async () => {
    await page().getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page().getByRole('dialog', { name: 'Import users from CSV' });
    await dialog.getByLabel('CSV file').setInputFiles(csvFile(BAD_CSV));
    await dialog.getByText('people.csv has problems; nothing was imported').waitFor();
    const problems = dialog.getByRole('table', { name: 'Problems in the file' });
    await problems
      .getByRole('row')
      .filter({ hasText: /^3email/ })
      .waitFor();
    await problems
      .getByRole('row')
      .filter({ hasText: /^4role/ })
      .waitFor();
    expect(await problems.getByRole('row').count()).toBe(3);
    await dialog.getByText(/2 rows are fine/).waitFor();
    await app.checkpoint('users-1-import-problems');
    expect(await userRole('grace@example.org')).toBeUndefined();
    await dialog.getByLabel('CSV file').focus();
    expect(await app.tabStops(2)).toEqual([
      {
        name: 'Skip rows whose email already exists (instead of reporting them)',
        isFocusVisible: true,
      },
      { name: 'Close', isFocusVisible: true },
    ]);
  });

  it('imports the fixed file, with the new users in the list after', async () => {
    const dialog = page().getByRole('dialog', { name: 'Import users from CSV' });
    await dialog.getByLabel('CSV file').setInputFiles(csvFile(FIXED_CSV));
    await dialog.getByText('people.csv is ready to import').waitFor();
    await dialog.getByRole('table', { name: 'Users to be created' }).waitFor();
    await app.checkpoint('users-2-import-ready');
    await dialog.getByRole('button', { name: 'Import 4 users' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await app.alert('Users imported').waitFor();
    await app.searchUsers('example.org');
    for (const email of ['grace@example.org', 'alan@example.org', 'barbara@example.org']) {
      await app.userRow(email).waitFor();
    }
    expect(await userRole('edsger@example.org')).toBe('student');
  });

  it('changes the role of a Shift-selected range of users, and Undo puts it back', async () => {
    await app.searchUsers('bulk');
    await expect.poll(() => app.usersTable().getByRole('row').count(), POLL).toBe(4);
    await page()
      .getByRole('checkbox', { name: `Select ${BULK_EMAILS[0]}` })
      .click();
    await page()
      .getByRole('checkbox', { name: `Select ${BULK_EMAILS[2]}` })
      .click({ modifiers: ['Shift'] });
    const bar = page().getByRole('region', { name: 'Selected users' });
    await bar.getByText('3 users selected').waitFor();
    await bar.getByLabel('New role').selectOption({ label: 'Instructor' });
    await bar.getByRole('button', { name: 'Change role' }).click();
    await app.alert('Role changed to instructor').waitFor();
    for (const email of BULK_EMAILS) {
      await expect.poll(() => userRole(email), POLL).toBe('instructor');
    }
    await app
      .userRow(BULK_EMAILS[1] ?? '')
      .getByText('instructor')
      .waitFor();
    await app.checkpoint('users-3-bulk-role-changed');
    await page().getByRole('button', { name: 'Undo' }).click();
    await app.alert('Undone').waitFor();
    for (const email of BULK_EMAILS) {
      await expect.poll(() => userRole(email), POLL).toBe('student');
    }
  });

  it('selects every loaded row with Ctrl+A in the grid, and Escape clears the selection', async () => {
    await page().getByRole('region', { name: 'Users list' }).focus();
    await page().keyboard.press('Control+a');
    const bar = page().getByRole('region', { name: 'Selected users' });
    await bar.getByText('3 users selected').waitFor();
    await app.checkpoint('users-4-selected');
    await page().keyboard.press('Escape');
    await bar.waitFor({ state: 'hidden' });
  });

  it('widens a Ctrl+A selection to every user the filter matches, beyond the loaded page, and deactivates them all', async () => {
    const CROWD = 250;
    await harness.db.sequelize.query(
      `INSERT INTO users (email, full_name, role)
       SELECT 'crowd' || lpad(n::text, 3, '0') || '@example.org', 'Crowd ' || n, 'student'
         FROM generate_series(1, $1::int) n`,
      { bind: [CROWD] },
    );
    await app.searchUsers('crowd');
    await app.userRow('crowd001@example.org').waitFor();
    await page().getByRole('region', { name: 'Users list' }).focus();
    await page().keyboard.press('Control+a');
    const bar = page().getByRole('region', { name: 'Selected users' });
    // The first page is what is loaded: the offer says so and widens it.
    await bar.getByText('100 users selected').waitFor();
    await page()
      .getByText('All 100 users loaded so far are selected; more match the filter.')
      .waitFor();
    await page().getByRole('button', { name: 'Select all matching users' }).click();
    await bar.getByText(`${CROWD} users selected`).waitFor();
    await expect
      .poll(() => page().getByRole('button', { name: 'Select all matching users' }).count(), POLL)
      .toBe(0);
    await app.checkpoint('users-4b-all-matching-selected');
    await bar.getByRole('button', { name: 'Deactivate' }).click();
    await app.alert(`${CROWD} users deactivated`).waitFor();
    const activeCount = async (): Promise<number | undefined> => {
      const rows = await harness.db.sequelize.query<{ active: number }>(
        `SELECT count(*)::int AS active FROM users WHERE email LIKE 'crowd%' AND is_active`,
        { type: QueryTypes.SELECT },
      );
      return rows[0]?.active;
    };
    await expect.poll(activeCount, POLL).toBe(0);
  });

  it('deletes a selection after a confirmation that says what goes with it', async () => {
    await app.searchUsers('barbara');
    await page().getByRole('checkbox', { name: 'Select barbara@example.org' }).click();
    await page().getByRole('button', { name: 'Delete…' }).click();
    const dialog = page().getByRole('dialog', { name: 'Delete 1 user?' });
    await dialog
      .getByText(
        "This deletes 1 user and with them 0 enrollments, 0 lesson progress records and 0 quiz attempts. It can't be undone.",
      )
      .waitFor();
    await dialog.getByRole('button', { name: 'Delete 1 user' }).click();
    await app.alert('Users deleted').waitFor();
    expect(await userRole('barbara@example.org')).toBeUndefined();
  });

  it('names a bad field of a new user next to it, and an email already taken as the API says', async () => {
    await page().getByRole('heading', { name: 'Users', exact: true }).click();
    await page().keyboard.press('n');
    const dialog = page().getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Full name').fill('Grace Again');
    await dialog.getByLabel('Email').fill('not-an-email');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText(/^Email must be/).waitFor();
    await dialog.getByLabel('Email').fill('grace@example.org');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText(/^Email .*already/).waitFor();
    await app.checkpoint('users-5-new-user-errors');
    await dialog.getByLabel('Email').fill('grace.again@example.org');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page().getByRole('heading', { name: 'Grace Again' }).waitFor();
    expect(await userRole('grace.again@example.org')).toBe('student');
  });

  it("shows a user's enrollments, lesson progress and quiz attempts on their page", async () => {
    await app.navLink('Users').click();
    await app.searchUsers('lin.learner');
    await app.userRow(LEARNER.email).getByRole('link', { name: LEARNER.fullName }).click();
    await page().getByRole('heading', { name: LEARNER.fullName }).waitFor();
    expect(
      await page()
        .getByRole('switch', { name: /^Active/ })
        .isChecked(),
    ).toBe(true);
    const enrollment = page().getByRole('button', { name: /Relational Databases/ });
    await enrollment
      .getByText('1 of 1 lessons completed · 1 quiz attempt · best score 80%', {
        exact: false,
      })
      .waitFor();
    await enrollment.click();
    await page()
      .getByRole('table', { name: 'Lesson progress in Relational Databases' })
      .getByRole('row', { name: /Tables and keys.*Completed/ })
      .waitFor();
    await page()
      .getByRole('table', { name: 'Quiz attempts in Relational Databases' })
      .getByRole('row', { name: /Keys quiz.*8 of 10/ })
      .waitFor();
    await app.checkpoint('users-6-user-detail');
  });

  it('keeps both edits when two tabs save the same user: the second chooses field by field', async () => {
    const other = await app.openTab(host.openUrl);
    try {
      await other.page.getByRole('button', { name: 'Sign out' }).waitFor();
      await other.page.evaluate((id) => {
        location.hash = `#/users/${id}`;
      }, learnerId);
      await other.page.getByRole('heading', { name: LEARNER.fullName }).waitFor();

      // The first tab renames the user and saves.
      await page().getByLabel('Full name').fill('Lin Renamed');
      await page().getByRole('button', { name: 'Save changes' }).click();
      await app.alert('User saved').waitFor();

      // The second tab, opened before that save, changes the email.
      await other.page.getByLabel('Email').fill('lin.new@example.org');
      await other.page.getByRole('button', { name: 'Save changes' }).click();
      const dialog = other.page.getByRole('dialog', { name: 'This user was changed meanwhile' });
      await dialog.waitFor();
      const name = dialog.getByRole('radiogroup', { name: 'Full name' });
      const email = dialog.getByRole('radiogroup', { name: 'Email' });
      // Their rename is kept unless the person says otherwise; their own email edit too.
      expect(await name.getByRole('radio', { name: 'Take theirs' }).isChecked()).toBe(true);
      expect(await email.getByRole('radio', { name: 'Keep yours' }).isChecked()).toBe(true);
      await dialog.getByText('Lin Renamed').waitFor();
      await dialog.getByText(LEARNER.fullName, { exact: true }).waitFor();
      await other.checkpoint('users-7-edit-conflict');
      await dialog.getByRole('button', { name: 'Save the chosen values' }).click();
      await other.alert('User saved').waitFor();
      const [row] = await harness.db.sequelize.query<{ full_name: string; email: string }>(
        `SELECT full_name, email FROM users WHERE id = $1`,
        { bind: [learnerId], type: QueryTypes.SELECT },
      );
      expect(row).toEqual({ full_name: 'Lin Renamed', email: 'lin.new@example.org' });
      expect(other.problems).toEqual([]);
      app.accessibilityProblems.push(...other.accessibilityProblems);
    } finally {
      await other.page.close();
    }
  });

  it('reaches the page actions by Tab, each showing focus, and opens a user with Enter', async () => {
    await app.navLink('Users').click();
    await app.searchUsers('bulk');
    await expect.poll(() => app.usersTable().getByRole('row').count(), POLL).toBe(4);
    await page().getByRole('heading', { name: 'Users', exact: true }).click();
    expect(await app.tabStops(3)).toEqual([
      { name: 'New user', isFocusVisible: true },
      { name: 'Import CSV', isFocusVisible: true },
      { name: 'Export CSV', isFocusVisible: true },
    ]);
    await page()
      .getByRole('checkbox', { name: `Select ${BULK_EMAILS[0]}` })
      .check();
    await page()
      .getByRole('region', { name: 'Selected users' })
      .getByText('1 user selected')
      .click();
    expect(await app.tabStops(6)).toEqual([
      { name: 'New role', isFocusVisible: true },
      { name: 'Change role', isFocusVisible: true },
      { name: 'Deactivate', isFocusVisible: true },
      { name: 'Activate', isFocusVisible: true },
      { name: 'Delete…', isFocusVisible: true },
      { name: 'Clear selection', isFocusVisible: true },
    ]);
    await page().keyboard.press('Enter');
    await page().getByRole('region', { name: 'Selected users' }).waitFor({ state: 'hidden' });
    await page()
      .getByRole('checkbox', { name: `Select ${BULK_EMAILS[0]}` })
      .focus();
    const [link] = await app.tabStops(1);
    expect(link).toEqual({ name: 'Bulk One', isFocusVisible: true });
    await page().keyboard.press('Enter');
    await page().getByRole('heading', { name: 'Profile' }).waitFor();
  });

  it('jumps to the search with /', async () => {
    await app.navLink('Users').click();
    await app.usersTable().waitFor();
    await page().getByRole('heading', { name: 'Users', exact: true }).click();
    await page().keyboard.press('/');
    expect(
      await page()
        .getByLabel('Search users')
        .evaluate((node) => node === document.activeElement),
    ).toBe(true);
  });

  it('shows support staff no way to change users, on the list or on a user', async () => {
    await app.signOut();
    await app.signIn(SUPPORT_EMAIL, TEST_PASSWORD);
    // Support lands on the audit history.
    await app.navLink('Users').click();
    await app.usersTable().waitFor();
    for (const name of ['New user', 'Import CSV']) {
      expect(await page().getByRole('button', { name }).count()).toBe(0);
    }
    expect(await app.usersTable().getByRole('checkbox').count()).toBe(0);
    await page().evaluate((id) => {
      location.hash = `#/users/${id}`;
    }, learnerId);
    await page().getByRole('heading', { name: 'Lin Renamed' }).waitFor();
    await page()
      .getByRole('button', { name: /Relational Databases/ })
      .waitFor();
    expect(await page().getByRole('textbox').count()).toBe(0);
    expect(await page().getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await page().getByText('Read-only', { exact: true }).waitFor();
    await app.checkpoint('users-8-support-user-detail');
  });

  it('met no script error or Content Security Policy refusal on the way', () => {
    expect(app.problems).toEqual([]);
  });

  it('found no serious or critical accessibility violation on the pages it visited', () => {
    expect(app.accessibilityProblems).toEqual([]);
  });
});
