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

  /** Opens the app's link in another tab of the same browser (same cookies: same session). */
  async openTab(url: string): Promise<LmsAdminApp> {
    const page = await this.context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const tab = new LmsAdminApp(this.context, page);
    await page.goto(url);
    return tab;
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
   * Walks the next `count` Tab stops as a keyboard user does. For each: its accessible name, and
   * whether focus shows (the control looks different focused than not, whatever the style).
   */
  async tabStops(count: number): Promise<{ name: string; isFocusVisible: boolean }[]> {
    const stops: { name: string; isFocusVisible: boolean }[] = [];
    for (let i = 0; i < count; i += 1) {
      await this.page.keyboard.press('Tab');
      const focused = await this.page.evaluateHandle(() => document.activeElement);
      const element = focused.asElement();
      const box = await element?.boundingBox();
      if (!element || !box) throw new Error(`Tab stop ${i + 1} focused nothing visible`);
      // Room around the control for a focus ring drawn outside it.
      const clip = { x: box.x - 6, y: box.y - 6, width: box.width + 12, height: box.height + 12 };
      const focusedLook = await this.page.screenshot({ clip, animations: 'disabled' });
      await element.evaluate((node) => (node as HTMLElement).blur());
      const blurredLook = await this.page.screenshot({ clip, animations: 'disabled' });
      // Back where the walk was, so the next Tab goes on from here.
      await element.evaluate((node) => (node as HTMLElement).focus());
      const name = await element.evaluate(
        (node) =>
          node.getAttribute('aria-label') ??
          (node instanceof HTMLInputElement || node instanceof HTMLSelectElement
            ? node.labels?.[0]?.textContent
            : null) ??
          node.textContent ??
          '',
      );
      stops.push({
        name: name.replace(/\s*\*$/, '').trim(),
        isFocusVisible: !focusedLook.equals(blurredLook),
      });
    }
    return stops;
  }

  /**
   * A main page reached: saves its screenshot, and scans it with axe for serious or critical
   * accessibility violations (collected in `accessibilityProblems`, so the journey goes on).
   */
  async checkpoint(name: string): Promise<void> {
    await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    // Colours caught mid-transition (a dialog fading in, a notification coming or going) are
    // neither what the page shows nor what axe should judge: scan a steady page, and scan again
    // when the notifications changed while axe ran (one can appear right after the wait).
    let violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations'] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.waitForSteadyPage();
      const before = await this.notificationsShown();
      violations = (await new AxeBuilder({ page: this.page }).analyze()).violations;
      if ((await this.notificationsShown()) === before) break;
    }
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

  /** Waits for finite animations to end and for every notification to be fully opaque. */
  private async waitForSteadyPage(): Promise<void> {
    await this.page.waitForFunction(() =>
      document
        .getAnimations()
        .every(
          (animation) =>
            animation.playState !== 'running' ||
            animation.effect?.getTiming().iterations === Infinity,
        ),
    );
    // Notifications fade by style changes between transitions: each one showing must be opaque
    // up through its wrappers.
    await this.page.waitForFunction(() =>
      [...document.querySelectorAll('.mantine-Notification-root')].every((notification) => {
        for (let node: Element | null = notification; node; node = node.parentElement) {
          if (getComputedStyle(node).opacity !== '1') return false;
        }
        return true;
      }),
    );
  }

  /** The notifications on screen and how opaque each is, as one comparable string. */
  private notificationsShown(): Promise<string> {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.mantine-Notification-root')]
        .map((notification) => {
          let opacity = 1;
          for (let node: Element | null = notification; node; node = node.parentElement) {
            opacity *= Number(getComputedStyle(node).opacity);
          }
          return `${notification.textContent ?? ''}@${opacity}`;
        })
        .join('|'),
    );
  }
}
