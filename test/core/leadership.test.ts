// One leader across instances for the work done once (idle sweeps, the daily roll-up): a
// PostgreSQL advisory lock held on a connection of its own, taken over when the leader goes.
import assert from 'node:assert';
import { Client } from 'pg';
import { Leadership } from '../../src/db/leadership';
import type { Logger } from '../../src/logger';
import { serverUrl } from '../support/databases';
import { eventually } from '../support/product';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('leadership across instances (postgres)', function () {
  this.timeout(20000);
  const running: Leadership[] = [];
  const instance = (log: Logger = quiet) => {
    const leadership = new Leadership({ url: serverUrl, intervalMs: 100, log });
    running.push(leadership);
    return leadership;
  };

  before(function () {
    if (!serverUrl) {
      console.log('      skipped: set TEST_DATABASE_URL to run the leadership tests on PostgreSQL');
      this.skip();
    }
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((l) => l.close()));
  });

  it('has one leader; when it stops, another instance takes over', async () => {
    const a = instance();
    const b = instance();
    await a.start();
    await b.start();
    assert.deepStrictEqual([a.isLeader, b.isLeader], [true, false]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepStrictEqual([a.isLeader, b.isLeader], [true, false], 'the follower keeps following while the leader is there');
    await a.close();
    assert.strictEqual(a.isLeader, false);
    await eventually(() => b.isLeader, 3000);
  });

  it("hands over when the leader's connection is cut (a crash, a broken network)", async () => {
    const lost: string[] = [];
    const a = instance({ ...quiet, warn: (text: string) => void lost.push(text) });
    const b = instance();
    await a.start();
    await b.start();
    assert.strictEqual(a.isLeader, true);
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'line-live-chat leadership' AND datname = current_database()
           AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`,
      );
    } finally {
      await admin.end();
    }
    await eventually(() => lost.length > 0 && !a.isLeader, 3000);
    // The cut leader holds back while the healthy follower takes over; it comes back as a follower.
    await eventually(() => b.isLeader, 3000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepStrictEqual([a.isLeader, b.isLeader], [false, true]);
  });
});

describe('leadership on the embedded database', () => {
  it('always leads (one process owns the database)', async () => {
    const alone = new Leadership({ log: quiet });
    await alone.start();
    assert.strictEqual(alone.isLeader, true);
    await alone.close();
    assert.strictEqual(alone.isLeader, false);
  });
});
