import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database } from '../../db/connection';
import { centralIdentityUrl } from '../../db/services/sync/central-connection';
import { linkToCentral } from '../../db/services/sync/link';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { launchChromium } from '../support/chromium';
import { createUser } from '../support/lms-factories';
import { changeAsApp, queryValue } from '../support/sync-world';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';
import { LmsAdminApp } from './lms-admin-app';

const ADMIN_EMAIL = 'sync.admin@example.org';
const STUDENT_EMAIL = 'both.sides@example.org';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the sync page end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('the Sync page of a working copy with a conflict', () => {
  let harness: ApiHarness;
  let centralDatabase: TestDatabase;
  let central: Database;
  let host: WebHost;
  let app: LmsAdminApp;

  beforeAll(async () => {
    // The app's database (with its admin and a student) becomes a working copy of a central
    // server that holds the same rows: the central one is made by copying it, then the app's
    // database is linked to it at the positions both feeds stand at.
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    await createUser(harness.db, { email: STUDENT_EMAIL, fullName: 'Same Everywhere' });
    centralDatabase = await createMigratedDatabase();
    central = await Database.open(centralDatabase.url);
    await linkToCentral(central, { url: harness.database.url });
    await harness.db.select(
      `INSERT INTO sync_link (central_url, central_system_id, central_database, pulled_seq, pushed_seq)
       SELECT $1, system_identifier::text, $2, $3, (SELECT COALESCE(max(seq), 0) FROM audit_log)
         FROM pg_control_system()`,
      [
        centralIdentityUrl(centralDatabase.url),
        centralDatabase.name,
        await queryValue<string>(
          central,
          `SELECT COALESCE(max(seq), 0)::text AS value FROM audit_log`,
        ),
      ],
    );
    await changeAsApp(
      central,
      `UPDATE users SET full_name = 'Named centrally' WHERE email = $1 RETURNING id`,
      [STUDENT_EMAIL],
    );
    await changeAsApp(
      harness.db,
      `UPDATE users SET full_name = 'Named here', is_active = false WHERE email = $1 RETURNING id`,
      [STUDENT_EMAIL],
    );
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

  it('pulls with the password typed for the session and shows the conflict field by field', async () => {
    const page = app.page;
    await page.getByRole('heading', { name: /^Offline:/ }).waitFor();
    await app
      .passwordField('Central server password')
      .fill(decodeURIComponent(new URL(centralDatabase.url).password));
    await page.getByRole('button', { name: 'Pull central changes' }).click();
    const card = page.getByRole('region', { name: /^Conflict on users/ });
    await card.waitFor();
    const fields = card.getByRole('table', { name: 'Differing fields' });
    await fields
      .getByRole('row', { name: /full_name Named here Named centrally Same Everywhere/ })
      .waitFor();
    await fields.getByRole('row', { name: /is_active false true/ }).waitFor();
    await app.checkpoint('sync-conflict');
  });

  it('keeps the chosen side of each field and pushes the result to the central server', async () => {
    const page = app.page;
    const card = page.getByRole('region', { name: /^Conflict on users/ });
    await card.getByRole('radiogroup', { name: 'Keep which full_name' }).getByText('Local').click();
    await card
      .getByRole('radiogroup', { name: 'Keep which is_active' })
      .getByText('Central')
      .click();
    await card.getByRole('button', { name: 'Keep the chosen fields' }).click();
    await page.getByRole('heading', { name: 'No conflicts' }).waitFor();
    await page.getByRole('button', { name: 'Push local changes' }).click();
    // The student, and the admin whose sign-in here recorded a login time.
    await page.getByText('2 record(s) sent; no conflicts.').waitFor();
    expect(
      await queryValue(
        central,
        `SELECT full_name || ' ' || is_active AS value FROM users WHERE email = $1`,
        [STUDENT_EMAIL],
      ),
    ).toBe('Named here true');
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
