// What the webhook's 200 promises is the flow's work too: an event is done when its msgs have
// left the flow (Node-RED's message hooks count them), else it is emitted again when its lease
// runs out (msg.line.redelivery), a bounded number of times; and run again, the handoff, its
// greeting, its alert and the bot's answer happen once.
import assert from 'node:assert';
import path from 'node:path';
import { helper, httpProbe, serveHttpNode, useLineNodeRuntime } from '../support/node-red';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { setEnvironment } from '../support/environment';
import type { FakeLine } from '../support/fake-line';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';
import { BOT_USER_ID, messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import handoffNode from '../../nodes/handoff/handoff';
import telegramNotifyNode from '../../nodes/telegram-notify/telegram-notify';
import lineReplyNode from '../../nodes/line-reply/line-reply';
import chatModeRouterNode from '../../nodes/chat-mode-router/chat-mode-router';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';
import { webhookEventRow } from '../../src/line/webhook-ingest';
import type { LineWebhookEvent } from '../../src/line/webhook-envelope';

const TELEGRAM_TOKEN = '123456:flow-work-token';
const LEASE_SECONDS = 1.5;

/** Test nodes: `hold` keeps each msg until released (done() then), `never-done` never calls done. */
const held: { msg: any; done: () => void }[] = [];
const neverDone: any[] = [];
function testNodes(RED: any) {
  RED.nodes.registerType('hold', function (this: any, config: object) {
    RED.nodes.createNode(this, config);
    this.on('input', (msg: any, _send: unknown, done: () => void) => held.push({ msg, done }));
  });
  RED.nodes.registerType('never-done', function (this: any, config: object) {
    RED.nodes.createNode(this, config);
    this.on('input', (msg: any, _send: unknown, _done: () => void) => neverDone.push(msg));
  });
}

describe('the flow work of webhook events (line-webhook and the nodes after it)', function () {
  this.timeout(30000);
  let line: FakeLine;
  let telegram: FakeTelegram;
  let restoreEnvironment: () => void;
  const lineStandIn = useLineNodeRuntime();
  let http: { baseUrl: string; close(): Promise<void> } | undefined;
  let liveChat: LiveChat;
  const received: Record<string, any[]> = {};

  before(async () => {
    line = lineStandIn();
    telegram = await startFakeTelegram(TELEGRAM_TOKEN);
    restoreEnvironment = setEnvironment({
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_ADMIN_CHAT_ID: '-100123',
      WEBHOOK_FLOW_LEASE_SECONDS: String(LEASE_SECONDS),
      DATABASE_URL: undefined,
    });
  });
  after(async () => {
    restoreEnvironment();
    await telegram.close();
  });
  beforeEach(() => {
    line.reset();
    telegram.reset();
    held.length = 0;
    neverDone.length = 0;
  });
  afterEach(async () => {
    for (const h of held) h.done();
    await http?.close();
    http = undefined;
    await helper.unload();
  });

  async function deploy(nodes: Record<string, unknown>[], outputs: string[] = []) {
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    await helper.load(
      [nodeCatalogs, httpProbe, testNodes, sessionStoreNode, lineWebhookNode, handoffNode, telegramNotifyNode, lineReplyNode, chatModeRouterNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir },
        { id: 'probe', type: 'http-probe' },
        ...nodes,
        ...outputs.map((id) => ({ id, type: 'helper' })),
      ],
    );
    liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    for (const id of outputs) {
      received[id] = [];
      helper.getNode(id).on('input', (msg: any) => received[id].push(msg));
    }
    http = await serveHttpNode();
  }

  async function post(events: Record<string, unknown>[]) {
    const body = webhookBody(events);
    const res = await fetch(`${http!.baseUrl}/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
      body: new Uint8Array(body),
    });
    assert.strictEqual(res.status, 200);
  }
  async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** A recovery pass of its own (one already running, such as the start's, may predate what the test stored). */
  const recover = async () => {
    await liveChat.lineWebhook.recoverNow();
    await liveChat.lineWebhook.recoverNow();
  };
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const row = (id: unknown) =>
    liveChat.store.sql.row<{ flow_done_at: Date | null; flow_attempts: number; processing_error: string | null }>(
      `SELECT flow_done_at, flow_attempts, processing_error FROM webhook_events WHERE webhook_event_id = $1`,
      [id as string],
    );

  it('marks an event done only when every node its msgs reached is done with them', async () => {
    await deploy(
      [
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['out', 'holder']] },
        { id: 'holder', type: 'hold' },
      ],
      ['out'],
    );
    const event = messageEvent('hello');
    await post([event]);
    await until(() => held.length === 1 && received.out.length === 1, 'the msg in both nodes');
    await pause(200);
    assert.strictEqual((await row(event.webhookEventId))!.flow_done_at, null, 'done while a node still holds its msg');
    held[0].done();
    await until(async () => (await row(event.webhookEventId))!.flow_done_at !== null, 'the flow marked done');
    // Done in time: the recovery pass, once the lease is over, leaves it alone.
    await pause(LEASE_SECONDS * 1000 + 100);
    await recover();
    assert.strictEqual(received.out.length, 1);
  });

  it("routes a user's msgs in turn (chat-mode-router): each after the flow of the one before, or its wait at most; other users' at once", async () => {
    await deploy(
      [
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['router']] },
        { id: 'router', type: 'chat-mode-router', store: 'store', orderWait: 1.5, configVersion: 2, wires: [['routed', 'holder'], []] },
        { id: 'holder', type: 'hold' },
      ],
      ['routed'],
    );
    const somchai = userId();
    const texts = (msgs: any[]) => msgs.map((m) => m.payload.message.text);
    await post([messageEvent('first', { userId: somchai })]);
    await until(() => held.length === 1, 'the first msg held');
    await post([messageEvent('second', { userId: somchai }), messageEvent('other user', { userId: userId() })]);
    await until(() => received.routed.length === 2, "the other user's msg");
    await pause(300);
    assert.deepStrictEqual(texts(received.routed), ['first', 'other user'], 'the second waits for the first one’s flow');
    held[0].done();
    await until(() => received.routed.length === 3, 'the second, once the first is done');
    assert.deepStrictEqual(texts(received.routed), ['first', 'other user', 'second']);

    // A first msg held for good: the next one waits its 1.5 s, then goes.
    const started = Date.now();
    await post([messageEvent('third', { userId: somchai })]);
    await until(() => received.routed.length === 4, 'the third');
    const waited = Date.now() - started;
    assert.ok(waited >= 1400 && waited < 4000, `waited ${waited} ms for the held second one`);
  });

  it('emits again, marked msg.line.redelivery, an event whose node never calls done; gives it up after 3 emissions, with an error', async () => {
    await deploy([
      { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['stuck']] },
      { id: 'stuck', type: 'never-done' },
    ]);
    const event = messageEvent('hello');
    await post([event]);
    await until(() => neverDone.length === 1, 'the first msg');
    assert.strictEqual(neverDone[0].line.redelivery, undefined);
    // Before the lease is over, nobody takes it.
    await recover();
    assert.strictEqual(neverDone.length, 1);
    for (const emissions of [2, 3]) {
      await pause(LEASE_SECONDS * 1000 + 100);
      await recover();
      await until(() => neverDone.length === emissions, `emission ${emissions}`);
      assert.strictEqual(neverDone.at(-1).line.redelivery, true);
      assert.deepStrictEqual(neverDone.at(-1).payload, event);
      assert.strictEqual(neverDone.at(-1).line.webhookEventId, event.webhookEventId);
    }
    await pause(LEASE_SECONDS * 1000 + 100);
    await recover();
    const given = (await row(event.webhookEventId))!;
    assert.notStrictEqual(given.flow_done_at, null);
    assert.match(given.processing_error ?? '', /did not finish after 3 emission/);
    const logged = (helper as unknown as { log(): { args: unknown[][] } })
      .log()
      .args.map((a: any[]) => a[0])
      .filter((l: any) => l.level === 20); // Node-RED's error level
    assert.ok(
      logged.some((l: any) => String(l.msg).includes(`${event.webhookEventId} given up`)),
      JSON.stringify(logged.map((l: any) => l.msg)),
    );
    // Given up: never emitted again.
    await pause(LEASE_SECONDS * 1000 + 100);
    await recover();
    assert.strictEqual(neverDone.length, 3);
  });

  it('run again after it completed, a handoff sends no second greeting, alert or bot answer', async () => {
    await deploy(
      [
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['handover']] },
        { id: 'handover', type: 'handoff', store: 'store', wires: [['notify'], ['answer']] },
        { id: 'notify', type: 'telegram-notify', store: 'store', remind: false, wires: [['alerted']] },
        { id: 'answer', type: 'line-reply', store: 'store', wires: [['answered']] },
      ],
      ['alerted', 'answered'],
    );
    const user = userId();
    const handoff = messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: line.issueReplyToken() });
    const chatter = messageEvent('hello', { userId: userId(), replyToken: line.issueReplyToken() });
    await post([chatter]);
    await until(() => received.answered.length === 1, 'the bot answer');
    await post([handoff]);
    await until(() => received.alerted.length === 1, 'the alert');
    for (const event of [handoff, chatter]) {
      await until(async () => (await row(event.webhookEventId))!.flow_done_at !== null, 'the flows done');
    }
    assert.strictEqual(line.carriedOut.length, 2, 'the bot answer and the greeting');
    assert.strictEqual(telegram.sent.length, 1);

    // As if the process had stopped before marking them done: their leases run out, and the
    // recovery pass emits both again.
    await liveChat.store.sql.exec(`UPDATE webhook_events SET flow_done_at = NULL, flow_lease_until = now() - interval '1 second'`);
    await recover();
    await until(() => received.alerted.length === 2 && received.answered.length === 2, 'both run again');
    const again = received.alerted[1];
    assert.strictEqual(again.line.redelivery, true);
    assert.deepStrictEqual(again.handoff, { outcome: 'opened', greeting: 'SENT', resumed: true });
    assert.deepStrictEqual(again.telegram, { sent_before: true, session_id: again.session.id });
    assert.strictEqual(received.answered[1].lineReply.sent_before, true);
    assert.strictEqual(line.carriedOut.length, 2, 'nothing more reached LINE');
    assert.strictEqual(telegram.sent.length, 1, 'nothing more reached Telegram');
    const greetings = await liveChat.store.sql.rows(`SELECT id FROM messages WHERE sender = 'SYSTEM'`);
    assert.strictEqual(greetings.length, 1);
    const sessions = await liveChat.store.sql.rows(`SELECT id FROM chat_sessions`);
    assert.strictEqual(sessions.length, 1);
  });

  it('alerts without waiting for a LINE that does not answer the greeting (msg.handoff.greeting PENDING); the event is done once LINE answers', async () => {
    await deploy(
      [
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['handover']] },
        { id: 'handover', type: 'handoff', store: 'store', wires: [['notify'], []] },
        { id: 'notify', type: 'telegram-notify', store: 'store', remind: false, wires: [['alerted']] },
      ],
      ['alerted'],
    );
    const release = line.holdSends();
    const event = messageEvent('ติดต่อเจ้าหน้าที่', { userId: userId(), replyToken: line.issueReplyToken() });
    await post([event]);
    await until(() => received.alerted.length === 1, 'the alert while LINE holds the greeting');
    assert.strictEqual(received.alerted[0].handoff.greeting, 'PENDING');
    assert.strictEqual(telegram.sent.length, 1);
    assert.strictEqual(line.carriedOut.length, 0);
    assert.strictEqual((await row(event.webhookEventId))!.flow_done_at, null, 'done while its greeting is still being sent');
    release();
    await until(async () => (await row(event.webhookEventId))!.flow_done_at !== null, 'the flow marked done');
    assert.strictEqual(line.carriedOut.length, 1);
  });

  it('completes, on a re-run, a handoff cut short after its session opened: one greeting (pushed: the token is old), one alert', async () => {
    await deploy(
      [
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['handover']] },
        { id: 'handover', type: 'handoff', store: 'store', wires: [['notify'], []] },
        { id: 'notify', type: 'telegram-notify', store: 'store', remind: false, wires: [['alerted']] },
      ],
      ['alerted'],
    );
    // Stored two minutes ago (its reply token is too old to use), never processed: a crash.
    const event = messageEvent('ติดต่อเจ้าหน้าที่', { userId: userId(), replyToken: line.issueReplyToken() });
    await liveChat.store.webhookEvents.insertNew([webhookEventRow(event as unknown as LineWebhookEvent, BOT_USER_ID, null)]);
    await liveChat.store.sql.exec(`UPDATE webhook_events SET received_at = now() - interval '2 minutes'`);
    await recover();
    await until(() => received.alerted.length === 1, 'the first run');
    // Cut short: as if that run had stopped once its session opened, before the greeting and the alert.
    assert.strictEqual(line.carriedOut.length, 1);
    assert.strictEqual(line.carriedOut[0].path, '/v2/bot/message/push', 'a reply token two minutes old is not used');
    await liveChat.store.sql.exec(`DELETE FROM messages WHERE sender = 'SYSTEM'`);
    await liveChat.store.sql.exec(`UPDATE chat_sessions SET alert_sent_at = NULL`);
    line.reset();
    telegram.reset();
    await liveChat.store.sql.exec(`UPDATE webhook_events SET flow_done_at = NULL, flow_lease_until = now() - interval '1 second'`);
    await recover();
    await until(() => received.alerted.length === 2, 'the second run');
    assert.strictEqual(received.alerted[1].handoff.resumed, true);
    assert.strictEqual(line.carriedOut.length, 1);
    assert.strictEqual(line.carriedOut[0].path, '/v2/bot/message/push');
    assert.strictEqual(telegram.sent.length, 1);
  });
});
