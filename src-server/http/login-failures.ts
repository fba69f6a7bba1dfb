/**
 * Wrong-password budgets for parker log-in, per account (the email as typed, known or not, so the
 * answer tells nothing about which emails exist) and per client IP, over a fixed window on the
 * server's clock. In memory: one server instance's view; with REDIS_URL the instances share
 * them instead (src-server/scale/shared-failures.ts).
 */
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
/** Bound on remembered keys: the oldest are dropped first (Map keeps insertion order). */
const MAX_KEYS = 100_000;

interface Entry {
  count: number;
  resetAt: number;
}

export class FailureBudget {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number = LOGIN_FAILURE_WINDOW_MS,
  ) {}

  /** Seconds until `key` may try again, or null when it may now. */
  blockedFor(key: string, now: number): number | null {
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.resetAt <= now) {
      this.entries.delete(key);
      return null;
    }
    return e.count >= this.max ? Math.ceil((e.resetAt - now) / 1000) : null;
  }

  fail(key: string, now: number): void {
    const e = this.entries.get(key);
    if (e && e.resetAt > now) {
      e.count += 1;
      return;
    }
    if (e) this.entries.delete(key);
    if (this.entries.size >= MAX_KEYS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { count: 1, resetAt: now + this.windowMs });
  }

  clear(key: string): void {
    this.entries.delete(key);
  }
}
