/**
 * What keeps the loopback host to its own page: the Host and Origin checks (DNS rebinding, other
 * sites), the launch token, and the renderer's security headers on every response.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RENDERER_SECURITY_HEADERS } from '../content-security';

/** Sets the renderer's security headers, Content Security Policy among them, on a response. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(RENDERER_SECURITY_HEADERS)) res.setHeader(name, value);
}

/**
 * The request's `Host` when it names this host (`127.0.0.1:PORT` or `localhost:PORT`), else null.
 * A page on another name that resolves here (DNS rebinding) sends its own name, and is refused.
 */
export function ownHost(req: IncomingMessage, port: number): string | null {
  const host = req.headers.host?.toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` ? host : null;
}

/** Whether `Origin`, when the browser sends one, is this host itself: another site can't drive it. */
export function isOwnOrigin(req: IncomingMessage, host: string): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin.toLowerCase() === `http://${host}`;
}

/** Compares in constant time (over digests, so the length doesn't leak either). */
export function isLaunchToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}
