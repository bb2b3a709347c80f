/**
 * The LMS's own tables (SCHEMA.md), parents before children: rows are copied, synced and restored
 * in this order and deleted in the reverse one, so a foreign key always finds its parent. Pure:
 * the renderer's audit filters list them too.
 */
export const lmsTables = [
  'users',
  'courses',
  'lessons',
  'quizzes',
  'enrollments',
  'lesson_progress',
  'quiz_attempts',
] as const;
export type LmsTable = (typeof lmsTables)[number];
