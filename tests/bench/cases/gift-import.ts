import pg from 'pg';
import { Database, type ActorContext } from '../../../db/connection';
import { questionSchema, type Question } from '../../../db/schemas/quiz-options';
import { giftFormat } from '../../../db/services/question-formats/gift';
import { importQuestions } from '../../../db/services/question-import';
import { compareMedians, goals, type BenchResult, type Sampling, type TimedWork } from '../harness';
import { withMigratedDatabase } from '../servers';

const QUESTIONS = 10_000;
/** Ten categories of a thousand: ten quizzes, as a question bank exported from Moodle would make. */
const CATEGORIES = 10;
/** Who the import's transaction says is acting: an app call from this machine, as the router sets it. */
const ACTOR: ActorContext = { actorId: null, actorIp: '127.0.0.1', source: 'app' };

/** The n-th question of the bank: every kind in turn, with credit, feedback and escapes. */
function bankQuestion(n: number): Question {
  const common = {
    id: `q${n + 1}`,
    title: `Question ${n + 1}`,
    text: `Question ${n + 1}: which answer fits? (a: b = {c})`,
    textFormat: 'moodle',
    feedback: 'See chapter 3.',
  };
  const kinds = [
    {
      kind: 'single',
      choices: [
        { id: 'a', text: String(n), correct: true, feedback: 'Yes.' },
        { id: 'b', text: String(n + 1), correct: false, feedback: 'Off by one.' },
        { id: 'c', text: String(n + 2), correct: false, weight: -25 },
      ],
    },
    {
      kind: 'multiple',
      choices: [
        { id: 'a', text: 'two', correct: true, weight: 50 },
        { id: 'b', text: 'three', correct: true, weight: 50 },
        { id: 'c', text: 'four', correct: false, weight: -100 },
      ],
    },
    { kind: 'true_false', answer: n % 2 === 0, feedbackTrue: 'True.', feedbackFalse: 'False.' },
    {
      kind: 'short_answer',
      answers: [
        { text: 'Paris', feedback: 'Right.' },
        { text: 'paris', weight: 50 },
      ],
    },
    {
      kind: 'numerical',
      answers: [
        { value: n, tolerance: 0.5 },
        { min: n - 5, max: n + 5, weight: 50 },
        { otherwise: true, feedback: 'No.' },
      ],
    },
    {
      kind: 'matching',
      pairs: [
        { prompt: 'Canada', answer: 'Ottawa' },
        { prompt: 'Italy', answer: 'Rome' },
        { prompt: '', answer: 'Canberra' },
      ],
    },
    { kind: 'essay' },
  ];
  return questionSchema.parse({ ...common, ...kinds[n % kinds.length] });
}

/**
 * l. Importing a 10,000-question GIFT file (ten categories, every kind) through importQuestions,
 * in a transaction of `db.withTransaction` as the router runs it: parse, check every question
 * against the shared schema, give ids, create the ten quizzes. Baseline: the least work that
 * stores the same quizzes: JSON.parse of the same questions and one INSERT of the ten rows
 * through raw `pg`. Every run starts from a course with no quizzes. Reported as questions/s.
 */
export async function giftImport(sampling: Sampling): Promise<BenchResult> {
  const bank = Array.from({ length: QUESTIONS }, (_, n) => bankQuestion(n));
  const perCategory = QUESTIONS / CATEGORIES;
  const quizzes = Array.from({ length: CATEGORIES }, (_, index) => ({
    title: `Category ${index + 1}`,
    questions: bank.slice(index * perCategory, (index + 1) * perCategory),
  }));
  const gift = giftFormat.write(quizzes).text;
  const json = JSON.stringify(quizzes);
  return withMigratedDatabase(async (url) => {
    const db = await Database.open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO courses (slug, title) VALUES ('question-bank', 'Question bank') RETURNING id`,
      );
      const courseId = rows[0]?.id;
      if (!courseId) throw new Error('no course');
      const fromNoQuizzes = (run: () => Promise<void>): TimedWork<void> => ({
        prepare: async () => {
          await client.query('DELETE FROM quizzes WHERE course_id = $1', [courseId]);
          await client.query('CHECKPOINT');
        },
        run,
        cleanUp: async () => undefined,
      });
      const importFile = fromNoQuizzes(async () => {
        const result = await db.withTransaction(ACTOR, (transaction) =>
          importQuestions(db, { courseId, content: gift, fileName: 'bank.gift' }, transaction, {
            isDryRun: false,
          }),
        );
        if (!result.isWritten || result.questionCount !== QUESTIONS) {
          throw new Error(
            `the import wrote ${result.questionCount} of ${QUESTIONS} questions: ${JSON.stringify(result.problems.slice(0, 3))}`,
          );
        }
      });
      const plainInsert = fromNoQuizzes(async () => {
        const parsed = JSON.parse(json) as { title: string; questions: unknown[] }[];
        await client.query(
          `INSERT INTO quizzes (course_id, title, options)
           SELECT $1, q.title, jsonb_build_object('shuffle', false, 'questions', q.questions)
             FROM jsonb_to_recordset($2::jsonb) AS q(title text, questions jsonb)`,
          [courseId, JSON.stringify(parsed)],
        );
      });
      const { valueMs, baselineMs } = await compareMedians(sampling, importFile, plainInsert);
      const perSecond = Math.round((QUESTIONS / valueMs) * 1000).toLocaleString('en-US');
      return {
        name: `l. GIFT import of ${QUESTIONS.toLocaleString('en-US')} questions (${perSecond} questions/s) vs JSON.parse + one INSERT of the same quizzes`,
        unit: 'ms',
        valueMs,
        baselineMs,
        goal: goals.reportOnly('questions/s reported'),
      };
    } finally {
      await client.end();
      await db.close();
    }
  });
}
