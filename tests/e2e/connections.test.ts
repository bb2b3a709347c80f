import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { launchChromium } from '../support/chromium';
import { LmsAdminApp } from './lms-admin-app';

const ADMIN_EMAIL = 'ada.admin@example.org';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the connections end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('connection profiles', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  /** The test database's server: a profile of it really connects. */
  let server: URL;

  beforeAll(async () => {
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    server = new URL(harness.database.url);
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.navLink('Connections').click();
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  const dialog = () => app.page.getByRole('dialog');

  async function fillServer(password: string): Promise<void> {
    await dialog().getByLabel('Name').fill('Central');
    await dialog().getByLabel('Host').fill(server.hostname);
    await dialog().getByLabel('Port').fill(server.port);
    await dialog().getByLabel('Database').fill(server.pathname.slice(1));
    await dialog().getByLabel('User').fill(decodeURIComponent(server.username));
    await app.passwordField('Password').fill(password);
    await dialog().getByLabel('SSL mode').click();
    await app.page.getByRole('option', { name: /^disable/ }).click();
  }

  it('starts with the embedded database in use and says how to add a server', async () => {
    await app.page.getByRole('heading', { name: 'Connections' }).waitFor();
    const embedded = app.page.getByRole('listitem', { name: 'Embedded database' });
    await embedded.getByText('Used at next start').waitFor();
    await app.page.getByRole('heading', { name: 'No servers saved' }).waitFor();
    await app.checkpoint('40-connections-empty');
  });

  it('tests a server before saving it: a wrong password is explained, the right one connects', async () => {
    await app.page.getByRole('button', { name: 'Add server' }).click();
    await fillServer('not the password');
    await dialog().getByRole('button', { name: 'Test connection' }).click();
    await app.alert(/refused the password/).waitFor();
    await app.passwordField('Password').fill(decodeURIComponent(server.password));
    await dialog().getByRole('button', { name: 'Test connection' }).click();
    await dialog()
      .getByRole('status')
      .filter({ hasText: /PostgreSQL \d+/ })
      .waitFor();
    await app.checkpoint('41-connections-add-tested');
    await dialog().getByRole('button', { name: 'Add profile' }).click();
    const central = app.page.getByRole('listitem', { name: 'Central' });
    await central.getByText(/password stored/).waitFor();
    await dialog().waitFor({ state: 'detached' });
  });

  it('chooses the server for the next start, and back', async () => {
    await app.page.getByRole('button', { name: 'Use Central from the next start' }).click();
    const central = app.page.getByRole('listitem', { name: 'Central' });
    await central.getByText('Used at next start').waitFor();
    expect((await harness.profiles.list()).activeProfileId).not.toBeNull();
    await app.page
      .getByRole('button', { name: 'Use the embedded database from the next start' })
      .click();
    await app.page
      .getByRole('listitem', { name: 'Embedded database' })
      .getByText('Used at next start')
      .waitFor();
  });

  it('shows both versions when someone else saved the profile meanwhile, and keeps the choice', async () => {
    await app.page.getByRole('button', { name: 'Edit Central' }).click();
    // Someone else (another window, the CLI) saves first.
    const [stored] = (await harness.profiles.list()).profiles;
    if (!stored) throw new Error('the profile should exist');
    await harness.profiles.save({ ...stored, database: 'their_database', password: undefined });
    await dialog().getByLabel('User').fill('my_user');
    await dialog().getByRole('button', { name: 'Save profile' }).click();
    const conflict = app.page.getByRole('dialog', {
      name: 'This connection profile was changed meanwhile',
    });
    await conflict.getByText('their_database').waitFor();
    await conflict.getByText('my_user').waitFor();
    await app.checkpoint('42-connections-conflict');
    await conflict.getByRole('button', { name: 'Save the chosen values' }).click();
    const central = app.page.getByRole('listitem', { name: 'Central' });
    await central.getByText(/my_user@.*\/their_database/).waitFor();
  });

  it('removes a profile only after saying what goes with it', async () => {
    await app.page.getByRole('button', { name: 'Remove Central' }).click();
    await dialog()
      .getByText(/not touched/)
      .waitFor();
    await dialog().getByRole('button', { name: 'Remove profile' }).click();
    await app.page.getByRole('heading', { name: 'No servers saved' }).waitFor();
    expect((await harness.profiles.list()).profiles).toEqual([]);
  });

  it('met no script error, CSP refusal or serious accessibility violation', () => {
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
