import { z } from 'zod';
import { idSchema } from './common';
import { enrollmentStatusSchema } from './enrollments';

export const courseDashboardInputSchema = z.object({ courseId: idSchema }).strict();
export type CourseDashboardInput = z.infer<typeof courseDashboardInputSchema>;

const countSchema = z.number().int().min(0);

/** Scores as a percent of the attempt's max score fall in ten buckets of 10 points. */
export const SCORE_BUCKET_COUNT = 10;
export const SCORE_BUCKET_WIDTH = 100 / SCORE_BUCKET_COUNT;

/** Attempts scoring from `fromPercent` up to, not including, `toPercent` (the last bucket includes 100). */
export const scoreBucketSchema = z.object({
  fromPercent: z.number(),
  toPercent: z.number(),
  attempts: countSchema,
});
export type ScoreBucket = z.infer<typeof scoreBucketSchema>;

/** Scores of submitted and graded attempts that have a score and a positive max score. */
export const scoreSummarySchema = z.object({
  scoredAttempts: countSchema,
  /** Null when no attempt is scored. */
  averagePercent: z.number().nullable(),
  distribution: z.array(scoreBucketSchema).length(SCORE_BUCKET_COUNT),
});
export type ScoreSummary = z.infer<typeof scoreSummarySchema>;

export const quizScoreSummarySchema = scoreSummarySchema.extend({
  quizId: idSchema,
  title: z.string(),
  /** The average raw score (same scale as the quiz's max score); null when none is scored. */
  averageScore: z.number().nullable(),
});
export type QuizScoreSummary = z.infer<typeof quizScoreSummarySchema>;

export const courseDashboardSchema = z.object({
  courseId: idSchema,
  enrollments: z.object({
    /** Every status, zeros included. */
    byStatus: z.record(enrollmentStatusSchema, countSchema),
    total: countSchema,
  }),
  /** Completed ÷ enrollments that are not dropped, from 0 to 1; null when there are none. */
  completionRate: z.number().min(0).max(1).nullable(),
  /** Over every quiz of the course. */
  scores: scoreSummarySchema,
  /** Each quiz of the course, those without a scored attempt included. */
  quizzes: z.array(quizScoreSummarySchema),
});
export type CourseDashboard = z.infer<typeof courseDashboardSchema>;
