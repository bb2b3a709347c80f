import pg from 'pg';
import { Database, type ActorContext } from '../../../db/connection';
import type { BulkOperationInput, QuestionRef } from '../../../db/schemas/quiz-bulk';
import { applyBulkOperation } from '../../../db/services/quiz-bulk-apply';
import { compareMedians, goals, type BenchResult, type Sampling, type TimedWork } from '../harness';
import { withMigratedDatabase } from '../servers';

const QUIZZES = 1_000;
const QUESTIONS_PER_QUIZ = 10;
/** Who the apply's transaction says is acting: an app call from this machine, as the router sets it. */
const ACTOR: ActorContext = { actorId: null, actorIp: '127.0.0.1', source: 'app' };

/** A quiz's questions: every one has the typo once in its text, and in nothing else. */
function questionsOf(quiz: number): unknown[] {
  return Array.from({ length: QUESTIONS_PER_QUIZ }, (_, index) => ({
    id: `q${index + 1}`,
    kind: 'single',
    text: `Question ${index + 1} of quiz ${quiz}: which of teh following numbers is prime?`,
    textFormat: 'plain',
    points: 1,
    tags: ['arithmetic'],
    feedback: 'A prime has exactly two divisors.',
    choices: [
      { id: 'a', text: String(7 + index * 6), correct: true },
      { id: 'b', text: String(8 + index * 6), correct: false },
      { id: 'c', text: String(9 + index * 6), correct: false, feedback: 'Divisible by 3.' },
    ],
  }));
}

/** One replace inside every question's text, as a hand-written statement: `fn` turns `e.q ->> 'text'` into the new text. */
const sqlReplace = (fn: (text: string) => string): string =>
  `UPDATE quizzes
      SET options = jsonb_set(options, '{questions}',
            (SELECT jsonb_agg(jsonb_set(e.q, '{text}', to_jsonb(${fn(`e.q ->> 'text'`)})) ORDER BY e.i)
               FROM jsonb_array_elements(options -> 'questions') WITH ORDINALITY AS e(q, i)))
    WHERE id = ANY($1::uuid[])`;

interface Variant {
  label: string;
  operation: BulkOperationInput;
  baselineLabel: string;
  baselineSql: string;
}

const variants: Variant[] = [
  {
    label: 'plain find/replace',
    operation: { kind: 'replace', find: 'teh', replaceWith: 'the' },
    baselineLabel: 'one UPDATE … jsonb_set(replace())',
    baselineSql: sqlReplace((text) => `replace(${text}, 'teh', 'the')`),
  },
  {
    label: 'regex find/replace',
    operation: { kind: 'replace', find: '\\bteh\\b', replaceWith: 'the', isRegex: true },
    baselineLabel: 'one UPDATE … jsonb_set(regexp_replace())',
    baselineSql: sqlReplace((text) => `regexp_replace(${text}, '\\yteh\\y', 'the', 'g')`),
  },
];

/**
 * h. Find and replace over 10,000 questions in 1,000 quizzes through applyBulkOperation, in a
 * `db.withTransaction` as the router runs it: every quiz read and locked, its version checked,
 * the new options computed and validated against the shared schema, all written back in one
 * UPDATE. Baselines, in the same run: one hand-written SQL `UPDATE … jsonb_set` doing the same
 * replace inside PostgreSQL (goal ≤ 1.5×), and per-row Sequelize `save()` of each quiz in one
 * transaction (for reference). Every run starts from the same options, after a checkpoint.
 */
