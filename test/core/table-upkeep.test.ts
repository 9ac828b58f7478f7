// Vacuuming where the database does not: the embedded one has no autovacuum, and this machine's
// PostgreSQL server runs with autovacuum off (as CI servers often do), so both are tested here.
import assert from 'node:assert';
import { autovacuumRuns, TableUpkeep, type TableUpkeepOptions, type UpkeepStatement, upkeepActions } from '../../src/db/table-upkeep';
import type { Database } from '../../src/db/database';
import type { Logger } from '../../src/logger';
import { describeEachDatabase } from '../support/databases';
import { eventually } from '../support/product';
import { startApiServer } from '../support/api-server';

interface TableState {
  dead: number;
  vacuumed: boolean;
  analyzed: boolean;
}

async function tableState(db: Database, table: string): Promise<TableState> {
  const row = await db.sql.row<{ dead: string; vacuumed: boolean; analyzed: boolean }>(
    `SELECT n_dead_tup AS dead, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed
     FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = $1`,
    [table],
  );
  assert.ok(row, `no statistics of ${table}`);
  return { dead: Number(row.dead), vacuumed: row.vacuumed, analyzed: row.analyzed };
}

/**
 * 1,000 contacts (new unless `insert` is false) rewritten 5 times (thousands of dead versions: their activity is indexed, so no
 * update is heap-only), 200 new webhook events (changed rows, none dead). One multi-statement
 * query, so it runs on one connection, which then publishes its statistics at once.
 */
