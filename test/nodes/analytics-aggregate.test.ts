import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { helper, statusesOf } from '../support/node-red';
import { eventually } from '../support/product';
import { LEADERSHIP_LOCK_KEY } from '../../src/db/leadership';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, serverUrl, tempDir } from '../support/databases';
import sessionStoreNode from '../../nodes/session-store/session-store';
import analyticsAggregateNode from '../../nodes/analytics-aggregate/analytics-aggregate';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const statusNode = require('@node-red/nodes/core/common/25-status.js');
const injectNode = require('@node-red/nodes/core/common/20-inject.js');

interface Msg {
  payload?: any;
  status?: { text: string; fill: string };
  error?: { message: string };
  [key: string]: unknown;
}

/** The calendar day in Bangkok (the default time_zone setting) `daysAgo` days before now. */
function bangkokDay(daysAgo: number): string {
  return new Date(Date.now() + 7 * 3600_000 - daysAgo * 86400_000).toISOString().slice(0, 10);
}

describe('analytics-aggregate node', function () {
  this.timeout(30000);
  let dataDir: string;

  before(async () => helper.startServer());
  after(async () => helper.stopServer());
  beforeEach(async () => {
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(async () => helper.unload());

  /** Deploys `nodes` with a store, a Catch node and a Status node watching `watched`; answers the core. */
  async function deploy(nodes: Record<string, unknown>[], watched = 'aggregate'): Promise<LiveChat> {
    await helper.load(
      [nodeCatalogs, sessionStoreNode, analyticsAggregateNode, catchNode, statusNode, injectNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
        { id: 'f1', type: 'tab' },
        ...nodes,
        { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'watch', z: 'f1', type: 'status', scope: [watched], wires: [['statuses']] },
        { id: 'out', z: 'f1', type: 'helper' },
        { id: 'caught', z: 'f1', type: 'helper' },
        { id: 'statuses', z: 'f1', type: 'helper' },
      ],
    );
    return (helper.getNode('store') as SessionStoreNode).liveChat;
  }
  const aggregateNode = { id: 'aggregate', z: 'f1', type: 'analytics-aggregate', store: 'store', wires: [['out']] };

  /** Fires `trigger`; answers the msg sent on with the status shown, or the msg a Catch node saw. */
  function outcome(trigger: () => void): Promise<{ out?: Msg; status?: Msg['status']; caught?: Msg }> {
    return new Promise((resolve) => {
      let out: Msg | undefined;
      let status: Msg['status'];
      const settle = () => out && status && resolve({ out, status });
      helper.getNode('out').on('input', (m: Msg) => {
        out = m;
        settle();
      });
      helper.getNode('statuses').on('input', (m: Msg) => {
        if (m.status?.fill === 'green') {
          status = m.status;
          settle();
        }
      });
      helper.getNode('caught').on('input', (m: Msg) => resolve({ caught: m }));
      trigger();
    });
  }

  /** One session started (and claimed 42 s later) at `startedAt`. */
  async function session(liveChat: LiveChat, startedAt: Date): Promise<void> {
    const contact = (await liveChat.store.sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id) VALUES ($1) RETURNING id`, [`U${startedAt.getTime()}`]))!
      .id;
    await liveChat.store.sql.exec(`INSERT INTO chat_sessions (contact_id, line_user_id, status, started_at, claimed_at) VALUES ($1, $2, 'ACTIVE', $3, $4)`, [
      contact,
      `U${startedAt.getTime()}`,
      startedAt,
      new Date(startedAt.getTime() + 42_000),
    ]);
  }

  it('rolls up the day msg.payload.date names and shows the day and row count', async () => {
    const liveChat = await deploy([aggregateNode]);
    await session(liveChat, new Date('2025-03-11T03:00:00Z'));
    const { out, status } = await outcome(() => helper.getNode('aggregate').receive({ payload: { date: '2025-03-11' } }));
    const { date, rows, settled_dates } = out?.payload ?? {};
    assert.deepStrictEqual([date, settled_dates, rows.length], ['2025-03-11', [], 1]);
    const {
      operator_id,
      total_sessions,
      avg_response_time_seconds,
      avg_resolution_time_seconds,
      total_messages_sent,
      claimed_sessions,
      first_response_seconds,
    } = rows[0];
    assert.deepStrictEqual(
      { operator_id, total_sessions, avg_response_time_seconds, avg_resolution_time_seconds, total_messages_sent, claimed_sessions, first_response_seconds },
      {
        operator_id: null,
        total_sessions: 1,
        avg_response_time_seconds: 42,
        avg_resolution_time_seconds: null,
        total_messages_sent: 0,
        claimed_sessions: 1,
        first_response_seconds: 42,
      },
    );
    assert.strictEqual(status?.text, '2025-03-11: 1 rows');
    assert.deepStrictEqual(await liveChat.store.chatAnalytics.forRange('2025-03-11', '2025-03-11'), out?.payload.rows);
  });

  it('rolls up yesterday when the msg names no date', async () => {
    const liveChat = await deploy([aggregateNode]);
    const before = bangkokDay(1);
    await session(liveChat, new Date(`${before}T05:00:00Z`)); // noon in Bangkok
    const { out, status } = await outcome(() => helper.getNode('aggregate').receive({ payload: 1741680000000 }));
    const yesterday = [before, bangkokDay(1)];
    assert.ok(yesterday.includes(out?.payload.date), `${out?.payload.date} is yesterday in Bangkok`);
    if (out?.payload.date === before) assert.strictEqual(out.payload.rows[0].total_sessions, 1);
    assert.strictEqual(status?.text, `${out?.payload.date}: 1 rows`);
  });

  it('hands a Catch node a bad date, sending nothing on and storing nothing', async () => {
    const liveChat = await deploy([aggregateNode]);
    for (const date of ['11/03/2025', 20250311]) {
      const { out, caught } = await outcome(() => helper.getNode('aggregate').receive({ payload: { date } }));
      assert.strictEqual(out, undefined);
      assert.match(caught!.error!.message, /date must be a date as YYYY-MM-DD/);
    }
    assert.deepStrictEqual(await liveChat.store.chatAnalytics.forRange('2000-01-01', '2100-01-01'), []);
  });

  it('refuses to run without a store', async () => {
    await deploy([{ ...aggregateNode, store: '' }]);
    const { out, caught } = await outcome(() => helper.getNode('aggregate').receive({ payload: {} }));
    assert.strictEqual(out, undefined);
    assert.match(caught!.error!.message, /^Error: Choose a session-store for this analytics aggregate node$/);
  });

  it('runs in the shipped flow from its daily inject (00:15, not at start)', async () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'flows', 'live-chat-handoff.json'), 'utf8'));
    const daily = shipped.find((n: { id: string }) => n.id === 'llc-analytics-daily');
    const rollup = shipped.find((n: { id: string }) => n.id === 'llc-analytics-aggregate');
    assert.deepStrictEqual([daily.type, daily.crontab, daily.once, daily.wires], ['inject', '15 00 * * *', false, [['llc-analytics-aggregate']]]);
    assert.deepStrictEqual([rollup.type, rollup.store], ['analytics-aggregate', 'llc-store']);
    // as shipped, but on this test's tab and store, with the output watched
    const liveChat = await deploy(
      [
        { ...daily, z: 'f1' },
        { ...rollup, z: 'f1', store: 'store', wires: [['out']] },
      ],
      rollup.id,
    );
    const before = bangkokDay(1);
    const { out, status } = await outcome(() => helper.getNode('llc-analytics-daily').receive({}));
    assert.ok([before, bangkokDay(1)].includes(out?.payload.date), `${out?.payload.date} is yesterday in Bangkok`);
    assert.strictEqual(status?.text, `${out?.payload.date}: 1 rows`);
    assert.strictEqual((await liveChat.store.chatAnalytics.forRange(out?.payload.date, out?.payload.date)).length, 1);
  });

  it('leaves the daily run to the leading instance when several share a PostgreSQL database; a named day runs anywhere', async function () {
    if (!serverUrl) {
      console.log('      skipped: set TEST_DATABASE_URL to run a follower instance');
      this.skip();
    }
    // Another instance leads: it holds the leadership lock.
    const leader = new Client({ connectionString: serverUrl });
    await leader.connect();
    try {
      await leader.query('SELECT pg_advisory_lock($1)', [LEADERSHIP_LOCK_KEY]);
      await helper.load(
        [sessionStoreNode, analyticsAggregateNode],
        [
          { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
          { id: 'f1', type: 'tab' },
          { ...aggregateNode, wires: [['out']] },
          { id: 'out', z: 'f1', type: 'helper' },
        ],
        { store: { databaseUrl: serverUrl! } },
      );
      const liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
      assert.strictEqual(liveChat.leadership.isLeader, false);
      const sent: Msg[] = [];
      helper.getNode('out').on('input', (m: Msg) => sent.push(m));
      const aggregate = helper.getNode('aggregate');
      aggregate.receive({ payload: Date.now() });
      await eventually(() => statusesOf('aggregate').some((s) => s.text === 'analytics-aggregate.status.leftToLeader'));
      assert.strictEqual(sent.length, 0);
      aggregate.receive({ payload: { date: '2025-03-11' } });
      await eventually(() => sent.length === 1);
      assert.strictEqual(sent[0].payload.date, '2025-03-11');
    } finally {
      await leader.end();
    }
  });
});
