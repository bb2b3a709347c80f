import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { launchChromium } from '../support/chromium';
import { LmsAdminApp } from './lms-admin-app';

const SUPPORT_EMAIL = 'sam.support@example.org';
const INSTRUCTOR_EMAIL = 'ines.instructor@example.org';

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the roles end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('what each role sees', () => {
  let harness: ApiHarness;
  let host: WebHost;
  // One page for everyone, signing out in between, as people sharing a desk would: Chromium's
  // single-process mode (the one @sparticuz/chromium runs in) doesn't survive a second context.
  let app: LmsAdminApp;

  const signInAs = async (email: string): Promise<void> => {
    if (await app.page.getByRole('button', { name: 'Sign out' }).isVisible()) await app.signOut();
    await app.signIn(email, TEST_PASSWORD);
    await app.page.getByRole('button', { name: 'Sign out' }).waitFor();
  };

  beforeAll(async () => {
    harness = await createApiHarness();
    const admin = await harness.signedIn('admin');
    await harness.signedIn('support', SUPPORT_EMAIL);
    const instructor = await harness.signedIn('instructor', INSTRUCTOR_EMAIL);
    for (const [title, instructorId] of [
      ['Statistics for Everyone', instructor.userId],
      ['Compilers in Depth', admin.userId],
    ] as const) {
      const created = await harness.call(
        'courses.create',
        { title, instructorId },
        admin.sessionId,
      );
      if (!created.ok) throw new Error(`could not create "${title}": ${created.error.message}`);
    }
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

  it('shows support staff users and courses, read-only, with no way to create a course', async () => {
    await signInAs(SUPPORT_EMAIL);
    // Support lands on the audit history, the page they work from.
    await app.page.getByRole('heading', { name: 'Audit history' }).waitFor();
    await app.navLink('Users').click();
    await app.usersTable().waitFor();
    expect(await app.page.getByText('Read-only', { exact: true }).isVisible()).toBe(true);
    expect(await app.navLink('Migrations').count()).toBe(0);
    await app.navLink('Courses').click();
    await app.courseRow('Compilers in Depth').waitFor();
    await app.courseRow('Statistics for Everyone').waitFor();
    expect(await app.page.getByRole('button', { name: 'New course' }).count()).toBe(0);
    await app.checkpoint('10-support-courses');
  });

  it('shows an instructor only their own courses, and no Users page', async () => {
    await signInAs(INSTRUCTOR_EMAIL);
    await app.page.getByRole('heading', { name: 'My courses' }).waitFor();
    await app.courseRow('Statistics for Everyone').waitFor();
    expect(await app.courseRow('Compilers in Depth').count()).toBe(0);
    expect(await app.navLink('Users').count()).toBe(0);
    expect(await app.page.getByRole('button', { name: 'New course' }).isVisible()).toBe(true);
    await app.checkpoint('11-instructor-courses');
  });

  it('sends the instructor who opens the Users address to their courses instead', async () => {
    await app.page.evaluate(() => {
      location.hash = '#/users';
    });
    await app.page.getByRole('heading', { name: 'My courses' }).waitFor();
    expect(app.page.url()).toMatch(/#\/courses$/);
  });

  it('sends a person whose session has ended back to sign-in at their next step', async () => {
    const cookies = await app.page.context().cookies(host.origin);
    const session = cookies.find((cookie) => cookie.name === `lms_session_${host.port}`);
    harness.router.sessions.end(session?.value ?? null);
    await app.page.getByLabel('Search courses').fill('statistics');
    await app.page.getByRole('heading', { name: 'Sign in to LMS Admin' }).waitFor();
    await app.alert('Sign in to continue: your session has ended.').waitFor();
  });

  it('met no script error or Content Security Policy refusal on the way', () => {
    expect(app.problems).toEqual([]);
  });

  it('found no serious or critical accessibility violation on the pages it visited', () => {
    expect(app.accessibilityProblems).toEqual([]);
  });
});
