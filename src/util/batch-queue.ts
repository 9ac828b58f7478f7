// A bounded in-memory queue worked one batch at a time: whatever arrives while a batch runs
// forms the next one, so load makes batches bigger (and the statements per item fewer) without
// a timer delaying a lone item. Producers that find it full wait for room for a bounded time
// and are then told no, so memory stays bounded and the producer keeps the items elsewhere.

import { inBackground } from './urgency';

export interface BatchQueueOptions {
  /** The most items waiting in memory. */
  maxQueued: number;
  /** The most items in one batch. */
  maxBatch: number;
}

export class BatchQueue<T> {
  private readonly items: T[] = [];
  private running?: Promise<void>;
  private roomWaiters: (() => void)[] = [];

  /** `work` must not reject: a batch's failures are its own to record. */
  constructor(
    private readonly work: (batch: T[]) => Promise<void>,
    private readonly options: BatchQueueOptions,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Room for `n` more items (an empty queue takes any number, so a big request is never refused for good). */
  hasRoom(n: number): boolean {
    return this.items.length === 0 || this.items.length + n <= this.options.maxQueued;
  }

  /** Queues `items` when there is room within `waitMs`; false when there was none (nothing queued). */
  async offer(items: T[], waitMs: number): Promise<boolean> {
    if (items.length === 0) return true;
    const deadline = Date.now() + waitMs;
    while (!this.hasRoom(items.length)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.roomWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.items.push(...items);
    this.kick();
    return true;
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) return;
    // The work is done after its producers' answers, whoever they were: never urgent.
    this.running = inBackground(() => this.drain()).finally(() => {
      this.running = undefined;
      if (this.items.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.items.length > 0) {
      const batch = this.items.splice(0, this.options.maxBatch);
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const wake of waiters) wake();
      await this.work(batch);
    }
  }
}
