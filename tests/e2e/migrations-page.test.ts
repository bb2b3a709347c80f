import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MigrationFolder } from '../../db/migration-source';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import { LmsAdminApp } from './lms-admin-app';

const ADMIN_EMAIL = 'ada.admin@example.org';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the migrations page end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('the Migrations page with a migration pending', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let latest: string;
  let adminSession: string;

  beforeAll(async () => {
    harness = await createApiHarness();
    const admin = await harness.signedIn('admin', ADMIN_EMAIL);
    adminSession = admin.sessionId;
    latest = (await new MigrationFolder().list()).files.at(-1)?.name ?? '';
    const rolledBack = await harness.call('migrations.rollback', { step: 1 }, admin.sessionId);
    if (!rolledBack.ok) throw new Error(`could not roll back: ${rolledBack.error.message}`);
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.navLink('Migrations').click();
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  it('shows the SQL the pending migration would run, and how the models and the database compare meanwhile', async () => {
    const page = app.page;
    await page.getByRole('heading', { name: '1 migration pending' }).waitFor();
    await page.getByRole('button', { name: latest }).click();
    const sql = page.getByLabel(`SQL of ${latest}`);
    await sql.waitFor();
    expect(await sql.textContent()).toMatch(/^\s*\S/);
    // The models describe the schema after every migration: with one pending they may differ from
    // the database (the page lists how, as the check does), but they must still compare.
    const drift = await callOk(harness, 'migrations.drift', {}, adminSession);
    if (drift.changes.length === 0) {
      await page.getByText("The app's models and the database agree.").waitFor();
    } else {
      const differences = page.getByLabel('Differences between the models and the database');
      await differences.waitFor();
      expect((await differences.textContent())?.split('\n')).toEqual(drift.changes);
    }
    await app.checkpoint('migrations-pending');
  });

  it('applies it after confirmation and shows the database up to date', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Apply 1 migration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply migrations?' });
    await dialog.getByRole('button', { name: 'Apply 1 migration' }).click();
    await page.getByText(`The database is up to date (at ${latest}).`).waitFor();
    await page.getByText("The app's models and the database agree.").waitFor();
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
