import { XMLParser } from 'fast-xml-parser';
import fs from 'node:fs/promises';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { launchChromium } from '../support/chromium';
import { createCourse } from '../support/lms-factories';
import { LmsAdminApp, STEP_TIMEOUT_MS } from './lms-admin-app';

const INSTRUCTOR_EMAIL = 'ines.files@example.org';
const COURSE_TITLE = 'Logistics 101';
const QUIZ_TITLE = 'Shipping basics';
const QUESTION_COUNT = 50;
const POLL = { timeout: STEP_TIMEOUT_MS };

/** One question of each kind GIFT writes, every one with the typo "recieve" in its text. */
const GIFT_KINDS: ((n: number) => string)[] = [
  (n) => `::S${n}:: On which day do we recieve parcel ${n}? {=Monday ~Tuesday ~Friday}`,
  (n) => `::T${n}:: We recieve parcel ${n} on Sundays. {F}`,
  (n) => `::A${n}:: At which desk do we recieve parcel ${n}? {=front =reception}`,
  (n) => `::N${n}:: How many parcels like ${n} do we recieve each hour? {#12:2}`,
  (n) =>
    `::M${n}:: Match where we recieve the parts of parcel ${n}. {=Letters -> Desk =Boxes -> Dock =Pallets -> Yard}`,
  (n) => `::E${n}:: Describe how we recieve parcel ${n}. {}`,
  (n) =>
    `::W${n}:: Which parts of parcel ${n} do we recieve? {~%50%Letters ~%50%Boxes ~%-100%Nothing}`,
];

/** A GIFT file of fifty questions of seven kinds, as an instructor keeps it. */
function shippingGift(): string {
  const lines = ['// Shipping drill: every question has the same spelling mistake'];
  for (let n = 1; n <= QUESTION_COUNT; n += 1) {
    const write = GIFT_KINDS[(n - 1) % GIFT_KINDS.length];
    if (write) lines.push('', write(n));
  }
  return `${lines.join('\n')}\n`;
}

/** A GIFT file with a bad number on line 4 and an unclosed answer block on line 6. */
const BROKEN_GIFT = [
  '// Parcels drill, with mistakes',
  '::Good:: We recieve parcels daily. {T}',
  '',
  '::Num:: How many do we recieve? {#abc}',
  '',
  '::Open:: Where do we recieve them? {=Desk ~Dock',
  '',
  '::Later:: Is this fine? {F}',
  '',
].join('\n');

