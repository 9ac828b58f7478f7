// The flow's work of each webhook event whose msgs are out in this process: how many of its msgs
// are still being delivered to or handled by a node, by webhookEventId. Whatever hosts the flow
// counts (Node-RED's message hooks: nodes/shared/flow-work-hooks); when an event's count comes
// back to zero and stays there (a node's done() may hand the msg on to a Catch node in the same
// tick), its flow is done and that is marked in the database, batched. While the flows stop
// (a deploy, a shutdown), msgs between nodes are dropped, so a count that falls to zero then
// proves nothing: nothing is marked, and the event's lease lets the recovery pass emit it again.
import type { Logger } from '../logger';
import { StatementBatcher } from '../util/statement-batcher';

/** Every FlowWork of this process (one per core): msgs carry only the event's id. */
const everyFlowWork = new Set<FlowWork>();

export class FlowWork {
  private readonly counts = new Map<string, number>();
  private readonly marks: StatementBatcher<string, undefined>;
  private marking = 0;
  private frozen = false;
  private waiters: (() => void)[] = [];
  /** Those waiting for one event's msgs here to be done (settled()), by webhookEventId. */
  private readonly settledWaiters = new Map<string, (() => void)[]>();

  constructor(
    markDone: (webhookEventIds: string[]) => Promise<void>,
    private readonly log: Logger,
  ) {
    this.marks = new StatementBatcher(
      async (ids: string[]) => {
        await markDone(ids);
        return ids.map(() => undefined);
      },
      { maxBatch: 500 },
    );
    everyFlowWork.add(this);
  }

  /** The FlowWork counting this event's msgs here, if any. */
  static of(webhookEventId: unknown): FlowWork | undefined {
    if (typeof webhookEventId !== 'string') return undefined;
    for (const work of everyFlowWork) if (work.counts.has(webhookEventId)) return work;
    return undefined;
  }

  /** Resolves once no msg of the event is counted here, in any FlowWork of this process (now, if none is). */
  static settled(webhookEventId: string): Promise<void> {
    return FlowWork.of(webhookEventId)?.settled(webhookEventId) ?? Promise.resolve();
  }

  /** Stops or resumes marking (while the host's flows stop and start again). */
  static freezeAll(frozen: boolean): void {
    for (const work of everyFlowWork) work.freeze(frozen);
  }

  /** One more msg of the event in the flow (the emission itself counts as one until it is out). */
  enter(webhookEventId: string): void {
    this.counts.set(webhookEventId, (this.counts.get(webhookEventId) ?? 0) + 1);
  }

  /** One msg of the event finished with; the last one ends its flow's work. */
  leave(webhookEventId: string): void {
    const count = this.counts.get(webhookEventId);
    if (count === undefined) return;
    this.counts.set(webhookEventId, count - 1);
    if (count <= 1) setImmediate(() => this.settle(webhookEventId));
  }

  /** Stops counting an event (its flow was given up). */
  forget(webhookEventId: string): void {
    this.counts.delete(webhookEventId);
    this.wakeSettled(webhookEventId);
    this.wakeIfIdle();
  }

  /** Resolves once no msg of the event is counted here (now, if none is). */
  settled(webhookEventId: string): Promise<void> {
    if (!this.counts.has(webhookEventId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.settledWaiters.get(webhookEventId);
      if (waiting) waiting.push(resolve);
      else this.settledWaiters.set(webhookEventId, [resolve]);
    });
  }

  /** Events with msgs in the flow here, and flow-done marks not yet written. */
  get inFlight(): number {
    return this.counts.size + this.marking;
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }

  /** Forgets everything (the core stops); later msgs of these events count nowhere. */
  close(): void {
    everyFlowWork.delete(this);
    this.counts.clear();
    this.wakeAllSettled();
    this.wakeIfIdle();
  }

  private freeze(frozen: boolean): void {
    this.frozen = frozen;
    // Counted before the stop: their msgs may have been dropped; the lease has them now.
    if (!frozen) {
      this.counts.clear();
      this.wakeAllSettled();
    }
    this.wakeIfIdle();
  }

  private settle(webhookEventId: string): void {
    const count = this.counts.get(webhookEventId);
    if (count === undefined || count > 0) return;
    this.counts.delete(webhookEventId);
    this.wakeSettled(webhookEventId);
    if (this.frozen) {
      this.wakeIfIdle();
      return;
    }
    this.marking++;
    this.marks
      .submit([webhookEventId])
      .catch((err: Error) => this.log.warn(`the flow of LINE webhook event ${webhookEventId} is done but could not be marked so: ${err.message}`))
      .finally(() => {
        this.marking--;
        this.wakeIfIdle();
      });
  }

  private wakeSettled(webhookEventId: string): void {
    const waiting = this.settledWaiters.get(webhookEventId);
    this.settledWaiters.delete(webhookEventId);
    for (const wake of waiting ?? []) wake();
  }

  private wakeAllSettled(): void {
    for (const id of [...this.settledWaiters.keys()]) this.wakeSettled(id);
  }

  private wakeIfIdle(): void {
    if (this.inFlight > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
