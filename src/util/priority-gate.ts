// A fixed number of slots handed out first to urgent waiters, then to the others, each kind in
// the order they came. A slot given back while others wait is handed on a moment later (after
// the microtasks of now), so urgent work that goes on at once, such as a request's next
// statement, takes it before background work that waited longer. Urgent work never starves the
// rest: after `urgentInARow` urgent grants while others wait, the next slot goes to the first
// other waiter. A waiter gives up after its deadline, so nothing waits for ever.

interface Waiter {
  grant(): void;
  refuse(err: Error): void;
}

export class PriorityGate {
  private free: number;
  private readonly urgent: Waiter[] = [];
  private readonly normal: Waiter[] = [];
  private closedWith?: Error;
  /** Urgent grants made in a row while other waiters waited. */
  private urgentStreak = 0;

  constructor(
    readonly slots: number,
    private readonly timeoutMs: number,
    private readonly urgentInARow = Number.POSITIVE_INFINITY,
  ) {
    this.free = slots;
  }

  /** No slot free: the next acquire waits. */
  get full(): boolean {
    return this.free === 0 || this.waiting > 0;
  }

  /** Waiters not yet given a slot. */
  get waiting(): number {
    return this.urgent.length + this.normal.length;
  }

  /** Resolves once a slot is the caller's (release it exactly once); rejects after the deadline. */
  acquire(urgent: boolean): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.free > 0 && this.waiting === 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const queue = urgent ? this.urgent : this.normal;
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
        refuse: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        reject(new Error(`no database connection free within ${this.timeoutMs} ms (${this.waiting} more waiting)`));
      }, this.timeoutMs);
      queue.push(waiter);
    });
  }

  /** Refuses every waiter, and every later acquire, with `err` (the pool is closing). */
  close(err: Error): void {
    this.closedWith = err;
    for (const waiter of this.urgent.splice(0).concat(this.normal.splice(0))) waiter.refuse(err);
  }

  /** Gives the slot back: soon to the first urgent waiter then (within its streak), else the first other one. */
  release(): void {
    if (this.waiting === 0) {
      this.free = Math.min(this.slots, this.free + 1);
      return;
    }
    setImmediate(() => this.handOn());
  }

  private handOn(): void {
    const othersWait = this.normal.length > 0;
    if (this.urgent.length > 0 && !(othersWait && this.urgentStreak >= this.urgentInARow)) {
      this.urgentStreak = othersWait ? this.urgentStreak + 1 : 0;
      this.urgent.shift()!.grant();
    } else if (othersWait) {
      this.urgentStreak = 0;
      this.normal.shift()!.grant();
    } else {
      this.free = Math.min(this.slots, this.free + 1);
    }
  }
}
