// Slows down guessing: after a few failed logins for one username or from one address, further
// attempts are refused for a while that doubles with each failure (up to a ceiling).
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(
    private readonly freeAttempts = 5,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly maxDelayMs = 15 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before another attempt with these keys is heard; 0 = go ahead. */
  waitFor(keys: string[]): number {
    let wait = 0;
    for (const key of keys) {
      const entry = this.current(key);
      if (!entry || entry.count < this.freeAttempts) continue;
      const delay = Math.min(1000 * 2 ** (entry.count - this.freeAttempts), this.maxDelayMs);
      wait = Math.max(wait, entry.last + delay - this.now());
    }
    return Math.max(0, wait);
  }

  failed(keys: string[]): void {
    for (const key of keys) {
      const entry = this.current(key);
      this.failures.set(key, { count: (entry?.count ?? 0) + 1, last: this.now() });
    }
    if (this.failures.size > 10000) this.prune();
  }

  succeeded(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private current(key: string) {
    const entry = this.failures.get(key);
    if (entry && this.now() - entry.last > this.windowMs) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) this.current(key);
  }
}
