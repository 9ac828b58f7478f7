// Slows down password guessing without letting anyone lock a user out: failures are counted per
// address and per username from that address (never per username alone), in the database, so
// that every instance sees the same counts. After a key's free attempts, further attempts with it
// are refused for a while that doubles with each failure, up to a ceiling; a success clears the
// username's count from that address. The owner, logging in from anywhere else, is never held up.
import type { LoginFailuresTable } from '../store/login-failures';

export interface ThrottlePolicy {
  /** Failures of one username from one address before it waits. */
  freePerUser: number;
  /** Failures from one address (any usernames: an office behind one NAT) before it waits. */
  freePerAddress: number;
  /** A count is forgotten this long after its last failure. */
  windowMs: number;
  maxDelayMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freePerUser: 5,
  freePerAddress: 30,
  windowMs: 15 * 60 * 1000,
  maxDelayMs: 15 * 60 * 1000,
};

/** Old rows are pruned at most this often per process (an indexed DELETE). */
const PRUNE_EVERY_MS = 60 * 1000;

export class LoginThrottle {
  private lastPrune = 0;

  constructor(
    private readonly table: () => LoginFailuresTable,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /** Milliseconds to wait before a login of `username` from `address` is heard; 0 = go ahead. */
  async waitFor(username: string, address: string): Promise<number> {
    const keys = this.keys(username, address);
    const rows = await this.table().current(Object.values(keys), this.policy.windowMs);
    let wait = 0;
    for (const row of rows) {
      const free = row.key === keys.address ? this.policy.freePerAddress : this.policy.freePerUser;
      if (row.failures < free) continue;
      const delay = Math.min(1000 * 2 ** (row.failures - free), this.policy.maxDelayMs);
      wait = Math.max(wait, delay - row.age_ms);
    }
    return Math.max(0, Math.ceil(wait));
  }

  async failed(username: string, address: string): Promise<void> {
    await this.table().failed(Object.values(this.keys(username, address)), this.policy.windowMs);
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.table().prune(this.policy.windowMs);
    }
  }

  async succeeded(username: string, address: string): Promise<void> {
    await this.table().clear([this.keys(username, address).user]);
  }

  private keys(username: string, address: string) {
    return { address: `addr:${address}`, user: `user:${username.toLowerCase().slice(0, 200)}@${address}` };
  }
}
