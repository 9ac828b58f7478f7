// On a PostgreSQL server, `npm start` starts the database's migrations before Node-RED loads its
// nodes, instead of after, when the flow's session-store opens the database: the server runs
// them on its own core while this process loads the nodes, and a first start was 0.2–0.3 s
// shorter on a 2-core VM (bench/memory-start). A worker thread was tried and was slower there: its
// loading of the database code took the core the server and the nodes' loading needed.
// The store still migrates on opening, as anywhere else: the advisory lock (migrator.ts) makes it
// wait for this run, and then it finds nothing left to run. A failure here is only logged: the
// store meets the same database, says why, and tries again until it answers.
import { openDatabase } from '../db/database';
import type { Logger } from '../logger';

/** Resolves when the migrations ran or failed; it never rejects. */
export async function migrateWhileNodesLoad(url: string, log: Logger): Promise<void> {
  try {
    const database = await openDatabase({ url }, { log: (line) => log.info(line) });
    await database.close();
  } catch (err) {
    log.warn(`could not migrate the database before the flow starts (the session-store tries again): ${err instanceof Error ? err.message : String(err)}`);
  }
}
