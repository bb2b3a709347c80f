import pg from 'pg';
import { Database } from '../../../db/connection';
import { listAudit } from '../../../db/services/audit';
import {
  compareMedians,
  goals,
  justRun,
  type BenchResult,
  type Sampling,
  type TimedWork,
} from '../harness';
import { withMigratedDatabase } from '../servers';

const BULK_ROWS = 100_000;
const SINGLE_UPDATES = 2_000;
/** How many records the generated history spreads over: the record timed has rows/this entries. */
const HISTORY_RECORDS = 500_000;
/** How many courses those records (lessons) belong to: a course's history has rows/this entries. */
const HISTORY_COURSES = 5_000;

/** A valid version-4 uuid made from a number, so generated rows name the same records every run. */
const RECORD_ID_OF = (number: string): string =>
  `(SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid FROM md5((${number})::text) h)`;

/** The courses table's three audit triggers (migration 0002), switched off for the baselines. */
async function setAuditTriggers(client: pg.Client, isEnabled: boolean): Promise<void> {
  const verb = isEnabled ? 'ENABLE' : 'DISABLE';
  await client.query(
    `ALTER TABLE courses ${verb} TRIGGER courses_audit_insert, ${verb} TRIGGER courses_audit_update, ${verb} TRIGGER courses_audit_delete`,
  );
}

/** As the router's transactions set them: the triggers read these for actor, IP and source. */
const SET_ACTOR = `SELECT set_config('lms.actor_id', gen_random_uuid()::text, true),
  set_config('lms.actor_ip', '127.0.0.1', true), set_config('lms.source', 'app', true)`;

/**
 * j. What the audit triggers cost a write, and how fast a record's history reads among many:
 *  - one UPDATE of 100k courses (a bulk edit, in a transaction with the app's actor settings),
 *    with the audit triggers against the same with them disabled. Goal ≤ 1.5× (a naive row
 *    trigger with to_jsonb and a jsonb_each diff measured 1.7× here).
 *  - 2,000 single-row UPDATEs, each its own transaction, with and without (reported: updates/s).
 *  - one record's timeline page (listAudit, newest first) among `historyRows` audit entries,
 *    generated with INSERT … SELECT generate_series. Baseline: the same page of the keyset
 *    without the record filter (the newest entries of everything), through the same service.
 *  - one course's history page with its lessons (listAudit's courseId, migration 0007's index)
 *    among the same entries, each lesson of one of HISTORY_COURSES courses. Baseline: the
 *    record's timeline page above.
 * Each timed round starts after a VACUUM, so the table's dead rows don't pile up on one side.
 */
