import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Channel, ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import {
  createAttempt,
  createLesson,
  createStudent,
  type CreatedUser,
} from '../support/lms-factories';
import { LmsAdminApp, STEP_TIMEOUT_MS } from './lms-admin-app';

const ADMIN_EMAIL = 'ada.admin@example.org';
const SUPPORT_EMAIL = 'sam.support@example.org';
const INSTRUCTOR_EMAIL = 'ines.instructor@example.org';
const POLL = { timeout: STEP_TIMEOUT_MS };

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the courses end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('courses, lessons, quizzes and enrollments in the browser', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let page: Page;
  let adminSession: string;
  let students: CreatedUser[];
  /** The course the journey builds, once created. */
  let courseId = '';

  const signInAs = async (email: string): Promise<void> => {
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await app.signOut();
    await app.signIn(email, TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  const openCourse = async (title: string): Promise<void> => {
    await app.navLink('Courses').click();
    await app.courseRow(title).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  };
  const tab = (name: string): Locator => page.getByRole('tab', { name });
  const lessonTitles = (): Promise<string[]> =>
    page.getByRole('list', { name: 'Lessons in order' }).getByRole('listitem').allTextContents();
  const dialog = (name: string | RegExp): Locator => page.getByRole('dialog', { name });
  /** The API's answer, as the admin sees it. */
  const call = <C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> =>
    callOk(harness, channel, input, adminSession);

  beforeAll(async () => {
    harness = await createApiHarness();
    adminSession = (await harness.signedIn('admin', ADMIN_EMAIL)).sessionId;
    await harness.signedIn('support', SUPPORT_EMAIL);
    const instructor = await harness.signedIn('instructor', INSTRUCTOR_EMAIL);
    students = [];
    for (const [fullName, email] of [
      ['Grace Hopper', 'grace@example.org'],
      ['Alan Turing', 'alan@example.org'],
      ['Edsger Dijkstra', 'edsger@example.org'],
      ['Barbara Liskov', 'barbara@example.org'],
    ] as const) {
      students.push(await createStudent(harness.db, { fullName, email }));
    }
    await call('courses.create', {
      title: 'Statistics for Everyone',
      instructorId: instructor.userId,
    });
    const retired = await call('courses.create', { title: 'Retired Course' });
    await createLesson(harness.db, { courseId: retired.id, title: 'Old lesson' });
    host = await startWebHost({ router: harness.router, staticDir: inject('rendererDir') });
    if (!launch.browser) throw new Error('unreachable: the suite runs only with a browser');
    app = await LmsAdminApp.open(launch.browser, host.openUrl);
    page = app.page;
    await signInAs(ADMIN_EMAIL);
  });

  afterAll(async () => {
    await app?.close();
    await launch.browser?.close();
    await host?.close();
    await harness?.close();
  });

  it('creates a course and opens it from the list', async () => {
    await app.navLink('Courses').click();
    await app.courseRow('Statistics for Everyone').waitFor();
    await app.checkpoint('c1-courses-list');
    await page.getByRole('button', { name: 'New course' }).click();
    const form = dialog('New course');
    await form.getByLabel('Title').fill('Databases in Practice');
    await form.getByLabel('Description').fill('Tables, queries and joins.');
    await form.getByRole('button', { name: 'Create course' }).click();
    await form.waitFor({ state: 'hidden' });
    await openCourse('Databases in Practice');
    courseId = page.url().split('#/courses/')[1]?.split('/')[0] ?? '';
    expect(courseId).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByLabel('Description').waitFor();
    await app.checkpoint('c2-course-overview');
  });

  it('adds lessons, from the empty state on', async () => {
    await tab('Lessons').click();
    await page.getByRole('heading', { name: 'No lessons yet' }).waitFor();
    for (const title of ['Tables', 'Queries', 'Joins']) {
      await page.keyboard.press('Shift+L');
      const form = dialog('New lesson');
      await form.getByLabel('Title').fill(title);
      await form.getByLabel('Duration (minutes)').fill('15');
      await form.getByRole('button', { name: 'Add lesson' }).click();
      await form.waitFor({ state: 'hidden' });
    }
    await expect
      .poll(lessonTitles, POLL)
      .toEqual([
        expect.stringContaining('1. Tables'),
        expect.stringContaining('2. Queries'),
        expect.stringContaining('3. Joins'),
      ]);
    await app.checkpoint('c3-lessons');
  });

  it('moves a lesson with the keyboard alone, and the new order is saved', async () => {
    // Each key waits for what a screen reader would hear, as the list moves between presses.
    const announced = (text: string) =>
      page.getByText(text, { exact: true }).waitFor({ state: 'attached' });
    const handle = page.getByRole('button', { name: 'Move Joins, lesson 3' });
    await handle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => handle.getAttribute('aria-pressed'), POLL).toBe('true');
    await page.keyboard.press('ArrowUp');
    await announced('Joins would become lesson 2.');
    await page.keyboard.press('ArrowUp');
    await announced('Joins would become lesson 1.');
    await page.keyboard.press('Space');
    await expect
      .poll(lessonTitles, POLL)
      .toEqual([
        expect.stringContaining('1. Joins'),
        expect.stringContaining('2. Tables'),
        expect.stringContaining('3. Queries'),
      ]);
    await expect
      .poll(async () => {
        const lessons = await call('lessons.list', { courseId });
        return lessons.items.map((lesson) => lesson.title);
      }, POLL)
      .toEqual(['Joins', 'Tables', 'Queries']);
  });

  it('moves a lesson by dragging its handle', async () => {
    const handle = page.getByRole('button', { name: 'Move Joins, lesson 1' });
    const target = page.getByRole('button', { name: 'Move Queries, lesson 3' });
    // The list may still be sliding into the order the last move gave it: measure it at rest.
    await page.waitForFunction(() =>
      document.getAnimations().every((animation) => animation.playState !== 'running'),
    );
    const from = await handle.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error('the lesson handles are not on screen');
    // The drop waits for what the list announces, so a busy machine can't outrun the drag.
    const announced = (text: string) =>
      page.getByText(text, { exact: true }).waitFor({ state: 'attached' });
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 + 10, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2 + 10, { steps: 15 });
    await announced('Joins would become lesson 3.');
    await page.mouse.up();
    await expect
      .poll(lessonTitles, POLL)
      .toEqual([
        expect.stringContaining('1. Tables'),
        expect.stringContaining('2. Queries'),
        expect.stringContaining('3. Joins'),
      ]);
    await expect
      .poll(async () => {
        const lessons = await call('lessons.list', { courseId });
        return lessons.items.map((lesson) => lesson.title);
      }, POLL)
      .toEqual(['Tables', 'Queries', 'Joins']);
  });

  it('reaches every lesson control by Tab, each showing that it has focus', async () => {
    await page.getByRole('heading', { name: 'Lessons', exact: true }).click();
    const stops = await app.tabStops(5);
    expect(stops).toEqual([
      { name: 'New lesson', isFocusVisible: true },
      { name: 'Move Tables, lesson 1', isFocusVisible: true },
      { name: 'Edit Tables', isFocusVisible: true },
      { name: 'Delete Tables', isFocusVisible: true },
      { name: 'Move Queries, lesson 2', isFocusVisible: true },
    ]);
  });

  it('creates a quiz and writes a question of every kind, with the schema’s errors beside the boxes', async () => {
    await tab('Quizzes').click();
    await page.getByRole('heading', { name: 'No quizzes yet' }).waitFor();
    await page.getByRole('button', { name: 'New quiz' }).first().click();
    const newQuiz = dialog('New quiz');
    await newQuiz.getByLabel('Title').fill('Check your SQL');
    await newQuiz.getByLabel('Pass score').fill('5');
    await newQuiz.getByRole('button', { name: 'Create quiz' }).click();
    await page.getByRole('heading', { name: 'No questions yet' }).waitFor();

    const editor = dialog('New question');
    const addQuestion = async (kind: string, text: string): Promise<void> => {
      await page.getByRole('button', { name: 'Add question' }).first().click();
      await editor.getByLabel('Kind').selectOption({ label: kind });
      await editor.getByLabel('Question text').fill(text);
    };
    const save = async (): Promise<void> => {
      await editor.getByRole('button', { name: 'Add question' }).click();
      await editor.waitFor({ state: 'hidden' });
    };

    await addQuestion('Single choice', 'Which statement reads rows?');
    await editor.getByRole('button', { name: 'Add question' }).click();
    await editor.getByText('Choices needs at least one correct choice').waitFor();
    await app.checkpoint('c4-question-errors');
    await editor.getByLabel('Choice 1', { exact: true }).fill('SELECT');
    await editor.getByRole('checkbox', { name: 'Choice 1 is correct' }).check();
    await editor.getByLabel('Choice 2', { exact: true }).fill('DELETE');
    await save();

    await addQuestion('Multiple choice (weighted)', 'Which are aggregate functions?');
    await editor.getByLabel('Choice 1', { exact: true }).fill('count');
    await editor.getByRole('checkbox', { name: 'Choice 1 is correct' }).check();
    await editor.getByLabel('Choice 1 weight (%)').fill('50');
    await editor.getByLabel('Choice 2', { exact: true }).fill('sum');
    await editor.getByRole('checkbox', { name: 'Choice 2 is correct' }).check();
    await editor.getByLabel('Choice 2 weight (%)').fill('50');
    await editor.getByRole('button', { name: 'Add choice' }).click();
    await editor.getByLabel('Choice 3', { exact: true }).fill('upper');
    await editor.getByLabel('Choice 3 weight (%)').fill('-50');
    await save();

    await addQuestion('True or false', 'NULL equals NULL.');
    await editor.getByRole('radio', { name: 'False' }).check();
    await save();

    await addQuestion('Short answer', 'Which keyword removes duplicate rows?');
    await editor.getByLabel('Accepted answer 1', { exact: true }).fill('DISTINCT');
    await save();

    await addQuestion('Numerical', 'How many rows does a cross join of 3 and 4 rows give?');
    await editor.getByLabel('Answer 1 value', { exact: true }).fill('12');
    await save();

    await addQuestion('Matching', 'Match each clause to what it does.');
    await editor.getByLabel('Prompt 1', { exact: true }).fill('WHERE');
    await editor.getByLabel('Answer to prompt 1', { exact: true }).fill('filters rows');
    await editor.getByLabel('Prompt 2', { exact: true }).fill('GROUP BY');
    await editor.getByRole('button', { name: 'Add question' }).click();
    await editor.getByText('Answer to prompt 2 must not be empty').waitFor();
    await editor.getByLabel('Answer to prompt 2', { exact: true }).fill('groups rows');
    await save();

    await addQuestion('Essay (graded by hand)', 'When would you denormalize a schema?');
    await save();

    const questions = page.getByRole('list', { name: 'Questions in order' }).getByRole('listitem');
    await expect.poll(() => questions.count(), POLL).toBe(7);
    await page.getByRole('button', { name: 'Move question 7 up' }).click();
    await expect
      .poll(async () => {
        const quizzes = await call('quizzes.list', { courseId });
        const quiz = await call('quizzes.get', { id: quizzes.items[0]?.id ?? '' });
        return quiz.options.questions.map((question) =>
          typeof question === 'object' && question !== null && 'kind' in question
            ? question.kind
            : question,
        );
      }, POLL)
      .toEqual([
        'single',
        'multiple',
        'true_false',
        'short_answer',
        'numerical',
        'essay',
        'matching',
      ]);
    await app.checkpoint('c5-quiz-questions');
  }, 240_000);

  it('bulk-enrols users picked by name and by pasted emails, after a review', async () => {
    await tab('Enrollments').click();
    await page.getByRole('heading', { name: 'Nobody is enrolled yet' }).waitFor();
    await page.keyboard.press('Shift+E');
    const form = dialog('Enrol users');
    await form.getByLabel('Find users').fill('hopper');
    await form.getByRole('checkbox', { name: 'Grace Hopper (grace@example.org)' }).check();
    await form.getByRole('tab', { name: 'Paste emails' }).click();
    await form
      .getByLabel('Emails', { exact: true })
      .fill('alan@example.org\nedsger@example.org, barbara@example.org\nnot-an-email');
    await form.getByRole('button', { name: 'Review 4 users' }).click();
    await form.getByText('Nothing is enrolled yet.', { exact: false }).waitFor();
    await form.getByText('not-an-email').waitFor();
    await app.checkpoint('c6-enrol-review');
    await form.getByRole('button', { name: 'Enrol 4 users' }).click();
    await form.getByText('4 learners enrolled').waitFor();
    await form.getByRole('button', { name: 'Done' }).click();
    const grid = page.getByRole('table', { name: 'Enrollments' });
    await expect.poll(() => grid.getByRole('row').count(), POLL).toBe(5);
    await app.checkpoint('c7-enrollments');
  });

  it('unenrols the selected learners after saying how many and what goes with them', async () => {
    await page.getByRole('checkbox', { name: 'Select Barbara Liskov' }).check();
    await page.getByRole('button', { name: 'Unenrol 1 selected…' }).click();
    const confirm = dialog('Unenrol the selected learners?');
    await confirm
      .getByText(
        'This removes 1 enrollment, and with them 0 lesson progress records and 0 quiz attempts.',
        { exact: false },
      )
      .waitFor();
    await confirm.getByRole('button', { name: 'Unenrol 1 learner' }).click();
    await confirm.waitFor({ state: 'hidden' });
    const grid = page.getByRole('table', { name: 'Enrollments' });
    await expect.poll(() => grid.getByRole('row').count(), POLL).toBe(4);
  });

  it('shows the dashboard’s plots, each with its figures as a table', async () => {
    // Learners at work meanwhile: one finished the course, three quiz attempts were scored.
    const enrollments = await call('enrollments.list', { courseId });
    const [quiz] = (await call('quizzes.list', { courseId })).items;
    const [first, ...others] = enrollments.items;
    if (!first || !quiz) throw new Error('the journey should have enrolled learners and a quiz');
    await call('enrollments.setStatus', {
      enrollmentId: first.id,
      version: first.version,
      status: 'completed',
    });
    for (const [index, enrollment] of [first, ...others].entries()) {
      await createAttempt(harness.db, {
        enrollmentId: enrollment.id,
        quizId: quiz.id,
        score: [9.5, 7, 4][index] ?? 0,
        maxScore: 10,
      });
    }
    await tab('Dashboard').click();
    const byStatus = page.getByRole('table', { name: 'Enrollments by status' });
    await byStatus.getByRole('row', { name: 'Active 2' }).waitFor();
    await byStatus.getByRole('row', { name: 'Completed 1' }).waitFor();
    await page.getByRole('img', { name: /^Bar chart of 3 enrollments by status/ }).waitFor();
    await page.getByRole('img', { name: /^Donut chart: 1 of 3 learners/ }).waitFor();
    await page.getByRole('img', { name: /^Bar chart of 3 scored quiz attempts/ }).waitFor();
    const scores = page.getByRole('table', { name: 'Quiz attempts by score' });
    await scores.getByRole('row', { name: '90–100% 1' }).waitFor();
    await scores.getByRole('row', { name: '70–80% 1' }).waitFor();
    await scores.getByRole('row', { name: '40–50% 1' }).waitFor();
    // The plots are drawn: recharts renders them as SVG.
    expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(3);
    await app.checkpoint('c8-dashboard');
  });

  it('shows both versions when another tab saved first, and saves the person’s choice with nothing lost', async () => {
    await tab('Overview').click();
    await page.getByLabel('Description').fill('Tables, queries, joins and indexes.');
    await page.getByLabel('Title').fill('Databases in Practice, 2nd edition');

    const other = await page.context().newPage();
    try {
      await other.goto(host.openUrl);
      await other.evaluate((id) => {
        location.hash = `#/courses/${id}`;
      }, courseId);
      await other.getByLabel('Title').fill('Practical Databases');
      await other.getByRole('button', { name: 'Save changes' }).click();
      await other.getByRole('heading', { level: 1, name: 'Practical Databases' }).waitFor();
    } finally {
      await other.close();
    }

    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = dialog('This course was changed meanwhile');
    await conflict.getByRole('radiogroup', { name: 'Title' }).waitFor();
    await conflict.getByText('Practical Databases', { exact: true }).waitFor();
    await conflict.getByText('Databases in Practice, 2nd edition', { exact: true }).waitFor();
    expect(await conflict.getByRole('radiogroup', { name: 'Slug' }).count()).toBe(0);
    await app.checkpoint('c9-conflict');
    await conflict
      .getByRole('radiogroup', { name: 'Title' })
      .getByRole('radio', { name: 'Take theirs' })
      .check();
    await conflict.getByRole('button', { name: 'Save the chosen values' }).click();
    await app.alert('Course saved').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Practical Databases' }).waitFor();
    const saved = await call('courses.get', {
      id: courseId,
    });
    expect(saved).toMatchObject({
      title: 'Practical Databases',
      description: 'Tables, queries, joins and indexes.',
    });
  });

  it('publishes the course from its page', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('button', { name: 'Unpublish' }).waitFor();
    await app.navLink('Courses').click();
    await app.courseRow('Practical Databases').getByText('Published').waitFor();
  });

  it('deletes a course only after saying what goes with it', async () => {
    await page.getByRole('button', { name: 'Actions for Retired Course' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const confirm = dialog('Delete “Retired Course”?');
    await confirm.getByText('1 lesson', { exact: true }).waitFor();
    await confirm.getByText('0 enrollments', { exact: true }).waitFor();
    await app.checkpoint('c10-delete-course');
    await confirm.getByRole('button', { name: 'Delete course' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => app.courseRow('Retired Course').count(), POLL).toBe(0);
  });

  it('shows an instructor only their own courses, which they can edit', async () => {
    await signInAs(INSTRUCTOR_EMAIL);
    await page.getByRole('heading', { name: 'My courses' }).waitFor();
    await app.courseRow('Statistics for Everyone').waitFor();
    expect(await app.courseRow('Practical Databases').count()).toBe(0);
    await openCourse('Statistics for Everyone');
    await page.getByRole('button', { name: 'Save changes' }).waitFor();
    expect(await page.getByRole('button', { name: 'Delete course…' }).count()).toBe(0);
    await app.checkpoint('c11-instructor-course');
  });

  it('gives support staff every tab of a course and no way to change anything', async () => {
    await signInAs(SUPPORT_EMAIL);
    await openCourse('Practical Databases');
    expect(await page.getByText('Read-only', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Title').getAttribute('readonly')).not.toBeNull();
    const editButtons =
      /^(Save changes|Publish|Unpublish|Delete|New lesson|New quiz|Add question|Enrol users|Edit|Remove|Move)/;
    expect(await page.getByRole('button', { name: editButtons }).count()).toBe(0);
    await tab('Lessons').click();
    await page.getByRole('list', { name: 'Lessons in order' }).waitFor();
    expect(await page.getByRole('button', { name: editButtons }).count()).toBe(0);
    await tab('Quizzes').click();
    await page.getByRole('link', { name: 'Check your SQL' }).click();
    await page.getByRole('list', { name: 'Questions in order' }).waitFor();
    expect(await page.getByRole('button', { name: editButtons }).count()).toBe(0);
    await tab('Enrollments').click();
    await page.getByRole('table', { name: 'Enrollments' }).waitFor();
    expect(await page.getByRole('button', { name: editButtons }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await app.checkpoint('c12-support-enrollments');
    await app.navLink('Courses').click();
    await app.courseRow('Practical Databases').waitFor();
    expect(await page.getByRole('button', { name: /^Actions for/ }).count()).toBe(0);
  });

  it('met no script error or Content Security Policy refusal on the way', () => {
    expect(app.problems).toEqual([]);
  });

  it('found no serious or critical accessibility violation on the pages it visited', () => {
    expect(app.accessibilityProblems).toEqual([]);
  });
});