/** A Moodle XML file with a true/false question and a cloze one, which LMS Admin doesn't support. */
const WAREHOUSE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/Warehouse</text></category>
  </question>
  <question type="truefalse">
    <name><text>Dock</text></name>
    <questiontext format="html"><text><![CDATA[<p>The dock opens at six.</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="multianswer">
    <name><text>Gaps</text></name>
    <questiontext format="html"><text>The dock opens at {1:SHORTANSWER:=six}.</text></questiontext>
  </question>
</quiz>
`;

const launch = await launchChromium();
if (!launch.browser) console.log(`Skipping the question files end-to-end test: ${launch.reason}.`);

describe.skipIf(!launch.browser)('an instructor imports, fixes and exports a GIFT file', () => {
  let harness: ApiHarness;
  let host: WebHost;
  let app: LmsAdminApp;
  let instructor: { userId: string; sessionId: string };
  let courseId: string;

  /** The course's quizzes as the database has them, with their question counts. */
  const quizzesInDatabase = (): Promise<{ title: string; questions: number }[]> =>
    harness.db.sequelize.query(
      `SELECT title, jsonb_array_length(options->'questions')::int AS questions
       FROM quizzes WHERE course_id = $1 ORDER BY title`,
      { bind: [courseId], type: QueryTypes.SELECT },
    );

  /** How many of the course's questions read `text`, as the API finds them. */
  const questionsWith = async (text: string): Promise<number> =>
    (
      await callOk(
        harness,
        'quizzes.bulk.search',
        { courseId, text, limit: 500 },
        instructor.sessionId,
      )
    ).items.length;

  const importDialog = () => app.page.getByRole('dialog', { name: 'Import questions' });

  /** Opens the import from the question bank and chooses a file and the course. */
  const startImport = async (fileName: string, content: string): Promise<void> => {
    await app.page.getByRole('button', { name: 'Import questions' }).click();
    const dialog = importDialog();
    await dialog.getByLabel('Question file').setInputFiles({
      name: fileName,
      mimeType: 'text/plain',
      buffer: Buffer.from(content),
    });
    await dialog.getByText(`Chosen: ${fileName}`).waitFor();
    await dialog.getByLabel('Course', { exact: true }).selectOption({ label: COURSE_TITLE });
  };

  beforeAll(async () => {
    harness = await createApiHarness();
    // An admin exists, so the app asks to sign in rather than for first-run setup.
    await harness.signedIn('admin');
    instructor = await harness.signedIn('instructor', INSTRUCTOR_EMAIL);
    courseId = (
      await createCourse(harness.db, { instructorId: instructor.userId, title: COURSE_TITLE })
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

  it('previews a GIFT file of 50 questions in seven kinds, writing nothing', async () => {
    await app.signIn(INSTRUCTOR_EMAIL, TEST_PASSWORD);
    await app.navLink('Question bank').click();
    await app.page.getByRole('heading', { name: 'Question bank' }).waitFor();
    await startImport('shipping.gift', shippingGift());
    const dialog = importDialog();
    await dialog.getByRole('radio', { name: 'One quiz, by title' }).check();
    await dialog.getByLabel('Quiz title').fill(QUIZ_TITLE);
    await dialog.getByRole('button', { name: 'Preview import', exact: true }).click();

    await dialog.getByText('shipping.gift is ready to import').waitFor();
    await dialog.getByText(/read as GIFT \(guessed from the file name's \.gift\)/).waitFor();
    const plan = dialog.getByRole('table', { name: 'Quizzes the import fills' });
    const row = plan.getByRole('row').filter({ hasText: QUIZ_TITLE });
    await expect.poll(() => row.textContent(), POLL).toContain('New quiz');
    expect(await row.textContent()).toContain(`${QUESTION_COUNT}`);
    expect(await row.textContent()).toMatch(/8 single choice.*7 essay/);
    await app.checkpoint('question-files-10-import-preview');
    expect(await quizzesInDatabase()).toEqual([]);
  });

  it('imports the previewed file in one step, and links to the new quiz', async () => {
    const dialog = importDialog();
    await dialog.getByRole('button', { name: `Import ${QUESTION_COUNT} questions` }).click();
    const notice = app.alert('Questions imported');
    await notice.waitFor();
    expect(await quizzesInDatabase()).toEqual([{ title: QUIZ_TITLE, questions: QUESTION_COUNT }]);
    expect(await questionsWith('recieve')).toBe(QUESTION_COUNT);

    // The notice's link opens the new quiz in its course.
    await notice.getByRole('link', { name: new RegExp(`^Open ${QUIZ_TITLE}`) }).click();
    await app.page.getByRole('heading', { name: `${QUIZ_TITLE}: questions` }).waitFor();
    await app.page.getByText('1. S1', { exact: true }).waitFor();
  });

  /** Selects every question the grid shows and previews the fix: a diff for each of the 50. */
  const previewFix = async (): Promise<void> => {
    await app.page.getByRole('checkbox', { name: 'Select all loaded questions' }).check();
    await app.page.getByText(`${QUESTION_COUNT} questions selected.`).waitFor();
    await app.page.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = app.page.getByRole('region', { name: 'Preview' });
    await preview.getByText(`${QUESTION_COUNT} question changes in 1 quiz`).waitFor();
    await preview.getByText('On which day do we recieve parcel 1?').first().waitFor();
    await preview.getByText('On which day do we receive parcel 1?').first().waitFor();
  };

  it('previews the fix of the typo across the 50 questions with find and replace', async () => {
    await app.navLink('Question bank').click();
    await app.page.getByLabel('Search questions').fill('recieve');
    await app.page.getByText(`${QUESTION_COUNT} questions shown`).waitFor();
    await app.page.getByLabel('Find', { exact: true }).fill('recieve');
    await app.page.getByLabel('Replace with').fill('receive');
    await previewFix();
    await app.checkpoint('question-files-20-replace-preview');
    expect(await questionsWith('recieve')).toBe(QUESTION_COUNT);
  });

  it('applies the fix to all 50 at once, and Undo puts every question back', async () => {
    await app.page.getByRole('button', { name: `Apply ${QUESTION_COUNT} changes` }).click();
    const applied = app.alert('Changes applied');
    await applied.waitFor();
    expect(await questionsWith('recieve')).toBe(0);
    expect(await questionsWith('receive')).toBe(QUESTION_COUNT);

    await applied.getByRole('button', { name: 'Undo' }).click();
    const undone = app.alert('Undone');
    await undone.waitFor();
    // The notice sits over the bulk panel's buttons; a person closes it to go on.
    await undone.getByRole('button', { name: 'Dismiss notification' }).click();
    expect(await questionsWith('recieve')).toBe(QUESTION_COUNT);
    expect(await questionsWith('receive')).toBe(0);
    await app.page.getByText(`${QUESTION_COUNT} questions shown`).waitFor();
  });

  it('applies the fix again after the undo', async () => {
    await previewFix();
    await app.page.getByRole('button', { name: `Apply ${QUESTION_COUNT} changes` }).click();
    await app.alert('Changes applied').first().waitFor();
    expect(await questionsWith('recieve')).toBe(0);
    expect(await questionsWith('receive')).toBe(QUESTION_COUNT);
  });

  it('exports the quiz to Moodle XML: the fixed text, in a file that parses to 50 questions', async () => {
    await app.page.getByRole('button', { name: 'Export questions' }).click();
    const dialog = app.page.getByRole('dialog', { name: 'Export questions' });
    await dialog.getByLabel('Format').selectOption({ label: 'Moodle XML' });
    await dialog.getByRole('radio', { name: 'One quiz' }).check();
    await dialog.getByLabel('Course', { exact: true }).selectOption({ label: COURSE_TITLE });
    await dialog.getByLabel('Quiz', { exact: true }).selectOption({ label: QUIZ_TITLE });
    await app.checkpoint('question-files-30-export');
    const download = app.page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export Moodle XML' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.xml$/);
    const xml = await fs.readFile(await file.path(), 'utf8');
    await app.alert('Questions exported').waitFor();

    expect(xml).not.toContain('recieve');
    const parsed: unknown = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === 'question',
    }).parse(xml, true);
    const questions = (
      parsed as {
        quiz: { question: { '@_type': string; questiontext?: { text: unknown } }[] };
      }
    ).quiz.question.filter((question) => question['@_type'] !== 'category');
    expect(questions).toHaveLength(QUESTION_COUNT);
    for (const question of questions) {
      expect(String(question.questiontext?.text)).toMatch(/\breceive\b/);
    }
  });

  it('exports the questions selected in the grid, and only those, as JSON', async () => {
    await app.page.getByLabel('Search questions').fill('Which parts of parcel');
    await app.page.getByText('7 questions shown').waitFor();
    await app.page.getByRole('checkbox', { name: 'Select all loaded questions' }).check();
    await app.page.getByText('7 questions selected.').waitFor();
    await app.page.getByRole('button', { name: 'Export questions' }).click();
    const dialog = app.page.getByRole('dialog', { name: 'Export questions' });
    expect(await dialog.getByRole('radio', { name: 'The 7 selected questions' }).isChecked()).toBe(
      true,
    );
    await dialog.getByLabel('Format').selectOption({ label: 'JSON (LMS Admin)' });
    const download = app.page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export JSON (LMS Admin)' }).click();
    const file = await download;
    const exported = JSON.parse(await fs.readFile(await file.path(), 'utf8')) as {
      quizzes: { title: string; questions: { title?: string; kind: string }[] }[];
    };
    expect(exported.quizzes.map((quiz) => quiz.title)).toEqual([QUIZ_TITLE]);
    expect(exported.quizzes[0]?.questions.map((question) => question.title)).toEqual(
      [7, 14, 21, 28, 35, 42, 49].map((n) => `W${n}`),
    );
    await app.alert('Questions exported').first().waitFor();
  });

  it('opens the import by keyboard and reaches each of its controls by Tab, focus showing', async () => {
    await app.page.getByRole('button', { name: 'Import questions' }).focus();
    await app.page.keyboard.press('Enter');
    await importDialog().waitFor();
    const stops = await app.tabStops(6);
    expect(stops.map((stop) => stop.name)).toEqual(
      expect.arrayContaining([
        'Question file',
        'Course',
        'Format',
        'A quiz per category of the file',
        'Close',
      ]),
    );
    expect(stops.filter((stop) => !stop.isFocusVisible)).toEqual([]);
    await app.page.keyboard.press('Escape');
    await importDialog().waitFor({ state: 'detached' });
  });

  it('lists a malformed GIFT file’s problems by line and column, and imports nothing', async () => {
    const before = await quizzesInDatabase();
    await startImport('parcels-broken.gift', BROKEN_GIFT);
    const dialog = importDialog();
    await dialog.getByRole('button', { name: 'Preview import', exact: true }).click();
    await dialog.getByText('2 problems in parcels-broken.gift; nothing was imported').waitFor();
    const problems = dialog.getByRole('table', { name: 'Problems in the file' });
    const rows = problems.getByRole('row');
    await expect.poll(() => rows.count(), POLL).toBe(3);
    const cells = async (index: number): Promise<string[]> =>
      (await rows.nth(index).getByRole('cell').allTextContents()).slice(0, 3);
    expect(await cells(1)).toEqual(['4', '35', 'Num']);
    expect(await rows.nth(1).textContent()).toContain('"abc" is not a number');
    expect(await cells(2)).toEqual(['6', '36', 'Open']);
    expect(await rows.nth(2).textContent()).toContain('has no closing }');
    expect(await dialog.getByRole('button', { name: /^Import \d+ question/ }).count()).toBe(0);
    await app.checkpoint('question-files-40-import-problems');

    // The problems region scrolls by keyboard: it takes focus.
    await dialog.getByRole('region', { name: 'Problems in the file' }).focus();
    // The dialog's own Close, after the title bar's.
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    expect(await quizzesInDatabase()).toEqual(before);
  });

  it('names the questions of an unsupported kind, and leaves them out only when asked', async () => {
    await startImport('warehouse.xml', WAREHOUSE_XML);
    const dialog = importDialog();
    await dialog.getByRole('button', { name: 'Preview import', exact: true }).click();
    await dialog.getByText('1 problem in warehouse.xml; nothing was imported').waitFor();
    const problem = dialog.getByRole('table', { name: 'Problems in the file' }).getByRole('row');
    await expect.poll(() => problem.nth(1).textContent(), POLL).toMatch(/Gaps.*cloze/);
    expect(await dialog.getByRole('button', { name: /^Import \d+ question/ }).count()).toBe(0);

    await dialog
      .getByRole('checkbox', {
        name: "Leave out the 1 question LMS Admin doesn't support (cloze (embedded answers)) and import the rest",
      })
      .check();
    await dialog.getByText('warehouse.xml is ready to import').waitFor();
    await dialog
      .getByText(
        "1 question will be left out, as LMS Admin doesn't support cloze (embedded answers):",
      )
      .waitFor();
    const leftOut = dialog.getByRole('table', { name: 'Questions left out' }).getByRole('row');
    expect(await leftOut.nth(1).textContent()).toContain('Gaps');
    await app.checkpoint('question-files-50-unsupported-left-out');
    await dialog.getByRole('button', { name: 'Import 1 question' }).click();
    await app.alert('Questions imported').first().waitFor();
    expect(await quizzesInDatabase()).toEqual([
      { title: QUIZ_TITLE, questions: QUESTION_COUNT },
      { title: 'Warehouse', questions: 1 },
    ]);
  });

  it('refuses a dropped file over the browser mode’s 20 MB request limit before sending it', async () => {
    await app.page.getByRole('button', { name: 'Import questions' }).click();
    const dialog = importDialog();
    // Made in the page and dropped there, as a person drags a file in from their desktop.
    const dataTransfer = await app.page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      const text = new Uint8Array(21 * 1024 * 1024).fill('T'.charCodeAt(0));
      transfer.items.add(new File([text], 'huge.gift', { type: 'text/plain' }));
      return transfer;
    });
    await dialog.getByText('Drop a question file here').dispatchEvent('drop', { dataTransfer });
    const refused = app.alert("This file can't be imported");
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/huge\.gift is 21\.0 MB, over the 20\.0 MB/);
    expect(await dialog.getByRole('button', { name: 'Preview import' }).isDisabled()).toBe(true);
    const before = await quizzesInDatabase();
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    expect(await quizzesInDatabase()).toEqual(before);
  });

  it('met no script errors and no serious accessibility violations on the way', () => {
    expect(app.problems).toEqual([]);
    expect(app.accessibilityProblems).toEqual([]);
  });
});
