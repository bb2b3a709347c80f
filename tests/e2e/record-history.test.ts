import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import { LmsAdminApp } from './lms-admin-app';

const SUPPORT_EMAIL = 'sue.support@example.org';
const ADMIN_EMAIL = 'ada.admin@example.org';
const EDITOR_NAME = 'Eddie Editor';
const ORIGINAL_TITLE = 'Introduction to Statistics';
const RENAMED_TITLE = 'Intro to Sadistics';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the History tab end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)("a record's History tab", () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let courseId: string;
  let editorSession: string;

  const page = () => app.page;

  /** The course as the database has it, for what the tab's revert left behind. */
  const courseNow = async () => {
    const rows = await harness.db.sequelize.query<{ title: string; version: number }>(
      `SELECT title, version FROM courses WHERE id = $1`,
      { bind: [courseId], type: QueryTypes.SELECT },
    );
    const row = rows[0];
    if (!row) throw new Error(`no course ${courseId}`);
    return row;
  };

  /** The editor renames the course through the API, as another admin at another desk would. */
  const renameElsewhere = async (title: string) => {
    const { version } = await courseNow();
    await callOk(harness, 'courses.update', { id: courseId, version, title }, editorSession);
  };

  /** Goes to an address inside the app, as a bookmark or a pasted link does. */
  const openAddress = (path: string) =>
    page().evaluate((hash) => {
      location.hash = hash;
    }, path);

  const historyTab = () => page().getByRole('tab', { name: 'History' });
  const changeButton = (action: 'INSERT' | 'UPDATE') =>
    page().getByRole('button', { name: new RegExp(`^${action} courses #\\d+$`) });

  beforeAll(async () => {
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    await harness.signedIn('support', SUPPORT_EMAIL);
    const editor = await harness.signedIn('admin', 'eddie.editor@example.org');
    editorSession = editor.sessionId;
    await harness.db.sequelize.query(`UPDATE users SET full_name = $1 WHERE id = $2`, {
      bind: [EDITOR_NAME, editor.userId],
    });
    const course = await callOk(
      harness,
      'courses.create',
      { title: ORIGINAL_TITLE },
      editorSession,
    );
    courseId = course.id;
    await renameElsewhere(RENAMED_TITLE);
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
  });

  afterAll(async () => {
    expect(app?.problems ?? []).toEqual([]);
    expect(app?.accessibilityProblems ?? []).toEqual([]);
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  it('opens at its own address for support, shows who renamed the course and the diff, and offers no revert', async () => {
    await app.signIn(SUPPORT_EMAIL, TEST_PASSWORD);
    await page().getByRole('heading', { name: 'Audit history' }).waitFor();
    await openAddress(`/courses/${courseId}/history`);
    await page().getByRole('heading', { name: RENAMED_TITLE, exact: true }).waitFor();
    expect(await historyTab().getAttribute('aria-selected')).toBe('true');
    await changeButton('UPDATE').waitFor();
    const row = page()
      .getByRole('table', { name: 'Changes' })
      .getByRole('row')
      .filter({ has: changeButton('UPDATE') });
    expect(await row.textContent()).toContain(EDITOR_NAME);
    expect(await row.textContent()).toContain('title');
    await changeButton('UPDATE').click();
    const title = page()
      .getByRole('table', { name: /Fields of change/ })
      .getByRole('row')
      .filter({ hasText: 'title' });
    await title.waitFor();
    expect(await title.textContent()).toContain(ORIGINAL_TITLE);
    expect(await title.textContent()).toContain(RENAMED_TITLE);
    expect(
      await page()
        .getByRole('button', { name: /Revert/ })
        .count(),
    ).toBe(0);
    await page().getByText('Only admins can revert.').waitFor();
    await app.checkpoint('history-tab-1-support');
    await app.signOut();
  });

  it("lets an admin revert the rename from the course's History tab, with a confirmation", async () => {
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.navLink('Courses').click();
    await app.courseRow(RENAMED_TITLE).getByRole('link', { name: RENAMED_TITLE }).click();
    await historyTab().click();
    // Only this course's changes: its creation and its rename.
    await expect
      .poll(() =>
        page()
          .getByRole('button', { name: /^(INSERT|UPDATE|DELETE) courses #\d+$/ })
          .count(),
      )
      .toBe(2);
    expect(await page().evaluate(() => location.hash)).toBe(`#/courses/${courseId}/history`);
    await changeButton('UPDATE').click();
    await page().getByRole('button', { name: 'Revert change…' }).click();
    const dialog = page().getByRole('dialog', { name: 'Revert this change' });
    await dialog.getByText('recorded as a new change by you').waitFor();
    await dialog.getByRole('button', { name: 'Revert change' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await app.alert('Done, as a new change').waitFor();
    // The page's own title follows, and the tab lists the revert as the newest change.
    await page().getByRole('heading', { name: ORIGINAL_TITLE, exact: true }).waitFor();
    await expect.poll(() => changeButton('UPDATE').count()).toBe(2);
    expect((await courseNow()).title).toBe(ORIGINAL_TITLE);
    // The page as it stays, once the notice has closed by itself (axe would judge it mid-fade).
    await app.alert('Done, as a new change').waitFor({ state: 'hidden' });
    await app.checkpoint('history-tab-2-admin-reverted');
  });

  it('shows what changed since when the change to revert is stale, and reverts the field the admin chooses', async () => {
    await renameElsewhere('Statistics I');
    await page().reload();
    await historyTab().waitFor();
    await expect.poll(() => changeButton('UPDATE').count()).toBe(3);
    // The newest change is the rename to "Statistics I"; meanwhile the editor renames again.
    await changeButton('UPDATE').first().click();
    await renameElsewhere('Statistics II');
    await page().getByRole('button', { name: 'Revert change…' }).click();
    const dialog = page().getByRole('dialog', { name: 'Revert this change' });
    await dialog.getByRole('button', { name: 'Revert change' }).click();
    const conflict = dialog.getByRole('alert').filter({ hasText: 'The record changed since' });
    await conflict.waitFor();
    const since = conflict.getByRole('table', { name: /Fields of change/ });
    const laterTitle = since.getByRole('row').filter({ hasText: 'title' });
    await laterTitle.waitFor();
    expect(await laterTitle.textContent()).toContain('Statistics II');
    expect(await conflict.textContent()).toContain(EDITOR_NAME);
    expect((await courseNow()).title).toBe('Statistics II');
    await dialog.getByRole('checkbox', { name: /Revert title anyway/ }).check();
    await dialog.getByRole('button', { name: 'Revert with these choices' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page().getByRole('heading', { name: ORIGINAL_TITLE, exact: true }).waitFor();
    expect((await courseNow()).title).toBe(ORIGINAL_TITLE);
  });

  it("gives a user's page a History tab of changes to them and changes they made", async () => {
    const editor = await harness.db.sequelize.query<{ id: string }>(
      `SELECT id FROM users WHERE email = 'eddie.editor@example.org'`,
      { type: QueryTypes.SELECT },
    );
    await openAddress(`/users/${editor[0]?.id ?? ''}/history`);
    await page().getByRole('heading', { name: EDITOR_NAME }).waitFor();
    expect(await historyTab().getAttribute('aria-selected')).toBe('true');
    // Changes to the editor: their row's creation and the rename of their full name.
    await page()
      .getByRole('button', { name: /^UPDATE users #\d+$/ })
      .first()
      .waitFor();
    // The choice's radio button is drawn as a segment: a person clicks the words.
    await page().getByText('Changes this user made', { exact: true }).click();
    expect(await page().getByRole('radio', { name: 'Changes this user made' }).isChecked()).toBe(
      true,
    );
    await changeButton('INSERT').waitFor();
    expect(
      await page()
        .getByRole('button', { name: /^UPDATE users #/ })
        .count(),
    ).toBe(0);
    await app.checkpoint('history-tab-3-user');
  });

  it("shows a lesson's change, labelled, on its course's History tab with what belongs to the course", async () => {
    const lesson = await callOk(
      harness,
      'lessons.create',
      { courseId, title: 'Intro' },
      editorSession,
    );
    await callOk(
      harness,
      'lessons.update',
      { id: lesson.id, version: lesson.version, title: 'Intro, revised' },
      editorSession,
    );
    await openAddress(`/courses/${courseId}/history`);
    await page().getByRole('heading', { name: ORIGINAL_TITLE, exact: true }).waitFor();
    const lessonChange = page().getByRole('button', { name: /^UPDATE lessons #\d+$/ });
    // This course alone: its own changes, none of its lesson's.
    await changeButton('UPDATE').first().waitFor();
    expect(await lessonChange.count()).toBe(0);
    await page()
      .getByText('Course and its lessons, quizzes and enrollments', { exact: true })
      .click();
    const row = page()
      .getByRole('table', { name: 'Changes' })
      .getByRole('row')
      .filter({ has: lessonChange });
    await row.waitFor();
    expect(await row.textContent()).toContain('Lesson: Intro, revised');
    expect(await row.textContent()).toContain(EDITOR_NAME);
    // The course's own changes stay in the list beside it.
    expect(await changeButton('UPDATE').count()).toBeGreaterThan(0);
    await lessonChange.click();
    const title = page()
      .getByRole('table', { name: /Fields of change/ })
      .getByRole('row')
      .filter({ hasText: 'title' });
    await title.waitFor();
    expect(await title.textContent()).toContain('Intro, revised');
    await page().getByRole('button', { name: 'Revert change…' }).waitFor();
    await app.checkpoint('history-tab-4-course-with-lessons');
  });
});
