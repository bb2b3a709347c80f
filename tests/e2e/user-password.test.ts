import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { launchChromium } from '../support/chromium';
import { createUser } from '../support/lms-factories';
import { LmsAdminApp } from './lms-admin-app';

const ADMIN_EMAIL = 'ada.admin@example.org';
const NEWCOMER = { email: 'ivy.instructor@example.org', fullName: 'Ivy Instructor' };
const NEW_PASSWORD = 'correct horse battery staple';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the user password end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)("an admin sets and removes a user's password", () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;

  const page = () => app.page;
  const newPasswordField = () => app.passwordField('New password');

  /** Signs in as the admin and opens the newcomer's page from the users list. */
  const openNewcomerAsAdmin = async () => {
    await app.signIn(ADMIN_EMAIL, TEST_PASSWORD);
    await app.navLink('Users').click();
    await app.usersTable().waitFor();
    await app.searchUsers('ivy');
    await app.userRow(NEWCOMER.email).getByRole('link', { name: NEWCOMER.fullName }).click();
    await page().getByRole('heading', { name: NEWCOMER.fullName }).waitFor();
  };

  beforeAll(async () => {
    harness = await createApiHarness();
    await harness.signedIn('admin', ADMIN_EMAIL);
    // An instructor without a password: added, but not yet able to sign in.
    await createUser(harness.db, { role: 'instructor', ...NEWCOMER });
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

  it('refuses a too short password next to the field, then sets one the user signs in with', async () => {
    await openNewcomerAsAdmin();
    await page().getByText("This user has no password, so can't sign in").waitFor();
    await newPasswordField().fill('short');
    await page().getByRole('button', { name: 'Save changes' }).click();
    await page().getByText('New password must be at least 10 characters').waitFor();
    await newPasswordField().fill(NEW_PASSWORD);
    await page().getByRole('button', { name: 'Save changes' }).click();
    await app.alert('User saved').filter({ hasText: 'with the new password' }).waitFor();
    // Never shown back: the saved form starts empty, and offers to remove the password instead.
    await page().getByRole('button', { name: 'Remove password…' }).waitFor();
    expect(await newPasswordField().inputValue()).toBe('');
    // The page as it stays, once the notice has closed by itself (axe would judge it mid-fade).
    await app.alert('User saved').waitFor({ state: 'hidden' });
    await app.checkpoint('user-password-1-set');
    await app.signOut();

    await app.signIn(NEWCOMER.email, NEW_PASSWORD);
    await page().getByRole('heading', { name: 'My courses' }).waitFor();
    await app.signOut();
  });

  it('removes the password after a confirmation that says what follows, and the user can no longer sign in', async () => {
    await openNewcomerAsAdmin();
    await page().getByRole('button', { name: 'Remove password…' }).click();
    const dialog = page().getByRole('dialog', { name: 'Remove password' });
    await dialog.getByText("can't sign in to LMS Admin until an admin sets a new one").waitFor();
    await app.checkpoint('user-password-2-remove-dialog');
    await dialog.getByRole('button', { name: 'Remove password' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await app.alert('Password removed').waitFor();
    await page().getByText("This user has no password, so can't sign in").waitFor();
    await app.signOut();

    await app.signIn(NEWCOMER.email, NEW_PASSWORD);
    await app.alert('Wrong email or password.').waitFor();
    expect(await page().getByRole('heading', { name: 'Sign in to LMS Admin' }).count()).toBe(1);
  });
});
