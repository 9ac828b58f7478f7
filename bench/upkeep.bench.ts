// The tables' upkeep where autovacuum does not run (src/db/table-upkeep.ts) at an Official
// Account's size: 100,000 contacts and 1,000,000 messages (10,000 with --quick), the
// conversations bench's seeded database. A quarter of the contacts get a new activity and a
// quarter of the messages a new version (what tens of thousands of webhooks and bot replies leave),
// then one pass runs as while the webhook is busy, and after the same again one as while it is
// quiet. Each statement's time is how long it holds the database: on the embedded one (a single
// connection) a webhook's 200 waits behind it, and LINE gives up after 2 s. On a server the
// statements run throttled (see table-upkeep.ts), beside the pool's.
import type { Database } from '../src/db/database';
import { TableUpkeep, type UpkeepStatement } from '../src/db/table-upkeep';
import { isSeeded, openBenchDatabase, seedInbox } from './seed';
import type { BenchContext, BenchDatabase, BenchRow } from './types';
import { runAlone } from './context';

/** The longest a statement of a pass may hold the embedded database while webhooks come: half of LINE's 2 s. */
const BUSY_GOAL_MS = 1000;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const contacts = ctx.quick ? 10_000 : 100_000;
  const rows: BenchRow[] = [];
  for (const database of ctx.databases) {
    // The conversations bench's database: seeded once for both.
    const db = await openBenchDatabase(ctx, database, `conversations-${contacts}`);
    try {
      if (!(await isSeeded(db, { contacts }))) await seedInbox(db, { contacts }, ctx.log);
      // A clean start: what earlier runs left is not this run's to count.
      await db.sql.exec(`VACUUM ANALYZE contacts`);
      await db.sql.exec(`VACUUM ANALYZE messages`);
      for (const quiet of [false, true]) {
        await rewriteAQuarter(db);
        const upkeep = new TableUpkeep(db.sql, {
          kind: database === 'postgres' ? 'server' : 'embedded',
          url: db.url,
          leading: () => true,
          quiet: () => quiet,
          log: { info: ctx.log, warn: ctx.log, error: ctx.log },
        });
        const ran = await upkeep.pass();
        ctx.log(
          `upkeep ${database} (${quiet ? 'quiet' : 'busy'}): ${ran.map((r) => `${r.table} ${r.statement} ${r.ms.toFixed(0)} ms`).join(', ') || 'nothing (autovacuum runs)'}`,
        );
        rows.push(...statementRows(database, contacts, quiet, ran));
      }
    } finally {
      await db.close();
    }
  }
  return rows;
}

/** A new activity for every fourth contact, a new version of every fourth message: past autovacuum's 20%, and an indexed column moves, as a delivery mark's does. */
async function rewriteAQuarter(db: Database): Promise<void> {
  // One query: one connection, which then publishes its statistics at once.
  await db.sql.exec(`
    UPDATE contacts SET last_message_at = last_message_at + interval '1 microsecond' WHERE id % 4 = 0;
    UPDATE messages SET created_at = created_at + interval '1 microsecond' WHERE id % 4 = 0;
    SELECT pg_stat_force_next_flush();`);
}

function statementRows(database: BenchDatabase, contacts: number, quiet: boolean, ran: UpkeepStatement[]): BenchRow[] {
  const size = `${contacts / 1000}k contacts`;
  const when = quiet ? 'webhook quiet' : 'webhook busy';
  if (ran.length === 0) return [{ figure: `upkeep at ${size}, ${when}`, database, value: 'nothing to do: autovacuum runs' }];
  const goal = database === 'embedded' && !quiet;
  return ran
    .filter((r) => ['contacts', 'messages'].includes(r.table))
    .map((r) => ({
      figure: `upkeep at ${size}, a quarter rewritten, ${when}: ${r.table} ${r.statement}${database === 'postgres' ? ' (throttled)' : ''}`,
      database,
      value: `${(r.ms / 1000).toFixed(2)} s`,
      ...(goal ? { goal: `< ${BUSY_GOAL_MS / 1000} s`, ok: r.ms < BUSY_GOAL_MS } : {}),
    }));
}

if (require.main === module) runAlone(run);