export async function quizFindReplace(samplings: {
  vsSql: Sampling;
  vsSave: Sampling;
}): Promise<BenchResult[]> {
  return withMigratedDatabase(async (url) => {
    const db = await Database.open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const {
        rows: [course],
      } = await client.query<{ id: string }>(
        `INSERT INTO courses (slug, title) VALUES ('bench-quizzes', 'Bench quizzes') RETURNING id`,
      );
      if (!course) throw new Error('no course');
      const quizzes = Array.from({ length: QUIZZES }, (_, quiz) => ({
        title: `Quiz ${String(quiz).padStart(4, '0')}`,
        options: { type: 'multiple_choice', shuffle: false, questions: questionsOf(quiz) },
      }));
      const { rows: created } = await client.query<{ id: string }>(
        `INSERT INTO quizzes (course_id, title, options)
         SELECT $1, q.title, q.options FROM jsonb_to_recordset($2::jsonb) AS q(title text, options jsonb)
         RETURNING id`,
        [course.id, JSON.stringify(quizzes)],
      );
      const quizIds = created.map((row) => row.id);
      await client.query(
        `CREATE TABLE bench_quiz_options AS SELECT id, options FROM quizzes WHERE id = ANY($1::uuid[])`,
        [quizIds],
      );
      const selection: QuestionRef[] = quizIds.flatMap((quizId) =>
        Array.from({ length: QUESTIONS_PER_QUIZ }, (_, index) => ({
          quizId,
          questionId: `q${index + 1}`,
        })),
      );

      /** Every quiz back to its first options; the versions an apply will expect. */
      const freshQuizzes = async (): Promise<{ quizId: string; version: number }[]> => {
        await client.query(
          `UPDATE quizzes q SET options = o.options FROM bench_quiz_options o WHERE q.id = o.id`,
        );
        await client.query('CHECKPOINT');
        const { rows } = await client.query<{ quizId: string; version: number }>(
          `SELECT id AS "quizId", version FROM quizzes WHERE id = ANY($1::uuid[])`,
          [quizIds],
        );
        return rows;
      };
      const fromFresh = (
        run: (versions: { quizId: string; version: number }[]) => Promise<void>,
      ): TimedWork<{ quizId: string; version: number }[]> => ({
        prepare: freshQuizzes,
        run,
        cleanUp: async () => undefined,
      });
      const expectAllChanged = async (): Promise<void> => {
        const {
          rows: [left],
        } = await client.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM quizzes WHERE options::text LIKE '%teh%'`,
        );
        if (left?.count !== 0) throw new Error(`${left?.count} quizzes still have the typo`);
      };

      const results: BenchResult[] = [];
      for (const variant of variants) {
        const apply = fromFresh(async (expectedVersions) => {
          const result = await db.withTransaction(ACTOR, (transaction) =>
            applyBulkOperation(
              db,
              { selection, operation: variant.operation, expectedVersions },
              {},
              transaction,
            ),
          );
          if (result.changedQuestionCount !== selection.length) {
            throw new Error(`changed ${result.changedQuestionCount} of ${selection.length}`);
          }
        });
        const handWritten = fromFresh(async () => {
          await client.query('BEGIN');
          const { rowCount } = await client.query(variant.baselineSql, [quizIds]);
          await client.query('COMMIT');
          if (rowCount !== QUIZZES) throw new Error(`the UPDATE wrote ${rowCount} quizzes`);
        });
        const vsSql = await compareMedians(samplings.vsSql, apply, handWritten);
        await expectAllChanged();
        results.push({
          name: `h. ${variant.label}, ${selection.length.toLocaleString('en-US')} questions in ${QUIZZES.toLocaleString('en-US')} quizzes vs ${variant.baselineLabel}`,
          unit: 'ms',
          ...vsSql,
          goal: goals.ratioAtMost(1.5),
        });
      }

      const plain = variants[0];
      if (!plain) throw new Error('no plain variant');
      const perRowSave = fromFresh(async () => {
        await db.withTransaction(ACTOR, async (transaction) => {
          const models = await db.models.Quiz.findAll({
            where: { id: quizIds },
            transaction,
            lock: transaction.LOCK.UPDATE,
          });
          for (const quiz of models) {
            const questions = quiz.options.questions as { text: string }[];
            quiz.options = {
              ...quiz.options,
              questions: questions.map((question) => ({
                ...question,
                text: question.text.replaceAll('teh', 'the'),
              })),
            };
            await quiz.save({ transaction });
          }
        });
      });
      const vsSave = await compareMedians(
        samplings.vsSave,
        fromFresh(async (expectedVersions) => {
          await db.withTransaction(ACTOR, (transaction) =>
            applyBulkOperation(
              db,
              { selection, operation: plain.operation, expectedVersions },
              {},
              transaction,
            ),
          );
        }),
        perRowSave,
      );
      results.push({
        name: `h. ${plain.label} vs per-row Sequelize findAll + save() of each quiz`,
        unit: 'ms',
        ...vsSave,
        goal: goals.reportOnly('reference: what one UPDATE saves'),
      });
      return results;
    } finally {
      await client.end();
      await db.close();
    }
  });
}
