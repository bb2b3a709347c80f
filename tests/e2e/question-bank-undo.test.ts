import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Router } from '../../electron/api/router';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import { createCourse } from '../support/lms-factories';
import { LmsAdminApp, STEP_TIMEOUT_MS } from './lms-admin-app';

/**
 * Bulk apply and undo as long work, in the page: an apply shows how far it is and can be
 * cancelled, changing nothing; an applied operation can still be undone after a reload.
 */

const INSTRUCTOR_EMAIL = 'una.undo@example.org';
const QUIZZES = 4;
const QUESTIONS_PER_QUIZ = 3;
const SPELLED = QUIZZES * QUESTIONS_PER_QUIZ;
const FIX = { find: 'colour', replaceWith: 'color' };
/** A quiz far longer than the grid's screenful, for keyboard movement. */
const DRILL_QUESTIONS = 150;

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the bulk undo end-to-end test: ${launch.reason}.`);

/** The real router, noting when an apply's caller cancels it (the abort reaching the API). */
function cancelWatchingRouter(router: Router) {
  let cancelled: () => void = () => undefined;
  let applyCancelled = new Promise<void>((resolve) => (cancelled = resolve));
  return {
    router: {
      sessions: router.sessions,
      call: (...[channel, input, options]: Parameters<Router['call']>) => {
        if (channel === 'quizzes.bulk.apply') {
          options.signal?.addEventListener('abort', () => cancelled(), { once: true });
        }
        return router.call(channel, input, options);
      },
    },
    /** Resolves once the next apply has been cancelled by its caller. */
    nextApplyCancelled(): Promise<void> {
      applyCancelled = new Promise<void>((resolve) => (cancelled = resolve));
      return applyCancelled;
    },
  };
}

describe.skipIf(!launch.browser)('an instructor applies, cancels and undoes a bulk fix', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let watching: ReturnType<typeof cancelWatchingRouter>;
  let instructor: { userId: string; sessionId: string };
  let courseId: string;

  /** How many of the instructor's questions read `text`, as the API sees them. */
  const questionsWith = async (text: string): Promise<number> =>
    (
      await callOk(
        harness,
        'quizzes.bulk.search',
        { courseId, text, limit: 500 },
        instructor.sessionId,
      )
    ).items.length;

  /** Closes every notice still showing: they sit over the operations panel's buttons. */
  const dismissNotices = async (): Promise<void> => {
    const dismiss = app.page.getByRole('button', { name: 'Dismiss notification' });
    await expect
      .poll(
        async () => {
          const count = await dismiss.count();
          if (count > 0)
            await dismiss
              .first()
              .click({ timeout: 2_000 })
              .catch(() => undefined);
          return count;
        },
        { timeout: STEP_TIMEOUT_MS },
      )
      .toBe(0);
  };

  /** Selects every question still spelled the British way and previews the fix. */
  const previewFix = async (): Promise<void> => {
    const page = app.page;
    await page.getByLabel('Search questions').fill(FIX.find);
    await page.getByText(`${SPELLED} questions shown`).waitFor();
    await page.getByRole('checkbox', { name: 'Select all loaded questions' }).check();
    await page.getByText(`${SPELLED} questions selected.`).waitFor();
    await page.getByLabel('Find', { exact: true }).fill(FIX.find);
    await page.getByLabel('Replace with').fill(FIX.replaceWith);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .getByRole('region', { name: 'Preview' })
      .getByText(`${SPELLED} question changes in ${QUIZZES} quizzes`)
      .waitFor();
  };

  beforeAll(async () => {
    harness = await createApiHarness();
    await harness.signedIn('admin');
    instructor = await harness.signedIn('instructor', INSTRUCTOR_EMAIL);
    courseId = (await createCourse(harness.db, { instructorId: instructor.userId, title: 'Art' }))
      .id;
    for (let quiz = 1; quiz <= QUIZZES; quiz += 1) {
      await callOk(
        harness,
        'quizzes.create',
        {
          courseId,
          title: `Palette ${quiz}`,
          options: {
            questions: Array.from({ length: QUESTIONS_PER_QUIZ }, (_, n) => ({
              id: `q${n + 1}`,
              kind: 'true_false' as const,
              text: `Is the colour of swatch ${quiz}.${n + 1} warm?`,
              answer: true,
            })),
          },
        },
        instructor.sessionId,
      );
    }
    await callOk(
      harness,
      'quizzes.create',
      {
        courseId,
        title: 'Long drill',
        options: {
          questions: Array.from({ length: DRILL_QUESTIONS }, (_, n) => ({
            id: `d${n + 1}`,
            kind: 'true_false' as const,
            text: `Drill item ${n + 1}`,
            answer: true,
          })),
        },
      },
      instructor.sessionId,
    );
    watching = cancelWatchingRouter(harness.router);
    host = await startWebHost({ router: watching.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    await app.signIn(INSTRUCTOR_EMAIL, TEST_PASSWORD);
    await app.navLink('Question bank').click();
    await app.page.getByRole('heading', { name: 'Question bank' }).waitFor();
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  it('shows the apply under way and cancels it, leaving every question as it was', async () => {
    await previewFix();
    // A database busy elsewhere: the audit log is locked, so the apply waits at its first write
    // with its progress on screen until the lock goes.
    const busy = new pg.Client({ connectionString: harness.database.url });
    await busy.connect();
    try {
      await busy.query('BEGIN');
      await busy.query('LOCK TABLE audit_log IN SHARE MODE');
      const cancelled = watching.nextApplyCancelled();
      await app.page.getByRole('button', { name: `Apply ${SPELLED} changes` }).click();
      const preview = app.page.getByRole('region', { name: 'Preview' });
      // At 0 % the bar's filled section has no width, so it is there but not "visible".
      await preview
        .getByRole('progressbar', { name: 'Apply progress' })
        .waitFor({ state: 'attached' });
      await preview.getByText(`Writing quizzes (0 of ${QUIZZES})`).waitFor();
      await app.checkpoint('question-bank-apply-progress');
      await preview.getByRole('button', { name: 'Cancel' }).click();
      await cancelled;
    } finally {
      await busy.query('COMMIT');
      await busy.end();
    }
    await app.alert('Nothing was applied').getByText('Cancelled: nothing was changed.').waitFor();
    expect(await questionsWith(FIX.find)).toBe(SPELLED);
    expect(await questionsWith(FIX.replaceWith)).toBe(0);
    const recent = app.page.getByRole('region', { name: 'Recent operations' });
    await recent.getByText('Operations you apply are listed here, to undo later.').waitFor();
  });

  it('applies the fix, and after a reload still offers its undo, which puts every question back', async () => {
    await app.page
      .getByRole('region', { name: 'Preview' })
      .getByRole('button', { name: `Apply ${SPELLED} changes` })
      .click();
    const applied = app.alert('Changes applied');
    await applied.waitFor();
    expect(await questionsWith(FIX.replaceWith)).toBe(SPELLED);

    await app.page.reload();
    await app.page.getByRole('heading', { name: 'Question bank' }).waitFor();
    const recent = app.page.getByRole('region', { name: 'Recent operations' });
    const undo = recent.getByRole('button', {
      name: `Undo Replace “${FIX.find}” with “${FIX.replaceWith}”`,
    });
    await undo.waitFor();
    await app.checkpoint('question-bank-undo-after-reload');
    await undo.click();
    await app.alert('Undone').waitFor();
    expect(await questionsWith(FIX.find)).toBe(SPELLED);
    expect(await questionsWith(FIX.replaceWith)).toBe(0);
    await recent.getByText('Undone', { exact: true }).waitFor();
    await recent.getByRole('button', { name: /^Undo Undo of: Replace/ }).waitFor();
  });

  it('refuses an undo once a quiz was edited since, naming the quiz, and changes nothing', async () => {
    await dismissNotices();
    await previewFix();
    await app.page.getByRole('button', { name: `Apply ${SPELLED} changes` }).click();
    await app.alert('Changes applied').waitFor();
    const [first] = (
      await callOk(
        harness,
        'quizzes.bulk.search',
        { courseId, text: 'swatch 1.1' },
        instructor.sessionId,
      )
    ).items;
    if (!first) throw new Error('no question of Palette 1');
    await callOk(
      harness,
      'quizzes.update',
      { id: first.quizId, version: first.quizVersion, title: 'Palette 1 (revised)' },
      instructor.sessionId,
    );
    await app.alert('Changes applied').getByRole('button', { name: 'Undo' }).click();
    await app
      .alert('Nothing was undone')
      .getByText(/a quiz was edited or deleted after the operation \("Palette 1 \(revised\)"\)/)
      .waitFor();
    expect(await questionsWith(FIX.replaceWith)).toBe(SPELLED);
  });

  it('moves by keyboard to rows off screen: End, Home, Page Down and arrows scroll the grid', async () => {
    await dismissNotices();
    const page = app.page;
    await page.getByLabel('Search questions').fill('Drill item');
    await page.getByText(`${DRILL_QUESTIONS} questions shown`).waitFor();
    const focusedName = () =>
      page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    const expectFocusOn = (cell: 'Text' | 'Points', id: string) =>
      expect
        .poll(focusedName, { timeout: STEP_TIMEOUT_MS })
        .toMatch(new RegExp(`^${cell} of question ${id} of Long drill: `));
    await page.getByRole('button', { name: /^Points of question d1 of Long drill: / }).focus();
    await page.keyboard.press('End');
    await expectFocusOn('Points', `d${DRILL_QUESTIONS}`);
    await page.keyboard.press('Home');
    await expectFocusOn('Points', 'd1');
    await page.keyboard.press('PageDown');
    await expect
      .poll(async () =>
        Number(await page.evaluate(() => document.activeElement?.getAttribute('data-cell-row'))),
      )
      .toBeGreaterThan(5);
    await page.keyboard.press('Home');
    await expectFocusOn('Points', 'd1');
    for (let step = 0; step < 40; step += 1) await page.keyboard.press('ArrowDown');
    await expectFocusOn('Points', 'd41');
    await page.keyboard.press('ArrowLeft');
    await expectFocusOn('Text', 'd41');
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
