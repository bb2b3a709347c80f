import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWebHost, type WebHost } from '../../electron/web-host';
import { createApiHarness, TEST_PASSWORD, type ApiHarness } from '../support/api-harness';
import { holdingRouter, type HoldingRouter } from '../support/holding-router';
import { TempFolders } from '../support/temp-folders';

const folders = new TempFolders();

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * One request with exactly these headers (fetch won't send a foreign Host). Resolves with the
 * answer even when the host answers before the body is all sent.
 */
function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: http.OutgoingHttpHeaders },
  writeBody: (request: http.ClientRequest) => void = (request) => request.end(),
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let hasAnswer = false;
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (response) => {
        hasAnswer = true;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
      },
    );
    request.on('error', (error) => {
      if (!hasAnswer) reject(error);
    });
    writeBody(request);
  });
}

/** Reads Server-Sent Events frame by frame. */
class EventStream {
  private buffer = '';

  private constructor(
    private readonly reader: ReadableStreamDefaultReader<string>,
    private readonly controller: AbortController,
  ) {}

  static async open(url: string): Promise<EventStream> {
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`event stream refused: ${response.status}`);
    return new EventStream(
      response.body.pipeThrough(new TextDecoderStream()).getReader(),
      controller,
    );
  }

  /** The next event named `name` (others are skipped), with its data parsed. */
  async next(name: string): Promise<unknown> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end !== -1) {
        const frame = this.buffer.slice(0, end).split('\n');
        this.buffer = this.buffer.slice(end + 2);
        const event = frame.find((line) => line.startsWith('event: '))?.slice('event: '.length);
        const data = frame.find((line) => line.startsWith('data: '))?.slice('data: '.length);
        if (event === name && data !== undefined) return JSON.parse(data);
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error(`the event stream ended before a "${name}" event`);
      this.buffer += value;
    }
  }

  close(): void {
    this.controller.abort();
  }
}

/** A call as the page makes it: token, JSON, and whatever `headers` add or replace. */
function rpc(
  target: WebHost,
  channel: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${target.origin}/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-lms-token': target.token, ...headers },
    body: JSON.stringify(input),
  });
}

/** The `name=value` part of a Set-Cookie header, to send back as a Cookie header. */
function cookiePair(setCookie: string | undefined): string {
  const pair = setCookie?.split(';')[0];
  if (!pair) throw new Error('the answer set no cookie');
  return pair;
}

