/** How many failures are free, and how the wait grows after them. */
const FREE_FAILURES = 5;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5 * 60_000;
const FORGET_AFTER_MS = 15 * 60_000;

interface FailureRecord {
  count: number;
  lastFailureAt: number;
}

/**
 * Slows down password guessing: after a few failed sign-ins for one key (an account) each
 * further attempt must wait, doubling each time. Kept in memory: it guards this process's
 * doors (the app window, the loopback host), which are the only ones that take passwords.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, FailureRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How long the caller must still wait before another attempt for these keys (0: go ahead). */
  waitMs(keys: readonly string[]): number {
    return Math.max(0, ...keys.map((key) => this.waitFor(key)));
  }

  recordFailure(keys: readonly string[]): void {
    for (const key of keys) {
      const record = this.current(key);
      this.failures.set(key, { count: (record?.count ?? 0) + 1, lastFailureAt: this.now() });
    }
  }

  recordSuccess(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private waitFor(key: string): number {
    const record = this.current(key);
    if (!record || record.count < FREE_FAILURES) return 0;
    const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (record.count - FREE_FAILURES));
    return Math.max(0, record.lastFailureAt + delay - this.now());
  }

  private current(key: string): FailureRecord | undefined {
    const record = this.failures.get(key);
    if (record && this.now() - record.lastFailureAt > FORGET_AFTER_MS) {
      this.failures.delete(key);
      return undefined;
    }
    return record;
  }
}
