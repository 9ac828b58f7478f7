// The webhook as a durable, batched inbox: concurrent requests share statements, a batch keeps
// each user's order, events stored but never processed are processed by the recovery pass
// exactly once (also by two cores at once), and a full queue delays the answer and loses nothing.
import assert from 'node:assert';
import { describeEachDatabase, serverUrl } from '../support/databases';
import { openDatabase } from '../../src/db/database';
import { createMigrator } from '../../src/db/migrator';
import { type ApiServer, startApiServer } from '../support/api-server';
import { FakeLine } from '../support/fake-line';
import { eventually } from '../support/product';
import { BOT_USER_ID, CHANNEL_SECRET, messageEvent, sign, unfollowEvent, userId, webhookBody } from '../support/line-webhooks';
import type { LiveChatOptions } from '../../src/live-chat';
import { type LineEventOutput, webhookEventRow } from '../../src/line/webhook-ingest';
import type { LineWebhookEvent } from '../../src/line/webhook-envelope';
import { countStatements } from '../support/count-statements';

describeEachDatabase('LINE webhook inbox', (db, kind) => {
  let fake: FakeLine;
  let server: ApiServer | undefined;

  before(async () => {
    fake = await new FakeLine().start();
  });
  after(() => fake?.close());
  beforeEach(() => fake.reset());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (webhookInbox: LiveChatOptions['webhookInbox'] = {}) => {
    server = await startApiServer(db(), { lineApiBaseUrl: fake.baseUrl, webhookInbox });
    return server.app;
  };
  const count = async (table: string) => (await db().sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))!.n;
  const post = async (events: Record<string, unknown>[]) => {
    const body = webhookBody(events);
    const result = await server!.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET, { channelAccessToken: fake.accessToken });
    assert.strictEqual(result.outcome, 'accepted');
    return result.outcome === 'accepted' ? result : assert.fail();
  };
  /** Stores events as accept() does, without processing them: a crash right after the 200. */
  const storeOnly = async (events: Record<string, unknown>[], credential: string | null = null) => {
    const stored = await server!.app.store.webhookEvents.insertNew(events.map((e) => webhookEventRow(e as LineWebhookEvent, BOT_USER_ID, credential)));
    assert.ok(stored.every((s) => s !== null));
  };

  it('stores and records the events of concurrent requests in shared statements', async () => {
    await start();
    const users = Array.from({ length: 20 }, () => userId());
    for (const user of users) fake.setProfile(user, { displayName: user.slice(0, 8) });
    // Known users with fresh profiles: what remains is the ingest itself.
    await Promise.all((await Promise.all(users.map((user) => post([messageEvent('hello', { userId: user })])))).map((r) => r.processed));
    // Their "flow done" marks written too (they follow the msgs), before the count starts.
    assert.ok(await server!.app.lineWebhook.flowWork.idle(5000));

    const { result, statements } = await countStatements(async () => {
      const results = await Promise.all(users.map((user) => post([messageEvent('again', { userId: user })])));
      return Promise.all(results.map((r) => r.processed));
    });
    assert.deepStrictEqual(
      result.map((outputs) => outputs.length),
      users.map(() => 1),
    );
    assert.strictEqual(await count('messages'), 40);
    const inserts = statements.filter((s) => s.startsWith('INSERT INTO webhook_events'));
    // One request alone (nothing was in flight), then the 19 that came meanwhile together.
    assert.strictEqual(inserts.length, 2, statements.join('\n'));
    // Per request it was 6 (a transaction of 5 and a mark); now 2 inserts and 2 batches of 5,
    // and each batch's "flow done" marks (no flow here: done when handed over), shared likewise.
    const flowMarks = statements.filter((s) => s.startsWith('UPDATE webhook_events SET flow_done_at'));
    const batches = statements.filter((s) => s.startsWith('START TRANSACTION')).length;
    assert.ok(flowMarks.length <= batches, statements.join('\n'));
    const rest = statements.length - flowMarks.length;
    assert.ok(rest / users.length <= 1, `${rest} statements for ${users.length} events:\n${statements.join('\n')}`);
  });

  it("records a batch's events in each user's order: messages in LINE's order, an unfollow after a message", async () => {
    const app = await start();
    const [a, b] = [userId(), userId()];
    const t = Date.now() - 60_000;
    await (await post([messageEvent('b0', { userId: b, timestamp: t })])).processed;
    const contactB = (await app.store.contacts.byLineUserId(b))!;
    const session = (await app.store.chatSessions.open(contactB.id, b))!;

    const events = [
      messageEvent('a1', { userId: a, timestamp: t + 1 }),
      messageEvent('b1', { userId: b, timestamp: t + 2 }),
      messageEvent('a2', { userId: a, timestamp: t + 3 }),
      unfollowEvent({ userId: b, timestamp: t + 4 }),
      messageEvent('a3', { userId: a, timestamp: t + 5 }),
    ];
    // Several bodies while the first is processed: they form the next batch together.
    const first = await post(events.slice(0, 2));
    const second = await post(events.slice(2, 4));
    const third = await post(events.slice(4));
    const outputs = [...(await first.processed), ...(await second.processed), ...(await third.processed)];
    assert.deepStrictEqual(
      outputs.map((o) => o.payload.webhookEventId),
      events.map((e) => e.webhookEventId),
    );

    const texts = async (user: string) =>
      (
        await db().sql.rows<{ text: string; session_id: number | null }>(
          `SELECT m.content->>'text' AS text, m.session_id FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.line_user_id = $1 ORDER BY m.id`,
          [user],
        )
      ).map((r) => `${r.text}:${r.session_id ?? '-'}`);
    assert.deepStrictEqual(await texts(a), ['a1:-', 'a2:-', 'a3:-']);
    // b1 went into the open session, and the unfollow after it closed that session.
    assert.deepStrictEqual(await texts(b), ['b0:-', `b1:${session.id}`]);
    const closed = (await app.store.chatSessions.byId(session.id))!;
    assert.deepStrictEqual([closed.status, closed.closed_by, closed.message_count], ['CLOSED', 'USER', 1]);
    assert.strictEqual((await app.store.contacts.byLineUserId(b))!.friend_status, 'UNFOLLOWED');
    assert.strictEqual((await app.store.contacts.byLineUserId(a))!.last_message_at!.getTime(), t + 5);
  });

  it('processes events stored but never processed (a crash after the 200) in the recovery pass, once, to the sink of their credential', async () => {
    const app = await start({ recoveryMinAgeMs: 0, recoveryIntervalMs: 0 });
    const user = userId();
    const t = Date.now() - 60_000;
    const events = [1, 2, 3].map((i) => messageEvent(`lost ${i}`, { userId: user, timestamp: t + i }));
    await storeOnly(events, 'Shop OA');
    // Received long ago: its reply token is too old for LINE, which the sender tells by receivedAt.
    const receivedAt = new Date(Date.now() - 10 * 60_000);
    await db().sql.exec(`UPDATE webhook_events SET received_at = $1`, [receivedAt]);
    assert.strictEqual(await count('messages'), 0);

    const toDefault: LineEventOutput[] = [];
    const toShop: LineEventOutput[] = [];
    app.lineWebhook.registerSink(null, (outputs) => toDefault.push(...outputs));
    app.lineWebhook.registerSink(' Shop OA ', (outputs) => toShop.push(...outputs));
    await app.lineWebhook.recoverNow();
    await app.lineWebhook.idle();

    assert.deepStrictEqual(
      toShop.map((o) => [o.payload.webhookEventId, o.contact?.line_user_id, o.line.receivedAt, o.line.replyToken]),
      events.map((e) => [e.webhookEventId, user, receivedAt.getTime(), e.replyToken]),
    );
    assert.deepStrictEqual(toDefault, []);
    assert.strictEqual(await count('messages'), 3);
    const pending = await db().sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL`);
    assert.strictEqual(pending!.n, 0);

    await app.lineWebhook.recoverNow();
    await app.lineWebhook.idle();
    assert.strictEqual(toShop.length, 3);
    assert.strictEqual(await count('messages'), 3);
  });

  it('records a stored event whose webhook node is gone, and emits nothing for it', async () => {
    const app = await start({ recoveryMinAgeMs: 0, recoveryIntervalMs: 0 });
    const seen: LineEventOutput[] = [];
    const unregister = app.lineWebhook.registerSink(null, (outputs) => seen.push(...outputs));
    unregister();
    await storeOnly([messageEvent('orphan')]);
    await app.lineWebhook.recoverNow();
    await app.lineWebhook.idle();
    assert.strictEqual(await count('messages'), 1);
    assert.deepStrictEqual(seen, []);
  });

  it('takes the rows an earlier release left unprocessed as processed on upgrade (it recorded them when it stored them)', async () => {
    const migrator = createMigrator(db().sequelize);
    await migrator.down({ to: '0006-webhook-event-routing.js' });
    try {
      await db().sql.exec(`INSERT INTO webhook_events (webhook_event_id, event_type, payload) VALUES ('01OLDRELEASE0000000000000', 'message', $1)`, [
        messageEvent('answered long ago'),
      ]);
    } finally {
      await migrator.up();
    }
    const row = await db().sql.row<{ processed_at: Date | null; received_at: Date }>(`SELECT processed_at, received_at FROM webhook_events`);
    assert.deepStrictEqual(row!.processed_at, row!.received_at);
    const app = await start({ recoveryMinAgeMs: 0, recoveryIntervalMs: 0 });
    const seen: LineEventOutput[] = [];
    app.lineWebhook.registerSink(null, (outputs) => seen.push(...outputs));
    await app.lineWebhook.recoverNow();
    await app.lineWebhook.idle();
    assert.deepStrictEqual(seen, []);
  });

  if (kind === 'postgres') {
    it('processes each stored event once when two cores on one database run the recovery pass at once', async () => {
      const a = await start({ recoveryMinAgeMs: 0, recoveryIntervalMs: 0 });
      const otherDb = await openDatabase({ url: serverUrl! });
      const other = await startApiServer(otherDb, { lineApiBaseUrl: fake.baseUrl, webhookInbox: { recoveryMinAgeMs: 0, recoveryIntervalMs: 0 } });
      try {
        const b = other.app;
        const users = Array.from({ length: 8 }, () => userId());
        const events = Array.from({ length: 200 }, (_, i) => messageEvent(`m${i}`, { userId: users[i % users.length] }));
        await storeOnly(events);
        const emitted: string[] = [];
        const sink = (outputs: LineEventOutput[]) => emitted.push(...outputs.map((o) => o.payload.webhookEventId));
        a.lineWebhook.registerSink(null, sink);
        b.lineWebhook.registerSink(null, sink);
        await Promise.all([a.lineWebhook.recoverNow(), b.lineWebhook.recoverNow()]);
        await Promise.all([a.lineWebhook.idle(), b.lineWebhook.idle()]);
        assert.strictEqual(emitted.length, 200);
        assert.strictEqual(new Set(emitted).size, 200);
        assert.strictEqual(await count('messages'), 200);
      } finally {
        await other.close();
        await otherDb.close();
      }
    });

    it('stops only once the events of a request already storing them are stored (its 200 holds; a redeploy answers no 500)', async () => {
      const app = await start();
      // Another connection holds off inserts into webhook_events: the request's insert waits.
      const blocker = await openDatabase({ url: serverUrl! });
      try {
        const held = blocker.sql.transaction(async (tx) => {
          await tx.exec('LOCK TABLE webhook_events IN SHARE ROW EXCLUSIVE MODE');
          await new Promise((resolve) => setTimeout(resolve, 600));
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const body = webhookBody([messageEvent('ก่อนหยุด')]);
        const accepting = app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET, { channelAccessToken: fake.accessToken });
        await new Promise((resolve) => setTimeout(resolve, 50));
        let stopped = false;
        const stopping = app.lineWebhook.stop().then(() => (stopped = true));
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.strictEqual(stopped, false, 'stop() waited for the insert in flight');
        await held;
        const result = await accepting;
        assert.strictEqual(result.outcome, 'accepted');
        await stopping;
        assert.strictEqual(await count('webhook_events'), 1);
        // A request after the stop is turned away, to be delivered again.
        const later = webhookBody([messageEvent('หลังหยุด')]);
        assert.strictEqual((await app.lineWebhook.accept(later, sign(later), CHANNEL_SECRET)).outcome, 'unavailable');
      } finally {
        await blocker.close();
      }
    });
  }

  it('makes the answer wait for room when the queue is full, then leaves the events to the recovery pass: nothing lost, nothing twice', async () => {
    const app = await start({ maxQueued: 2, roomWaitMs: 300, recoveryMinAgeMs: 0, recoveryIntervalMs: 100 });
    // New users and a slow profile API: each batch's msgs wait for their profiles, the queue fills.
    fake.delayProfiles(1500);
    const recovered: LineEventOutput[] = [];
    app.lineWebhook.registerSink(null, (outputs) => recovered.push(...outputs));
    const bodies = [0, 1, 2, 3].map((i) => [messageEvent(`${i}a`), messageEvent(`${i}b`)]);
    const answers: { ms: number; processed: Promise<LineEventOutput[]> }[] = [];
    for (const body of bodies) {
      const t0 = Date.now();
      const result = await post(body);
      answers.push({ ms: Date.now() - t0, processed: result.processed });
    }
    // Three bodies fit (one in each batch and one queued); the fourth waited for room in vain.
    assert.ok(answers[3].ms >= 290, `the fourth answer took ${answers[3].ms} ms`);
    assert.ok(
      answers.slice(0, 3).every((a) => a.ms < 290),
      answers.map((a) => a.ms).join(', '),
    );
    const processed = await Promise.all(answers.map((a) => a.processed));
    assert.deepStrictEqual(
      processed.map((p) => p.length),
      [2, 2, 2, 0],
    );
    await eventually(() => recovered.length === 2);
    assert.deepStrictEqual(
      recovered.map((o) => o.payload.webhookEventId),
      bodies[3].map((e) => e.webhookEventId),
    );
    await eventually(async () => (await count('messages')) === 8);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.strictEqual(recovered.length, 2);
    assert.strictEqual(await count('messages'), 8);
  });
});