/** Writes a page and an asset, and a file beside the folder that must never be served. */
async function makeStaticDir(): Promise<string> {
  const root = await folders.make('lms-web-host');
  const dir = path.join(root, 'renderer');
  await fs.mkdir(path.join(dir, 'assets'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><title>LMS Admin test page</title>',
  );
  await fs.writeFile(path.join(dir, 'assets', 'app.js'), 'export {};\n');
  await fs.writeFile(path.join(root, 'secret.txt'), 'not for the browser');
  return dir;
}

describe('the loopback host', () => {
  let api: ApiHarness;
  let holding: HoldingRouter;
  let host: WebHost;
  let staticDir: string;
  let adminCookie: string;

  beforeAll(async () => {
    api = await createApiHarness();
    staticDir = await makeStaticDir();
    holding = holdingRouter(api.router);
    host = await startWebHost({ router: holding, staticDir });
    const admin = await api.signedIn('admin');
    adminCookie = `lms_session_${host.port}=${admin.sessionId}`;
  });
  afterAll(async () => {
    await host.close();
    await api.close();
    await folders.removeAll();
  });

  async function countUsers(email: string): Promise<number> {
    const rows = await api.db.sequelize.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM users WHERE email = $1`,
      { bind: [email], type: QueryTypes.SELECT },
    );
    return rows[0]?.count ?? 0;
  }

  describe('serving the page', () => {
    it('serves the built renderer with a strict CSP and the other security headers', async () => {
      const response = await fetch(`${host.origin}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain('LMS Admin test page');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    });

    it('serves assets with their content type, and the page for routes of the app', async () => {
      const asset = await fetch(`${host.origin}/assets/app.js`);
      expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await asset.text()).toBe('export {};\n');
      const route = await fetch(`${host.origin}/users/42`);
      expect(await route.text()).toContain('LMS Admin test page');
      expect((await fetch(`${host.origin}/assets/missing.js`)).status).toBe(404);
    });

    it('serves nothing outside the renderer folder', async () => {
      for (const escape of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
        const response = await rawRequest(host.port, {
          method: 'GET',
          path: escape,
          headers: { host: `127.0.0.1:${host.port}` },
        });
        expect(response.status).toBe(404);
        expect(response.text).not.toContain('not for the browser');
      }
    });

    it('says to run `npm run build` while the renderer is not built', async () => {
      const empty = await folders.make('lms-web-unbuilt');
      const unbuilt = await startWebHost({ router: api.router, staticDir: empty });
      try {
        const response = await fetch(`${unbuilt.origin}/`);
        expect(response.status).toBe(503);
        expect(await response.text()).toContain('npm run build');
        expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      } finally {
        await unbuilt.close();
      }
    });
  });

  describe('calls', () => {
    it('answers a good call with the envelope, no-store and the security headers', async () => {
      const response = await rpc(
        host,
        'users.create',
        { email: 'good@example.org', fullName: 'Good Call', role: 'student' },
        { cookie: adminCookie },
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        ok: true,
        data: { email: 'good@example.org', role: 'student' },
      });
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await countUsers('good@example.org')).toBe(1);
    });

    it('maps error codes to HTTP statuses', async () => {
      const anonymous = await rpc(host, 'auth.me', {});
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
      const invalid = await rpc(host, 'users.create', { email: 'nope' }, { cookie: adminCookie });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', fields: { email: expect.any(String) } },
      });
      const unknown = await rpc(host, 'users.explode', {});
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });

    it('answers malformed JSON with a VALIDATION envelope', async () => {
      const response = await fetch(`${host.origin}/rpc/auth.state`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lms-token': host.token },
        body: '{"email":',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', message: expect.stringContaining('not valid JSON') },
      });
    });

    it('answers a failure of the host itself as INTERNAL, without its details', async () => {
      const broken = await startWebHost({
        router: { call: () => Promise.reject(new Error('SELECT password_hash FROM users')) },
        staticDir,
      });
      const log = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
      try {
        const response = await rpc(broken, 'auth.state', {});
        expect(response.status).toBe(500);
        const text = await response.text();
        expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
        expect(text).not.toContain('password_hash');
        expect(String(log.mock.calls[0]?.[0])).toContain('password_hash');
      } finally {
        log.mockRestore();
        await broken.close();
      }
    });

    it('takes calls only by POST', async () => {
      const response = await fetch(`${host.origin}/rpc/auth.state`, {
        headers: { 'x-lms-token': host.token },
      });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });
  });

  describe('refusals', () => {
    const oversize = 21 * 1024 * 1024;
    const refusals: {
      what: string;
      status: number;
      code: string;
      /** Replaces the good call's headers (undefined drops one) or sends another body. */
      headers?: (port: number) => Record<string, string | undefined>;
      body?: (email: string) => string;
      streamed?: boolean;
    }[] = [
      {
        what: 'a call without the token',
        status: 403,
        code: 'FORBIDDEN',
        headers: () => ({ 'x-lms-token': undefined }),
      },
      {
        what: 'a call with a wrong token',
        status: 403,
        code: 'FORBIDDEN',
        headers: () => ({ 'x-lms-token': 'wrong-token-of-the-right-length-0123456789a' }),
      },
      {
        what: 'a call from another site (Origin)',
        status: 403,
        code: 'FORBIDDEN',
        headers: () => ({ origin: 'http://evil.example' }),
      },
      {
        what: 'a call from another port of this machine (Origin)',
        status: 403,
        code: 'FORBIDDEN',
        headers: (port) => ({ origin: `http://127.0.0.1:${port + 1}` }),
      },
      {
        what: 'a call through another host name (DNS rebinding)',
        status: 403,
        code: 'FORBIDDEN',
        headers: (port) => ({ host: `evil.example:${port}` }),
      },
      {
        what: 'a form post (text/plain)',
        status: 415,
        code: 'VALIDATION',
        headers: () => ({ 'content-type': 'text/plain' }),
      },
      {
        what: 'a call without a content type',
        status: 415,
        code: 'VALIDATION',
        headers: () => ({ 'content-type': undefined }),
      },
      {
        what: 'a body over 20 MB, declared by Content-Length',
        status: 413,
        code: 'VALIDATION',
        body: (email) =>
          JSON.stringify({ email, fullName: 'x', role: 'student', padding: 'x'.repeat(oversize) }),
      },
      {
        what: 'a body over 20 MB, streamed in chunks',
        status: 413,
        code: 'VALIDATION',
        body: (email) =>
          JSON.stringify({ email, fullName: 'x', role: 'student', padding: 'x'.repeat(oversize) }),
        streamed: true,
      },
    ];

    it.each(refusals)('refuses $what and changes nothing', async (refusal) => {
      const email = `refused-${refusals.indexOf(refusal)}@example.org`;
      const body =
        refusal.body?.(email) ?? JSON.stringify({ email, fullName: 'R', role: 'student' });
      const headers: Record<string, string> = {};
      const wanted = {
        host: `127.0.0.1:${host.port}`,
        'content-type': 'application/json',
        'x-lms-token': host.token,
        cookie: adminCookie,
        ...(refusal.streamed ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        ...refusal.headers?.(host.port),
      };
      for (const [name, value] of Object.entries(wanted))
        if (value !== undefined) headers[name] = value;
      const response = await rawRequest(
        host.port,
        { path: '/rpc/users.create', headers },
        (request) => {
          if (!refusal.streamed) {
            request.end(body);
            return;
          }
          const chunkSize = 1024 * 1024;
          for (let offset = 0; offset < body.length; offset += chunkSize)
            request.write(body.slice(offset, offset + chunkSize));
          request.end();
        },
      );
      expect(response.status).toBe(refusal.status);
      expect(JSON.parse(response.text)).toMatchObject({ ok: false, error: { code: refusal.code } });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(await countUsers(email)).toBe(0);
    });

    it('still answers on the same connection after refusing an oversize body', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const send = (body: string) =>
          new Promise<number>((resolve, reject) => {
            const request = http.request(
              {
                host: '127.0.0.1',
                port: host.port,
                method: 'POST',
                path: '/rpc/auth.state',
                agent,
                headers: { 'content-type': 'application/json', 'x-lms-token': host.token },
              },
              (response) => {
                response.resume();
                response.on('end', () => resolve(response.statusCode ?? 0));
              },
            );
            request.on('error', reject);
            request.end(body);
          });
        expect(await send(JSON.stringify({ padding: 'x'.repeat(oversize) }))).toBe(413);
        expect(await send('{}')).toBe(200);
      } finally {
        agent.destroy();
      }
    });
  });

  describe('the session cookie', () => {
    it('starts a session on sign-in in an HttpOnly, SameSite=Strict cookie that authenticates auth.me', async () => {
      const { userId } = await api.signedIn('instructor', 'cookie@example.org');
      const signIn = await rpc(host, 'auth.signIn', {
        email: 'cookie@example.org',
        password: TEST_PASSWORD,
      });
      expect(signIn.status).toBe(200);
      const setCookie = signIn.headers.getSetCookie();
      expect(setCookie).toHaveLength(1);
      expect(setCookie[0]).toMatch(
        new RegExp(`^lms_session_${host.port}=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=/$`),
      );
      const me = await rpc(host, 'auth.me', {}, { cookie: cookiePair(setCookie[0]) });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ ok: true, data: { id: userId, role: 'instructor' } });
    });

    it('ends the session on sign-out and tells the browser to drop the cookie', async () => {
      await api.signedIn('support', 'leaving@example.org');
      const signIn = await rpc(host, 'auth.signIn', {
        email: 'leaving@example.org',
        password: TEST_PASSWORD,
      });
      const cookie = cookiePair(signIn.headers.getSetCookie()[0]);
      const signOut = await rpc(host, 'auth.signOut', {}, { cookie });
      expect(signOut.status).toBe(200);
      expect(signOut.headers.getSetCookie()).toEqual([
        `lms_session_${host.port}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
      ]);
      const me = await rpc(host, 'auth.me', {}, { cookie });
      expect(me.status).toBe(401);
    });

    it('sets no cookie on a failed sign-in', async () => {
      const response = await rpc(host, 'auth.signIn', {
        email: 'nobody@example.org',
        password: 'not the password',
      });
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
    });
  });

  describe('event stream and cancellation', () => {
    it('refuses the event stream without the token or from another site', async () => {
      expect((await fetch(`${host.origin}/rpc-events`)).status).toBe(403);
      expect((await fetch(`${host.origin}/rpc-events?token=wrong-token-0123456789`)).status).toBe(
        403,
      );
      const foreign = await rawRequest(host.port, {
        method: 'GET',
        path: `/rpc-events?token=${host.token}`,
        headers: { host: `127.0.0.1:${host.port}`, origin: 'http://evil.example' },
      });
      expect(foreign.status).toBe(403);
    });

    it('cancels a call in flight by its id: it answers CANCELLED and keeps nothing', async () => {
      const pending = rpc(
        host,
        'users.create',
        { email: 'cancelled@example.org', fullName: 'Cancelled', role: 'student' },
        { cookie: adminCookie, 'x-lms-call-id': 'held-cancel' },
      );
      await holding.arrived('held-cancel');
      const cancel = await fetch(`${host.origin}/rpc-cancel/held-cancel`, {
        method: 'POST',
        headers: { 'x-lms-token': host.token },
      });
      expect(cancel.status).toBe(200);
      expect(await cancel.json()).toEqual({ ok: true, data: { cancelled: true } });
      const response = await pending;
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
      expect(await countUsers('cancelled@example.org')).toBe(0);
    });

    it('refuses a cancel without the token and answers NOT_FOUND for a call not running', async () => {
      const pending = rpc(host, 'auth.state', {}, { 'x-lms-call-id': 'held-guarded' });
      await holding.arrived('held-guarded');
      const cancelUrl = `${host.origin}/rpc-cancel/held-guarded`;
      expect((await fetch(cancelUrl, { method: 'POST' })).status).toBe(403);
      const unknown = await fetch(`${host.origin}/rpc-cancel/no-such-call`, {
        method: 'POST',
        headers: { 'x-lms-token': host.token },
      });
      expect(unknown.status).toBe(404);
      await fetch(cancelUrl, { method: 'POST', headers: { 'x-lms-token': host.token } });
      expect((await pending).status).toBe(409);
    });

    it('refuses a second call with the id of one still running', async () => {
      const first = rpc(host, 'auth.state', {}, { 'x-lms-call-id': 'held-twice' });
      await holding.arrived('held-twice');
      const second = await rpc(host, 'auth.state', {}, { 'x-lms-call-id': 'held-twice' });
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      await fetch(`${host.origin}/rpc-cancel/held-twice`, {
        method: 'POST',
        headers: { 'x-lms-token': host.token },
      });
      await first;
    });

    it('refuses a call id that is not one', async () => {
      const response = await rpc(host, 'auth.state', {}, { 'x-lms-call-id': 'no spaces/allowed' });
      expect(response.status).toBe(400);
    });

    it('closes with an event stream open and a call in flight, which answers CANCELLED', async () => {
      const closing = await startWebHost({ router: holding, staticDir });
      const events = await EventStream.open(`${closing.origin}/rpc-events?token=${closing.token}`);
      await events.next('ready');
      const pending = rpc(closing, 'auth.state', {}, { 'x-lms-call-id': 'held-close' });
      await holding.arrived('held-close');
      await closing.close();
      const response = await pending;
      expect(response.status).toBe(409);
      await expect(events.next('progress')).rejects.toThrow(/ended/);
      await expect(fetch(`${closing.origin}/`)).rejects.toThrow();
    });
  });
});

describe('the loopback host on a first run', () => {
  let api: ApiHarness;
  let host: WebHost;
  let adminCookie = '';

  beforeAll(async () => {
    api = await createApiHarness();
    host = await startWebHost({ router: api.router, staticDir: await makeStaticDir() });
  });
  afterAll(async () => {
    await host.close();
    await api.close();
    await folders.removeAll();
  });

  it('starts the session of the first admin with auth.setup, in a cookie that authenticates auth.me', async () => {
    const setup = await rpc(host, 'auth.setup', {
      email: 'first@example.org',
      password: TEST_PASSWORD,
      fullName: 'First Admin',
    });
    expect(setup.status).toBe(200);
    const setCookie = setup.headers.getSetCookie()[0];
    expect(setCookie).toContain('HttpOnly; SameSite=Strict; Path=/');
    adminCookie = cookiePair(setCookie);
    const me = await rpc(host, 'auth.me', {}, { cookie: adminCookie });
    expect(await me.json()).toMatchObject({
      ok: true,
      data: { email: 'first@example.org', role: 'admin' },
    });
  });

  // The one long channel with progress so far; rolling every migration back ends this database's use.
  it('streams the progress of a long call (migrations.rollback) to the event stream, by call id', async () => {
    const events = await EventStream.open(`${host.origin}/rpc-events?token=${host.token}`);
    try {
      await events.next('ready');
      const pending = rpc(
        host,
        'migrations.rollback',
        { to: 0 },
        {
          cookie: adminCookie,
          'x-lms-call-id': 'rollback-all',
        },
      );
      expect(await events.next('progress')).toMatchObject({
        callId: 'rollback-all',
        done: 0,
        total: expect.any(Number),
        message: expect.stringMatching(/^reverting /),
      });
      expect(await events.next('progress')).toMatchObject({
        callId: 'rollback-all',
        done: 1,
        message: expect.stringMatching(/^reverted /),
      });
      const response = await pending;
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ok: true, data: { status: { applied: [] } } });
    } finally {
      events.close();
    }
  });
});
