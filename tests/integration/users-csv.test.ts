import Papa from 'papaparse';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUsersCsv } from '../../db/services/user-csv';
import { createApiHarness, type ApiHarness } from '../support/api-harness';

let api: ApiHarness;
let adminSession: string;
beforeAll(async () => {
  api = await createApiHarness();
  adminSession = (await api.signedIn('admin')).sessionId;
});
afterAll(() => api.close());

const countUsers = async (): Promise<number> => {
  const [row] = await api.db.sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users`,
    { type: QueryTypes.SELECT },
  );
  return row?.n ?? 0;
};

const importCsv = (csv: string, options: { dryRun?: boolean; skipExisting?: boolean } = {}) =>
  api.call('users.import', { csv, ...options }, adminSession);

describe('users CSV import', () => {
  it('reports every bad row with its line and reason, and writes nothing', async () => {
    const before = await countUsers();
    const csv = [
      'email,full_name,role,is_active',
      'good@example.org,Good Row,student,true',
      'not-an-email,Bad Email,student,true',
      '',
      'x@example.org,,teacher,maybe',
      'multi@example.org,"Two',
      'Lines",student,yes',
      'late@example.org,Late Bad,student,perhaps',
    ].join('\n');
    const result = await importCsv(csv);
    expect(result).toMatchObject({ ok: true, data: { isWritten: false, created: 0, rows: 5 } });
    if (!result.ok) return;
    const problems = (result.data as { problems: { line: number; column?: string }[] }).problems;
    expect(problems.map((problem) => [problem.line, problem.column])).toEqual([
      [3, 'email'],
      [5, 'full_name'],
      [5, 'role'],
      [5, 'is_active'],
      [8, 'is_active'],
    ]);
    expect(await countUsers()).toBe(before);
  });

  it('shows a preview on a dry run and writes nothing', async () => {
    const before = await countUsers();
    const result = await importCsv('email,full_name,role\ndry@example.org,Dry Run,student\n', {
      dryRun: true,
    });
    expect(result).toMatchObject({
      ok: true,
      data: {
        isWritten: false,
        created: 1,
        problems: [],
        preview: [{ line: 2, email: 'dry@example.org' }],
      },
    });
    expect(await countUsers()).toBe(before);
  });

  it('imports a clean file in one go, lower-casing emails and keeping metadata', async () => {
    const csv =
      'Email,Full_Name,Role,Metadata\nAda@Example.org,Ada Lovelace,student,"{""cohort"":""2026""}"\nalan@example.org,Alan Turing,instructor,\n';
    const result = await importCsv(csv);
    expect(result).toMatchObject({ ok: true, data: { isWritten: true, created: 2 } });
    const rows = await api.db.sequelize.query<{ email: string; metadata: unknown }>(
      `SELECT email, metadata FROM users WHERE email IN ('ada@example.org', 'alan@example.org') ORDER BY email`,
      { type: QueryTypes.SELECT },
    );
    expect(rows).toEqual([
      { email: 'ada@example.org', metadata: { cohort: '2026' } },
      { email: 'alan@example.org', metadata: {} },
    ]);
  });

  it('reports an email repeated in the file on the later line', async () => {
    const result = await importCsv(
      'email,full_name,role\nrep@example.org,A,student\nREP@example.org,B,student\n',
    );
    expect(result).toMatchObject({
      ok: true,
      data: { isWritten: false, problems: [{ line: 3, column: 'email' }] },
    });
  });

  it('reports existing emails, or leaves them out when asked', async () => {
    const csv =
      'email,full_name,role\nada@example.org,Ada Again,student\nnew1@example.org,New One,student\n';
    expect(await importCsv(csv)).toMatchObject({
      ok: true,
      data: { isWritten: false, problems: [{ line: 2 }] },
    });
    expect(await importCsv(csv, { skipExisting: true })).toMatchObject({
      ok: true,
      data: { isWritten: true, created: 1, skipped: 1 },
    });
  });

  it('names unknown and missing columns on the header line', async () => {
    const result = await importCsv('email,name,role,password\nz@example.org,Z,student,secret\n');
    expect(result).toMatchObject({ ok: true, data: { isWritten: false } });
    if (result.ok) {
      const messages = (
        result.data as { problems: { line: number; message: string }[] }
      ).problems.filter((p) => p.line === 1);
      expect(messages.map((problem) => problem.message)).toEqual([
        expect.stringContaining('unknown column(s) name, password'),
        expect.stringContaining('missing column(s) full_name'),
      ]);
    }
  });

  it('stores hostile text literally', async () => {
    const name = `Robert'); DROP TABLE users;--`;
    const result = await importCsv(
      Papa.unparse([
        ['email', 'full_name', 'role'],
        ['bobby@example.org', name, 'student'],
      ]),
    );
    expect(result).toMatchObject({ ok: true, data: { isWritten: true } });
    const [row] = await api.db.sequelize.query<{ full_name: string }>(
      `SELECT full_name FROM users WHERE email = 'bobby@example.org'`,
      {
        type: QueryTypes.SELECT,
      },
    );
    expect(row?.full_name).toBe(name);
  });

  it('is refused to support staff', async () => {
    const support = await api.signedIn('support');
    const result = await api.call(
      'users.import',
      { csv: 'email,full_name,role\n' },
      support.sessionId,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it("names the line and column of a NUL byte (which the database can't store), and writes nothing", async () => {
    const before = await countUsers();
    const result = await api.db.withTransaction(
      { actorId: null, actorIp: null, source: 'app' },
      (transaction) =>
        importUsersCsv(
          api.db,
          {
            csv: 'email,full_name,role\nnul-ok@example.org,Fine,student\nnul@example.org,Bad\0Name,student\n',
          },
          transaction,
        ),
    );
    expect(result.isWritten).toBe(false);
    expect(result.problems).toEqual([
      { line: 3, column: 'full_name', message: expect.stringContaining('NUL character') },
    ]);
    expect(await countUsers()).toBe(before);
  });

  it('writes nothing when cancelled', async () => {
    const before = await countUsers();
    const controller = new AbortController();
    controller.abort();
    const rows = Array.from(
      { length: 30_000 },
      (_, index) => `cancel${index}@example.org,Cancel ${index},student`,
    );
    await expect(
      api.db.withTransaction({ actorId: null, actorIp: null, source: 'app' }, (transaction) =>
        importUsersCsv(api.db, { csv: `email,full_name,role\n${rows.join('\n')}` }, transaction, {
          signal: controller.signal,
        }),
      ),
    ).rejects.toThrow();
    expect(await countUsers()).toBe(before);
  });
});

describe('users CSV export', () => {
  it('exports in the import layout, guarding formula-like cells, and imports back unchanged', async () => {
    await importCsv('email,full_name,role\nformula@example.org,"=HYPERLINK(""x"")",support\n');
    const exported = await api.call('users.export', { search: 'formula@' }, adminSession);
    expect(exported).toMatchObject({ ok: true, data: { rows: 1 } });
    if (!exported.ok) return;
    const { csv } = exported.data as { csv: string };
    expect(csv.split('\r\n')[0]).toBe('email,full_name,role,is_active,metadata');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    await api.db.sequelize.query(`DELETE FROM users WHERE email = 'formula@example.org'`);
    expect(await importCsv(csv)).toMatchObject({ ok: true, data: { isWritten: true, created: 1 } });
    const [row] = await api.db.sequelize.query<{ full_name: string }>(
      `SELECT full_name FROM users WHERE email = 'formula@example.org'`,
      {
        type: QueryTypes.SELECT,
      },
    );
    expect(row?.full_name).toBe('=HYPERLINK("x")');
    expect(api.internalErrors).toEqual([]);
  });
});
