import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import { createCourse } from '../support/lms-factories';
import { LmsAdminApp, STEP_TIMEOUT_MS } from './lms-admin-app';

const INSTRUCTOR_EMAIL = 'ines.quizzes@example.org';
const SUPPORT_EMAIL = 'sam.quizzes@example.org';
const UNITS = 5;
const QUESTIONS_PER_UNIT = 10;
const TYPO_COUNT = UNITS * QUESTIONS_PER_UNIT;

/** A GIFT file: five categories (one quiz each) of ten true/false questions, each with the typo. */
function giftWithTypos(): string {
  const lines: string[] = ['// Spelling drill, as an instructor might keep it'];
  for (let unit = 1; unit <= UNITS; unit += 1) {
    lines.push('', `$CATEGORY: Parcels unit ${unit}`, '');
    for (let n = 1; n <= QUESTIONS_PER_UNIT; n += 1) {
      lines.push(`::U${unit}Q${n}:: Do we recieve parcel ${unit}.${n} on time? {TRUE}`, '');
    }
    lines.push(`::U${unit}Clean:: Is parcel ${unit} spelled right? {FALSE}`, '');
  }
  return lines.join('\n');
}

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the question bank end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('an instructor fixes a typo across 50 questions', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let instructor: { userId: string; sessionId: string };
  let courseId: string;

  /** How many of the instructor's questions still read `text`, as the API sees them. */
  const questionsWith = async (text: string): Promise<number> =>
    (
      await callOk(
        harness,
        'quizzes.bulk.search',
        { courseId, text, limit: 500 },
        instructor.sessionId,
      )
    ).items.length;

  beforeAll(async () => {
    harness = await createApiHarness();
    // An admin exists, so the app asks to sign in rather than for first-run setup.
    await harness.signedIn('admin');
    await harness.signedIn('support', SUPPORT_EMAIL);
    instructor = await harness.signedIn('instructor', INSTRUCTOR_EMAIL);
    courseId = (
      await createCourse(harness.db, { instructorId: instructor.userId, title: 'Logistics 101' })
    ).id;
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

  it('imports the GIFT file: five quizzes, fifty-five questions', async () => {
    const imported = await callOk(
      harness,
      'quizzes.import.apply',
      { courseId, content: giftWithTypos(), fileName: 'parcels.gift' },
      instructor.sessionId,
    );
    expect(imported).toMatchObject({ isWritten: true, questionCount: TYPO_COUNT + UNITS });
    expect(imported.quizzes).toHaveLength(UNITS);
    expect(await questionsWith('recieve')).toBe(TYPO_COUNT);
  });

  it('finds the typo in the question bank and previews the replacement with a diff', async () => {
    await app.signIn(INSTRUCTOR_EMAIL, TEST_PASSWORD);
    await app.navLink('Question bank').click();
    await app.page.getByRole('heading', { name: 'Question bank' }).waitFor();
    await app.page.getByLabel('Search questions').fill('recieve');
    await app.page.getByText(`${TYPO_COUNT} questions shown`).waitFor();
    await app.page.getByRole('checkbox', { name: 'Select all loaded questions' }).check();
    await app.page.getByText(`${TYPO_COUNT} questions selected.`).waitFor();
    await app.page.getByLabel('Find', { exact: true }).fill('recieve');
    await app.page.getByLabel('Replace with').fill('receive');
    await app.page.getByRole('button', { name: 'Preview' }).click();
    const preview = app.page.getByRole('region', { name: 'Preview' });
    await preview.getByText(`${TYPO_COUNT} question changes in ${UNITS} quizzes`).waitFor();
    await preview.getByText('Do we recieve parcel 1.1 on time?').first().waitFor();
    await preview.getByText('Do we receive parcel 1.1 on time?').first().waitFor();
    await app.checkpoint('question-bank-preview');
    expect(await questionsWith('recieve')).toBe(TYPO_COUNT);
  });

  it('applies it to all 50 questions at once, then undoes it in one step', async () => {
    await app.page.getByRole('button', { name: `Apply ${TYPO_COUNT} changes` }).click();
    const applied = app.page.getByRole('alert').filter({ hasText: 'Changes applied' });
    await applied.waitFor();
    expect(await questionsWith('recieve')).toBe(0);
    expect(await questionsWith('receive')).toBe(TYPO_COUNT);
    await app.page.getByText('No questions match these filters').waitFor();
    await applied.getByRole('button', { name: 'Undo' }).click();
    await app.page.getByRole('alert').filter({ hasText: 'Undone' }).waitFor();
    expect(await questionsWith('recieve')).toBe(TYPO_COUNT);
    await app.page.getByText(`${TYPO_COUNT} questions shown`).waitFor();
  });

  it('applies the fix again and edits one question’s points in place by keyboard', async () => {
    await app.page.getByRole('checkbox', { name: 'Select all loaded questions' }).check();
    await app.page.getByText(`${TYPO_COUNT} questions selected.`).waitFor();
    // Notices cover the operations panel's buttons: close every one still showing (how many
    // there are depends on how fast the last steps ran against their auto-close).
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
    // Enter in the form previews, as the Preview button does.
    await app.page.getByLabel('Find', { exact: true }).press('Enter');
    await app.page.getByRole('button', { name: `Apply ${TYPO_COUNT} changes` }).click();
    await app.page.getByRole('alert').filter({ hasText: 'Changes applied' }).first().waitFor();
    expect(await questionsWith('recieve')).toBe(0);
    await app.page.getByLabel('Search questions').fill('parcel 2.3');
    const points = app.page.getByRole('button', { name: /^Points of question / });
    await points.focus();
    await app.page.keyboard.press('Enter');
    const input = app.page.getByRole('textbox', { name: /^Points of question / });
    await input.fill('3');
    await input.press('Enter');
    await app.page.getByRole('button', { name: /^Points of question .*: 3\./ }).waitFor();
    const [row] = (
      await callOk(
        harness,
        'quizzes.bulk.search',
        { courseId, text: 'parcel 2.3' },
        instructor.sessionId,
      )
    ).items;
    expect(row).toMatchObject({ text: 'Do we receive parcel 2.3 on time?', points: 3 });
  });

  it('exports the fixed questions to Moodle XML', async () => {
    const exported = await callOk(
      harness,
      'quizzes.export',
      { courseId, format: 'moodle-xml' },
      instructor.sessionId,
    );
    expect(exported.questionCount).toBe(TYPO_COUNT + UNITS);
    expect(exported.content).not.toContain('recieve');
    expect(exported.content.match(/receive/g)).toHaveLength(TYPO_COUNT);
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });

  it('shows support staff the same questions, read-only: no selection, no operations, no edits', async () => {
    await app.signOut();
    await app.signIn(SUPPORT_EMAIL, TEST_PASSWORD);
    await app.navLink('Question bank').click();
    await app.page.getByLabel('Search questions').fill('receive');
    await app.page.getByText(`${TYPO_COUNT} questions shown`).waitFor();
    expect(await app.page.getByText('Read-only', { exact: true }).isVisible()).toBe(true);
    expect(
      await app.page.getByRole('checkbox', { name: 'Select all loaded questions' }).count(),
    ).toBe(0);
    expect(await app.page.getByRole('complementary', { name: 'Bulk operations' }).count()).toBe(0);
    const cell = app.page.getByRole('button', {
      name: /^Text of question .*parcel 1\.1 on time\?$/,
    });
    await cell.focus();
    await app.page.keyboard.press('Enter');
    expect(await app.page.getByRole('textbox', { name: /^Text of question/ }).count()).toBe(0);
    await app.checkpoint('question-bank-support');
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
