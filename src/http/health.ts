// The answers for load balancers and orchestrators, under the store's base and without a login:
// healthz says the process serves (alive: restart it only when this fails), readyz that its
// database answers and its migrations have run (ready: send it traffic only while this is 200).
import express from 'express';
import type { LiveChat } from '../live-chat';
import { StoreUnavailable } from '../live-chat-startup';

export const HEALTHZ_PATH = '/healthz';
export const READYZ_PATH = '/readyz';
/** readyz's look at the database answers within this, or counts as not ready. */
export const READY_CHECK_DEADLINE_MS = 2_000;

export function healthRoutes(liveChat: () => Promise<LiveChat>): express.Router {
  const router = express.Router();
  router.get(HEALTHZ_PATH, (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'alive' });
  });
  router.get(READYZ_PATH, (_req, res) => {
    res.set('cache-control', 'no-store');
    readiness(liveChat).then(
      () => res.json({ status: 'ready' }),
      (err: Error) => {
        if (err instanceof StoreUnavailable) res.set('retry-after', String(err.retryAfterSeconds));
        res.status(503).json({ status: 'not-ready', reason: err.message });
      },
    );
  });
  return router;
}

/** Resolves when the core runs (so its migrations are done) and its database answers in time. */
async function readiness(liveChat: () => Promise<LiveChat>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailable('The database did not answer in time', 1)), READY_CHECK_DEADLINE_MS);
  });
  try {
    await Promise.race([
      (async () => {
        const app = await liveChat().catch((err: Error) => {
          throw err instanceof StoreUnavailable ? err : new StoreUnavailable('The live chat store is not running', 5);
        });
        await app.db.sql.row('SELECT 1').catch(() => {
          throw new StoreUnavailable('The database does not answer', 1);
        });
      })(),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
