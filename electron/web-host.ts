/**
 * The loopback door into the router (browser mode, end-to-end tests): the built renderer and
 * `POST /rpc/<channel>` on 127.0.0.1, for the page opened from the printed link only.
 *
 * - Every request must name this host (`Host`), and come from this origin when it says (`Origin`).
 * - Every call carries the launch token in `X-LMS-Token`; the page reads it from the link's
 *   fragment, which browsers never send to a server or in a Referer.
 * - The session is an HttpOnly, SameSite=Strict cookie, started and ended as the router says.
 * - Long calls: `X-LMS-Call-Id` names the call; its progress streams from `GET /rpc-events`
 *   (Server-Sent Events; the token rides in the query string, as EventSource can't send headers)
 *   and `POST /rpc-cancel/<callId>` aborts it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ErrorCode } from '../db/schemas/errors';
import { UserFacingError } from '../db/user-facing-error';
import type { ApiErrorBody, ApiResult } from './api/contract';
import type { Router } from './api/router';
import { callIdSchema, InFlightCalls } from './transport';
import { isLaunchToken, isOwnOrigin, ownHost, setSecurityHeaders } from './loopback/guards';
import { readJsonBody } from './loopback/json-body';
import { ProgressStreams } from './loopback/progress-stream';
import { clearedSessionCookie, sessionCookie, sessionIdOf } from './loopback/session-cookie';
import { serveStatic } from './loopback/static-files';

/** A launch token: long and random enough not to guess, and safe in a URL fragment and query. */
export const webTokenSchema = z.string().regex(/^[A-Za-z0-9._~-]{16,256}$/, {
  message: 'must be 16 to 256 characters of letters, digits, ".", "_", "~" or "-"',
});

/** The header a call's launch token travels in. */
export const TOKEN_HEADER = 'x-lms-token';
/** The header that names a long call, for its progress events and its cancellation. */
export const CALL_ID_HEADER = 'x-lms-call-id';

export interface WebHostOptions {
  /** The API; the host adds nothing to what a call may do. */
  router: Pick<Router, 'call'>;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** The port to listen on; a free one when left out. */
  port?: number;
  /** The launch token; a fresh random one when left out. */
  token?: string;
}

/** A running host. */
export interface WebHost {
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly token: string;
  /** The link to open: the page, with the token in the fragment. */
  readonly openUrl: string;
  /** Stops listening, cancels calls in flight, ends event streams; resolves once all is closed. */
  close(): Promise<void>;
}

/** The HTTP status each error code answers with. */
const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  // The caller stopped the call; it did not complete, as with a conflicting change.
  CANCELLED: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The largest request body accepted: CSV imports travel as JSON, and 20 MB holds a large one. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Answers a call with its envelope, at the status its error code maps to. */
function sendResult(
  res: ServerResponse,
  result: ApiResult<unknown>,
  headers: Record<string, string> = {},
): void {
  if (result.ok) {
    sendJson(res, 200, result, headers);
    return;
  }
  const retryAfterMs = result.error.retryAfterMs;
  sendJson(res, STATUS_OF[result.error.code], result, {
    ...headers,
    ...(retryAfterMs !== undefined && { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) }),
  });
}

/** Refuses a request before it reaches the router, as an envelope like any other failure. */
function refuse(
  res: ServerResponse,
  status: number,
  error: ApiErrorBody,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { ok: false, error }, headers);
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

/** The caller's address as the audit log records it (`::ffff:127.0.0.1` is 127.0.0.1). */
function clientIp(req: IncomingMessage): string | null {
  return req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null;
}

