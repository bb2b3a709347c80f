import { randomBytes } from 'node:crypto';
import type { SessionUser } from '../../db/schemas/auth';

const IDLE_TIMEOUT_MS = 8 * 60 * 60_000;
const ABSOLUTE_TIMEOUT_MS = 24 * 60 * 60_000;

interface SessionRecord {
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** The user as the database last confirmed them, and when. */
  verified?: { user: SessionUser; at: number };
}

/** A live session: whose it is, and the user as last confirmed by the database (if ever). */
export interface ResolvedSession {
  userId: string;
  /** The confirmed user, when confirmed within the asked-for age. */
  recentUser: SessionUser | null;
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

  /**
   * The live session (its use counts as activity), or null when unknown or expired, with the
   * user as confirmed no longer than `maxAgeMs` ago.
   */
  resolve(id: string | null, maxAgeMs = 0): ResolvedSession | null {
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
    const { verified } = session;
    const isRecent = verified !== undefined && now - verified.at <= maxAgeMs;
    return { userId: session.userId, recentUser: isRecent ? verified.user : null };
  }

  /** Records the user as the database has them now. */
  confirm(id: string, user: SessionUser): void {
    const session = this.sessions.get(id);
    if (session) session.verified = { user, at: this.now() };
  }

  end(id: string | null): void {
    if (id !== null) this.sessions.delete(id);
  }
}
