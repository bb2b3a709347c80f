import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiProgress, ApiResult, LmsBridge } from '../../electron/api/contract';

/** The Electron door as the renderer sees it: `window.lms`, answering what each test says. */
class FakeBridge implements LmsBridge {
  readonly calls: { channel: string; input: unknown; callId?: string }[] = [];
  readonly listeners = new Set<(progress: ApiProgress) => void>();
  answer: (channel: string, input: unknown) => Promise<ApiResult<unknown>> = () =>
    Promise.resolve({ ok: true, data: {} });

  invoke(channel: string, input: unknown, options?: { callId?: string }) {
    this.calls.push({
      channel,
      input,
      ...(options?.callId !== undefined && { callId: options.callId }),
    });
    return this.answer(channel, input);
  }

  on(_event: 'progress', callback: (progress: ApiProgress) => void): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  emit(progress: ApiProgress): void {
    for (const listener of this.listeners) listener(progress);
  }
}

const bridge = new FakeBridge();
let api: typeof import('../../renderer/api');

beforeAll(async () => {
  // The client picks its door when it loads: with `window.lms` present, it is the Electron one.
  Object.assign(globalThis, { window: { lms: bridge } });
  api = await import('../../renderer/api');
});

beforeEach(() => {
  bridge.calls.length = 0;
  bridge.listeners.clear();
});

const admin = {
  id: '0b6b3ad1-8a52-4a55-9d2e-7f0c2d1e4b11',
  email: 'ada@example.org',
  fullName: 'Ada Lovelace',
  role: 'admin',
  isActive: true,
  lastLoginAt: null,
  createdAt: '2026-11-25T16:00:00.000Z',
  version: 1,
};

describe('the renderer API client over window.lms', () => {
  it('parses data with the channel output schema, so ISO date strings arrive as Dates', async () => {
    bridge.answer = () => Promise.resolve({ ok: true, data: { items: [admin], nextCursor: null } });
    const result = await api.invoke('users.list', {});
    expect(result.ok && result.data.items[0]?.createdAt).toEqual(new Date(admin.createdAt));
  });

  it('passes an API error through unchanged', async () => {
    const error = { code: 'UNAUTHENTICATED', message: 'Wrong email or password.' } as const;
    bridge.answer = () => Promise.resolve({ ok: false, error });
    expect(await api.invoke('auth.signIn', { email: 'a@example.org', password: 'x' })).toEqual({
      ok: false,
      error,
    });
  });

  it('answers INTERNAL, naming the channel, when the data does not fit the contract', async () => {
    bridge.answer = () => Promise.resolve({ ok: true, data: { items: 'not a list' } });
    const result = await api.invoke('users.list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(!result.ok && result.error.message).toContain('users.list');
  });

  it('sends no call id with a call nobody follows or cancels', async () => {
    await api.invoke('auth.state', {});
    expect(bridge.calls).toEqual([{ channel: 'auth.state', input: {} }]);
  });

  it("reports only its own call's progress, and stops listening once answered", async () => {
    const seen: ApiProgress[] = [];
    bridge.answer = () => {
      const callId = bridge.calls.at(-1)?.callId ?? '';
      bridge.emit({ callId: 'someone-else', done: 9 });
      bridge.emit({ callId, done: 1, total: 2, message: 'exporting' });
      return Promise.resolve({ ok: true, data: { csv: '', rows: 0 } });
    };
    await api.invoke('users.export', {}, { onProgress: (progress) => seen.push(progress) });
    expect(seen).toEqual([expect.objectContaining({ done: 1, total: 2 })]);
    expect(bridge.listeners.size).toBe(0);
  });

  it('asks the main process to cancel the call when its signal aborts', async () => {
    const controller = new AbortController();
    bridge.answer = (channel) => {
      if (channel === 'lms:cancel') return Promise.resolve({ ok: true, data: {} });
      controller.abort();
      return Promise.resolve({
        ok: false,
        error: { code: 'CANCELLED', message: 'Cancelled: nothing was changed.' },
      });
    };
    const result = await api.invoke('users.export', {}, { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const [call, cancel] = bridge.calls;
    expect(cancel).toEqual({ channel: 'lms:cancel', input: { callId: call?.callId } });
  });

  it('does not start a call whose signal is already aborted', async () => {
    const result = await api.invoke('users.export', {}, { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(bridge.calls).toEqual([]);
  });

  it('throws the envelope error as an ApiCallError from request()', async () => {
    const error = { code: 'FORBIDDEN', message: 'Admins only.' } as const;
    bridge.answer = () => Promise.resolve({ ok: false, error });
    await expect(api.request('users.list', {})).rejects.toMatchObject({
      name: 'ApiCallError',
      code: 'FORBIDDEN',
      message: 'Admins only.',
    });
  });
});
