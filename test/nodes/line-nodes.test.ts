import assert from 'node:assert';
import path from 'node:path';
import { helper, httpProbe, serveHttpNode, useLineNodeRuntime } from '../support/node-red';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { BOT_USER_ID, MESSAGE_SAMPLES, followEvent, groupSource, messageEvent, redelivered, sign, userId, webhookBody } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import chatModeRouterNode from '../../nodes/chat-mode-router/chat-mode-router';
import lineReplyNode from '../../nodes/line-reply/line-reply';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';
import { webhookEventRow } from '../../src/line/webhook-ingest';
import type { LineWebhookEvent } from '../../src/line/webhook-envelope';

describe('LINE nodes: line-webhook, chat-mode-router, line-reply', function () {
  this.timeout(30000);
  let fake: FakeLine;
  const lineStandIn = useLineNodeRuntime();
  before(() => {
    fake = lineStandIn();
  });
  let http: { baseUrl: string; close(): Promise<void> } | undefined;
  let liveChat: LiveChat;
  let dataDir: string;
  const received: Record<string, any[]> = {};

  const flow = () => [
    { id: 'store', type: 'session-store', name: 'live chat', dataDir },
    { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['out', 'router']] },
    { id: 'router', type: 'chat-mode-router', store: 'store', wires: [['bot'], ['human']] },
    { id: 'reply', type: 'line-reply', store: 'store', wires: [['replied']] },
    ...['out', 'bot', 'human', 'replied'].map((id) => ({ id, type: 'helper' })),
    { id: 'probe', type: 'http-probe' },
  ];

  async function deploy() {
    await helper.load([nodeCatalogs, httpProbe, sessionStoreNode, lineWebhookNode, chatModeRouterNode, lineReplyNode], flow());
    liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    for (const id of ['out', 'bot', 'human', 'replied']) {
      received[id] = [];
      helper.getNode(id).on('input', (msg: any) => received[id].push(msg));
    }
    http ??= await serveHttpNode();
  }

  async function post(body: Buffer, signature: string | null = sign(body)) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== null) headers['x-line-signature'] = signature;
    const res = await fetch(`${http!.baseUrl}/line/webhook`, { method: 'POST', headers, body: new Uint8Array(body) });
    return { status: res.status, body: await res.text() };
  }

  async function until(check: () => boolean, what: string) {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
  const count = async (table: string) => (await liveChat.store.sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))!.n;

  beforeEach(async () => {
    fake.reset();
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    await deploy();
  });
  afterEach(async () => {
    await http?.close();
    http = undefined;
    await helper.unload();
  });

  it('answers 200, stores, and emits one msg with payload, contact (profile filled) and line', async () => {
    const user = userId();
    fake.setProfile(user, { displayName: 'สมชาย', pictureUrl: 'https://p/1', language: 'th' });
    const event = messageEvent('สวัสดี', { userId: user });
    const res = await post(webhookBody([event]));
    assert.strictEqual(res.status, 200);
    await until(() => received.out.length === 1, 'the msg');
    const msg = received.out[0];
    assert.deepStrictEqual(msg.payload, event);
    assert.strictEqual(msg.contact.line_user_id, user);
    assert.strictEqual(msg.contact.display_name, 'สมชาย');
    assert.strictEqual(msg.line.replyToken, event.replyToken);
    assert.strictEqual(msg.line.webhookEventId, event.webhookEventId);
    assert.strictEqual(msg.line.destination, BOT_USER_ID);
    assert.strictEqual(msg.line.mode, 'active');
    assert.strictEqual(msg.line.messageId, (event.message as any).id);
    await until(() => received.bot.length === 1, 'the BOT output');
    assert.strictEqual(received.human.length, 0);
    assert.strictEqual(await count('messages'), 1);
  });

  it('emits every message type and a follow, one msg per event, in order', async () => {
    const user = userId();
    const t = Date.now() - 1000;
    const events = [
      followEvent({ userId: user, timestamp: t }),
      ...Object.keys(MESSAGE_SAMPLES).map((type, i) => messageEvent(MESSAGE_SAMPLES[type](), { userId: user, timestamp: t + i + 1 })),
    ];
    assert.strictEqual((await post(webhookBody(events))).status, 200);
    await until(() => received.out.length === 8, 'eight msgs');
    assert.deepStrictEqual(
      received.out.map((m) => m.payload.message?.type ?? m.payload.type),
      ['follow', 'text', 'image', 'video', 'audio', 'file', 'location', 'sticker'],
    );
    assert.strictEqual(received.out[0].contact.friend_status, 'ACTIVE');
  });

  describe('turns away bad input, storing and emitting nothing', () => {
    const cases: [string, () => { body: Buffer; signature: string | null }, number][] = [
      ['no signature', () => ({ body: webhookBody([messageEvent('x')]), signature: null }), 401],
      ['a wrong signature', () => ({ body: webhookBody([messageEvent('x')]), signature: sign('other') }), 401],
      [
        'a signature made with another secret',
        () => {
          const body = webhookBody([messageEvent('x')]);
          return { body, signature: sign(body, 'not-the-secret') };
        },
        401,
      ],
      [
        'unparsable JSON',
        () => {
          const body = Buffer.from('{"destination":');
          return { body, signature: sign(body) };
        },
        400,
      ],
      [
        'a bad envelope',
        () => {
          const body = Buffer.from('{"destination":"U1","events":[{"type":"message"}]}');
          return { body, signature: sign(body) };
        },
        400,
      ],
      [
        'a body over 1 MiB',
        () => {
          const body = webhookBody([messageEvent('x'.repeat(1024 * 1024))]);
          return { body, signature: sign(body) };
        },
        413,
      ],
    ];
    for (const [name, make, status] of cases) {
      it(`${name}: ${status}`, async () => {
        const { body, signature } = make();
        const res = await post(body, signature);
        assert.strictEqual(res.status, status);
        assert.ok(JSON.parse(res.body).error);
        await settle();
        assert.strictEqual(received.out.length, 0);
        for (const table of ['webhook_events', 'contacts', 'messages', 'friend_events']) assert.strictEqual(await count(table), 0, table);
      });
    }
  });

  it("answers 200 to LINE's verify request (no events) and emits nothing", async () => {
    assert.strictEqual((await post(webhookBody([]))).status, 200);
    await settle();
    assert.strictEqual(received.out.length, 0);
  });

  it('emits a redelivered event once, also when the copies arrive together', async () => {
    const event = messageEvent('once');
    const answers = await Promise.all([post(webhookBody([event])), post(webhookBody([redelivered(event)])), post(webhookBody([event]))]);
    assert.deepStrictEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
    );
    await until(() => received.out.length === 1, 'the msg');
    assert.strictEqual((await post(webhookBody([redelivered(event)]))).status, 200);
    await settle();
    assert.strictEqual(received.out.length, 1);
    assert.strictEqual(await count('messages'), 1);
  });

  it('still emits the event when the profile API fails', async () => {
    fake.failNextProfiles(500);
    assert.strictEqual((await post(webhookBody([messageEvent('hi')]))).status, 200);
    await until(() => received.out.length === 1, 'the msg');
    assert.strictEqual(received.out[0].contact.display_name, null);
  });

  it('emits an event stored before a crash (never processed) when the recovery pass processes it, once', async () => {
    const user = userId();
    fake.setProfile(user, { displayName: 'Somsak' });
    const event = messageEvent('before the crash', { userId: user });
    // What accept() stored, 200 answered, and then the process died.
    await liveChat.store.webhookEvents.insertNew([webhookEventRow(event as LineWebhookEvent, BOT_USER_ID, null)]);
    await liveChat.store.sql.exec(`UPDATE webhook_events SET received_at = now() - interval '1 minute'`);
    await liveChat.lineWebhook.recoverNow();
    await until(() => received.out.length === 1, 'the recovered msg');
    assert.deepStrictEqual(received.out[0].payload, event);
    assert.strictEqual(received.out[0].contact.display_name, 'Somsak');
    await until(() => received.bot.length === 1, 'the BOT output');
    await liveChat.lineWebhook.recoverNow();
    await settle();
    assert.strictEqual(received.out.length, 1);
    assert.strictEqual(await count('messages'), 1);
  });

  it('answers 500 when the events cannot be stored, so that LINE redelivers', async () => {
    // A destination longer than its column (64): the database refuses the body.
    const res = await post(webhookBody([messageEvent('x')], `U${'x'.repeat(100)}`));
    assert.strictEqual(res.status, 500);
    await settle();
    assert.strictEqual(received.out.length, 0);
  });

  it('routes by the chat mode in the store, and group events to BOT', async () => {
    const user = userId();
    assert.strictEqual((await post(webhookBody([messageEvent('a', { userId: user })]))).status, 200);
    await until(() => received.bot.length === 1, 'BOT');
    // an operator takes over: the msg still says BOT, the store says HUMAN
    const msg = { ...received.out[0] };
    await liveChat.sessions.switchMode(user, 'HUMAN', null);
    helper.getNode('router').receive(msg);
    await until(() => received.human.length === 1, 'HUMAN');
    assert.strictEqual(received.human[0].contact.chat_mode, 'HUMAN');
    // a change this core did not make (another instance's) is read when the msg's row is not the latest one seen
    await liveChat.store.sql.exec(`UPDATE contacts SET chat_mode = 'BOT' WHERE line_user_id = $1`, [user]);
    helper.getNode('router').receive({ ...msg, contact: { ...msg.contact, updated_at: new Date(0) } });
    await until(() => received.bot.length === 2, 'BOT again');
    assert.strictEqual(received.bot[1].contact.chat_mode, 'BOT');

    assert.strictEqual((await post(webhookBody([messageEvent('group', { source: groupSource() })]))).status, 200);
    await until(() => received.bot.length === 3, 'BOT for the group');
    assert.strictEqual(received.bot[2].contact, null);
    assert.strictEqual(received.bot[2].line.source.type, 'group');
  });

  describe('line-reply', () => {
    async function incoming(options: Parameters<typeof messageEvent>[1] = {}) {
      const replyToken = fake.issueReplyToken();
      assert.strictEqual((await post(webhookBody([messageEvent('hi', { replyToken, ...options })]))).status, 200);
      await until(() => received.out.length === 1, 'the msg');
      return received.out[0];
    }

    it('answers by reply token and records a BOT message', async () => {
      const msg = await incoming();
      helper.getNode('reply').receive({ ...msg, payload: 'ขอบคุณครับ' });
      await until(() => received.replied.length === 1, 'the reply');
      assert.deepStrictEqual([received.replied[0].lineReply.status, received.replied[0].lineReply.via], ['SENT', 'reply']);
      assert.deepStrictEqual(fake.requestsTo('POST', '/v2/bot/message/reply')[0].body.messages, [{ type: 'text', text: 'ขอบคุณครับ' }]);
      const rows = await liveChat.store.sql.rows<any>(`SELECT sender, direction, delivery_status, content FROM messages WHERE direction = 'OUT'`);
      assert.deepStrictEqual(rows, [{ sender: 'BOT', direction: 'OUT', delivery_status: 'SENT', content: { type: 'text', text: 'ขอบคุณครับ' } }]);
    });

    it('pushes when the reply token has expired', async () => {
      const msg = await incoming();
      helper.getNode('reply').receive({ ...msg, line: { ...msg.line, receivedAt: Date.now() - 70_000 }, payload: [{ type: 'text', text: 'late' }] });
      await until(() => received.replied.length === 1, 'the push');
      assert.strictEqual(received.replied[0].lineReply.via, 'push');
      const push = fake.requestsTo('POST', '/v2/bot/message/push')[0];
      assert.strictEqual(push.body.to, msg.contact.line_user_id);
      assert.ok(push.headers['x-line-retry-key']);
    });

    it('uses a changed access token from the next msg on', async () => {
      const msg = await incoming();
      const line = (await liveChat.credentials.list('LINE'))[0];
      const original = fake.accessToken;
      // LINE takes only the new token from here on (the old one was used, and cached, for the profile)
      fake.accessToken = 'rotated-access-token';
      try {
        await liveChat.credentials.update(line.id, { credentials: { channel_access_token: 'rotated-access-token' } });
        helper.getNode('reply').receive({ ...msg, payload: 'after the rotation' });
        await until(() => received.replied.length === 1, 'the reply');
        assert.deepStrictEqual([received.replied[0].lineReply.status, received.replied[0].lineReply.via], ['SENT', 'reply']);
      } finally {
        fake.accessToken = original;
      }
    });

    it('sends nothing in standby mode', async () => {
      const msg = await incoming({ mode: 'standby' });
      helper.getNode('reply').receive({ ...msg, payload: 'x' });
      await until(() => received.replied.length === 1, 'the msg');
      assert.strictEqual(received.replied[0].lineReply.status, 'SKIPPED');
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/').length, 0);
    });

    it('refuses to push to a user who unfollowed, with the reason (done(err)), calling LINE for nothing; a reply still goes', async () => {
      const msg = await incoming();
      await liveChat.store.contacts.setFriendStatus(msg.contact.id, 'UNFOLLOWED', undefined);
      const contact = { ...msg.contact, friend_status: 'UNFOLLOWED' };
      const node = helper.getNode('reply');
      const errors: any[] = [];
      node.on('call:error', (call: any) => errors.push(call.args[0]));
      node.receive({ ...msg, contact, line: { ...msg.line, replyToken: null }, payload: 'promo' });
      await until(() => errors.length === 1, 'the error');
      assert.match(String(errors[0]?.message ?? errors[0]), /unfollowed the account/);
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/').length, 0);
      assert.strictEqual(await count(`messages WHERE direction = 'OUT'`), 0);
      node.receive({ ...msg, contact, payload: 'answer' });
      await until(() => received.replied.length === 1, 'the reply');
      assert.strictEqual(received.replied[0].lineReply.via, 'reply');
    });

    for (const [name, change] of [
      ['without a contact', (m: any) => ({ ...m, contact: null, payload: 'x' })],
      ['with six messages', (m: any) => ({ ...m, payload: ['1', '2', '3', '4', '5', '6'] })],
      [
        'when LINE refuses the push',
        (m: any) => {
          fake.failNextPushes(400);
          return { ...m, line: { ...m.line, replyToken: null }, payload: 'x' };
        },
      ],
    ] as const) {
      it(`reports an error ${name}`, async () => {
        const msg = await incoming();
        const node = helper.getNode('reply');
        const errors: any[] = [];
        node.on('call:error', (call: any) => errors.push(call.args[0]));
        node.receive(change(msg));
        await until(() => errors.length === 1, 'the error');
        assert.strictEqual(received.replied.length, 0);
      });
    }
  });

  it('hands its path to the next deploy, so a redeploy does not answer twice; stopped, the path answers 503 until flows start without it', async () => {
    await http!.close();
    http = undefined;
    await helper.unload();
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    await deploy();
    assert.strictEqual((await post(webhookBody([messageEvent('after redeploy')]))).status, 200);
    await until(() => received.out.length === 1, 'the msg');
    await settle();
    assert.strictEqual(received.out.length, 1);
    await helper.unload();
    // Stopped (a shutdown, or a deploy under way): LINE is told to deliver it again.
    const stopped = await fetch(`${http!.baseUrl}/line/webhook`, { method: 'POST', body: '{}' });
    assert.strictEqual(stopped.status, 503);
    assert.strictEqual(stopped.headers.get('retry-after'), '5');
    // Flows started without a webhook on the path: it is gone.
    await helper.load([nodeCatalogs, httpProbe, sessionStoreNode, lineWebhookNode], [{ id: 'probe', type: 'http-probe' }]);
    assert.strictEqual((await post(webhookBody([messageEvent('nobody')]))).status, 404);
  });
});
