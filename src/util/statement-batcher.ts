// Group commit: callers submit inputs one at a time, and what arrives while one statement is in
// flight goes together in the next one. Each statement (a round trip, and on this machine a
// costly syscall) then serves as many callers as the load brings, while a lone caller waits for
// no timer: an idle batcher flushes at once.

export interface StatementBatcherOptions {
  /** The most inputs in one flush (a caller's inputs are never split across flushes). */
  maxBatch: number;
  /**
   * When a flush of several callers fails, flush each caller alone, so that one caller's bad
   * input fails only that caller (each then gets its own result or its own error).
   */
  isolateFailures?: boolean;
}

interface Pending<In, Out> {
  inputs: In[];
  resolve(outputs: Out[]): void;
  reject(err: unknown): void;
}

export class StatementBatcher<In, Out> {
  private waiting: Pending<In, Out>[] = [];
  private flushing = false;

  /**
   * `flush` runs one statement for the inputs of several callers, in submission order, and
   * answers one output per input, in the same order.
   */
  constructor(
    private readonly flush: (inputs: In[]) => Promise<Out[]>,
    private readonly options: StatementBatcherOptions,
  ) {}

  /** The outputs of `inputs`, in their order, once a flush that includes them is done. */
  submit(inputs: In[]): Promise<Out[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise<Out[]>((resolve, reject) => {
      this.waiting.push({ inputs, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  /** Flushes until nothing waits; at most one flush is in flight. */
  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.takeBatch();
        await this.flushBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private takeBatch(): Pending<In, Out>[] {
    let count = 0;
    let taken = 0;
    while (taken < this.waiting.length && (taken === 0 || count + this.waiting[taken].inputs.length <= this.options.maxBatch)) {
      count += this.waiting[taken].inputs.length;
      taken += 1;
    }
    return this.waiting.splice(0, taken);
  }

  private async flushBatch(batch: Pending<In, Out>[]): Promise<void> {
    let outputs: Out[];
    try {
      outputs = await this.flush(batch.flatMap((p) => p.inputs));
    } catch (err) {
      if (this.options.isolateFailures && batch.length > 1) {
        for (const one of batch) await this.flushBatch([one]);
      } else {
        for (const p of batch) p.reject(err);
      }
      return;
    }
    let at = 0;
    for (const p of batch) {
      p.resolve(outputs.slice(at, at + p.inputs.length));
      at += p.inputs.length;
    }
  }
}
