import assert from 'node:assert';
import path from 'node:path';
import { helper } from '../support/node-red';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { setEnvironment } from '../support/environment';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';
import { messageEvent, userId } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import telegramNotifyNode from '../../nodes/telegram-notify/telegram-notify';
import handoffNode from '../../nodes/handoff/handoff';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';
import type { ContactRow } from '../../src/store/contacts';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

const TOKEN = '123456:telegram-bot-token-XYZ9';
const ADMIN_URL = 'https://inbox.example.com';

describe('telegram-notify node', function () {
  this.timeout(30000);
  let fake: FakeTelegram;
  let restoreEnvironment: () => void;
  let dataDir: string;
  let liveChat: LiveChat;
  let received: { out: any[]; caught: any[] };
  let statuses: any[];

  before(async () => {
    fake = await startFakeTelegram(TOKEN);
    // The session-store seeds the default Telegram credential from these, as in production.
    restoreEnvironment = setEnvironment({
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_ADMIN_CHAT_ID: '-100123',
      ADMIN_URL,
      ADMIN_PASSWORD: undefined,
      DATABASE_URL: undefined,
    });
    await helper.startServer();
  });
  after(async () => {
    restoreEnvironment();
    await helper.stopServer();
    await fake.close();
  });
  beforeEach(async () => {
    fake.reset();
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(async () => helper.unload());

  async function deploy(node: Record<string, unknown> = {}) {
    await helper.load(
      [nodeCatalogs, sessionStoreNode, handoffNode, telegramNotifyNode, catchNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
        { id: 'f1', type: 'tab' },
        { id: 'handover', z: 'f1', type: 'handoff', store: 'store', wires: [['notify'], []] },
        { id: 'notify', z: 'f1', type: 'telegram-notify', store: 'store', wires: [['out']], ...node },
        { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'out', z: 'f1', type: 'helper' },
        { id: 'caught', z: 'f1', type: 'helper' },
      ],
    );
    liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    received = { out: [], caught: [] };
    statuses = [];
    helper.getNode('out').on('input', (msg: any) => received.out.push(msg));
    helper.getNode('caught').on('input', (msg: any) => received.caught.push(msg));
    helper.getNode('notify').on('call:status', (call: any) => statuses.push(call.args[0]));
  }

  async function until(check: () => boolean, what: string) {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function contactNamed(name: string): Promise<ContactRow> {
    const { contact } = await liveChat.store.contacts.ensure(userId());
    return (await liveChat.store.contacts.setProfile(contact.id, { display_name: name, picture_url: null, status_message: null, language: 'th' }))!;
  }

  async function said(contact: ContactRow, text: string) {
    return (await liveChat.store.messages.insertIncoming({
      contact_id: contact.id,
      session_id: null,
      message_type: 'text',
      content: { type: 'text', text },
      line_message_id: `n-${Math.random()}`,
      webhook_event_id: `e-${Math.random()}`,
      mark_as_read_token: null,
      created_at: new Date(),
    }))!;
  }

  /** The msg the handoff node puts on its first output, made by the real core. */
  async function handoffMsg(name = 'สมชาย') {
    const contact = await contactNamed(name);
    const trigger = await said(contact, 'ติดต่อเจ้าหน้าที่');
    const result = await liveChat.handoff.start({ contact, triggerMessageId: trigger.id });
    if (result.outcome !== 'opened') throw new Error('no handoff');
    return { payload: { type: 'message' }, contact: result.contact, session: result.session, recentMessages: result.recentMessages };
  }

  async function ageSession(id: number, minutes: number) {
    await liveChat.store.sql.exec(`UPDATE chat_sessions SET started_at = now() - make_interval(mins => $2) WHERE id = $1`, [id, minutes]);
  }

  it('sends the alert and passes the msg on with msg.telegram', async () => {
    await deploy();
    const msg = await handoffMsg();
    helper.getNode('notify').receive(msg);
    await until(() => received.out.length === 1, 'the msg');
    const out = received.out[0];
    assert.deepStrictEqual(out.telegram, { message_id: fake.sent[0].message_id, chat_id: -100123 });
    assert.strictEqual(out.contact.line_user_id, msg.contact.line_user_id);
    assert.strictEqual(out.session.id, msg.session.id);
    assert.strictEqual(fake.sent[0].chat_id, '-100123');
    assert.ok(fake.sent[0].plain.startsWith('🔔 ผู้ใช้ขอคุยกับเจ้าหน้าที่\n\n👤 ชื่อ: สมชาย\n'));
    assert.ok(fake.sent[0].plain.includes('• "ติดต่อเจ้าหน้าที่"'));
    assert.strictEqual(fake.sent[0].reply_markup?.inline_keyboard[0][0].url, `${ADMIN_URL}/admin/live-chat?user=${msg.contact.line_user_id}`);
    assert.strictEqual(statuses.at(-1).fill, 'green');
    assert.strictEqual(received.caught.length, 0);
  });

  it('alerts about what the handoff node hands over, wired after its first output', async () => {
    await deploy();
    const contact = await contactNamed('<ลูกค้า> & co');
    await said(contact, 'สินค้าหมดหรือยัง');
    helper.getNode('handover').receive({ payload: messageEvent('ติดต่อเจ้าหน้าที่', { userId: contact.line_user_id }), contact, line: {} });
    await until(() => received.out.length === 1, 'the alerted msg');
    const out = received.out[0];
    assert.strictEqual(out.handoff.outcome, 'opened');
    assert.strictEqual(out.telegram.message_id, fake.sent[0].message_id);
    assert.ok(fake.sent[0].plain.includes('👤 ชื่อ: <ลูกค้า> & co\n'));
    assert.ok(fake.sent[0].plain.includes('• "สินค้าหมดหรือยัง"'));
  });

  it('reads the recent messages from the store when the msg has none', async () => {
    await deploy();
    const contact = await contactNamed('นิด');
    await said(contact, 'ฮัลโหล');
    helper.getNode('notify').receive({ contact });
    await until(() => received.out.length === 1, 'the msg');
    assert.ok(fake.sent[0].plain.includes('• "ฮัลโหล"'));
  });

  it('reports a failing Telegram to a Catch node and turns red, passing nothing on', async () => {
    await deploy();
    fake.failNext({ status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    helper.getNode('notify').receive(await handoffMsg());
    await until(() => received.caught.length === 1, 'the caught error');
    assert.match(received.caught[0].error.message, /^Error: Telegram alert not sent: Telegram answered 403: Forbidden: bot was kicked/);
    assert.strictEqual(received.caught[0].error.source.id, 'notify');
    assert.deepStrictEqual([statuses.at(-1).fill, statuses.at(-1).shape], ['red', 'ring']);
    assert.strictEqual(received.out.length, 0);
  });

  it('reports a msg without a contact, and a credential that does not exist', async () => {
    await deploy({ credential: 'Nope' });
    helper.getNode('notify').receive({ payload: 'x' });
    await until(() => received.caught.length === 1, 'the first error');
    assert.match(received.caught[0].error.message, /msg.contact is missing/);
    helper.getNode('notify').receive(await handoffMsg());
    await until(() => received.caught.length === 2, 'the second error');
    assert.match(received.caught[1].error.message, /Telegram alert not sent: There is no TELEGRAM credential "Nope"/);
    assert.deepStrictEqual(fake.calls, []);
  });

  describe('reminders', () => {
    it('reminds the group of a chat still waiting after renotify_minutes, once', async () => {
      await deploy({ reminderCheckSeconds: 0.1 });
      const msg = await handoffMsg('รอนาน');
      await ageSession(msg.session.id, 12);
      await until(() => fake.sent.length === 1, 'the reminder');
      assert.ok(fake.sent[0].plain.startsWith('⏰ ยังไม่มีเจ้าหน้าที่รับแชท (รอ 12 นาที)\n\n👤 ชื่อ: รอนาน\n'));
      await until(() => statuses.some((s) => /reminded 1/.test(s.text)), 'the status');
      await pause(400);
      assert.strictEqual(fake.sent.length, 1);
    });

    it('reports a failed reminder to a Catch node once while it keeps failing, and sends it when Telegram is back', async () => {
      await deploy({ reminderCheckSeconds: 0.1 });
      const msg = await handoffMsg();
      const kicked = { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' };
      fake.failNext(kicked, kicked, kicked);
      await ageSession(msg.session.id, 11);
      await until(() => fake.sent.length === 1, 'the reminder, in the end');
      assert.strictEqual(fake.calls.length, 4);
      assert.strictEqual(received.caught.length, 1);
      const caught = received.caught[0];
      assert.strictEqual(caught.topic, 'telegram-reminders');
      assert.match(
        caught.error.message,
        new RegExp(`1 Telegram reminder\\(s\\) not sent, tried again later \\(chat session ${msg.session.id}: Telegram alert not sent: Telegram answered 403`),
      );
      assert.deepStrictEqual(
        caught.payload.failed.map((f: any) => f.session_id),
        [msg.session.id],
      );
      assert.ok(statuses.some((s) => s.fill === 'red'));
      await until(() => statuses.at(-1)?.fill === 'green', 'the status of the round that sent it');
    });

    it('sends none when remind is off, and none after the node is gone', async () => {
      await deploy({ remind: false, reminderCheckSeconds: 0.1 });
      const msg = await handoffMsg();
      await ageSession(msg.session.id, 60);
      await pause(400);
      assert.deepStrictEqual(fake.calls, []);

      await helper.unload();
      await deploy({ reminderCheckSeconds: 0.1 });
      await until(() => fake.sent.length === 1, 'the reminder');
      await helper.unload();
      const calls = fake.calls.length;
      await pause(400);
      assert.strictEqual(fake.calls.length, calls);
    });
  });
});
