import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../db/schemas/audit';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { buildWorld, type LmsWorld } from '../support/lms-world';

// TRUNCATE empties a table without firing DELETE triggers; migration 0005's BEFORE TRUNCATE
// trigger logs the rows it takes, so a psql TRUNCATE is in the history and can be undone. A
// database of its own: these tests empty whole tables.

let api: ApiHarness;
let admin: { userId: string; sessionId: string };
let instructor: { userId: string; sessionId: string };
/** A raw connection, as psql would be: no lms.* settings. */
let psql: pg.Client;

beforeAll(async () => {
  api = await createApiHarness();
  admin = await api.signedIn('admin');
  instructor = await api.signedIn('instructor');
  psql = new pg.Client({ connectionString: api.database.url });
  await psql.connect();
});
afterAll(async () => {
  await psql?.end();
  await api.close();
});

/** The audit entries of one table written after `afterSeq`, oldest first. */
async function entriesOf(table: string, afterSeq: string): Promise<AuditEntry[]> {
  const page = await callOk(
    api,
    'audit.list',
    { filter: { tableName: table }, limit: 500 },
    admin.sessionId,
  );
  return page.items.filter((entry) => BigInt(entry.seq) > BigInt(afterSeq)).reverse();
}

async function lastSeq(): Promise<string> {
  const { rows } = await psql.query<{ seq: string }>(
    `SELECT COALESCE(max(seq), 0)::text AS seq FROM audit_log`,
  );
  return rows[0]?.seq ?? '0';
}

/** Every row of a table as raw SQL sees it, by id. */
async function rowsOf(table: string): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await psql.query<{ id: string; row: Record<string, unknown> }>(
    `SELECT id, to_jsonb(t) AS row FROM ${table} t`,
  );
  return new Map(rows.map(({ id, row }) => [id, row]));
}

describe('TRUNCATE', () => {
  it('logs every row a raw SQL TRUNCATE empties as a DELETE, with source sql and no actor', async () => {
    await buildWorld(api.db, instructor.userId);
    await buildWorld(api.db, instructor.userId);
    const before = await rowsOf('quiz_attempts');
    const since = await lastSeq();
    await psql.query('TRUNCATE quiz_attempts');

    const entries = await entriesOf('quiz_attempts', since);
    expect(entries).toHaveLength(before.size);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        action: 'DELETE',
        source: 'sql',
        actorId: null,
        actorIp: null,
        after: null,
        before: before.get(entry.recordId),
      });
    }
    expect(new Set(entries.map((entry) => entry.txid)).size).toBe(1);
  });

  it('records the actor, IP and source of a TRUNCATE made in an app transaction', async () => {
    await buildWorld(api.db, instructor.userId);
    const since = await lastSeq();
    await api.db.withTransaction(
      { actorId: admin.userId, actorIp: '10.1.2.3', source: 'cli' },
      (transaction) => api.db.sequelize.query('TRUNCATE lesson_progress', { transaction }),
    );
    const entries = await entriesOf('lesson_progress', since);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry).toMatchObject({ actorId: admin.userId, actorIp: '10.1.2.3', source: 'cli' });
    }
  });

  it('leaves no entries behind when the TRUNCATE is rolled back', async () => {
    await buildWorld(api.db, instructor.userId);
    const since = await lastSeq();
    await psql.query('BEGIN');
    await psql.query('TRUNCATE enrollments CASCADE');
    await psql.query('ROLLBACK');
    expect(await lastSeq()).toBe(since);
  });

  it('logs the rows TRUNCATE … CASCADE takes from the referencing tables, and undelete brings a course back with them', async () => {
    const world: LmsWorld = await buildWorld(api.db, instructor.userId);
    const tables = {
      courses: world.course.id,
      lessons: world.lesson.id,
      quizzes: world.quiz.id,
      enrollments: world.enrollment.id,
      lesson_progress: world.progress.id,
      quiz_attempts: world.attempt.id,
    };
    const before = new Map<string, Record<string, unknown> | undefined>();
    for (const [table, id] of Object.entries(tables)) {
      before.set(table, (await rowsOf(table)).get(id));
    }
    const since = await lastSeq();
    await psql.query('TRUNCATE courses CASCADE');

    for (const [table, id] of Object.entries(tables)) {
      const deletion = (await entriesOf(table, since)).find((entry) => entry.recordId === id);
      expect({ table, deletion }).toMatchObject({
        table,
        deletion: { action: 'DELETE', source: 'sql', before: before.get(table) },
      });
    }
    const [courseDeletion] = (await entriesOf('courses', since)).filter(
      (entry) => entry.recordId === world.course.id,
    );
    const result = await callOk(
      api,
      'audit.undelete',
      { seq: courseDeletion?.seq ?? '', withCascaded: true },
      admin.sessionId,
    );
    expect(result.restored.map((row) => row.tableName).sort()).toEqual(Object.keys(tables).sort());
    for (const [table, id] of Object.entries(tables)) {
      const row = (await rowsOf(table)).get(id);
      // The restore is a new change: the database moves updated_at and version on.
      expect({ table, row: { ...row, updated_at: null, version: null } }).toEqual({
        table,
        row: { ...before.get(table), updated_at: null, version: null },
      });
    }
  });

  it('masks password hashes of the users a TRUNCATE … CASCADE empties, and logs their cascaded rows', async () => {
    const world = await buildWorld(api.db, instructor.userId);
    const users = await rowsOf('users');
    const since = await lastSeq();
    await psql.query('TRUNCATE users CASCADE');

    // Straight from the log: the admin's session went with the users.
    const { rows } = await psql.query<{
      table_name: string;
      record_id: string;
      before: Record<string, unknown>;
    }>(`SELECT table_name, record_id, before FROM audit_log WHERE seq > $1 AND action = 'DELETE'`, [
      since,
    ]);
    const userDeletions = rows.filter((row) => row.table_name === 'users');
    expect(userDeletions).toHaveLength(users.size);
    for (const { record_id: id, before } of userDeletions) {
      expect(before.password_hash).toBe(
        users.get(id)?.password_hash === null ? null : '[redacted]',
      );
    }
    expect(rows).toContainEqual(
      expect.objectContaining({ table_name: 'enrollments', record_id: world.enrollment.id }),
    );
  });
});
