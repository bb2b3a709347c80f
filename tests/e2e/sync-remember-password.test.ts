import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database } from '../../db/connection';
import { centralIdentityUrl } from '../../db/services/sync/central-connection';
import { Router } from '../../electron/api/router';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { launchChromium } from '../support/chromium';
import { createUser } from '../support/lms-factories';
import { queryValue } from '../support/sync-world';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';
import { LmsAdminApp } from './lms-admin-app';

const ADMIN_EMAIL = 'remembers.central@example.org';

const launch = await launchChromium();
if (!launch.browser)
  console.log(`Skipping the remembered-password end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('a central password remembered when linking', () => {
  let harness: ApiHarness;
  let centralDatabase: TestDatabase;
  let central: Database;
  let host: WebHost;
  let app: LmsAdminApp;
  /** The app started again: a new router on a new connection pool, this computer's secret box. */
  let restarted: { db: Database; host: WebHost } | undefined;

  beforeAll(async () => {
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    centralDatabase = await createMigratedDatabase();
    central = await Database.open(centralDatabase.url);
    await createUser(central, { email: 'central.student@example.org' });
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.navLink('Sync').click();
  });

  afterAll(async () => {
    await app?.close();
    await restarted?.host.close();
    await restarted?.db.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
    await central?.close();
    await centralDatabase?.drop();
  });

  it('links with "remember password", and after a reload the header still says online', async () => {
    const page = app.page;
    await page
      .getByRole('textbox', { name: 'Central server URL' })
      .fill(centralIdentityUrl(centralDatabase.url));
    await app
      .passwordField('Password')
      .fill(decodeURIComponent(new URL(centralDatabase.url).password));
    await page.getByRole('checkbox', { name: 'Remember the password on this computer' }).check();
    await page.getByRole('button', { name: 'Link and copy' }).click();
    await page.getByRole('heading', { name: /^Online:/ }).waitFor();
    await page.getByText(/password is remembered, encrypted on this computer/).waitFor();
    const sealed = await queryValue<string>(
      harness.db,
      `SELECT central_password_sealed AS value FROM sync_link`,
    );
    expect(sealed).not.toContain(decodeURIComponent(new URL(centralDatabase.url).password));
    await page.reload();
    await page.getByRole('link', { name: /^Sync: Online/ }).waitFor();
  });

  it('is online in a new app session, where no password was typed', async () => {
    const db = await Database.open(harness.database.url);
    const newHost = await startWebHost({
      router: new Router({ db, profiles: harness.profiles }),
      staticDir: inject('rendererDir'),
    });
    restarted = { db, host: newHost };
    // Another origin: the old session's cookie doesn't come along, so this is a fresh sign-in.
    await app.page.goto(newHost.openUrl);
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.page.getByRole('link', { name: /^Sync: Online/ }).waitFor();
    await app.navLink('Sync').click();
    await app.page.getByRole('heading', { name: /^Online:/ }).waitFor();
    await app.checkpoint('sync-password-remembered');
  });

  it('forgets the password: that session is asked for it again', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Forget password' }).click();
    await page.getByRole('heading', { name: /^Offline:/ }).waitFor();
    await page
      .getByText(/asks for a password, and none was given/)
      .first()
      .waitFor();
    await page.getByRole('link', { name: /^Sync: Offline/ }).waitFor();
    expect(
      await queryValue(harness.db, `SELECT central_password_sealed AS value FROM sync_link`),
    ).toBeNull();
  });

  it('unlinks only once nothing waits to be pushed, keeping every record', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Unlink…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unlink from the central server?' });
    await dialog.getByText(/every record stays here/).waitFor();
    await dialog.getByRole('button', { name: 'Unlink', exact: true }).click();
    // The admin signed in here is a record the central server hasn't got yet.
    await dialog.getByText(/1 changed record\(s\) to push/).waitFor();
    await dialog.getByRole('button', { name: 'Stay linked' }).click();
    await dialog.waitFor({ state: 'detached' });
    await app
      .passwordField('Central server password')
      .fill(decodeURIComponent(new URL(centralDatabase.url).password));
    await page.getByRole('button', { name: 'Push local changes' }).click();
    await page.getByText(/^1 record\(s\) sent; no conflicts\.$/).waitFor();
    await page.getByRole('button', { name: 'Unlink…' }).click();
    await dialog.getByRole('button', { name: 'Unlink', exact: true }).click();
    await page.getByRole('heading', { name: 'Link to a central server' }).waitFor();
    expect(await queryValue<number>(harness.db, `SELECT count(*)::int AS value FROM users`)).toBe(
      2,
    );
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
