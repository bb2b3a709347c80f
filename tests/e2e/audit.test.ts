import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import { LmsAdminApp } from './lms-admin-app';

const SUPPORT_EMAIL = 'sue.support@example.org';
const ADMIN_EMAIL = 'ada.admin@example.org';
const EDITOR_NAME = 'Eddie Editor';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the audit end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('the audit history', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let courseId: string;

  beforeAll(async () => {
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    await harness.signedIn('support', SUPPORT_EMAIL);
    const editor = await harness.signedIn('admin', 'eddie.editor@example.org');
    await harness.db.sequelize.query(`UPDATE users SET full_name = $1 WHERE id = $2`, {
      bind: [EDITOR_NAME, editor.userId],
    });
    const course = await callOk(
      harness,
      'courses.create',
      { title: 'Introduction to Statistics' },
      editor.sessionId,
    );
    courseId = course.id;
    await callOk(
      harness,
      'courses.update',
      { id: course.id, version: course.version, title: 'Intro to Sadistics' },
      editor.sessionId,
    );
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  it('lets support find who changed a course title and see the diff', async () => {
    await app.signIn(SUPPORT_EMAIL, TEST_PASSWORD);
    await app.page.getByRole('heading', { name: 'Audit history' }).waitFor();
    await app.page.getByLabel('Search changes').fill('Sadistics');
    const change = app.page.getByRole('button', { name: /^UPDATE courses #\d+$/ });
    await change.waitFor();
    const row = app.page
      .getByRole('table', { name: 'Changes' })
      .getByRole('row')
      .filter({ has: change });
    expect(await row.textContent()).toContain(EDITOR_NAME);
    await change.click();
    const fields = app.page.getByRole('table', { name: /Fields of change/ });
    const title = fields.getByRole('row').filter({ hasText: 'title' });
    await title.waitFor();
    expect(await title.textContent()).toContain('Introduction to Statistics');
    expect(await title.textContent()).toContain('Intro to Sadistics');
    expect(await app.page.getByRole('button', { name: /Revert/ }).count()).toBe(0);
    await app.checkpoint('audit-1-support-diff');
    await app.signOut();
  });

  it('lets support export the filtered history as a file, every matching change and no other', async () => {
    await app.signIn(SUPPORT_EMAIL, TEST_PASSWORD);
    await app.page.getByLabel('Search changes').fill('Sadistics');
    // The search applies once typing pauses: then the rename is the one change listed.
    const changes = app.page.getByRole('button', { name: /^(INSERT|UPDATE|DELETE) \w+ #\d+$/ });
    await expect.poll(() => changes.count(), { timeout: 20_000 }).toBe(1);
    await app.page.getByRole('button', { name: 'Export…' }).click();
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByRole('menuitem', { name: 'Export as JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('audit-history.json');
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const entries = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      tableName: string;
      after: { title?: string } | null;
    }[];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(JSON.stringify(entry)).toContain('Sadistics');
    expect(entries.some((entry) => entry.after?.title === 'Intro to Sadistics')).toBe(true);
    await app.page.getByText(/saved to audit-history\.json/).waitFor();
    await app.signOut();
  });

  it("lets an admin go from the course's History tab to the audit page and revert the title change", async () => {
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.navLink('Courses').click();
    await app
      .courseRow('Intro to Sadistics')
      .getByRole('link', { name: 'Intro to Sadistics' })
      .click();
    await app.page.getByRole('tab', { name: 'History' }).click();
    await app.page.getByRole('link', { name: 'Open in the audit history' }).click();
    await app.page.getByRole('heading', { name: 'Audit history' }).waitFor();
    expect(await app.page.getByLabel('Record id').inputValue()).toBe(courseId);
    // Only this course's changes: its creation and its rename.
    await expect
      .poll(() =>
        app.page.getByRole('button', { name: /^(INSERT|UPDATE|DELETE) courses #\d+$/ }).count(),
      )
      .toBe(2);
    await app.page
      .getByRole('button', { name: /^UPDATE courses #\d+$/ })
      .first()
      .click();
    await app.page.getByRole('button', { name: 'Revert change…' }).click();
    const dialog = app.page.getByRole('dialog', { name: 'Revert this change' });
    await dialog.getByRole('button', { name: 'Revert change' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const client = new pg.Client({ connectionString: harness.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ title: string }>(
        `SELECT title FROM courses WHERE id = $1`,
        [courseId],
      );
      expect(rows[0]?.title).toBe('Introduction to Statistics');
    } finally {
      await client.end();
    }
    await app.checkpoint('audit-2-admin-reverted');
  });
});
