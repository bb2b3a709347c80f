import { randomBytes } from 'node:crypto';

const IDLE_TIMEOUT_MS = 8 * 60 * 60_000;
const ABSOLUTE_TIMEOUT_MS = 24 * 60 * 60_000;

interface SessionRecord {
  userId: string;
  createdAt: number;
  lastSeenAt: number;
}

/**
 * Signed-in sessions, held by the main process or the loopback host: the renderer only ever sees
 * an opaque id (an HttpOnly cookie in browser mode, nothing at all over IPC).
 */
export class SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  start(userId: string): string {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    this.sessions.set(id, { userId, createdAt: now, lastSeenAt: now });
    return id;
  }

  /** The user of a live session (and it counts as activity), or null when unknown or expired. */
  resolve(id: string | null): string | null {
    if (id === null) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    const now = this.now();
    if (
      now - session.lastSeenAt > IDLE_TIMEOUT_MS ||
      now - session.createdAt > ABSOLUTE_TIMEOUT_MS
    ) {
      this.sessions.delete(id);
      return null;
    }
    session.lastSeenAt = now;
    return session.userId;
  }

  end(id: string | null): void {
    if (id !== null) this.sessions.delete(id);
  }
}