export async function auditOverhead(
  historyRows: number,
  samplings: { bulk: Sampling; single: Sampling; timeline: Sampling },
): Promise<BenchResult[]> {
  return withMigratedDatabase(async (url) => {
    const db = await Database.open(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO courses (slug, title, description, metadata)
         SELECT 'bench-course-' || g, 'Course ' || g, 'About course ' || g,
                jsonb_build_object('tags', jsonb_build_array('bench', 'audit'))
         FROM generate_series(1, ${BULK_ROWS}) g`,
      );
      await client.query('VACUUM ANALYZE courses');
      const { rows: ids } = await client.query<{ id: string }>(
        `SELECT id FROM courses ORDER BY slug LIMIT ${SINGLE_UPDATES}`,
      );

      /** A round with the audit triggers on or off, after a VACUUM; they are on again after. */
      const withTriggers = (isEnabled: boolean, run: () => Promise<void>): TimedWork<void> => ({
        prepare: async () => {
          await client.query('VACUUM courses');
          await setAuditTriggers(client, isEnabled);
        },
        run,
        cleanUp: () => setAuditTriggers(client, true),
      });
      const bulkUpdate = async (): Promise<void> => {
        await client.query('BEGIN');
        await client.query(SET_ACTOR);
        const { rowCount } = await client.query(`UPDATE courses SET title = title || '.'`);
        await client.query('COMMIT');
        if (rowCount !== BULK_ROWS) throw new Error(`the UPDATE wrote ${rowCount} rows`);
      };
      const singleUpdates = async (): Promise<void> => {
        for (const { id } of ids) {
          await client.query(`UPDATE courses SET description = description || '.' WHERE id = $1`, [
            id,
          ]);
        }
      };

      const bulk = await compareMedians(
        samplings.bulk,
        withTriggers(true, bulkUpdate),
        withTriggers(false, bulkUpdate),
      );
      const single = await compareMedians(
        samplings.single,
        withTriggers(true, singleUpdates),
        withTriggers(false, singleUpdates),
      );
      const perSecond = (ms: number): string =>
        Math.round((SINGLE_UPDATES / ms) * 1000).toLocaleString('en-US');

      // The history: `historyRows` entries over HISTORY_RECORDS records of one table, in time
      // order, as years of edits would leave it, each record a lesson of one of HISTORY_COURSES
      // courses. The append-only trigger lets inserts through.
      await client.query(
        `INSERT INTO audit_log (table_name, record_id, action, before, after, changed_fields, source, txid, created_at)
         SELECT 'lessons', ${RECORD_ID_OF('g % ' + HISTORY_RECORDS)}, 'UPDATE',
                jsonb_build_object('title', 'Lesson ' || g, 'course_id', lesson.course_id),
                jsonb_build_object('title', 'Lesson ' || g + 1, 'course_id', lesson.course_id),
                '{title}', 'sql', g, now() - interval '1 second' * (${historyRows} - g)
         FROM generate_series(1, ${historyRows}) g
         CROSS JOIN LATERAL (SELECT ${RECORD_ID_OF(`g % ${HISTORY_RECORDS} % ${HISTORY_COURSES}`)} AS course_id) lesson`,
      );
      await client.query('VACUUM ANALYZE audit_log');
      const { rows: counted } = await client.query<{ total: string }>(
        `SELECT count(*)::text AS total FROM audit_log`,
      );
      const recordId = (
        await client.query<{ id: string }>(`SELECT ${RECORD_ID_OF('4242')}::text AS id`)
      ).rows[0]?.id;
      if (!recordId) throw new Error('no record id');
      const recordTimeline = async (): Promise<void> => {
        const page = await listAudit(db, { filter: { tableName: 'lessons', recordId } });
        if (page.items.length === 0) throw new Error('the timeline is empty');
      };
      const timeline = await compareMedians(
        samplings.timeline,
        justRun(recordTimeline),
        justRun(async () => {
          await listAudit(db, {});
        }),
      );
      const courseId = (
        await client.query<{ id: string }>(
          `SELECT ${RECORD_ID_OF(`4242 % ${HISTORY_COURSES}`)}::text AS id`,
        )
      ).rows[0]?.id;
      if (!courseId) throw new Error('no course id');
      const courseHistory = await compareMedians(
        samplings.timeline,
        justRun(async () => {
          const page = await listAudit(db, { filter: { courseId } });
          if (page.items.length === 0) throw new Error("the course's history is empty");
        }),
        justRun(recordTimeline),
      );

      return [
        {
          name: `j. UPDATE of ${BULK_ROWS.toLocaleString('en-US')} courses with auditing vs the audit triggers disabled`,
          unit: 'ms',
          ...bulk,
          goal: goals.ratioAtMost(1.5),
        },
        {
          name: `j. ${SINGLE_UPDATES.toLocaleString('en-US')} single-row UPDATEs (${perSecond(single.valueMs)}/s audited, ${perSecond(single.baselineMs)}/s not) vs the triggers disabled`,
          unit: 'ms',
          ...single,
          goal: goals.reportOnly('the issue asks for the figure'),
        },
        {
          name: `j. one record's timeline page among ${Number(counted[0]?.total ?? 0).toLocaleString('en-US')} audit entries vs the newest page of everything`,
          unit: 'ms',
          ...timeline,
          goal: goals.reportOnly('the issue asks for the figure'),
        },
        {
          name: `j. one course's history page with its lessons among ${Number(counted[0]?.total ?? 0).toLocaleString('en-US')} audit entries vs one record's timeline page`,
          unit: 'ms',
          ...courseHistory,
          goal: goals.reportOnly("support's question: who changed this course or its parts"),
        },
      ];
    } finally {
      await client.end();
      await db.close();
    }
  });
}
