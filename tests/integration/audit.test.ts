import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, RevertConflict } from '../../db/schemas/audit';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { buildWorld, type LmsWorld } from '../support/lms-world';

// The audit history end to end: the triggers capture every change (app and raw SQL alike), the
// API reads it, and admins revert through it, every revert being a new change.

let api: ApiHarness;
let admin: { userId: string; sessionId: string };
let support: { userId: string; sessionId: string };
let instructor: { userId: string; sessionId: string };
/** A raw connection, as psql would be: no lms.* settings. */
let psql: pg.Client;

beforeAll(async () => {
  api = await createApiHarness();
  admin = await api.signedIn('admin');
  support = await api.signedIn('support');
  instructor = await api.signedIn('instructor');
  psql = new pg.Client({ connectionString: api.database.url });
  await psql.connect();
});
afterAll(async () => {
  await psql?.end();
  await api.close();
});

async function freshWorld(): Promise<LmsWorld> {
  return buildWorld(api.db, instructor.userId);
}

/** One record's history through the API, newest first. */
async function historyOf(tableName: string, recordId: string): Promise<AuditEntry[]> {
  const page = await callOk(
    api,
    'audit.list',
    { filter: { tableName, recordId }, limit: 500 },
    support.sessionId,
  );
  return page.items;
}

/** A record's row as raw SQL sees it, without what any UPDATE moves (updated_at, version). */
async function rowOf(table: string, id: string): Promise<Record<string, unknown> | null> {
  const { rows } = await psql.query<{ row: Record<string, unknown> }>(
    `SELECT to_jsonb(t) - 'updated_at' - 'version' AS row FROM ${table} t WHERE id = $1`,
    [id],
  );
  return rows[0]?.row ?? null;
}

function withoutBookkeeping(snapshot: Record<string, unknown> | null): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(snapshot ?? {}).filter(
      ([field]) => field !== 'updated_at' && field !== 'version',
    ),
  );
}

