import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import type { SyncConflict } from '../../db/schemas/sync';
import { listConflicts } from '../../db/services/sync/conflicts';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

/**
 * More conflicts than the old list's 1,000, paged by the API: a database that made 1,050 users
 * offline links to a central server that has users with the same emails, so the link records
 * 1,050 unique-key collisions, all in one transaction (one `detected_at`: only the id orders them).
 */
const COLLIDING_USERS = 1_050;

let centralDatabase: TestDatabase;
let central: Database;
let api: ApiHarness;
let sessionId: string;

const usersSql = (prefix: string) =>
  `INSERT INTO users (email, full_name, role)
   SELECT 'person' || g || '@example.org', '${prefix} ' || g, 'student' FROM generate_series(1, ${COLLIDING_USERS}) g`;

beforeAll(async () => {
  centralDatabase = await createMigratedDatabase();
  central = await Database.open(centralDatabase.url);
  await central.sequelize.query(usersSql('Central'));
  api = await createApiHarness();
  ({ sessionId } = await api.signedIn('admin', 'pager.admin@example.org'));
  await api.db.sequelize.query(usersSql('Local'));
  const linked = await callOk(api, 'sync.link', { url: centralDatabase.url }, sessionId);
  expect(linked.conflicts.collisions).toBe(COLLIDING_USERS);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await central?.close();
  await centralDatabase?.drop();
});

/** Every page of the list from the start, following each page's cursor; `between` runs after each page. */
async function readAllPages(
  input: { includeResolved: boolean; limit: number },
  between: (page: SyncConflict[], pageNumber: number) => Promise<void> = async () => undefined,
): Promise<SyncConflict[]> {
  const items: SyncConflict[] = [];
  let cursor: string | undefined;
  for (let pageNumber = 1; ; pageNumber += 1) {
    const page = await callOk(
      api,
      'sync.conflicts',
      { ...input, ...(cursor !== undefined && { cursor }) },
      sessionId,
    );
    expect(page.items.length).toBeLessThanOrEqual(input.limit);
    items.push(...page.items);
    await between(page.items, pageNumber);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
}

async function openConflictIdsInOrder(): Promise<string[]> {
  const [rows] = await api.db.sequelize.query(
    `SELECT id::text FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY detected_at DESC, id DESC`,
  );
  return (rows as { id: string }[]).map((row) => row.id);
}

describe('sync.conflicts in pages', () => {
  it('reads more than 1,000 open conflicts page by page, newest first, each exactly once', async () => {
    const expected = await openConflictIdsInOrder();
    expect(expected).toHaveLength(COLLIDING_USERS);
    const items = await readAllPages({ includeResolved: false, limit: 200 });
    expect(items.map((conflict) => conflict.id)).toEqual(expected);
    const status = await callOk(api, 'sync.status', { checkOnline: false }, sessionId);
    expect(status.openConflicts).toBe(COLLIDING_USERS);
    // The CLI's list reads every page too.
    expect(await listConflicts(api.db, { includeResolved: false })).toHaveLength(COLLIDING_USERS);
  });

  it('neither repeats nor skips a conflict when some are resolved between pages', async () => {
    const before = await openConflictIdsInOrder();
    const laterOne = before[before.length - 5];
    if (!laterOne) throw new Error('too few conflicts');
    const resolved: string[] = [];
    const items = await readAllPages({ includeResolved: false, limit: 37 }, async (page, n) => {
      if (n !== 1) return;
      // Settled while the person pages: two just read, and one not yet reached.
      for (const conflictId of [page[0]?.id, page[1]?.id, laterOne]) {
        if (!conflictId) throw new Error('page too short');
        await callOk(api, 'sync.resolve', { conflictId, take: 'central' }, sessionId);
        resolved.push(conflictId);
      }
    });
    const ids = items.map((conflict) => conflict.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(before.filter((id) => id !== laterOne));
    expect(await openConflictIdsInOrder()).toEqual(before.filter((id) => !resolved.includes(id)));
  });

  it('lists resolved conflicts after every open one when asked, across pages of 7', async () => {
    const items = await readAllPages({ includeResolved: true, limit: 7 });
    const ids = items.map((conflict) => conflict.id);
    expect(new Set(ids).size).toBe(COLLIDING_USERS);
    const firstResolved = items.findIndex((conflict) => conflict.resolvedAt !== null);
    expect(firstResolved).toBe(COLLIDING_USERS - 3);
    expect(items.slice(firstResolved).every((conflict) => conflict.resolvedAt !== null)).toBe(true);
  });

  it('refuses a cursor it never gave, one from another list, and a page size over 500', async () => {
    const badCursor = await api.call('sync.conflicts', { cursor: 'not-a-cursor' }, sessionId);
    expect(badCursor).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { cursor: expect.any(String) } },
    });
    // Past the open ones: a place only a list with the resolved ones reaches.
    const pastOpen = Buffer.from(
      JSON.stringify({
        isResolved: true,
        detectedAt: '2026-01-01T00:00:00.000000Z',
        id: '00000000-0000-4000-8000-000000000000',
      }),
    ).toString('base64url');
    const openOnly = await api.call('sync.conflicts', { cursor: pastOpen }, sessionId);
    expect(openOnly).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const withResolved = await api.call(
      'sync.conflicts',
      { cursor: pastOpen, includeResolved: true },
      sessionId,
    );
    expect(withResolved).toMatchObject({ ok: true });
    const tooMany = await api.call('sync.conflicts', { limit: 501 }, sessionId);
    expect(tooMany).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { limit: expect.any(String) } },
    });
  });
});
