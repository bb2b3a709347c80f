import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** Where screenshots go: gitignored, kept after the run for a person to look at. */
const SCREENSHOT_DIR = path.join('test-results', 'e2e');

/**
 * How long one step may wait for the page. The app answers in well under a second, but `npm test`
 * runs the database suites beside this on the same cores.
 */
export const STEP_TIMEOUT_MS = 20_000;

/** How the page reports a Content Security Policy refusal to the test. */
const CSP_VIOLATION = 'CSP violation:';

export interface StaffAccount {
  fullName: string;
  email: string;
  password: string;
}

/**
 * LMS Admin as a person sees it in the browser: each method is something they do, found by the
 * roles and labels they read on screen, never by markup details.
 */
export class LmsAdminApp {
  /** Script errors and Content Security Policy refusals the page met: there should be none. */
  readonly problems: string[] = [];
  /** Serious and critical accessibility violations found at checkpoints: there should be none. */
  readonly accessibilityProblems: string[] = [];

  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.problems.push(`script error: ${error.message}`));
    page.on('console', (message) => {
      if (message.text().startsWith(CSP_VIOLATION)) this.problems.push(message.text());
    });
  }

  /** Opens the app's link in a browser context of its own (its own cookies: its own session). */
  static async open(browser: Browser, url: string): Promise<LmsAdminApp> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Chromium logs a refusal only to its own log; the page's event makes it visible here.
    await context.addInitScript((prefix: string) => {
      document.addEventListener('securitypolicyviolation', (event) =>
        console.error(`${prefix} ${event.violatedDirective} refused ${event.blockedURI}`),
      );
    }, CSP_VIOLATION);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const app = new LmsAdminApp(context, page);
    await page.goto(url);
    return app;
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  async setUpFirstAdmin(admin: StaffAccount): Promise<void> {
    await this.page.getByRole('heading', { name: 'Set up LMS Admin' }).waitFor();
    await this.page.getByLabel('Full name').fill(admin.fullName);
    await this.page.getByLabel('Email').fill(admin.email);
    await this.passwordField('Password').fill(admin.password);
    await this.passwordField('Repeat password').fill(admin.password);
    await this.page.getByRole('button', { name: 'Create admin and sign in' }).click();
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.page.getByRole('heading', { name: 'Sign in to LMS Admin' }).waitFor();
    await this.page.getByLabel('Email').fill(email);
    await this.passwordField('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
  }

  /**
   * A password field by its exact label: "Password" alone would also find "Repeat password" and
   * the "Toggle password visibility" button beside it.
   */
  passwordField(label: string): Locator {
    return this.page.getByRole('textbox', { name: label, exact: true });
  }

  /** The main navigation's link to a page. */
  navLink(name: string): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  }

  /** An alert on screen, by what it says. */
  alert(text: string | RegExp): Locator {
    return this.page.getByRole('alert').filter({ hasText: text });
  }

  usersTable(): Locator {
    return this.page.getByRole('table', { name: 'Users' });
  }

  coursesTable(): Locator {
    return this.page.getByRole('table', { name: 'Courses' });
  }

  /** A course's row in the courses table, by its title or slug. */
  courseRow(text: string): Locator {
    return this.coursesTable().getByRole('row').filter({ hasText: text });
  }

  /** A user's row in the users table, by their email. */
  userRow(email: string): Locator {
    return this.usersTable().getByRole('row').filter({ hasText: email });
  }

  async searchUsers(text: string): Promise<void> {
    await this.page.getByLabel('Search users').fill(text);
  }

  /**
   * A main page reached: saves its screenshot, and scans it with axe for serious or critical
   * accessibility violations (collected in `accessibilityProblems`, so the journey goes on).
   */
  async checkpoint(name: string): Promise<void> {
    await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    const { violations } = await new AxeBuilder({ page: this.page }).analyze();
    for (const violation of violations) {
      if (violation.impact === 'serious' || violation.impact === 'critical') {
        for (const node of violation.nodes) {
          const why = node.failureSummary?.replace(/\s+/g, ' ') ?? violation.help;
          this.accessibilityProblems.push(
            `${name}: ${violation.id} at ${node.target.join(' ')}: ${why}`,
          );
        }
      }
    }
  }
}