describe('capture', () => {
  it('puts the four audit triggers (TRUNCATE too) on every table but the bookkeeping ones', async () => {
    // Bookkeeping holds no LMS data: the migration ledger, the log itself, sync's state, and the
    // question bank's undo list (the quiz changes it names are audited as the quizzes' own).
    const { rows } = await psql.query<{ table_name: string; triggers: string[] }>(
      `SELECT c.relname AS table_name,
         ARRAY(SELECT t.tgname::text FROM pg_trigger t
               WHERE t.tgrelid = c.oid AND t.tgfoid IN ('lms_audit_changes'::regproc, 'lms_audit_truncate'::regproc)
               ORDER BY t.tgname) AS triggers
       FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
         AND c.relname NOT IN ('schema_migrations', 'audit_log', 'quiz_bulk_operations')
         AND c.relname NOT LIKE 'sync\\_%'
       ORDER BY c.relname`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(7);
    for (const { table_name: table, triggers } of rows) {
      expect({ table, triggers }).toEqual({
        table,
        triggers: [
          `${table}_audit_delete`,
          `${table}_audit_insert`,
          `${table}_audit_truncate`,
          `${table}_audit_update`,
        ],
      });
    }
  });

  it('records a raw SQL change with source sql and no actor', async () => {
    const world = await freshWorld();
    await psql.query(`UPDATE lessons SET title = 'Edited in psql' WHERE id = $1`, [
      world.lesson.id,
    ]);
    const [latest] = await historyOf('lessons', world.lesson.id);
    expect(latest).toMatchObject({
      action: 'UPDATE',
      source: 'sql',
      actorId: null,
      actorIp: null,
      after: expect.objectContaining({ title: 'Edited in psql' }),
    });
    expect(latest?.changedFields).toEqual(expect.arrayContaining(['title', 'version']));
  });

  it('records who changed a record through the app, from where, and that it was the app', async () => {
    const world = await freshWorld();
    await callOk(
      api,
      'courses.update',
      { id: world.course.id, version: world.course.version, title: 'Renamed by admin' },
      admin.sessionId,
    );
    const [latest] = await historyOf('courses', world.course.id);
    expect(latest).toMatchObject({
      action: 'UPDATE',
      source: 'app',
      actorId: admin.userId,
      actorIp: '127.0.0.1',
      before: expect.objectContaining({ title: expect.any(String) }),
      after: expect.objectContaining({ title: 'Renamed by admin' }),
    });
    expect(latest?.actorName).toEqual(expect.any(String));
  });

  it('gives entries time-ordered ids (UUID version 7), so a long log appends to its index', async () => {
    await freshWorld();
    const { rows } = await psql.query<{ id: string; at: Date }>(
      `SELECT id::text, created_at AS at FROM audit_log ORDER BY seq DESC LIMIT 50`,
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const { id, at } of rows) {
      // Version nibble 7, RFC 9562 variant, and the first 48 bits are the entry's time in ms.
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const millis = Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
      expect(Math.abs(millis - at.getTime())).toBeLessThan(60_000);
    }
  });

  it('does not log an UPDATE that changes nothing', async () => {
    const world = await freshWorld();
    const before = await historyOf('courses', world.course.id);
    await psql.query(`UPDATE courses SET title = title WHERE id = $1`, [world.course.id]);
    expect(await historyOf('courses', world.course.id)).toEqual(before);
  });

  it('never copies a password hash, but lists it as changed', async () => {
    const { rows } = await psql.query<{ id: string }>(
      `INSERT INTO users (email, full_name, role, password_hash)
       VALUES ('hash-owner@example.org', 'Hash Owner', 'support', '$scrypt$first-secret') RETURNING id`,
    );
    const id = rows[0]?.id ?? '';
    await psql.query(`UPDATE users SET password_hash = '$scrypt$second-secret' WHERE id = $1`, [
      id,
    ]);
    const { rows: raw } = await psql.query<{ text: string }>(
      `SELECT string_agg(before::text || after::text, ' ') AS text FROM audit_log WHERE record_id = $1`,
      [id],
    );
    expect(raw[0]?.text).not.toContain('secret');
    const [update] = await historyOf('users', id);
    expect(update?.changedFields).toContain('password_hash');
    expect(update?.after?.password_hash).toBe('[redacted]');
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit_log', async () => {
    for (const statement of [
      `UPDATE audit_log SET source = 'sql'`,
      `DELETE FROM audit_log`,
      `TRUNCATE audit_log`,
    ]) {
      await expect(psql.query(statement)).rejects.toThrow(/audit_log is append-only/);
    }
  });
});

describe('reading', () => {
  it('finds changes by text inside the snapshots and by actor', async () => {
    const world = await freshWorld();
    const title = `Findable ${world.course.id.slice(0, 8)}`;
    await callOk(
      api,
      'courses.update',
      { id: world.course.id, version: world.course.version, title },
      admin.sessionId,
    );
    const page = await callOk(
      api,
      'audit.list',
      { filter: { text: title.toLowerCase(), actorId: admin.userId } },
      support.sessionId,
    );
    expect(page.items.map((entry) => entry.recordId)).toEqual([world.course.id]);
  });

  it('pages a long history with a keyset cursor, each change once, newest first', async () => {
    const world = await freshWorld();
    for (let step = 1; step <= 5; step += 1) {
      await psql.query(`UPDATE lessons SET position = position + 1 WHERE id = $1`, [
        world.lesson.id,
      ]);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callOk(
        api,
        'audit.list',
        { filter: { tableName: 'lessons', recordId: world.lesson.id }, limit: 2, cursor },
        support.sessionId,
      );
      seen.push(...page.items.map((entry) => entry.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect([...seen].sort((a, b) => Number(b) - Number(a))).toEqual(seen);
  });

  it('diffs two versions field by field', async () => {
    const world = await freshWorld();
    await psql.query(
      `UPDATE courses SET title = 'Second title', metadata = '{"tags": ["a", "b"]}' WHERE id = $1`,
      [world.course.id],
    );
    const [update, created] = await historyOf('courses', world.course.id);
    const diff = await callOk(
      api,
      'audit.diff',
      { fromSeq: created?.seq ?? '', toSeq: update?.seq ?? '' },
      support.sessionId,
    );
    const byField = new Map(diff.fields.map((change) => [change.field, change]));
    expect(byField.get('title')).toMatchObject({ after: 'Second title' });
    expect(byField.get('metadata')).toMatchObject({ after: { tags: ['a', 'b'] } });
    expect(byField.get('metadata')?.delta).toBeDefined();
    expect(byField.has('slug')).toBe(false);
  });

  it('shows a deleted record as it was before its deletion (as-of)', async () => {
    const world = await freshWorld();
    const beforeDelete = new Date();
    await psql.query(`DELETE FROM lessons WHERE id = $1`, [world.lesson.id]);
    const then = await callOk(
      api,
      'audit.asOf',
      { tableName: 'lessons', recordId: world.lesson.id, at: beforeDelete },
      support.sessionId,
    );
    expect(then).toMatchObject({ isDeleted: false, existsNow: false });
    expect(then.state?.id).toBe(world.lesson.id);
    const now = await callOk(
      api,
      'audit.asOf',
      { tableName: 'lessons', recordId: world.lesson.id, at: new Date(Date.now() + 60_000) },
      support.sessionId,
    );
    expect(now).toMatchObject({ isDeleted: true, state: null });
  });

  it('groups everything one transaction did', async () => {
    const world = await freshWorld();
    await psql.query('BEGIN');
    await psql.query(`UPDATE courses SET title = 'In one go' WHERE id = $1`, [world.course.id]);
    await psql.query(`UPDATE lessons SET title = 'In one go too' WHERE id = $1`, [world.lesson.id]);
    await psql.query('COMMIT');
    const [latest] = await historyOf('lessons', world.lesson.id);
    const transaction = await callOk(
      api,
      'audit.transaction',
      { seq: latest?.seq ?? '' },
      support.sessionId,
    );
    expect(transaction.entries.items.map((entry) => entry.tableName)).toEqual([
      'courses',
      'lessons',
    ]);
    expect(transaction.counts).toEqual([
      { tableName: 'courses', action: 'UPDATE', changes: 1 },
      { tableName: 'lessons', action: 'UPDATE', changes: 1 },
    ]);
  });

  it('exports a filtered history as CSV and as JSON', async () => {
    const world = await freshWorld();
    const filter = { tableName: 'courses', recordId: world.course.id };
    const csv = await callOk(api, 'audit.export', { filter, format: 'csv' }, support.sessionId);
    expect(csv.rows).toBe(1);
    expect(csv.text.split('\r\n')[0]).toMatch(/^seq,created_at,table_name,record_id,action/);
    const json = await callOk(api, 'audit.export', { filter, format: 'json' }, support.sessionId);
    expect(JSON.parse(json.text)).toMatchObject([{ action: 'INSERT', recordId: world.course.id }]);
  });
});

describe('revert', () => {
  it('restores the exact state before a change, as a new change by the admin', async () => {
    const world = await freshWorld();
    const original = await rowOf('courses', world.course.id);
    await psql.query(
      `UPDATE courses SET title = 'Vandalised', description = 'gone', metadata = '{"x": 1}' WHERE id = $1`,
      [world.course.id],
    );
    const [vandalism] = await historyOf('courses', world.course.id);
    const result = await callOk(
      api,
      'audit.revert',
      { seq: vandalism?.seq ?? '' },
      admin.sessionId,
    );
    expect(result.restored).toEqual([
      { tableName: 'courses', recordId: world.course.id, action: 'UPDATE' },
    ]);
    expect(await rowOf('courses', world.course.id)).toEqual(original);
    const [revert] = await historyOf('courses', world.course.id);
    expect(revert).toMatchObject({ action: 'UPDATE', actorId: admin.userId, source: 'app' });
    expect(withoutBookkeeping(revert?.after ?? null)).toEqual(
      withoutBookkeeping(vandalism?.before ?? null),
    );
  });

  it('refuses a stale revert with CONFLICT showing what changed since, and honours per-field choices', async () => {
    const world = await freshWorld();
    await psql.query(`UPDATE courses SET title = 'First edit' WHERE id = $1`, [world.course.id]);
    const [first] = await historyOf('courses', world.course.id);
    await psql.query(`UPDATE courses SET title = 'Second edit', description = 'd' WHERE id = $1`, [
      world.course.id,
    ]);
    const refused = await api.call('audit.revert', { seq: first?.seq ?? '' }, admin.sessionId);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const details = (refused.ok ? undefined : refused.error.current) as RevertConflict;
    expect(details.contestedFields).toEqual(['title']);
    expect(details.changesSince.map((entry) => entry.after?.title)).toEqual(['Second edit']);
    expect(await rowOf('courses', world.course.id)).toMatchObject({ title: 'Second edit' });

    await callOk(
      api,
      'audit.revert',
      { seq: first?.seq ?? '', choices: { title: 'revert' } },
      admin.sessionId,
    );
    expect(await rowOf('courses', world.course.id)).toMatchObject({
      title: first?.before?.title,
      description: 'd',
    });
  });

  it('reverts a whole transaction: every row it touched goes back', async () => {
    const world = await freshWorld();
    const course = await rowOf('courses', world.course.id);
    const lesson = await rowOf('lessons', world.lesson.id);
    await psql.query('BEGIN');
    await psql.query(`UPDATE courses SET title = 'Bulk mistake' WHERE id = $1`, [world.course.id]);
    await psql.query(`UPDATE lessons SET title = 'Bulk mistake' WHERE id = $1`, [world.lesson.id]);
    const { rows } = await psql.query<{ id: string }>(
      `INSERT INTO lessons (course_id, position, title) VALUES ($1, 99, 'Stray') RETURNING id`,
      [world.course.id],
    );
    await psql.query(`DELETE FROM quiz_attempts WHERE id = $1`, [world.attempt.id]);
    await psql.query('COMMIT');
    const attempt = (await historyOf('quiz_attempts', world.attempt.id))[0]?.before;
    const [mistake] = await historyOf('courses', world.course.id);
    await callOk(api, 'audit.revertTransaction', { seq: mistake?.seq ?? '' }, admin.sessionId);
    expect(await rowOf('courses', world.course.id)).toEqual(course);
    expect(await rowOf('lessons', world.lesson.id)).toEqual(lesson);
    expect(await rowOf('lessons', rows[0]?.id ?? '')).toBeNull();
    expect(withoutBookkeeping(await rowOf('quiz_attempts', world.attempt.id))).toEqual(
      withoutBookkeeping(attempt ?? null),
    );
  });

  it('undeletes a course with the lessons, quizzes, enrollments, progress and attempts its deletion cascaded away', async () => {
    const world = await freshWorld();
    const tables = {
      courses: world.course.id,
      lessons: world.lesson.id,
      quizzes: world.quiz.id,
      enrollments: world.enrollment.id,
      lesson_progress: world.progress.id,
      quiz_attempts: world.attempt.id,
    };
    const before = new Map<string, Record<string, unknown> | null>();
    for (const [table, id] of Object.entries(tables)) before.set(table, await rowOf(table, id));
    await callOk(
      api,
      'courses.delete',
      { id: world.course.id, version: world.course.version },
      admin.sessionId,
    );
    const [deletion] = await historyOf('courses', world.course.id);
    expect(deletion?.action).toBe('DELETE');

    const result = await callOk(
      api,
      'audit.undelete',
      { seq: deletion?.seq ?? '', withCascaded: true },
      admin.sessionId,
    );
    expect(result.restored.map((row) => row.tableName).sort()).toEqual(Object.keys(tables).sort());
    for (const [table, id] of Object.entries(tables)) {
      expect({ table, row: await rowOf(table, id) }).toEqual({ table, row: before.get(table) });
    }
  });

  it('undeletes only the record itself unless asked for what went with it', async () => {
    const world = await freshWorld();
    await psql.query(`DELETE FROM lessons WHERE id = $1`, [world.lesson.id]);
    const [deletion] = await historyOf('lessons', world.lesson.id);
    await callOk(api, 'audit.undelete', { seq: deletion?.seq ?? '' }, admin.sessionId);
    expect(await rowOf('lessons', world.lesson.id)).not.toBeNull();
    expect(await rowOf('lesson_progress', world.progress.id)).toBeNull();
  });
});

describe('who may', () => {
  it('lets support read the history but not revert', async () => {
    const world = await freshWorld();
    const result = await api.call(
      'audit.revert',
      { seq: world.audit.courseCreatedSeq },
      support.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('keeps the history from instructors', async () => {
    const result = await api.call('audit.list', {}, instructor.sessionId);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
