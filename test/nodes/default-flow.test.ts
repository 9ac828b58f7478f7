import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { helper, httpProbe, serveHttpNode, useLineNodeRuntime } from '../support/node-red';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import chatModeRouterNode from '../../nodes/chat-mode-router/chat-mode-router';
import lineReplyNode from '../../nodes/line-reply/line-reply';
import handoffNode from '../../nodes/handoff/handoff';
import analyticsAggregateNode from '../../nodes/analytics-aggregate/analytics-aggregate';
import telegramNotifyNode from '../../nodes/telegram-notify/telegram-notify';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';
import { setEnvironment } from '../support/environment';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';

// Node-RED's own nodes that the shipped flow uses.
const functionNode = require('@node-red/nodes/core/function/10-function.js');
const commentNode = require('@node-red/nodes/core/common/90-comment.js');
const injectNode = require('@node-red/nodes/core/common/20-inject.js');

describe('the shipped default flow', function () {
  this.timeout(30000);
  let fake: FakeLine;
  const lineStandIn = useLineNodeRuntime();
  let telegram: FakeTelegram;
  let restoreEnvironment: () => void;
  before(async () => {
    fake = lineStandIn();
    telegram = await startFakeTelegram('123456:flow-test-token');
    restoreEnvironment = setEnvironment({
      TELEGRAM_BOT_TOKEN: '123456:flow-test-token',
      TELEGRAM_ADMIN_CHAT_ID: '-1001234567890',
      TELEGRAM_API_ROOT: telegram.url,
      ADMIN_URL: 'https://inbox.example.com',
    });
  });
  after(async () => {
    restoreEnvironment();
    await telegram.close();
  });

  let liveChat: LiveChat;
  let http: { baseUrl: string; close(): Promise<void> };

  beforeEach(async () => {
    fake.reset();
    telegram.reset();
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'flows', 'live-chat-handoff.json'), 'utf8'));
    const flow = shipped.map((n: any) => (n.type === 'session-store' ? { ...n, dataDir } : n)).concat({ id: 'probe', type: 'http-probe', z: 'llc-tab' });
    await helper.load(
      [
        nodeCatalogs,
        httpProbe,
        sessionStoreNode,
        lineWebhookNode,
        chatModeRouterNode,
        handoffNode,
        telegramNotifyNode,
        lineReplyNode,
        analyticsAggregateNode,
        functionNode,
        commentNode,
        injectNode,
      ],
      flow,
    );
    liveChat = await (helper.getNode('llc-store') as SessionStoreNode).liveChat;
    http = await serveHttpNode();
  });
  afterEach(async () => {
    await http.close();
    await helper.unload();
  });

  async function post(events: Record<string, unknown>[]) {
    const body = webhookBody(events);
    const res = await fetch(`${http.baseUrl}/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
      body: new Uint8Array(body),
    });
    assert.strictEqual(res.status, 200);
  }

  async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('answers a text message by reply token and records the answer as a BOT message', async () => {
    const replyToken = fake.issueReplyToken();
    await post([messageEvent('ราคาเท่าไหร่ครับ', { userId: userId(), replyToken })]);
    const [reply] = await eventually(
      () => fake.requestsTo('POST', '/v2/bot/message/reply'),
      (r) => r.length > 0,
      'the bot reply',
    );
    assert.strictEqual(reply.body.replyToken, replyToken);
    assert.match(reply.body.messages[0].text, /ติดต่อเจ้าหน้าที่/);
    const rows = await eventually(
      () => liveChat.store.sql.rows(`SELECT sender, delivery_status FROM messages WHERE direction = 'OUT' AND delivery_status = 'SENT'`),
      (r) => r.length > 0,
      'the stored answer',
    );
    assert.deepStrictEqual(rows, [{ sender: 'BOT', delivery_status: 'SENT' }]);
  });

  it('hands a user who types the keyword to a human: greeting by reply, a Telegram alert, WAITING session, then the bot stays quiet', async () => {
    const user = userId();
    fake.setProfile(user, { displayName: 'สมชาย' });
    const replyToken = fake.issueReplyToken();
    await post([messageEvent(' ติดต่อ\u200Bเจ้าหน้าที่ ', { userId: user, replyToken })]);
    const [greeting] = await eventually(
      () => fake.requestsTo('POST', '/v2/bot/message/reply'),
      (r) => r.length > 0,
      'the greeting',
    );
    assert.strictEqual(greeting.body.replyToken, replyToken);
    assert.deepStrictEqual(greeting.body.messages, [{ type: 'text', text: 'เจ้าหน้าที่จะติดต่อกลับในไม่ช้า กรุณารอสักครู่' }]);
    const contact = (await liveChat.store.contacts.byLineUserId(user))!;
    assert.strictEqual(contact.chat_mode, 'HUMAN');
    const session = (await liveChat.store.chatSessions.openFor(contact.id))!;
    assert.strictEqual(session.status, 'WAITING');
    const [alert] = await eventually(
      () => telegram.sent,
      (sent) => sent.length > 0,
      'the Telegram alert',
    );
    assert.strictEqual(String(alert.chat_id), '-1001234567890');
    assert.match(alert.plain, /ผู้ใช้ขอคุยกับเจ้าหน้าที่/);
    assert.match(alert.plain, new RegExp(`LINE ID: ${user}`));
    assert.ok(alert.plain.includes(`https://inbox.example.com/admin/live-chat?user=${user}`));

    // HUMAN: the next message is stored in the session and counted; nothing is sent to the user.
    await post([messageEvent('มีเรื่องสอบถามครับ', { userId: user, replyToken: fake.issueReplyToken() })]);
    const counted = await eventually(
      () => liveChat.store.chatSessions.byId(session.id),
      (s) => s!.message_count === 2,
      'the counted message',
    );
    assert.strictEqual(counted!.status, 'WAITING');
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 1, 'no bot answer while HUMAN');
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 0);
    const history = await liveChat.store.sql.rows(`SELECT sender, session_id FROM messages WHERE contact_id = $1 ORDER BY id`, [contact.id]);
    assert.deepStrictEqual(history, [
      { sender: 'USER', session_id: session.id },
      { sender: 'SYSTEM', session_id: session.id },
      { sender: 'USER', session_id: session.id },
    ]);
  });

  for (const how of ['in the same POST', 'in the next POST at once']) {
    it(`keeps the bot quiet for messages right behind the keyword, ${how}`, async () => {
      const user = userId();
      // Typed a second apart; LINE delivers them together, or one right after the other.
      const sentAt = Date.now() - 3000;
      const keyword = messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken(), timestamp: sentAt });
      const after = ['มีเรื่องสอบถามครับ', 'เรื่องคำสั่งซื้อครับ'].map((text, i) =>
        messageEvent(text, { userId: user, replyToken: fake.issueReplyToken(), timestamp: sentAt + (i + 1) * 1000 }),
      );
      if (how === 'in the same POST') await post([keyword, ...after]);
      else for (const events of [[keyword], [after[0]], [after[1]]]) await post(events);
      const contact = (await eventually(
        () => liveChat.store.contacts.byLineUserId(user),
        (c) => c !== undefined,
        'the contact',
      ))!;
      const session = await eventually(
        () => liveChat.store.chatSessions.openFor(contact.id),
        (s) => s?.message_count === 3,
        'the three messages in the session',
      );
      await eventually(
        () => fake.requestsTo('POST', '/v2/bot/message/reply'),
        (r) => r.length > 0,
        'the greeting',
      );
      await new Promise((r) => setTimeout(r, 300));
      const answers = fake.requestsTo('POST', '/v2/bot/message/reply').map((r) => r.body.messages[0].text);
      assert.deepStrictEqual(answers, ['เจ้าหน้าที่จะติดต่อกลับในไม่ช้า กรุณารอสักครู่'], 'the greeting only: no bot answer');
      const history = await liveChat.store.sql.rows(`SELECT sender, session_id FROM messages WHERE contact_id = $1 ORDER BY created_at, id`, [contact.id]);
      assert.deepStrictEqual(
        history.map((m: any) => [m.sender, m.session_id === session!.id]),
        [
          ['USER', true],
          ['SYSTEM', true],
          ['USER', true],
          ['USER', true],
        ],
      );
    });
  }
});
