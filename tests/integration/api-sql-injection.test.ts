import Papa from 'papaparse';
import { QueryTypes } from 'sequelize';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../db/services/keyset-cursor';
import type { ApiResult, Channel, ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { callOk } from '../support/api-results';
import { createCourse, createStudent, enroll } from '../support/lms-factories';
import { buildWorld, type LmsWorld } from '../support/lms-world';
import { sqlInjectionPayloads, unstorablePayloads } from '../support/sql-injection-corpus';
import {
  changedRows,
  rowDigests,
  tableChecksums,
  type RowChange,
  type RowDigests,
} from '../support/table-checksum';

/**
 * A corpus of SQL-injection payloads through every text field that reaches SQL: searches,
 * filters, cursors, slugs, emails, names, titles, quiz questions and CSV import cells. Nothing
 * may run: every table stays, a call changes only the row it legitimately writes, a search
 * matches its text literally (`%` and `_` included), stored text reads back byte for byte, and
 * no answer is INTERNAL.
 */

const payloads = sqlInjectionPayloads.map((payload, index) => ({ payload, index }));

let api: ApiHarness;
let adminSession: string;
let world: LmsWorld;
let tablesAtStart: string[];

beforeAll(async () => {
  api = await createApiHarness();
  adminSession = (await api.signedIn('admin')).sessionId;
  const owner = await api.signedIn('instructor');
  world = await buildWorld(api.db, owner.userId);
  // Rows that hold each payload (planted with plain SQL), for the searches to find.
  for (const { payload, index } of payloads) {
    const learner = await createStudent(api.db, {
      fullName: `Planted ${payload}`,
      email: `planted-${index}@example.org`,
    });
    await enroll(api.db, { userId: learner.id, courseId: world.course.id });
    await createCourse(api.db, { title: `Planted ${payload}`, slug: `planted-${index}` });
  }
  tablesAtStart = Object.keys(await tableChecksums(api.db));
});
afterEach(() => {
  expect(api.internalErrors).toEqual([]);
});
afterAll(() => api.close());

/** Calls as the admin and checks that no table changed. */
async function callChangingNothing(channel: string, input: unknown): Promise<ApiResult<unknown>> {
  const before = await tableChecksums(api.db);
  const result = await api.callRaw(channel, input, adminSession);
  expect(await tableChecksums(api.db)).toEqual(before);
  return result;
}

const AUDIT_TABLE = 'audit_log';

/** Calls as the admin a channel that must succeed; returns its data and the rows it changed. */
async function callAndDiff<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
): Promise<{ data: ChannelOutput<C>; changes: RowChange[] }> {
  const before = await rowDigests(api.db);
  const data = await callOk(api, channel, input, adminSession);
  return { data, changes: await auditedChangesSince(before) };
}

/**
 * The rows changed since `before` outside the audit history, after checking that the history got
 * exactly one new entry per changed row and nothing else of it moved (it is append-only).
 */
async function auditedChangesSince(before: RowDigests): Promise<RowChange[]> {
  const all = changedRows(before, await rowDigests(api.db));
  const changes = all.filter((change) => change.table !== AUDIT_TABLE);
  const history = all.filter((change) => change.table === AUDIT_TABLE);
  expect(history.map((change) => change.change)).toEqual(changes.map(() => 'added'));
  return changes;
}

