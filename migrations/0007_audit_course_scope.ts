import type { MigrationDb } from '../db/migration';

/**
 * A course's history with what belongs to it ("who changed this course?" asked of its lessons,
 * quizzes and enrollments too) reads, besides the course's own entries, every entry of a child
 * table whose snapshot names the course. Without an index that is a scan of the whole log.
 *
 * - audit_log_course_children_idx: an entry's course as of the change (the after snapshot, or the
 *   before snapshot of a DELETE: deleted children stay findable), then seq, so a page is one
 *   backward index scan newest first, however long the log.
 * - audit_log_course_moved_idx: the rare UPDATE that moved a child to another course is found
 *   by the course it left too. Partial, so it holds only such moves and costs writes nothing else.
 *
 * The course rows themselves keep using audit_log_table_name_record_id_seq_idx, so course writes
 * (bulk edits of many courses) pay no extra index. The child tables are listed, not read from the
 * catalog: an index predicate is fixed when it is built.
 */
const CHILD_TABLES = `('lessons', 'quizzes', 'enrollments')`;

export async function up(db: MigrationDb): Promise<void> {
  await db.query(`
    CREATE INDEX audit_log_course_children_idx
      ON audit_log ((((COALESCE(after, before) ->> 'course_id'))::uuid), seq)
      WHERE table_name IN ${CHILD_TABLES};
    CREATE INDEX audit_log_course_moved_idx
      ON audit_log ((((before ->> 'course_id'))::uuid), seq)
      WHERE table_name IN ${CHILD_TABLES} AND action = 'UPDATE'
        AND (before ->> 'course_id') IS DISTINCT FROM (after ->> 'course_id');
  `);
}

export async function down(db: MigrationDb): Promise<void> {
  await db.query(`
    DROP INDEX audit_log_course_moved_idx;
    DROP INDEX audit_log_course_children_idx;
  `);
}
