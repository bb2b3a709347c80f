import type { Locator, Page } from 'playwright-core';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Channel, ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import {
  createAttempt,
  createCourse,
  createLesson,
  createStudent,
  enroll,
} from '../support/lms-factories';
import { LmsAdminApp, STEP_TIMEOUT_MS } from './lms-admin-app';

const ADMIN_EMAIL = 'ada.quizsettings@example.org';
const INSTRUCTOR_EMAIL = 'ines.quizsettings@example.org';
const SUPPORT_EMAIL = 'sam.quizsettings@example.org';
const COURSE_TITLE = 'Cell Biology';
const POLL = { timeout: STEP_TIMEOUT_MS };

/** A true/false question, enough to give a quiz something to lose. */
function question(id: string) {
  return { id, kind: 'true_false' as const, text: `Statement ${id}`, answer: true };
}

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the quiz settings end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('a quiz’s settings, publishing and deletion', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let page: Page;
  let adminSession: string;
  let courseId: string;
  let lessonId: string;
  /** The quiz the edits go to, its questions kept through them all. */
  let unitQuizId: string;

  const call = <C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> =>
    callOk(harness, channel, input, adminSession);
  const dialog = (name: string | RegExp): Locator => page.getByRole('dialog', { name });
  const quizzes = (): Locator => page.getByRole('table', { name: 'Quizzes' });
  const quizRow = (title: string): Locator =>
    quizzes()
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: title, exact: true }) });
  const signInAs = async (email: string): Promise<void> => {
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await app.signOut();
    await app.signIn(email, TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  const openQuizzes = async (): Promise<void> => {
    await app.navLink('Courses').click();
    await app.courseRow(COURSE_TITLE).getByRole('link', { name: COURSE_TITLE }).click();
    await page.getByRole('heading', { level: 1, name: COURSE_TITLE }).waitFor();
    await page.getByRole('tab', { name: 'Quizzes' }).click();
    await quizzes().waitFor();
  };
  const unitQuiz = () => call('quizzes.get', { id: unitQuizId });
  /** A quiz of the course made through the API, with questions and one learner's attempt. */
  const quizWithAttempt = async (title: string, questionIds: string[]): Promise<string> => {
    const quiz = await call('quizzes.create', {
      courseId,
      title,
      passScore: 5,
      options: { questions: questionIds.map(question) },
    });
    const learner = await createStudent(harness.db);
    const enrollment = await enroll(harness.db, { userId: learner.id, courseId });
    await createAttempt(harness.db, { enrollmentId: enrollment.id, quizId: quiz.id, score: 4 });
    return quiz.id;
  };
  const attemptsAt = async (quizId: string): Promise<number> => {
    const [row] = await harness.db.sequelize.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM quiz_attempts WHERE quiz_id = $1',
      { bind: [quizId], type: QueryTypes.SELECT },
    );
    return row?.count ?? 0;
  };

  beforeAll(async () => {
    harness = await createApiHarness();
    adminSession = (await harness.signedIn('admin', ADMIN_EMAIL)).sessionId;
    await harness.signedIn('support', SUPPORT_EMAIL);
    const instructor = await harness.signedIn('instructor', INSTRUCTOR_EMAIL);
    courseId = (
      await createCourse(harness.db, { instructorId: instructor.userId, title: COURSE_TITLE })
    ).id;
    lessonId = (await createLesson(harness.db, { courseId, title: 'Membranes' })).id;
    unitQuizId = await quizWithAttempt('Unit check', ['q1', 'q2']);
    await quizWithAttempt('Old quiz', ['q1', 'q2', 'q3']);
    await quizWithAttempt('Scratch quiz', ['q1']);
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    page = app.page;
    await signInAs(INSTRUCTOR_EMAIL);
    await openQuizzes();
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  it('lets the course’s instructor change a quiz’s title, pass score and lesson', async () => {
    await page.getByRole('button', { name: 'Edit settings of Unit check' }).click();
    const form = dialog('Quiz settings');
    await form.getByLabel('Title').fill('Unit check, revised');
    await form.getByLabel('Pass score').fill('7.5');
    await form.getByLabel('Lesson').selectOption({ label: '1. Membranes' });
    await form.getByLabel(/^Shuffle questions/).check();
    await app.checkpoint('qs1-quiz-settings');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.waitFor({ state: 'hidden' });
    await quizRow('Unit check, revised').getByRole('cell', { name: '7.5' }).waitFor();
    const saved = await unitQuiz();
    expect(saved).toMatchObject({
      title: 'Unit check, revised',
      passScore: 7.5,
      lessonId,
      questionCount: 2,
      options: { shuffle: true },
    });
  });

  it('shows the schema’s error beside the field and saves nothing', async () => {
    const before = await unitQuiz();
    await page.getByRole('button', { name: 'Edit settings of Unit check, revised' }).click();
    const form = dialog('Quiz settings');
    await form.getByLabel('Title').fill('   ');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText('Title must not be empty', { exact: true }).waitFor();
    const title = form.getByRole('textbox', { name: 'Title' });
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    await app.checkpoint('qs2-quiz-settings-error');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'hidden' });
    expect((await unitQuiz()).version).toBe(before.version);
  });

  it('meets another person’s save with both versions, and saves the choice with nothing lost', async () => {
    await page.getByRole('button', { name: 'Edit settings of Unit check, revised' }).click();
    const form = dialog('Quiz settings');
    await form.getByLabel('Title').fill('Unit check (mine)');
    await form.getByLabel('Pass score').fill('8');
    // Meanwhile an admin renames it and adds a question.
    const opened = await unitQuiz();
    const theirs = await call('quizzes.update', {
      id: unitQuizId,
      version: opened.version,
      title: 'Unit check (theirs)',
    });
    await call('quizzes.addQuestion', {
      quizId: unitQuizId,
      version: theirs.version,
      question: question('q3'),
    });
    await form.getByRole('button', { name: 'Save settings' }).click();

    const conflict = dialog('This quiz was changed meanwhile');
    const titleChoice = conflict.getByRole('radiogroup', { name: 'Title' });
    await titleChoice.getByText('Unit check (mine)', { exact: true }).waitFor();
    await titleChoice.getByText('Unit check (theirs)', { exact: true }).waitFor();
    // Fields the two saves agree on need no choice.
    expect(await conflict.getByRole('radiogroup', { name: 'Lesson' }).count()).toBe(0);
    await app.checkpoint('qs3-quiz-conflict');
    await titleChoice.getByRole('radio', { name: 'Take theirs' }).check();
    await conflict.getByRole('button', { name: 'Save the chosen values' }).click();
    await form.waitFor({ state: 'hidden' });
    await quizRow('Unit check (theirs)').getByRole('cell', { name: '8' }).waitFor();
    const saved = await unitQuiz();
    expect(saved).toMatchObject({
      title: 'Unit check (theirs)',
      passScore: 8,
      lessonId,
      questionCount: 3,
      options: { shuffle: true },
    });
  });

  it('shows the API’s error beside the lesson when that lesson was deleted meanwhile', async () => {
    const extra = await createLesson(harness.db, { courseId, title: 'Extra reading' });
    const before = (await call('quizzes.list', { courseId })).items.find(
      (quiz) => quiz.title === 'Old quiz',
    );
    await page.getByRole('button', { name: 'Edit settings of Old quiz' }).click();
    const form = dialog('Quiz settings');
    await form.getByLabel('Lesson').selectOption({ label: '2. Extra reading' });
    await call('lessons.delete', { id: extra.id, version: 1 });
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText('Lesson must be a lesson of the same course', { exact: true }).waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'hidden' });
    const after = (await call('quizzes.list', { courseId })).items.find(
      (quiz) => quiz.title === 'Old quiz',
    );
    expect(after).toMatchObject({ version: before?.version, lessonId: null });
  });

  it('publishes and unpublishes a quiz, even after a change under the page', async () => {
    const row = quizRow('Unit check (theirs)');
    // Someone else edits it meanwhile: the switch alone is sent again, overwriting nothing.
    const current = await unitQuiz();
    await call('quizzes.update', { id: unitQuizId, version: current.version, passScore: 9 });
    await row.getByRole('button', { name: 'Publish Unit check (theirs)' }).click();
    await row.getByRole('button', { name: 'Unpublish Unit check (theirs)' }).waitFor();
    await row.getByText('Published', { exact: true }).waitFor();
    expect(await unitQuiz()).toMatchObject({ isPublished: true, passScore: 9 });
    await row.getByRole('button', { name: 'Unpublish Unit check (theirs)' }).click();
    await row.getByRole('button', { name: 'Publish Unit check (theirs)' }).waitFor();
    await expect.poll(async () => (await unitQuiz()).isPublished, POLL).toBe(false);
  });

  it('opens the same settings from the quiz’s own page of questions', async () => {
    await page.getByRole('link', { name: 'Unit check (theirs)', exact: true }).click();
    await page.getByRole('heading', { name: 'Unit check (theirs): questions' }).waitFor();
    await page.getByRole('button', { name: 'Quiz settings' }).click();
    const form = dialog('Quiz settings');
    await expect.poll(() => form.getByLabel('Pass score').inputValue(), POLL).toBe('9');
    await form.getByLabel('Pass score').fill('6');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await unitQuiz()).passScore, POLL).toBe(6);
    await page.getByRole('link', { name: '← All quizzes of the course' }).click();
    await quizRow('Unit check (theirs)').getByRole('cell', { name: '6' }).waitFor();
  });

  it('reaches a quiz’s controls by Tab, each showing that it has focus', async () => {
    await quizRow('Old quiz').getByRole('link', { name: 'Old quiz' }).focus();
    const stops = await app.tabStops(3);
    expect(stops).toEqual([
      { name: 'Edit settings of Old quiz', isFocusVisible: true },
      { name: 'Publish Old quiz', isFocusVisible: true },
      { name: 'Delete Old quiz', isFocusVisible: true },
    ]);
  });

  it('deletes a quiz after saying what goes with it; an instructor is told an admin can undo', async () => {
    await page.getByRole('button', { name: 'Delete Scratch quiz' }).click();
    const confirm = dialog('Delete “Scratch quiz”?');
    await confirm.getByText('1 question', { exact: true }).waitFor();
    await confirm.getByText(/^1 learner attempt at it/).waitFor();
    await confirm.getByRole('button', { name: 'Delete quiz' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => quizRow('Scratch quiz').count(), POLL).toBe(0);
    const notice = app.alert('Quiz “Scratch quiz” deleted');
    await notice.getByText('An admin can bring it back', { exact: false }).waitFor();
    expect(await notice.getByRole('button', { name: /^Undo/ }).count()).toBe(0);
    await notice.getByRole('button', { name: 'Dismiss the notice' }).click();
    await notice.waitFor({ state: 'hidden' });
  });

  it('lets an admin undo a delete, the quiz coming back with its attempts', async () => {
    await signInAs(ADMIN_EMAIL);
    await openQuizzes();
    const oldQuizId = (await call('quizzes.list', { courseId })).items.find(
      (quiz) => quiz.title === 'Old quiz',
    )?.id;
    if (!oldQuizId) throw new Error('the old quiz should be there');
    await page.getByRole('button', { name: 'Delete Old quiz' }).click();
    const confirm = dialog('Delete “Old quiz”?');
    await confirm.getByText('3 questions', { exact: true }).waitFor();
    await confirm.getByText(/^1 learner attempt at it/).waitFor();
    await app.checkpoint('qs4-delete-quiz');
    await confirm.getByRole('button', { name: 'Delete quiz' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => quizRow('Old quiz').count(), POLL).toBe(0);
    expect(await attemptsAt(oldQuizId)).toBe(0);

    await page.getByRole('button', { name: 'Undo delete of “Old quiz”' }).click();
    await quizRow('Old quiz').waitFor();
    expect(await call('quizzes.get', { id: oldQuizId })).toMatchObject({ questionCount: 3 });
    expect(await attemptsAt(oldQuizId)).toBe(1);
  });

  it('gives support staff the quizzes and no control to change them', async () => {
    await signInAs(SUPPORT_EMAIL);
    await openQuizzes();
    await quizRow('Old quiz').waitFor();
    const editControls = /^(Edit|Publish|Unpublish|Delete|New quiz|Undo)/;
    expect(await page.getByRole('button', { name: editControls }).count()).toBe(0);
    expect(await quizzes().getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
  });

  it('met no script error or Content Security Policy refusal on the way', () => {
    expect(app.problems).toEqual([]);
  });

  it('found no serious or critical accessibility violation on the pages it visited', () => {
    expect(app.accessibilityProblems).toEqual([]);
  });
});