/** The answer's error code, or `ok`: one word to compare. */
function outcomeOf(result: ApiResult<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

/** Whether `text` holds `search` as ILIKE should read it: literally, ignoring case. */
function holds(search: string): (text: string) => boolean {
  return (text) => text.toLowerCase().includes(search.toLowerCase());
}

async function selectRows<T extends object>(sql: string, bind: unknown[] = []): Promise<T[]> {
  return api.db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
}

/** The ids in a list answer, sorted, to compare with the rows that should match. */
function idsOf(page: { items: readonly { id: string }[] }): string[] {
  return page.items.map((item) => item.id).sort();
}

describe('searches', () => {
  it.each(payloads)(
    'users.list finds exactly the users whose name or email holds $payload',
    async ({ payload }) => {
      const result = await callChangingNothing('users.list', { search: payload, limit: 500 });
      const users = await selectRows<{ id: string; email: string; full_name: string }>(
        `SELECT id, email, full_name FROM users`,
      );
      const matches = users.filter(
        (user) => holds(payload)(user.full_name) || holds(payload)(user.email),
      );
      expect(outcomeOf(result)).toBe('ok');
      expect(result.ok && idsOf(result.data as ChannelOutput<'users.list'>)).toEqual(
        matches.map((user) => user.id).sort(),
      );
    },
  );

  it.each(payloads)(
    'courses.list finds exactly the courses whose title or slug holds $payload',
    async ({ payload }) => {
      const result = await callChangingNothing('courses.list', { search: payload, limit: 500 });
      const courses = await selectRows<{ id: string; title: string; slug: string }>(
        `SELECT id, title, slug FROM courses`,
      );
      const matches = courses.filter(
        (course) => holds(payload)(course.title) || holds(payload)(course.slug),
      );
      expect(outcomeOf(result)).toBe('ok');
      expect(result.ok && idsOf(result.data as ChannelOutput<'courses.list'>)).toEqual(
        matches.map((course) => course.id).sort(),
      );
    },
  );

  it.each(payloads)(
    'enrollments.list finds exactly the learners whose name or email holds $payload',
    async ({ payload }) => {
      const result = await callChangingNothing('enrollments.list', {
        courseId: world.course.id,
        search: payload,
        limit: 500,
      });
      const enrollments = await selectRows<{ id: string; email: string; full_name: string }>(
        `SELECT e.id, u.email, u.full_name FROM enrollments e JOIN users u ON u.id = e.user_id
          WHERE e.course_id = $1`,
        [world.course.id],
      );
      const matches = enrollments.filter(
        (row) => holds(payload)(row.full_name) || holds(payload)(row.email),
      );
      expect(outcomeOf(result)).toBe('ok');
      expect(result.ok && idsOf(result.data as ChannelOutput<'enrollments.list'>)).toEqual(
        matches.map((row) => row.id).sort(),
      );
    },
  );

  it.each(payloads)(
    'users.export exports exactly the users users.list finds for $payload',
    async ({ payload }) => {
      const listed = await callOk(api, 'users.list', { search: payload, limit: 500 }, adminSession);
      const result = await callChangingNothing('users.export', { search: payload });
      expect(outcomeOf(result)).toBe('ok');
      expect(result.ok && (result.data as ChannelOutput<'users.export'>).rows).toBe(
        listed.items.length,
      );
    },
  );

  it('reads % and _ as those characters, not as wildcards', async () => {
    const everyone = await callOk(api, 'users.list', { limit: 500 }, adminSession);
    for (const wildcard of ['%', '_']) {
      const found = await callOk(api, 'users.list', { search: wildcard, limit: 500 }, adminSession);
      expect(found.items.length).toBeGreaterThan(0);
      expect(found.items.length).toBeLessThan(everyone.items.length);
      expect(found.items.every((user) => `${user.fullName} ${user.email}`.includes(wildcard))).toBe(
        true,
      );
    }
  });
});

describe('cursors', () => {
  it.each(payloads)('refuses $payload as a cursor no list returned', async ({ payload }) => {
    const calls: [string, unknown][] = [
      ['users.list', { cursor: payload }],
      ['courses.list', { cursor: payload }],
      ['enrollments.list', { courseId: world.course.id, cursor: payload }],
      ['lessons.list', { courseId: world.course.id, cursor: payload }],
      ['quizzes.list', { courseId: world.course.id, cursor: payload }],
    ];
    for (const [channel, input] of calls) {
      const result = await callChangingNothing(channel, input);
      expect({ channel, outcome: outcomeOf(result) }).toEqual({ channel, outcome: 'VALIDATION' });
    }
  });

  it.each(payloads)(
    'pages on from a well-formed cursor that carries $payload',
    async ({ payload }) => {
      const calls: [string, unknown][] = [
        ['users.list', { cursor: encodeCursor({ afterEmail: payload }) }],
        ['courses.list', { cursor: encodeCursor({ afterSlug: payload }) }],
        [
          'enrollments.list',
          { courseId: world.course.id, cursor: encodeCursor({ afterEmail: payload }) },
        ],
        [
          'quizzes.list',
          {
            courseId: world.course.id,
            cursor: encodeCursor({ afterTitle: payload, afterId: world.quiz.id }),
          },
        ],
      ];
      for (const [channel, input] of calls) {
        const result = await callChangingNothing(channel, input);
        expect({ channel, outcome: outcomeOf(result) }).toEqual({ channel, outcome: 'ok' });
      }
    },
  );
});

describe('filters, slugs, emails and migration names', () => {
  it.each(payloads)('refuses $payload where only a fixed shape fits', async ({ payload }) => {
    const calls: [string, unknown][] = [
      ['users.list', { role: payload }],
      ['users.export', { role: payload }],
      ['enrollments.list', { courseId: world.course.id, status: payload }],
      ['courses.list', { instructorId: payload }],
      ['courses.get', { id: payload }],
      ['courses.create', { title: 'Slug check', slug: payload }],
      ['courses.update', { id: world.course.id, version: world.course.version, slug: payload }],
      ['users.create', { email: payload, fullName: 'Email check', role: 'student' }],
      ['enrollments.enrollMany', { courseId: world.course.id, emails: [payload] }],
      ['auth.signIn', { email: payload, password: payload }],
      ['migrations.apply', { to: payload }],
      ['migrations.rollback', { to: payload }],
    ];
    for (const [channel, input] of calls) {
      const result = await callChangingNothing(channel, input);
      expect({ channel, outcome: outcomeOf(result) }).toEqual({
        channel,
        outcome: 'VALIDATION',
      });
    }
  });

  it.each(payloads)('looks $payload up as a question id and finds nothing', async ({ payload }) => {
    const base = { quizId: world.quiz.id, version: world.quiz.version, questionId: payload };
    for (const [channel, input] of [
      ['quizzes.removeQuestion', base],
      ['quizzes.moveQuestion', { ...base, toIndex: 0 }],
    ] as const) {
      const result = await callChangingNothing(channel, input);
      expect({ channel, outcome: outcomeOf(result) }).toEqual({ channel, outcome: 'NOT_FOUND' });
    }
  });

  it.each(["o'reilly@example.org", "x'--@example.org", "a'or'1@example.org"])(
    'stores the email %s as given and finds it by it, and nobody else',
    async (email) => {
      const { data: user, changes } = await callAndDiff('users.create', {
        email,
        fullName: 'Quoted Email',
        role: 'student',
      });
      expect(changes).toEqual([{ table: 'users', key: user.id, change: 'added' }]);
      expect(user.email).toBe(email);
      const wrongPassword = await callChangingNothing('auth.signIn', {
        email,
        password: "' OR 1=1 --",
      });
      expect(outcomeOf(wrongPassword)).toBe('UNAUTHENTICATED');
      const enrolled = await callOk(
        api,
        'enrollments.enrollMany',
        { courseId: world.course.id, emails: [email] },
        adminSession,
      );
      expect(enrolled.enrolled.map((enrollment) => enrollment.userId)).toEqual([user.id]);
    },
  );
});

describe('text written reads back byte for byte', () => {
  it.each(payloads)('users.create and users.update with $payload', async ({ payload, index }) => {
    const metadata = { note: payload, [payload]: true };
    const { data: created, changes } = await callAndDiff('users.create', {
      email: `written-${index}@example.org`,
      fullName: `Learner ${payload}`,
      role: 'student',
      metadata,
    });
    expect(changes).toEqual([{ table: 'users', key: created.id, change: 'added' }]);
    const read = await callOk(api, 'users.get', { id: created.id }, adminSession);
    expect({ fullName: read.fullName, metadata: read.metadata }).toEqual({
      fullName: `Learner ${payload}`,
      metadata,
    });
    const updated = await callAndDiff('users.update', {
      id: created.id,
      version: created.version,
      fullName: payload,
    });
    expect(updated.changes).toEqual([{ table: 'users', key: created.id, change: 'changed' }]);
    expect((await callOk(api, 'users.get', { id: created.id }, adminSession)).fullName).toBe(
      payload,
    );
  });

  it.each(payloads)(
    'courses.create and courses.update with $payload',
    async ({ payload, index }) => {
      const { data: created, changes } = await callAndDiff('courses.create', {
        title: payload,
        slug: `written-${index}`,
        description: payload,
        metadata: { tags: [payload] },
      });
      expect(changes).toEqual([{ table: 'courses', key: created.id, change: 'added' }]);
      const read = await callOk(api, 'courses.get', { id: created.id }, adminSession);
      expect({ title: read.title, description: read.description, metadata: read.metadata }).toEqual(
        { title: payload, description: payload, metadata: { tags: [payload] } },
      );
      const updated = await callAndDiff('courses.update', {
        id: created.id,
        version: created.version,
        title: `Renamed ${payload}`,
      });
      expect(updated.changes).toEqual([{ table: 'courses', key: created.id, change: 'changed' }]);
      expect(updated.data.title).toBe(`Renamed ${payload}`);
    },
  );

  it.each(payloads)('lessons.create with $payload as title and body', async ({ payload }) => {
    const { data: lesson, changes } = await callAndDiff('lessons.create', {
      courseId: world.course.id,
      title: payload,
      body: payload,
    });
    expect(changes).toEqual([{ table: 'lessons', key: lesson.id, change: 'added' }]);
    const page = await callOk(
      api,
      'lessons.list',
      { courseId: world.course.id, limit: 500 },
      adminSession,
    );
    const read = page.items.find((item) => item.id === lesson.id);
    expect({ title: read?.title, body: read?.body }).toEqual({ title: payload, body: payload });
  });

  it.each(payloads)('quizzes.create and quizzes.addQuestion with $payload', async ({ payload }) => {
    const { data: quiz, changes } = await callAndDiff('quizzes.create', {
      courseId: world.course.id,
      title: payload,
    });
    expect(changes).toEqual([{ table: 'quizzes', key: quiz.id, change: 'added' }]);
    const question = {
      id: 'q1',
      kind: 'single' as const,
      text: payload,
      feedback: payload,
      choices: [
        { id: 'a', text: payload, correct: true },
        { id: 'b', text: 'plain', correct: false },
      ],
    };
    const added = await callAndDiff('quizzes.addQuestion', {
      quizId: quiz.id,
      version: quiz.version,
      question,
    });
    expect(added.changes).toEqual([{ table: 'quizzes', key: quiz.id, change: 'changed' }]);
    const read = await callOk(api, 'quizzes.get', { id: quiz.id }, adminSession);
    expect(read.title).toBe(payload);
    expect(read.options.questions).toEqual([
      { ...question, textFormat: 'plain', points: 1, tags: [] },
    ]);
  });

  it('users.import writes every cell of the corpus as it is in the file', async () => {
    const rows = payloads.map(({ payload, index }) => ({
      email: `imported-${index}@example.org`,
      full_name: `Imported ${payload}`,
      role: 'student',
      metadata: JSON.stringify({ note: payload }),
    }));
    const before = await rowDigests(api.db);
    const result = await callOk(api, 'users.import', { csv: Papa.unparse(rows) }, adminSession);
    expect(result).toMatchObject({ isWritten: true, created: rows.length, problems: [] });
    const changes = await auditedChangesSince(before);
    const stored = await selectRows<{
      id: string;
      email: string;
      full_name: string;
      metadata: unknown;
    }>(
      `SELECT id, email, full_name, metadata FROM users WHERE email = ANY($1::text[]) ORDER BY email`,
      [rows.map((row) => row.email)],
    );
    expect(changes).toEqual(
      stored
        .map((user): RowChange => ({ table: 'users', key: user.id, change: 'added' }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    );
    expect(
      stored.map(({ email, full_name, metadata }) => ({ email, full_name, metadata })),
    ).toEqual(
      rows
        .map(({ email, full_name, metadata }) => ({
          email,
          full_name,
          metadata: JSON.parse(metadata) as unknown,
        }))
        .sort((a, b) => (a.email < b.email ? -1 : 1)),
    );
  });
});

describe('CSV formula injection', () => {
  /** Cells a spreadsheet would run, and names that merely look like an already guarded one. */
  const formulaNames = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("https://example.org")',
    '@SUM(1+1)',
    '+44 20 7946 0000',
    '-2',
    "'=already quoted",
    "'+1",
    "'-- comment",
    "'plain apostrophe",
  ];

  it('users.export guards formula cells, and users.import reads every name back unchanged', async () => {
    for (const [index, fullName] of formulaNames.entries()) {
      await callOk(
        api,
        'users.create',
        { email: `formula-${index}@example.org`, fullName, role: 'student' },
        adminSession,
      );
    }
    const exported = await callOk(api, 'users.export', { search: 'formula-' }, adminSession);
    const cells = Papa.parse<string[]>(exported.csv.trim()).data.slice(1);
    const formulaCells = cells.map((row) => row[1] ?? '').filter((cell) => /^[=+\-@]/.test(cell));
    expect(formulaCells).toEqual([]);
    const renamed = exported.csv.replaceAll('formula-', 'reimported-');
    expect(await callOk(api, 'users.import', { csv: renamed }, adminSession)).toMatchObject({
      isWritten: true,
      created: formulaNames.length,
    });
    const stored = await selectRows<{ email: string; full_name: string }>(
      `SELECT email, full_name FROM users WHERE email LIKE 'reimported-%'`,
    );
    expect(Object.fromEntries(stored.map((user) => [user.email, user.full_name]))).toEqual(
      Object.fromEntries(
        formulaNames.map((name, index) => [`reimported-${index}@example.org`, name]),
      ),
    );
  });
});

describe('text the database cannot hold as sent', () => {
  it.each(unstorablePayloads)(
    'refuses %j wherever it is sent, changing nothing',
    async (payload) => {
      const calls: [string, unknown][] = [
        ['users.list', { search: payload }],
        ['users.create', { email: 'unstorable@example.org', fullName: payload, role: 'student' }],
        [
          'users.create',
          {
            email: 'unstorable@example.org',
            fullName: 'Unstorable',
            role: 'student',
            metadata: { [payload]: payload },
          },
        ],
        ['courses.create', { title: payload, slug: 'unstorable' }],
        [
          'courses.update',
          { id: world.course.id, version: world.course.version, description: payload },
        ],
        ['lessons.create', { courseId: world.course.id, title: 'Unstorable', body: payload }],
        [
          'quizzes.removeQuestion',
          { quizId: world.quiz.id, version: world.quiz.version, questionId: payload },
        ],
        [
          'users.import',
          {
            csv: Papa.unparse([
              { email: 'unstorable@example.org', full_name: payload, role: 'student' },
            ]),
          },
        ],
      ];
      for (const [channel, input] of calls) {
        const result = await callChangingNothing(channel, input);
        expect({ channel, outcome: outcomeOf(result) }).toEqual({ channel, outcome: 'VALIDATION' });
      }
    },
  );
});

it('leaves every table in place', async () => {
  expect(Object.keys(await tableChecksums(api.db))).toEqual(tablesAtStart);
});