async function churn(db: Database, insert = true): Promise<void> {
  await db.sql.exec(`
    ${insert ? `INSERT INTO contacts (line_user_id) SELECT 'U' || md5(i::text) FROM generate_series(1, 1000) i;` : ''}
    UPDATE contacts SET last_message_at = now() - interval '1 minute';
    UPDATE contacts SET last_message_at = now() - interval '2 minutes';
    UPDATE contacts SET last_message_at = now() - interval '3 minutes';
    UPDATE contacts SET last_message_at = now() - interval '4 minutes';
    UPDATE contacts SET last_message_at = now() - interval '5 minutes';
    INSERT INTO webhook_events (webhook_event_id, event_type, payload)
      SELECT 'E' || i, 'message', '{}' FROM generate_series(1, 200) i ON CONFLICT DO NOTHING;
    SELECT pg_stat_force_next_flush();`);
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('table upkeep: what autovacuum would do', () => {
  it('vacuums past 50 + 20% of the live rows dead, analyzes past 50 + 10% changed, the most in need first', () => {
    const actions = upkeepActions([
      { table: 'quiet', liveRows: 1000, deadRows: 250, changedSinceAnalyze: 150 },
      { table: 'just churned', liveRows: 1000, deadRows: 251, changedSinceAnalyze: 0 },
      { table: 'churned', liveRows: 1000, deadRows: 400, changedSinceAnalyze: 0 },
      { table: 'grown', liveRows: 1000, deadRows: 0, changedSinceAnalyze: 151 },
      { table: 'very churned', liveRows: 100, deadRows: 5000, changedSinceAnalyze: 5000 },
    ]);
    assert.deepStrictEqual(actions, [
      { table: 'very churned', vacuum: true, analyze: true },
      { table: 'churned', vacuum: true, analyze: false },
      { table: 'grown', vacuum: false, analyze: true },
      { table: 'just churned', vacuum: true, analyze: false },
    ]);
  });

  it('leaves the tables to autovacuum only on a server where it runs', () => {
    assert.strictEqual(autovacuumRuns('server', { autovacuum: 'on', trackCounts: 'on' }), true);
    assert.strictEqual(autovacuumRuns('server', { autovacuum: 'off', trackCounts: 'on' }), false);
    assert.strictEqual(autovacuumRuns('server', { autovacuum: 'on', trackCounts: 'off' }), false, 'autovacuum needs the statistics');
    assert.strictEqual(autovacuumRuns('embedded', { autovacuum: 'on', trackCounts: 'on' }), false, 'PGlite says on, but runs no autovacuum');
  });
});

describeEachDatabase('table upkeep', (db, kind) => {
  before(async function () {
    const [{ autovacuum }] = await db().sql.rows<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`);
    if (kind === 'postgres' && autovacuum === 'on') {
      console.log('      skipped: this PostgreSQL server runs autovacuum, so upkeep leaves its tables alone');
      this.skip();
    }
  });

  const upkeepOn = (options: Partial<TableUpkeepOptions> = {}) =>
    new TableUpkeep(db().sql, {
      kind: kind === 'embedded' ? 'embedded' : 'server',
      url: db().url,
      leading: () => true,
      quiet: () => true,
      log: quiet,
      ...options,
    });
  const ofTables = (ran: UpkeepStatement[]) =>
    ran.filter((r) => ['contacts', 'webhook_events', 'operators'].includes(r.table)).map(({ table, statement }) => ({ table, statement }));

  it('vacuums the table with many dead rows, analyzes the one with many new rows, and leaves quiet ones alone', async () => {
    const upkeep = upkeepOn();
    // What the suites before left to do (on the shared server, their changes count until an ANALYZE).
    await upkeep.pass();
    await churn(db());
    const before = await tableState(db(), 'contacts');
    assert.ok(before.dead > 250, `expected dead contact versions, found ${before.dead}`);
    assert.deepStrictEqual(
      ofTables(await upkeep.pass()),
      kind === 'embedded'
        ? [
            { table: 'contacts', statement: 'vacuum' },
            // A tenth of ANALYZE's usual sample there: see table-upkeep.ts.
            { table: 'contacts', statement: 'analyze' },
            { table: 'webhook_events', statement: 'analyze' },
          ]
        : [
            { table: 'contacts', statement: 'vacuum and analyze' },
            { table: 'webhook_events', statement: 'analyze' },
          ],
    );
    const contacts = await tableState(db(), 'contacts');
    assert.deepStrictEqual(contacts, { dead: 0, vacuumed: true, analyzed: true });
    const events = await tableState(db(), 'webhook_events');
    assert.deepStrictEqual([events.vacuumed, events.analyzed], [false, true]);
    const planned = await db().sql.row<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'webhook_events'`);
    assert.strictEqual(Number(planned?.reltuples), 200, 'the planner knows the new rows');
    assert.deepStrictEqual(ofTables(await upkeep.pass()), [], 'nothing left to do');
  });

  if (kind === 'embedded') {
    it('while the webhook is busy, leaves the indexes alone (a short vacuum), unless they were last cleaned up long ago', async () => {
      await churn(db());
      const busy = upkeepOn({ quiet: () => false });
      assert.deepStrictEqual(
        ofTables(await busy.pass()).filter((r) => r.statement !== 'analyze'),
        [{ table: 'contacts', statement: 'vacuum, indexes left' }],
      );
      const tuples = await db().sql.row<{ n: string }>(`SELECT count(*) AS n FROM contacts`);
      assert.strictEqual(Number(tuples?.n), 1000, 'the live rows are all there');
      await churn(db(), false);
      const due = upkeepOn({ quiet: () => false, indexCleanupEveryMs: 1 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepStrictEqual(
        ofTables(await due.pass()).filter((r) => r.statement !== 'analyze'),
        [{ table: 'contacts', statement: 'vacuum' }],
      );
    });
  }

  it('does nothing on an instance that does not lead', async () => {
    await churn(db());
    assert.deepStrictEqual(await upkeepOn({ leading: () => false }).pass(), []);
    assert.ok((await tableState(db(), 'contacts')).dead > 250, 'the dead versions are still there');
  });

  it('runs in the core on its own, says once why, and stops with it', async () => {
    const said: string[] = [];
    const log: Logger = { info: (m) => said.push(m), warn: (m) => said.push(m), error: (m) => said.push(m) };
    const server = await startApiServer(db(), { upkeepIntervalMs: 100, log });
    try {
      await churn(db());
      await eventually(async () => (await tableState(db(), 'contacts')).vacuumed);
      // A few more passes, which find nothing to do and say nothing more.
      await new Promise((resolve) => setTimeout(resolve, 400));
    } finally {
      await server.close();
    }
    const told = said.filter((m) => /vacuum/.test(m));
    assert.deepStrictEqual(told, [
      kind === 'embedded'
        ? 'the embedded database has no autovacuum: line-live-chat vacuums and analyzes its tables itself'
        : "PostgreSQL's autovacuum is off: line-live-chat vacuums and analyzes its own tables itself",
    ]);
  });
});
