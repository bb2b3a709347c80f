import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { channels } from '../../electron/api/contract';
import { appPageMatcher, bindIpc, type InvokeEvent, type IpcRegistry } from '../../electron/ipc';
import { CANCEL_CHANNEL, PROGRESS_MESSAGE } from '../../electron/transport';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { holdingRouter, type HoldingRouter } from '../support/holding-router';

const APP_PAGE = 'file:///opt/lms-admin/resources/app/dist/renderer/index.html';

type Listener = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Stands in for Electron's `ipcMain`: keeps the handlers, and lets a test invoke them. */
class InMemoryIpcMain implements IpcRegistry {
  readonly listeners = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    // Electron refuses a second handler for a channel; so does this.
    if (this.listeners.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }

  invoke(event: InvokeEvent, channel: string, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (!listener) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return listener(event, ...args);
  }
}

let nextWindowId = 1;

/** Stands in for a window's webContents: records what it is sent, and can be closed. */
class InMemoryWindow {
  readonly id = nextWindowId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  private readonly onDestroyed: (() => void)[] = [];
  private isClosed = false;

  constructor(private readonly ipcMain: InMemoryIpcMain) {}

  isDestroyed(): boolean {
    return this.isClosed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  once(_event: 'destroyed', listener: () => void): void {
    this.onDestroyed.push(listener);
  }

  close(): void {
    this.isClosed = true;
    for (const listener of this.onDestroyed.splice(0)) listener();
  }

  /** Invokes `channel` as `ipcRenderer.invoke` would, from a frame showing `frameUrl`. */
  invoke(channel: string, args: unknown[] = [], frameUrl: string | null = APP_PAGE) {
    return this.ipcMain.invoke(
      { sender: this, senderFrame: frameUrl === null ? null : { url: frameUrl } },
      channel,
      ...args,
    );
  }
}

describe('the sender check', () => {
  const isAppPage = appPageMatcher(APP_PAGE);

  it('accepts the app page whatever its fragment or query', () => {
    expect(isAppPage(APP_PAGE)).toBe(true);
    expect(isAppPage(`${APP_PAGE}#/users/42`)).toBe(true);
    expect(isAppPage(`${APP_PAGE}?tab=quizzes`)).toBe(true);
  });

  it('refuses other pages, hosts, schemes and what is not a URL', () => {
    expect(isAppPage('file:///opt/lms-admin/resources/app/dist/renderer/other.html')).toBe(false);
    expect(isAppPage('file:///tmp/index.html')).toBe(false);
    expect(
      isAppPage('https://evil.example/opt/lms-admin/resources/app/dist/renderer/index.html'),
    ).toBe(false);
    expect(isAppPage('about:blank')).toBe(false);
    expect(isAppPage('not a url')).toBe(false);
  });
});

describe('the IPC binding', () => {
  let api: ApiHarness;
  let holding: HoldingRouter;
  let ipcMain: InMemoryIpcMain;
  let unbind: () => void;

  beforeAll(async () => {
    api = await createApiHarness();
    holding = holdingRouter(api.router);
    ipcMain = new InMemoryIpcMain();
    unbind = bindIpc({ ipcMain, router: holding, isTrustedSender: appPageMatcher(APP_PAGE) });
  });
  afterAll(async () => {
    unbind();
    await api.close();
  });

  /** A window signed in over IPC as a new user of `role`. */
  async function signedInWindow(role: 'admin' | 'instructor' | 'support'): Promise<{
    window: InMemoryWindow;
    userId: string;
    signIn: unknown;
  }> {
    const { userId } = await api.signedIn(role);
    const [row] = await api.db.sequelize.query<{ email: string }>(
      `SELECT email FROM users WHERE id = $1`,
      { bind: [userId], type: QueryTypes.SELECT },
    );
    const window = new InMemoryWindow(ipcMain);
    const signIn = await window.invoke('auth.signIn', [
      { email: row?.email, password: TEST_PASSWORD },
    ]);
    expect(signIn).toMatchObject({ ok: true, data: { id: userId } });
    return { window, userId, signIn };
  }

  async function countUsers(email: string): Promise<number> {
    const rows = await api.db.sequelize.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM users WHERE email = $1`,
      { bind: [email], type: QueryTypes.SELECT },
    );
    return rows[0]?.count ?? 0;
  }

  it('fits Electron’s own ipcMain and invoke event', () => {
    expectTypeOf<IpcMain>().toExtend<IpcRegistry>();
    expectTypeOf<IpcMainInvokeEvent>().toExtend<InvokeEvent>();
  });

  it('handles every contract channel and lms:cancel, and nothing else', () => {
    expect([...ipcMain.listeners.keys()].sort()).toEqual([...channels, CANCEL_CHANNEL].sort());
  });

  it('has no handler for a channel outside the contract', async () => {
    const window = new InMemoryWindow(ipcMain);
    await expect(window.invoke('users.explode', [{}])).rejects.toThrow(/No handler registered/);
  });

  it('answers the app page and keeps its session across calls, without showing it the session id', async () => {
    const start = vi.spyOn(api.router.sessions, 'start');
    let signedIn: Awaited<ReturnType<typeof signedInWindow>>;
    let sessionId: unknown;
    try {
      signedIn = await signedInWindow('admin');
      sessionId = start.mock.results.at(-1)?.value;
    } finally {
      start.mockRestore();
    }
    const { window, userId, signIn } = signedIn;
    expect(typeof sessionId).toBe('string');
    expect(JSON.stringify(signIn)).not.toContain(String(sessionId));
    const me = await window.invoke('auth.me', [{}]);
    expect(me).toEqual({ ok: true, data: expect.objectContaining({ id: userId, role: 'admin' }) });
    const created = await window.invoke('users.create', [
      { email: 'made-over-ipc@example.org', fullName: 'Made Over IPC', role: 'student' },
    ]);
    expect(created).toMatchObject({ ok: true, data: { email: 'made-over-ipc@example.org' } });
    expect(await countUsers('made-over-ipc@example.org')).toBe(1);
  });

  it('keeps one session per window', async () => {
    await signedInWindow('admin');
    const other = new InMemoryWindow(ipcMain);
    expect(await other.invoke('auth.me', [{}])).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('ends the session on sign-out', async () => {
    const { window } = await signedInWindow('support');
    expect(await window.invoke('auth.signOut', [{}])).toEqual({ ok: true, data: {} });
    expect(await window.invoke('auth.me', [{}])).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('ends the session of a window that closes', async () => {
    const end = vi.spyOn(api.router.sessions, 'end');
    try {
      const { window } = await signedInWindow('instructor');
      end.mockClear();
      window.close();
      expect(end).toHaveBeenCalledTimes(1);
      const sessionId = end.mock.calls[0]?.[0] ?? null;
      expect(sessionId).not.toBeNull();
      expect(api.router.sessions.resolve(sessionId)).toBeNull();
    } finally {
      end.mockRestore();
    }
  });

  it('refuses a frame that is not the app page, and changes nothing', async () => {
    const { window } = await signedInWindow('admin');
    const input = { email: 'from-elsewhere@example.org', fullName: 'Elsewhere', role: 'student' };
    for (const frameUrl of ['https://evil.example/', 'file:///tmp/index.html', null]) {
      expect(await window.invoke('users.create', [input], frameUrl)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(
      await window.invoke(CANCEL_CHANNEL, [{ callId: 'any' }], 'https://evil.example/'),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await countUsers('from-elsewhere@example.org')).toBe(0);
  });

  it('refuses call options that are not valid', async () => {
    const window = new InMemoryWindow(ipcMain);
    expect(await window.invoke('auth.state', [{}, { callId: 'no spaces' }])).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await window.invoke('auth.state', [{}, { sessionId: 'x' }])).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('cancels a call in flight by its id from the same window only; the call keeps nothing', async () => {
    const { window } = await signedInWindow('admin');
    const other = new InMemoryWindow(ipcMain);
    const pending = window.invoke('users.create', [
      { email: 'cancelled-ipc@example.org', fullName: 'Cancelled', role: 'student' },
      { callId: 'held-ipc' },
    ]);
    await holding.arrived('held-ipc');
    expect(await other.invoke(CANCEL_CHANNEL, [{ callId: 'held-ipc' }])).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await window.invoke(CANCEL_CHANNEL, [{ callId: 'held-ipc' }])).toEqual({
      ok: true,
      data: { cancelled: true },
    });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await countUsers('cancelled-ipc@example.org')).toBe(0);
  });

  it('answers a failure of the router itself as INTERNAL, without its details', async () => {
    const registry = new InMemoryIpcMain();
    const unbindBroken = bindIpc({
      ipcMain: registry,
      router: {
        sessions: api.router.sessions,
        call: () => Promise.reject(new Error('SELECT password_hash FROM users')),
      },
      isTrustedSender: appPageMatcher(APP_PAGE),
    });
    const log = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    try {
      const result = await new InMemoryWindow(registry).invoke('auth.state', [{}]);
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(JSON.stringify(result)).not.toContain('password_hash');
      expect(String(log.mock.calls[0]?.[0])).toContain('password_hash');
    } finally {
      log.mockRestore();
      unbindBroken();
    }
  });

  it('removes every handler when unbound', () => {
    const registry = new InMemoryIpcMain();
    const unbindThis = bindIpc({
      ipcMain: registry,
      router: api.router,
      isTrustedSender: appPageMatcher(APP_PAGE),
    });
    expect(registry.listeners.size).toBe(channels.length + 1);
    unbindThis();
    expect(registry.listeners.size).toBe(0);
  });
});

describe('progress over IPC', () => {
  let api: ApiHarness;
  let ipcMain: InMemoryIpcMain;
  let unbind: () => void;

  beforeAll(async () => {
    api = await createApiHarness();
    ipcMain = new InMemoryIpcMain();
    unbind = bindIpc({ ipcMain, router: api.router, isTrustedSender: appPageMatcher(APP_PAGE) });
  });
  afterAll(async () => {
    unbind();
    await api.close();
  });

  // The one long channel with progress so far; rolling every migration back ends this database's use.
  it('sends the progress of a long call (migrations.rollback) to the window that made it only', async () => {
    const window = new InMemoryWindow(ipcMain);
    const bystander = new InMemoryWindow(ipcMain);
    await window.invoke('auth.setup', [
      { email: 'first@example.org', password: TEST_PASSWORD, fullName: 'First Admin' },
    ]);
    const result = await window.invoke('migrations.rollback', [
      { to: 0 },
      { callId: 'rollback-all' },
    ]);
    expect(result).toMatchObject({ ok: true, data: { status: { applied: [] } } });
    const progress = window.sent.filter((message) => message.channel === PROGRESS_MESSAGE);
    expect(progress.map((message) => message.args[0])).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          callId: 'rollback-all',
          done: 0,
          message: expect.stringMatching(/^reverting /),
        }),
        expect.objectContaining({
          callId: 'rollback-all',
          done: 1,
          message: expect.stringMatching(/^reverted /),
        }),
      ]),
    );
    expect(bystander.sent).toEqual([]);
  });
});
