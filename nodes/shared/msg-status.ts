// The status a node shows for the msgs it handles. A node that set it for every msg made its text
// (RED._, i18next, a localised time) and sent it to the editor hundreds of times a second under
// load, for an eye that reads a few a second. Here a node's msg statuses are shown at most every
// STATUS_INTERVAL_MS: the first at once, those that come quicker wait, and the last one asked for
// is always shown in the end. A status given as a function is made only when it is shown.
import type { Node, NodeStatus } from './node-red';

export const STATUS_INTERVAL_MS = 250;

export type StatusSource = NodeStatus | (() => NodeStatus);

export class MsgStatus {
  private shownAt = Number.NEGATIVE_INFINITY;
  private pending: StatusSource | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly node: Node,
    private readonly intervalMs = STATUS_INTERVAL_MS,
  ) {
    node.on('close', () => this.stop());
  }

  /** Shows `status` now if the last was shown long enough ago, else once the interval is over (unless a later one replaces it). */
  set(status: StatusSource): void {
    const wait = this.shownAt + this.intervalMs - performance.now();
    if (wait <= 0 && this.timer === undefined) {
      this.show(status);
      return;
    }
    this.pending = status;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const latest = this.pending;
      this.pending = undefined;
      if (latest !== undefined) this.show(latest);
    }, wait).unref();
  }

  /** Shows `status` at once (a failure), dropping any that waits: it must not cover this one later. */
  now(status: NodeStatus): void {
    this.stop();
    this.show(status);
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private show(status: StatusSource): void {
    this.shownAt = performance.now();
    try {
      this.node.status(typeof status === 'function' ? status() : status);
    } catch (err) {
      // from a timer nothing would catch it: a status text that cannot be made must not stop Node-RED
      this.node.warn(`status: ${(err as Error).message}`);
    }
  }
}

const statuses = new WeakMap<Node, MsgStatus>();

/** The node's one MsgStatus: every status it sets for msgs goes through it, so that none covers a later one. */
export function msgStatus(node: Node): MsgStatus {
  let status = statuses.get(node);
  if (!status) {
    status = new MsgStatus(node);
    statuses.set(node, status);
  }
  return status;
}
