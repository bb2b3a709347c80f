import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiProgress, ApiResult, ChannelOutput } from '../../electron/api/contract';
import { createApiHarness, type ApiHarness } from '../support/api-harness';
import { runCli } from '../support/cli-runner';

// Exports of a history longer than any one message: the API hands it out in parts (each with
// progress, each cancellable) that add up to the whole; the CLI streams it into a file that
// appears only once complete.

/** More than the 100,000 changes the API export used to stop at. */
const COURSES = 100_500;
/** The courses' creation: one raw SQL statement, so exactly COURSES entries. */
const filter = { tableName: 'courses', action: 'INSERT', source: 'sql' } as const;

let api: ApiHarness;
let support: { userId: string; sessionId: string };
let folder: string;

beforeAll(async () => {
  api = await createApiHarness();
  support = await api.signedIn('support');
  await api.db.sequelize.query(
    `INSERT INTO courses (slug, title) SELECT 'export-' || g, 'Course ' || g FROM generate_series(1, ${COURSES}) g`,
  );
  folder = await fs.mkdtemp(path.join(os.tmpdir(), 'lms-audit-export-'));
}, 120_000);
afterAll(async () => {
  await api?.close();
  await fs.rm(folder, { recursive: true, force: true });
});

type ExportPart = ChannelOutput<'audit.export'>;

/** One part through the router, as a window asks for it: with a call id, hearing its progress. */
async function exportPart(
  input: { format: 'csv' | 'json'; cursor?: string },
  options: { onProgress?: (progress: ApiProgress) => void; signal?: AbortSignal } = {},
): Promise<ApiResult<unknown>> {
  const { result } = await api.router.call(
    'audit.export',
    { filter, ...input },
    {
      sessionId: support.sessionId,
      ip: '127.0.0.1',
      source: 'app',
      callId: 'export-1',
      ...options,
    },
  );
  return result;
}

/** Asks for parts until the last, as the app does; returns them and every progress event. */
async function exportAll(
  format: 'csv' | 'json',
): Promise<{ parts: ExportPart[]; progress: ApiProgress[] }> {
  const parts: ExportPart[] = [];
  const progress: ApiProgress[] = [];
  let cursor: string | undefined;
  do {
    const result = await exportPart(
      { format, ...(cursor && { cursor }) },
      { onProgress: (event) => progress.push(event) },
    );
    if (!result.ok) throw new Error(`audit.export failed: ${result.error.message}`);
    const part = result.data as ExportPart;
    parts.push(part);
    cursor = part.nextCursor ?? undefined;
  } while (cursor);
  return { parts, progress };
}

describe('audit.export', () => {
  it(`hands out more than 100,000 changes as CSV parts that add up to the whole history, with progress`, async () => {
    const { parts, progress } = await exportAll('csv');
    expect(parts.length).toBeGreaterThan(1);
    const rows = Papa.parse<Record<string, string>>(parts.map((part) => part.text).join(''), {
      header: true,
      skipEmptyLines: true,
    });
    expect(rows.errors).toEqual([]);
    expect(rows.data).toHaveLength(COURSES);
    const seqs = rows.data.map((row) => BigInt(row.seq ?? '0'));
    expect(seqs.every((seq, index) => index === 0 || seq < (seqs[index - 1] ?? 0n))).toBe(true);
    expect(parts.at(-1)).toMatchObject({ done: COURSES, total: COURSES, nextCursor: null });
    expect(parts.reduce((sum, part) => sum + part.rows, 0)).toBe(COURSES);
    const done = progress.map((event) => event.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ done: COURSES, total: COURSES });
  }, 120_000);

  it('hands out JSON parts that join into one valid array', async () => {
    const { parts } = await exportAll('json');
    expect(parts.length).toBeGreaterThan(1);
    const entries = JSON.parse(parts.map((part) => part.text).join('')) as { action: string }[];
    expect(entries).toHaveLength(COURSES);
    expect(new Set(entries.map((entry) => entry.action))).toEqual(new Set(['INSERT']));
  }, 120_000);

  it('leaves out changes made after the export began, so its total stays right', async () => {
    const first = await exportPart({ format: 'csv' });
    if (!first.ok) throw new Error(first.error.message);
    const { nextCursor, total } = first.data as ExportPart;
    await api.db.sequelize.query(`INSERT INTO courses (slug, title) VALUES ('late', 'Late')`);
    let cursor = nextCursor;
    let last = first.data as ExportPart;
    while (cursor) {
      const next = await exportPart({ format: 'csv', cursor });
      if (!next.ok) throw new Error(next.error.message);
      last = next.data as ExportPart;
      cursor = last.nextCursor;
    }
    expect(total).toBe(COURSES);
    expect(last.done).toBe(COURSES);
    await api.db.sequelize.query(`DELETE FROM courses WHERE slug = 'late'`);
  }, 120_000);

  it('answers a cancelled part with CANCELLED and no text', async () => {
    const controller = new AbortController();
    const result = await exportPart(
      { format: 'json' },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(result).not.toHaveProperty('data');
  });

  it('refuses a cursor that continues an export of another format', async () => {
    const first = await exportPart({ format: 'csv' });
    if (!first.ok) throw new Error(first.error.message);
    const result = await exportPart({
      format: 'json',
      cursor: (first.data as ExportPart).nextCursor ?? '',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { cursor: 'belongs to another export' } },
    });
  });
});

describe('lms-admin audit export --out', () => {
  it('writes the whole history to the file, saying how many changes', async () => {
    const out = path.join(folder, 'history.json');
    const result = await runCli(
      [
        'audit',
        'export',
        '--table',
        'courses',
        '--action',
        'INSERT',
        '--format',
        'json',
        '--out',
        out,
      ],
      { DATABASE_URL: api.database.url },
    );
    const [counted] = await api.db.select<{ total: number }>(
      `SELECT count(*)::int AS total FROM audit_log WHERE table_name = 'courses' AND action = 'INSERT'`,
      [],
    );
    const total = counted?.total ?? 0;
    expect(total).toBeGreaterThanOrEqual(COURSES);
    expect(result.stderr).toContain(`Wrote ${total.toLocaleString('en-US')} changes to ${out}.`);
    const entries = JSON.parse(await fs.readFile(out, 'utf8')) as unknown[];
    expect(entries).toHaveLength(total);
    expect(await fs.readdir(folder)).toEqual(['history.json']);
    await fs.rm(out);
  }, 120_000);

  it('leaves no file, finished or not, when stopped with Ctrl+C', async () => {
    const out = path.join(folder, 'stopped.csv');
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('../../db/lms-admin.mjs', import.meta.url)),
        'audit',
        'export',
        '--table',
        'courses',
        '--out',
        out,
      ],
      {
        env: { ...process.env, DATABASE_URL: api.database.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let isInterrupted = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      // Interrupted once it has written a batch: the file is half done.
      if (!isInterrupted && stderr.includes('exporting (')) {
        isInterrupted = child.kill('SIGINT');
      }
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr, stderr).toContain(`Stopped: ${out} was not written.`);
    expect(exitCode).not.toBe(0);
    expect(await fs.readdir(folder)).toEqual([]);
  }, 120_000);
});
