import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database } from '../../db/connection';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { launchChromium } from '../support/chromium';
import { createCourse, createUser } from '../support/lms-factories';
import { queryValue } from '../support/sync-world';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';
import { LmsAdminApp } from './lms-admin-app';

const ADMIN_EMAIL = 'first.run@example.org';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the link-later end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('linking a database that was worked on offline first', () => {
  let harness: ApiHarness;
  let centralDatabase: TestDatabase;
  let central: Database;
  let host: WebHost;
  let app: LmsAdminApp;

  beforeAll(async () => {
    // The app's database: its first-run admin, and a course made offline. The central server
    // has an admin with the same email and a student of its own.
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    await createCourse(harness.db, { slug: 'made-offline' });
    centralDatabase = await createMigratedDatabase();
    central = await Database.open(centralDatabase.url);
    await createUser(central, { role: 'admin', email: ADMIN_EMAIL, fullName: 'Central Admin' });
    await createUser(central, { email: 'central.student@example.org' });
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.navLink('Sync').click();
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
    await central?.close();
    await centralDatabase?.drop();
  });

  it('previews what linking will do, then links', async () => {
    const page = app.page;
    const url = new URL(centralDatabase.url);
    const password = decodeURIComponent(url.password);
    url.password = '';
    await page.getByRole('textbox', { name: 'Central server URL' }).fill(url.toString());
    await app.passwordField('Password').fill(password);
    await page.getByRole('button', { name: 'Preview' }).click();
    const summary = page.getByRole('region', { name: 'What linking will do' });
    await summary.getByText('1 central record(s) will be copied here.').waitFor();
    // The course made offline (the admin, colliding, waits for a choice).
    await summary
      .getByText(/^1 local record\(s\) made here will go to the central server/)
      .waitFor();
    await summary
      .getByText(/^1 conflict\(s\) to resolve on this page: 1 with the same unique value/)
      .waitFor();
    await app.checkpoint('sync-link-preview');
    expect(
      await queryValue<number>(harness.db, `SELECT count(*)::int AS value FROM sync_link`),
    ).toBe(0);
    await page.getByRole('button', { name: 'Link and copy' }).click();
    await page.getByRole('heading', { name: /^Online:/ }).waitFor();
  });

  it('keeps both admins with a new local email, and pushes what was made offline', async () => {
    const page = app.page;
    const card = page.getByRole('region', { name: /^Conflict on users/ });
    await card.getByText(/both have email = "first\.run@example\.org"/).waitFor();
    await card.getByRole('textbox', { name: 'New local email' }).fill('laptop.admin@example.org');
    await card.getByRole('button', { name: 'Keep local with the new values' }).click();
    await page.getByRole('heading', { name: 'No conflicts' }).waitFor();
    await page.getByRole('button', { name: 'Push local changes' }).click();
    await page.getByText('2 record(s) sent; no conflicts.').waitFor();
    expect(
      await queryValue<number>(
        central,
        `SELECT count(*)::int AS value FROM users WHERE email IN ($1, 'laptop.admin@example.org')`,
        [ADMIN_EMAIL],
      ),
    ).toBe(2);
    expect(
      await queryValue<number>(
        central,
        `SELECT count(*)::int AS value FROM courses WHERE slug = 'made-offline'`,
      ),
    ).toBe(1);
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
