import assert from 'node:assert';
import path from 'node:path';
import { helper, httpProbe, serveHttpNode, useLineNodeRuntime } from '../support/node-red';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { groupSource, messageEvent, postbackEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import handoffNode from '../../nodes/handoff/handoff';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';
import { updateSettings } from '../../src/live-chat/live-chat-settings';

describe('handoff node', function () {
  this.timeout(30000);
  let fake: FakeLine;
  const lineStandIn = useLineNodeRuntime();
  before(() => {
    fake = lineStandIn();
  });
  let liveChat: LiveChat;
  let http: { baseUrl: string; close(): Promise<void> };
  const received: Record<'handed' | 'bot' | 'caught', any[]> = { handed: [], bot: [], caught: [] };

  async function deploy(handoff: Record<string, unknown> = {}) {
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    await helper.load(
      [nodeCatalogs, httpProbe, sessionStoreNode, lineWebhookNode, handoffNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir },
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['handover']] },
        { id: 'handover', type: 'handoff', store: 'store', ...handoff, wires: [['handed'], ['bot']] },
        { id: 'inject', type: 'helper', wires: [['handover']] },
        { id: 'handed', type: 'helper' },
        { id: 'bot', type: 'helper' },
        { id: 'probe', type: 'http-probe' },
      ],
    );
    liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    for (const id of ['handed', 'bot'] as const) {
      received[id] = [];
      helper.getNode(id).on('input', (msg: any) => received[id].push(msg));
    }
    http = await serveHttpNode();
  }

  afterEach(async () => {
    await http.close();
    await helper.unload();
  });
  beforeEach(() => fake.reset());

  async function post(events: Record<string, unknown>[]) {
    const body = webhookBody(events);
    const res = await fetch(`${http.baseUrl}/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
      body: new Uint8Array(body),
    });
    assert.strictEqual(res.status, 200);
  }
  const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
  async function until(check: () => boolean, what: string) {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('hands over on a keyword: first output has the session, the contact in HUMAN and the last 3 messages', async () => {
    await deploy();
    const user = userId();
    fake.setProfile(user, { displayName: 'สมชาย' });
    const t = Date.now() - 10_000;
    await post([messageEvent('สวัสดีครับ', { userId: user, timestamp: t })]);
    await post([messageEvent('มีเรื่องอยากสอบถาม', { userId: user, timestamp: t + 1 }), messageEvent('อีกเรื่อง', { userId: user, timestamp: t + 2 })]);
    await until(() => received.bot.length === 3, 'three msgs for the bot');
    const replyToken = fake.issueReplyToken();
    await post([messageEvent('Agent', { userId: user, replyToken, timestamp: t + 3 })]);
    await until(() => received.handed.length === 1, 'the handoff');
    const msg = received.handed[0];
    assert.strictEqual(msg.contact.chat_mode, 'HUMAN');
    assert.strictEqual(msg.session.status, 'WAITING');
    assert.strictEqual(msg.session.message_count, 1);
    assert.deepStrictEqual(
      msg.recentMessages.map((m: any) => m.content.text),
      ['มีเรื่องอยากสอบถาม', 'อีกเรื่อง', 'Agent'],
    );
    assert.deepStrictEqual(msg.handoff, { outcome: 'opened', greeting: 'SENT' });
    assert.strictEqual(received.bot.length, 3, 'the keyword does not go to the bot');
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply')[0].body.replyToken, replyToken);
  });

  it('hands over on the rich-menu postback and on msg.handoff, and passes other msgs to the bot unchanged', async () => {
    await deploy();
    const [a, b] = [userId(), userId()];
    await post([postbackEvent('action=handoff', { userId: a })]);
    await until(() => received.handed.length === 1, 'the postback handoff');
    await post([postbackEvent('action=buy&item=1', { userId: b })]);
    await until(() => received.bot.length === 1, 'the other postback');
    assert.strictEqual(received.bot[0].payload.postback.data, 'action=buy&item=1');

    const contact = (await liveChat.store.contacts.byLineUserId(b))!;
    helper.getNode('inject').send({ payload: { type: 'message', message: { type: 'text', text: 'anything' } }, contact, handoff: true });
    await until(() => received.handed.length === 2, 'the msg.handoff handoff');
    assert.strictEqual(received.handed[1].contact.line_user_id, b);
    assert.strictEqual(received.handed[1].handoff.outcome, 'opened');
  });

  it('tells the flow whether the team is open (msg.businessHours) on both outputs; after hours the user gets the away message', async () => {
    await deploy();
    const [early, late] = [userId(), userId()];
    await post([messageEvent('hello', { userId: early })]);
    await until(() => received.bot.length === 1, 'the msg for the bot');
    assert.deepStrictEqual(received.bot[0].businessHours, { open_now: true, next_opening: null }, 'off by default: open');

    // Turned on with no hours on any day: closed, whenever this runs.
    const closed = { enabled: true, weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [] };
    await updateSettings(liveChat.store.settings, { business_hours: closed, away_message: 'Closed; back {next_opening}.' });
    await post([messageEvent('hello', { userId: early })]);
    await until(() => received.bot.length === 2, 'the second msg for the bot');
    assert.deepStrictEqual(received.bot[1].businessHours, { open_now: false, next_opening: null });
    await post([messageEvent('agent', { userId: late, replyToken: fake.issueReplyToken() })]);
    await until(() => received.handed.length === 1, 'the handoff');
    const msg = received.handed[0];
    assert.deepStrictEqual(msg.businessHours, { open_now: false, next_opening: null });
    assert.deepStrictEqual([msg.session.status, msg.session.after_hours], ['WAITING', true]);
    assert.deepStrictEqual(
      fake.requestsTo('POST', '/v2/bot/message/reply').map((r) => r.body.messages[0].text),
      ['Closed; back later.'],
    );
  });

  it('opens one session and greets once when two keyword events come in one webhook', async () => {
    await deploy();
    const user = userId();
    await post([
      messageEvent('human', { userId: user, replyToken: fake.issueReplyToken() }),
      messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() }),
    ]);
    await until(() => received.handed.length === 1, 'the handoff');
    await settle();
    assert.strictEqual(received.handed.length, 1);
    assert.strictEqual(received.bot.length, 0);
    assert.strictEqual((await liveChat.store.sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM chat_sessions`))!.n, 1);
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length + fake.requestsTo('POST', '/v2/bot/message/push').length, 1);
  });

  it('uses its own keywords, match mode and greeting over the stored settings', async () => {
    await deploy({ keywords: 'ขอแอดมิน\nadmin please', matchMode: 'contains', greeting: 'รอแอดมินสักครู่นะคะ' });
    const user = userId();
    await post([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user })]);
    await until(() => received.bot.length === 1, 'the default keyword going to the bot');
    await post([messageEvent('สวัสดีค่ะ ขอแอดมิน หน่อยค่ะ', { userId: user, replyToken: fake.issueReplyToken() })]);
    await until(() => received.handed.length === 1, 'the handoff');
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply')[0].body.messages[0].text, 'รอแอดมินสักครู่นะคะ');
  });

  it('sends group chats to the bot, and nothing on from a chat that is already HUMAN', async () => {
    await deploy();
    await post([messageEvent('ติดต่อเจ้าหน้าที่', { source: groupSource() })]);
    await until(() => received.bot.length === 1, 'the group msg for the bot');
    const user = userId();
    await post([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user })]);
    await until(() => received.handed.length === 1, 'the handoff');
    await post([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user }), messageEvent('ยังรออยู่ครับ', { userId: user })]);
    await settle();
    assert.strictEqual(received.handed.length, 1);
    assert.strictEqual(received.bot.length, 1);
    const session = (await liveChat.store.chatSessions.openFor((await liveChat.store.contacts.byLineUserId(user))!.id))!;
    assert.strictEqual(session.message_count, 3);
  });

  it('still hands over when the greeting cannot be sent, and says so', async () => {
    await deploy();
    fake.failNextPushes(400);
    const user = userId();
    // No reply token LINE knows: the reply fails, the push fails with 400 (not retried).
    await post([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: 'unknown-token' })]);
    await until(() => received.handed.length === 1, 'the handoff');
    assert.strictEqual(received.handed[0].handoff.greeting, 'FAILED');
    assert.strictEqual(received.handed[0].contact.chat_mode, 'HUMAN');
    const greeting = await liveChat.store.sql.row<{ sender: string; delivery_status: string }>(
      `SELECT sender, delivery_status FROM messages WHERE direction = 'OUT'`,
    );
    assert.deepStrictEqual(greeting, { sender: 'SYSTEM', delivery_status: 'FAILED' });
  });
});
