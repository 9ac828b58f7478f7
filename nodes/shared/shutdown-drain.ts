// A stop drains the LINE webhook's work before Node-RED stops the flows. Node-RED cannot do it
// itself: its Flow.stop takes every node out of the flow at once, before any close handler has
// finished, and from then on drops every msg sent to them (handlePreRoute finds no node), so no
// close handler, however long it waits, lets a handoff in flight reach its next node. So, in a
// Node-RED started by its own red.js (whose SIGTERM and SIGINT listeners stop the flows and exit),
// those listeners are deferred: on the signal every running store first stops taking webhooks
// (503, LINE delivers them again) and gives the flow's work in progress up to
// SHUTDOWN_DRAIN_SECONDS, with the flows still running; then Node-RED's own listeners run. A
// second signal goes on at once. A host without listeners of its own is left alone (a listener
// added here would keep the process from exiting): `npm start` drains itself (drainRunningStores).
import type { LiveChat } from '../../src/live-chat';

/** Past the drain itself: the queue and the marks of what finished, written before the exit. */
const DRAIN_SLACK_MS = 5000;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** The cores of the stores running in this process (a store still waiting for its database has none to drain). */
const running = new Set<LiveChat>();
let installed = false;
let draining = false;

/** Counts a store's core, once it runs, among those a stop drains; call the answer when the store closes. */
export function runningStore(liveChat: Promise<LiveChat>): () => void {
  let closed = false;
  let core: LiveChat | undefined;
  liveChat.then(
    (app) => {
      core = app;
      if (!closed) running.add(app);
    },
    () => undefined,
  );
  return () => {
    closed = true;
    if (core) running.delete(core);
  };
}

/** Every running store stops taking webhooks and drains its flow's work (each within its drain time). */
export async function drainRunningStores(): Promise<void> {
  await Promise.all([...running].map((app) => app.lineWebhook.stop()));
}

/** Defers the host's SIGTERM and SIGINT listeners until the stores have drained (once per process). */
export function drainBeforeSignals(drainMs: number, log: { info(text: string): void }): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) {
    const host = process.listeners(signal);
    if (host.length === 0) continue;
    for (const listener of host) process.removeListener(signal, listener);
    process.on(signal, () => {
      const handOn = () => {
        for (const listener of host) listener.call(process, signal);
      };
      if (draining) return handOn();
      draining = true;
      log.info(`${signal}: the LINE webhook answers 503 and its work in progress gets up to ${drainMs / 1000} s before the flows stop`);
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainMs + DRAIN_SLACK_MS);
      });
      Promise.race([drainRunningStores(), cap])
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          handOn();
        });
    });
  }
}