async function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? new UserFacingError(
              `Port ${port} on 127.0.0.1 is already in use: choose another with --port, or leave --port out for a free one.`,
            )
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the host on 127.0.0.1 and resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { router, staticDir } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  const calls = new InFlightCalls();
  const streams = new ProgressStreams();
  let port = 0;

  const badToken: ApiErrorBody = {
    code: 'FORBIDDEN',
    message:
      'This page was not opened from the link LMS Admin printed; open that link (it carries the launch token).',
  };

  const handleCall = async (
    req: IncomingMessage,
    res: ServerResponse,
    channel: string,
  ): Promise<void> => {
    if (req.method !== 'POST') {
      refuse(
        res,
        405,
        { code: 'VALIDATION', message: `Call ${channel} with POST.` },
        { Allow: 'POST' },
      );
      return;
    }
    if (!isLaunchToken(headerValue(req, TOKEN_HEADER), token)) {
      refuse(res, 403, badToken);
      return;
    }
    const rawCallId = headerValue(req, CALL_ID_HEADER);
    const callId = rawCallId === null ? undefined : callIdSchema.safeParse(rawCallId);
    if (callId && !callId.success) {
      refuse(res, 400, {
        code: 'VALIDATION',
        message: `The call id (X-LMS-Call-Id) ${callId.error.issues[0]?.message ?? 'is not valid'}.`,
      });
      return;
    }
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    if (!body.ok) {
      refuse(res, body.status, { code: 'VALIDATION', message: body.message });
      return;
    }
    const call = calls.start(callId?.data);
    if (!call) {
      refuse(res, 409, {
        code: 'CONFLICT',
        message: `A call with id "${callId?.data}" is still running; give each call its own id.`,
      });
      return;
    }
    // A page that went away (closed, reloaded) wants no answer: stop its work.
    res.on('close', () => {
      if (!res.writableFinished) call.abort();
    });
    try {
      const outcome = await router.call(channel, body.value, {
        sessionId: sessionIdOf(req, port),
        ip: clientIp(req),
        source: 'app',
        signal: call.signal,
        ...(callId?.data !== undefined && {
          callId: callId.data,
          onProgress: (progress) => streams.publish(progress),
        }),
      });
      const session = outcome.session;
      sendResult(
        res,
        outcome.result,
        session
          ? {
              'Set-Cookie':
                session.kind === 'start'
                  ? sessionCookie(port, session.id)
                  : clearedSessionCookie(port),
            }
          : {},
      );
    } finally {
      call.finish();
    }
  };

  const handleCancel = (req: IncomingMessage, res: ServerResponse, rawCallId: string): void => {
    if (req.method !== 'POST') {
      refuse(res, 405, { code: 'VALIDATION', message: 'Cancel with POST.' }, { Allow: 'POST' });
      return;
    }
    if (!isLaunchToken(headerValue(req, TOKEN_HEADER), token)) {
      refuse(res, 403, badToken);
      return;
    }
    const callId = callIdSchema.safeParse(rawCallId);
    if (!callId.success) {
      refuse(res, 400, {
        code: 'VALIDATION',
        message: `The call id ${callId.error.issues[0]?.message ?? 'is not valid'}.`,
      });
      return;
    }
    if (!calls.cancel(callId.data)) {
      refuse(res, 404, {
        code: 'NOT_FOUND',
        message: `No call with id "${callId.data}" is running; it may have finished already.`,
      });
      return;
    }
    sendJson(res, 200, { ok: true, data: { cancelled: true } });
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (req.method !== 'GET') {
      refuse(
        res,
        405,
        { code: 'VALIDATION', message: 'Open the event stream with GET.' },
        {
          Allow: 'GET',
        },
      );
      return;
    }
    if (!isLaunchToken(url.searchParams.get('token'), token)) {
      refuse(res, 403, badToken);
      return;
    }
    streams.open(res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res);
    const host = ownHost(req, port);
    if (!host) {
      refuse(res, 403, {
        code: 'FORBIDDEN',
        message: `This host answers only to 127.0.0.1:${port} or localhost:${port}.`,
      });
      return;
    }
    if (!isOwnOrigin(req, host)) {
      refuse(res, 403, {
        code: 'FORBIDDEN',
        message: 'Requests from other sites are refused.',
      });
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname.startsWith('/rpc/')) {
      await handleCall(req, res, url.pathname.slice('/rpc/'.length));
    } else if (url.pathname.startsWith('/rpc-cancel/')) {
      handleCancel(req, res, url.pathname.slice('/rpc-cancel/'.length));
    } else if (url.pathname === '/rpc-events') {
      handleEvents(req, res, url);
    } else {
      await serveStatic(req, res, staticDir, url.pathname);
    }
  };

  /** Responses not yet finished, so closing can end their connections once they are. */
  const unfinished = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    unfinished.add(res);
    res.on('close', () => unfinished.delete(res));
    handle(req, res).catch((error: unknown) => {
      // The router answers its own failures; this is the host's own bug, and says no more than that.
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      // The path only: the event stream's query string holds the token.
      const path = req.url?.split('?')[0];
      process.stderr.write(`[lms-admin] web host failed on ${req.method} ${path}: ${detail}\n`);
      if (res.headersSent) res.destroy();
      else
        refuse(res, 500, {
          code: 'INTERNAL',
          message: 'Something went wrong in the web host; the terminal has the details.',
        });
    });
  });

  port = await listen(server, options.port ?? 0);
  const origin = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  return {
    port,
    origin,
    token,
    openUrl: `${origin}/#token=${token}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // Answers still to come close their connection; idle ones the server closes itself.
        for (const res of unfinished) if (!res.headersSent) res.setHeader('Connection', 'close');
        calls.cancelAll();
        streams.closeAll();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}
