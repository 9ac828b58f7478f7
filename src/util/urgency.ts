// Which work someone is waiting for right now: an operator's inbox request, LINE's webhook
// awaiting its 200. Such work is "urgent" and goes ahead of the work done after an answer (event
// processing, live updates, replies) where both wait for the same scarce thing, such as the
// embedded database's single connection. The mark follows the work's async calls on its own.
//
// Following them has a price: while an AsyncLocalStorage is in use, Node 22 runs a hook for every
// promise made, 8% of the process's CPU per webhook event (bench/ingest). The mark only matters
// where work waits, so it is kept only while something has been scarce lately (wantUrgency: the
// database's connections all in use, see db/connection-priority), and not at all otherwise. Work
// begun before that counts as background work, as it would without a mark.
import { AsyncLocalStorage } from 'node:async_hooks';

const urgency = new AsyncLocalStorage<boolean>();

/** How long after the last call to wantUrgency work is still marked. */
export const URGENCY_LINGER_MS = 60_000;

let wantedUntil = Number.NEGATIVE_INFINITY;

/** Something urgent work may wait for is scarce now: mark work for the next URGENCY_LINGER_MS. */
export function wantUrgency(now = performance.now()): void {
  wantedUntil = now + URGENCY_LINGER_MS;
}

/** True while work is marked; past the linger, the mark's storage is let go (and with it Node's hook). */
function marking(): boolean {
  if (performance.now() < wantedUntil) return true;
  urgency.disable();
  return false;
}

/** Runs `work` (and everything it starts) as urgent. */
export function urgently<T>(work: () => T): T {
  return marking() ? urgency.run(true, work) : work();
}

/** Runs `work` (and everything it starts) as background work, even when called from urgent work. */
export function inBackground<T>(work: () => T): T {
  return marking() ? urgency.run(false, work) : work();
}

export function isUrgent(): boolean {
  return urgency.getStore() === true;
}
