// Which work someone is waiting for right now: an operator's inbox request, LINE's webhook
// awaiting its 200. Such work is "urgent" and goes ahead of the work done after an answer (event
// processing, live updates, replies) where both wait for the same scarce thing, such as the
// embedded database's single connection. The mark follows the work's async calls on its own.
import { AsyncLocalStorage } from 'node:async_hooks';

const urgency = new AsyncLocalStorage<boolean>();

/** Runs `work` (and everything it starts) as urgent. */
export function urgently<T>(work: () => T): T {
  return urgency.run(true, work);
}

/** Runs `work` (and everything it starts) as background work, even when called from urgent work. */
export function inBackground<T>(work: () => T): T {
  return urgency.run(false, work);
}

export function isUrgent(): boolean {
  return urgency.getStore() === true;
}
