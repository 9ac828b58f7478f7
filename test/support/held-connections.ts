// Every connection of a database held by background work until the test lets go: what the pool
// looks like under a burst, for tests of which waiting work gets the next free connection.
import { type Database, SERVER_POOL } from '../../src/db/database';
import { inBackground } from '../../src/util/urgency';

export interface HeldConnections {
  /** Gives back one connection (the one held longest). */
  letGo(): void;
  /** Gives back every connection; resolves when their transactions have ended. */
  letAllGo(): Promise<unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Background transactions holding every connection of `db`, each until let go. */
export async function holdEveryConnection(db: Database): Promise<HeldConnections> {
  const slots = db.kind === 'embedded' ? 1 : SERVER_POOL;
  const releases: (() => void)[] = [];
  let holding = 0;
  const done = Promise.all(
    Array.from({ length: slots }, () =>
      inBackground(() =>
        db.sql.transaction(async (tx) => {
          await tx.rows('SELECT 1');
          holding += 1;
          await new Promise<void>((resolve) => releases.push(resolve));
        }),
      ),
    ),
  );
  while (holding < slots) await sleep(5);
  return {
    letGo: () => releases.shift()?.(),
    letAllGo: () => {
      for (const release of releases.splice(0)) release();
      return done;
    },
  };
}
