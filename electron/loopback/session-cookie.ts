import type { IncomingMessage } from 'node:http';

/**
 * The browser's session: an opaque id in a cookie page scripts can't read (HttpOnly) and other
 * sites' requests don't carry (SameSite=Strict). Cookies ignore the port, so the name carries it:
 * two hosts on different ports don't overwrite each other's session.
 */
export function sessionCookieName(port: number): string {
  return `lms_session_${port}`;
}

const ATTRIBUTES = 'HttpOnly; SameSite=Strict; Path=/';

export function sessionCookie(port: number, sessionId: string): string {
  return `${sessionCookieName(port)}=${sessionId}; ${ATTRIBUTES}`;
}

export function clearedSessionCookie(port: number): string {
  return `${sessionCookieName(port)}=; ${ATTRIBUTES}; Max-Age=0`;
}

/** The session id the request's cookie carries, or null. */
export function sessionIdOf(req: IncomingMessage, port: number): string | null {
  const name = sessionCookieName(port);
  for (const pair of req.headers.cookie?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) {
      return pair.slice(separator + 1).trim() || null;
    }
  }
  return null;
}
