import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database } from '../../db/connection';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';
import { LmsAdminApp } from './lms-admin-app';

const ADMIN_EMAIL = 'pages.conflicts@example.org';
/** More than one page of the Sync page's conflicts (25 a page). */
const COLLIDING_USERS = 30;

const usersSql = (prefix: string) =>
  `INSERT INTO users (email, full_name, role)
   SELECT 'person' || g || '@example.org', '${prefix} ' || g, 'student' FROM generate_series(1, ${COLLIDING_USERS}) g`;

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the conflict pages end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('the Sync page with more conflicts than a page holds', () => {
  let harness: ApiHarness;
  let centralDatabase: TestDatabase;
  let central: Database;
  let host: WebHost;
  let app: LmsAdminApp;

  beforeAll(async () => {
    // Users made offline with the emails of central users: each is a unique-key collision.
    harness = await createApiHarness();
    const { sessionId } = await harness.signedIn('admin', ADMIN_EMAIL);
    await harness.db.sequelize.query(usersSql('Local'));
    centralDatabase = await createMigratedDatabase();
    central = await Database.open(centralDatabase.url);
    await central.sequelize.query(usersSql('Central'));
    await callOk(harness, 'sync.link', { url: centralDatabase.url }, sessionId);
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

  const cards = () => app.page.getByRole('region', { name: /^Conflict on users/ });

  it('shows the first page with the count of open conflicts, and loads the rest on request', async () => {
    const page = app.page;
    await page
      .getByText(`Showing 25 of ${COLLIDING_USERS} open conflict(s), newest first.`)
      .waitFor();
    expect(await cards().count()).toBe(25);
    await page.getByRole('button', { name: 'Load more conflicts' }).click();
    await page
      .getByText(`Showing ${COLLIDING_USERS} of ${COLLIDING_USERS} open conflict(s), newest first.`)
      .waitFor();
    expect(await cards().count()).toBe(COLLIDING_USERS);
    await page.getByRole('button', { name: 'Load more conflicts' }).waitFor({ state: 'detached' });
  });

  it('passes the accessibility scan with every conflict on screen', async () => {
    // A test of its own, with more time: axe over 30 conflict tables takes 15–30 s on a busy machine.
    await app.checkpoint('sync-conflict-pages');
    expect(app.accessibilityProblems).toEqual([]);
  }, 150_000);

  it('resolves a conflict from the second page, and the count goes down', async () => {
    const page = app.page;
    const last = cards().last();
    await last.getByRole('button', { name: 'Drop the local record, keep central' }).click();
    await page
      .getByText(
        `Showing ${COLLIDING_USERS - 1} of ${COLLIDING_USERS - 1} open conflict(s), newest first.`,
      )
      .waitFor();
    expect(app.problems).toEqual([]);
  });
});
