import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection';
import {
  exportQuestionsInputSchema,
  type ExportQuestionsInput,
  type ExportQuestionsResult,
} from '../schemas/question-formats';
import { quizOptionsSchema } from '../schemas/quiz-options';
import type { LongWork } from './long-work';
import type { QuizToWrite } from './question-formats/question-file';
import { questionFileFormats } from './question-formats/registry';
import { ServiceError } from './service-error';

interface ExportedQuizRow {
  id: string;
  title: string;
  options: unknown;
}

/**
 * Writes a selection of a course's questions in one format: every quiz of the course, or the
 * quizzes named, and of those all questions or the ones named. Quizzes keep their titles (as
 * categories where the format has them); what the format can't carry is listed in `notes`.
 */
export async function exportQuestions(
  db: Database,
  rawInput: ExportQuestionsInput,
  transaction?: Transaction,
  work: LongWork = {},
): Promise<ExportQuestionsResult> {
  const input = exportQuestionsInputSchema.parse(rawInput);
  const [course] = await db.sequelize.query<{ slug: string }>(
    `SELECT slug FROM courses WHERE id = $1`,
    { bind: [input.courseId], type: QueryTypes.SELECT, transaction },
  );
  if (!course)
    throw new ServiceError('NOT_FOUND', 'That course no longer exists: reload the courses.');
  // A selection of questions names its quizzes too.
  const quizIds =
    input.quizIds ??
    (input.questions && [...new Set(input.questions.map((question) => question.quizId))]);
  const rows = await db.sequelize.query<ExportedQuizRow>(
    `SELECT id, title, options FROM quizzes
     WHERE course_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
     ORDER BY title, id`,
    { bind: [input.courseId, quizIds ?? null], type: QueryTypes.SELECT, transaction },
  );
  const missingQuizzes = (quizIds ?? []).filter((id) => !rows.some((row) => row.id === id));
  if (missingQuizzes.length > 0) {
    throw new ServiceError(
      'NOT_FOUND',
      `No quiz ${missingQuizzes.join(', ')} in this course: it may have been deleted. Reload the quizzes.`,
      { fields: { quizIds: 'must be quizzes of the course' } },
    );
  }
  work.signal?.throwIfAborted();
  const keyOf = (quizId: string, questionId: string): string => `${quizId}/${questionId}`;
  const wanted =
    input.questions &&
    new Set(input.questions.map(({ quizId, questionId }) => keyOf(quizId, questionId)));
  const found = new Set<string>();
  const quizzes: QuizToWrite[] = [];
  for (const row of rows) {
    const options = quizOptionsSchema.safeParse(row.options);
    if (!options.success) {
      throw new ServiceError(
        'VALIDATION',
        `The quiz "${row.title}" has questions that don't fit the question schema: repair it, or export the other quizzes.`,
      );
    }
    const questions = options.data.questions.filter((question) => {
      if (!wanted) return true;
      const key = keyOf(row.id, question.id);
      if (!wanted.has(key)) return false;
      found.add(key);
      return true;
    });
    if (questions.length > 0 || !wanted) quizzes.push({ title: row.title, questions });
  }
  const missingQuestions = (input.questions ?? []).filter(
    ({ quizId, questionId }) => !found.has(keyOf(quizId, questionId)),
  );
  if (missingQuestions.length > 0) {
    const named = missingQuestions.slice(0, 10).map((question) => question.questionId);
    throw new ServiceError(
      'NOT_FOUND',
      `No question ${named.join(', ')} in the chosen quizzes: it may have been moved or deleted. Reload them.`,
      { fields: { questions: 'must be questions of the chosen quizzes' } },
    );
  }
  const format = questionFileFormats[input.format];
  const written = format.write(quizzes);
  const questionCount = quizzes.reduce((sum, quiz) => sum + quiz.questions.length, 0);
  work.progress?.(questionCount, questionCount, 'written');
  return {
    format: input.format,
    fileName: `${course.slug}${format.exportExtension}`,
    content: written.text,
    quizCount: quizzes.length,
    questionCount,
    notes: written.notes,
  };
}
