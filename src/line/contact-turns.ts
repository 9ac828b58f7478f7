// A contact's webhook events taken in turn: each waits until the flow of the contact's events that
// came before it is done in this process (FlowWork), for `maxWaitMs` at most (a flow may hold a msg
// for long, or wait for the next one). chat-mode-router takes its turn before it reads the chat's
// mode, so a message right behind the handoff keyword is routed after the keyword's flow made the
// chat HUMAN, not to the bot, and the bot answers in the order it was asked. An event whose msg
// comes by again (a flow loops it back) keeps its first place. Another instance's events are not
// seen here: behind a load balancer, one user's deliveries to two instances may still cross.
import { FlowWork } from './flow-work';

export class ContactTurns {
  /** Per contact, the events whose flow is not done here yet, in the order they first came. */
  private readonly queues = new Map<string, string[]>();

  /** Resolves when the event's turn has come: the flows of the contact's earlier events are done, or `maxWaitMs` passed. */
  async take(lineUserId: string, webhookEventId: string, maxWaitMs: number): Promise<void> {
    let queue = this.queues.get(lineUserId);
    if (!queue) {
      queue = [];
      this.queues.set(lineUserId, queue);
    }
    let at = queue.indexOf(webhookEventId);
    if (at === -1) {
      at = queue.push(webhookEventId) - 1;
      void FlowWork.settled(webhookEventId).then(() => this.remove(lineUserId, webhookEventId));
    }
    const before = queue.slice(0, at);
    if (before.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    await Promise.race([Promise.all(before.map((id) => FlowWork.settled(id))), waited]);
    clearTimeout(timer);
  }

  private remove(lineUserId: string, webhookEventId: string): void {
    const queue = this.queues.get(lineUserId);
    if (!queue) return;
    const at = queue.indexOf(webhookEventId);
    if (at !== -1) queue.splice(at, 1);
    if (queue.length === 0) this.queues.delete(lineUserId);
  }
}
