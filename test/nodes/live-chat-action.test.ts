import assert from 'node:assert';
import path from 'node:path';
import { helper, settledStatus, statusesOf, useLineNodeRuntime } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { nodeCatalogs } from '../support/node-catalogs';
import { userId } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import liveChatActionNode from '../../nodes/live-chat-action/live-chat-action';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';
import type { OperatorView } from '../../src/auth/operators';
import type { SessionChange } from '../../src/events';
import { DEFAULT_SETTINGS } from '../../src/live-chat/live-chat-settings';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

describe('live-chat-action node', function () {
  this.timeout(30000);
  const lineStandIn = useLineNodeRuntime();
  let dataDir: string;
  let liveChat: LiveChat;
  let out: any[];
  let caught: any[];
  let somchai: OperatorView;
  let malee: OperatorView;
  let changes: SessionChange[];

  beforeEach(async () => {
    lineStandIn().reset();
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(async () => helper.unload());

  async function deploy(action: Record<string, unknown> = {}) {
    await helper.load(
      [nodeCatalogs, sessionStoreNode, liveChatActionNode, catchNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
        { id: 'f1', type: 'tab' },
        { id: 'act', z: 'f1', type: 'live-chat-action', store: 'store', action: '', ...action, wires: [['out']] },
        { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'out', z: 'f1', type: 'helper' },
        { id: 'caught', z: 'f1', type: 'helper' },
      ],
    );
    liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    out = [];
    caught = [];
    changes = [];
    helper.getNode('out').on('input', (msg: any) => out.push(msg));
    helper.getNode('caught').on('input', (msg: any) => caught.push(msg));
    liveChat.events.on('session', ({ change }) => changes.push(change));
    // A second deploy in a test finds them in the database already.
    const operator = async (username: string, display_name: string) =>
      (await liveChat.sessions.operator(username).catch(() => undefined)) ??
      liveChat.operators.create({ username, password: `${username}-password`, display_name });
    somchai = await operator('somchai', 'สมชาย');
    malee = await operator('malee', 'มาลี');
  }

  /** Sends `msg` into the node; answers the msg that came out, or the one a Catch node saw. */
  function act(msg: Record<string, unknown>): Promise<{ out?: any; caught?: any }> {
    const before = { out: out.length, caught: caught.length };
    helper.getNode('act').receive(msg);
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + 5000;
      const look = () => {
        if (out.length > before.out) return resolve({ out: out.at(-1) });
        if (caught.length > before.caught) return resolve({ caught: caught.at(-1) });
        if (Date.now() > deadline) return reject(new Error('nothing came out of the node'));
        setTimeout(look, 10);
      };
      look();
    });
  }

  async function botChat(name = 'ลูกค้า') {
    const { contact } = await liveChat.store.contacts.ensure(userId());
    return (await liveChat.store.contacts.setProfile(contact.id, { display_name: name, picture_url: null, status_message: null, language: 'th' }))!;
  }
  const sessionsOf = (lineUserId: string) => liveChat.store.sql.rows<any>(`SELECT * FROM chat_sessions WHERE line_user_id = $1 ORDER BY id`, [lineUserId]);
  const messagesOf = (contactId: number) => liveChat.store.sql.rows<any>(`SELECT * FROM messages WHERE contact_id = $1 ORDER BY id`, [contactId]);
  const pushes = () => lineStandIn().requestsTo('POST', '/v2/bot/message/push');

  describe('send', () => {
    it("sends a text as the bot to a chat with the bot, pushed with a retry key and kept in the history; msg.payload is the API's answer", async () => {
      await deploy({ action: 'send' });
      const user = await botChat();
      const { out: msg } = await act({ lineUserId: user.line_user_id, payload: 'โปรโมชั่นเดือนนี้ลด 20%' });
      assert.ok(msg, 'the msg was sent on');
      assert.deepStrictEqual([msg.payload.action, msg.payload.status, msg.payload.via], ['send', 'SENT', 'push']);
      assert.deepStrictEqual(
        msg.payload.messages.map((m: any) => [m.sender, m.content.text, m.delivery_status]),
        [['BOT', 'โปรโมชั่นเดือนนี้ลด 20%', 'SENT']],
      );
      const [push] = pushes();
      assert.strictEqual(push.body.to, user.line_user_id);
      assert.match(String(push.headers['x-line-retry-key']), /^[0-9a-f-]{36}$/);
      assert.deepStrictEqual(
        (await messagesOf(user.id)).map((m) => [m.sender, m.retry_key]),
        [['BOT', push.headers['x-line-retry-key']]],
      );
      assert.match(String((await settledStatus('act'))?.text), new RegExp(`^send: ${user.line_user_id} `));
    });

    it('sends LINE message objects as the operator msg.operator names, claiming the WAITING chat of msg.contact', async () => {
      await deploy({ action: 'send' });
      const user = await botChat();
      await liveChat.sessions.switchMode(user.line_user_id, 'HUMAN', null);
      const sticker = { type: 'sticker', packageId: '446', stickerId: '1988' };
      const { out: msg } = await act({ contact: user, operator: 'malee', payload: ['รับเรื่องแล้วค่ะ', sticker] });
      assert.deepStrictEqual(
        msg.payload.messages.map((m: any) => [m.sender, m.operator?.username, m.message_type]),
        [
          ['OPERATOR', 'malee', 'text'],
          ['OPERATOR', 'malee', 'sticker'],
        ],
      );
      const [session] = await sessionsOf(user.line_user_id);
      assert.deepStrictEqual([session.status, session.operator_id, session.message_count], ['ACTIVE', malee.id, 2]);
      assert.deepStrictEqual(pushes()[0].body.messages, [{ type: 'text', text: 'รับเรื่องแล้วค่ะ' }, sticker]);
    });

    it('hands a message LINE refuses to a Catch node, kept as FAILED in the history', async () => {
      await deploy({ action: 'send' });
      const user = await botChat();
      lineStandIn().failNextPushes(400);
      const { caught: msg } = await act({ lineUserId: user.line_user_id, payload: 'hello' });
      assert.ok(msg, 'a Catch node saw it');
      assert.match(msg.error.message, new RegExp(`^Error: LINE did not take the message to ${user.line_user_id} \\(it is kept as FAILED`));
      assert.strictEqual(msg.payload.status, 'FAILED');
      assert.deepStrictEqual(
        (await messagesOf(user.id)).map((m) => m.delivery_status),
        ['FAILED'],
      );
      assert.strictEqual(statusesOf('act').at(-1)?.fill, 'red');
    });

    it('hands a send to a user who unfollowed to a Catch node with the reason, calling LINE for nothing', async () => {
      await deploy({ action: 'send' });
      const user = await botChat();
      await liveChat.store.contacts.setFriendStatus(user.id, 'UNFOLLOWED', undefined);
      const { caught: msg } = await act({ lineUserId: user.line_user_id, payload: 'โปรโมชั่น' });
      assert.ok(msg, 'a Catch node saw it');
      assert.match(msg.error.message, /unfollowed the account: LINE cannot deliver to them/);
      assert.deepStrictEqual(pushes(), []);
      assert.deepStrictEqual(await messagesOf(user.id), []);
    });
  });

  it('switches the mode: HUMAN from the node, BOT from msg.payload with msg.action', async () => {
    await deploy({ action: 'mode', mode: 'HUMAN' });
    const user = await botChat();
    const { out: human } = await act({ lineUserId: user.line_user_id });
    assert.deepStrictEqual([human.payload.changed, human.payload.session.status, human.payload.contact.chat_mode], [true, 'WAITING', 'HUMAN']);
    await helper.unload();
    await deploy({ action: '', mode: '' });
    const { out: bot } = await act({ lineUserId: user.line_user_id, action: 'mode', payload: 'BOT' });
    assert.deepStrictEqual([bot.payload.action, bot.payload.session.closed_by, bot.payload.contact.chat_mode], ['mode', 'SYSTEM', 'BOT']);
    assert.deepStrictEqual(pushes(), [], 'a mode switch tells the user nothing');
  });

  it('closes a chat with a closing message in msg.payload, or the one of the settings', async () => {
    await deploy({ action: 'close' });
    const user = await botChat();
    await liveChat.sessions.switchMode(user.line_user_id, 'HUMAN', null);
    const { out: closed } = await act({ lineUserId: user.line_user_id, payload: 'ขอบคุณที่ใช้บริการค่ะ', operator: 'somchai' });
    assert.deepStrictEqual([closed.payload.changed, closed.payload.session.closed_by, closed.payload.closing_message], [true, 'OPERATOR', { status: 'SENT' }]);
    assert.deepStrictEqual(pushes()[0].body.messages, [{ type: 'text', text: 'ขอบคุณที่ใช้บริการค่ะ' }]);

    await liveChat.sessions.switchMode(user.line_user_id, 'HUMAN', null);
    const { out: bySystem } = await act({ lineUserId: user.line_user_id, payload: 1700000000000 });
    assert.strictEqual(bySystem.payload.session.closed_by, 'SYSTEM');
    assert.deepStrictEqual(pushes()[1].body.messages, [{ type: 'text', text: DEFAULT_SETTINGS.closing_message }]);

    const { out: again } = await act({ lineUserId: user.line_user_id });
    assert.deepStrictEqual([again.payload.changed, again.payload.session], [false, null]);
    assert.match(String((await settledStatus('act'))?.text), /^close: no change for /);
  });

  it('claims for the node operator, then assigns to the operator msg.operator names by id (transferred)', async () => {
    await deploy({ action: 'claim', operator: 'somchai' });
    const user = await botChat();
    await liveChat.sessions.switchMode(user.line_user_id, 'HUMAN', null);
    const { out: claimed } = await act({ lineUserId: user.line_user_id });
    assert.deepStrictEqual(claimed.payload.session.operator, { id: somchai.id, username: 'somchai', display_name: 'สมชาย' });
    await helper.unload();
    await deploy({ action: 'assign' });
    changes = [];
    const { out: assigned } = await act({ lineUserId: user.line_user_id, operator: malee.id });
    assert.deepStrictEqual([assigned.payload.changed, assigned.payload.session.operator.username], [true, 'malee']);
    assert.deepStrictEqual(changes, ['reassigned']);
    assert.strictEqual((await sessionsOf(user.line_user_id))[0].operator_id, malee.id);
  });

  describe('errors go to a Catch node with the msg', () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown> | ((user: string) => Record<string, unknown>), RegExp][] = [
      ['an unknown action', {}, (user) => ({ lineUserId: user, action: 'delete' }), /^Error: Unknown action "delete"/],
      ['no user', { action: 'send' }, { payload: 'x' }, /^Error: Which LINE user\? Set msg.lineUserId/],
      ['an unknown user', { action: 'send' }, { lineUserId: 'U-nobody', payload: 'x' }, /^Error: send for U-nobody failed: Conversation not found$/],
      [
        'an unknown operator',
        { action: 'claim' },
        (user) => ({ lineUserId: user, operator: 'nobody' }),
        /^Error: claim for U\w+ failed: Operator "nobody" not found$/,
      ],
      ['claim without an operator', { action: 'claim' }, (user) => ({ lineUserId: user }), /^Error: claim needs an operator/],
      [
        'a chat with no open session to claim',
        { action: 'claim', operator: 'malee' },
        (user) => ({ lineUserId: user }),
        /failed: This chat has no open session to claim/,
      ],
      [
        'an operator answering a chat with the bot',
        { action: 'send', operator: 'malee' },
        (user) => ({ lineUserId: user, payload: 'hi' }),
        /failed: This chat is with the bot/,
      ],
      [
        'a bad mode',
        { action: 'mode' },
        (user) => ({ lineUserId: user, payload: 'ROBOT' }),
        /^Error: The mode must be BOT or HUMAN \(in the node, or msg.payload\), not "ROBOT"$/,
      ],
      [
        'a bad message',
        { action: 'send' },
        (user) => ({ lineUserId: user, payload: [{ text: 'no type' }] }),
        /failed: messages\[0\] must be a text or a LINE message object/,
      ],
    ];
    for (const [what, config, input, error] of cases) {
      it(what, async () => {
        await deploy(config);
        const user = await botChat();
        const msg = typeof input === 'function' ? input(user.line_user_id) : input;
        const result = await act({ ...msg, _marker: what });
        assert.strictEqual(result.out, undefined);
        assert.match(result.caught.error.message, error);
        assert.strictEqual(result.caught._marker, what, 'the Catch node gets the msg');
        assert.strictEqual(statusesOf('act').at(-1)?.fill, 'red');
        assert.deepStrictEqual(await sessionsOf(user.line_user_id), []);
        assert.deepStrictEqual(pushes(), []);
      });
    }

    it('an inactive operator', async () => {
      await deploy({ action: 'assign' });
      const user = await botChat();
      await liveChat.sessions.switchMode(user.line_user_id, 'HUMAN', null);
      await liveChat.operators.update(malee.id, { active: false });
      const { caught: msg } = await act({ lineUserId: user.line_user_id, operator: 'malee' });
      assert.match(msg.error.message, /failed: มาลี \(malee\) is not an active operator/);
      assert.strictEqual((await sessionsOf(user.line_user_id))[0].status, 'WAITING');
    });

    it('a store whose database cannot be opened', async () => {
      await helper.load(
        [nodeCatalogs, sessionStoreNode, liveChatActionNode, catchNode],
        [
          { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
          { id: 'f1', type: 'tab' },
          { id: 'act', z: 'f1', type: 'live-chat-action', store: 'store', action: 'send', wires: [['out']] },
          { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
          { id: 'out', z: 'f1', type: 'helper' },
          { id: 'caught', z: 'f1', type: 'helper' },
        ],
        { store: { databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere' } },
      );
      out = [];
      caught = [];
      helper.getNode('out').on('input', (msg: any) => out.push(msg));
      helper.getNode('caught').on('input', (msg: any) => caught.push(msg));
      const { caught: msg } = await act({ lineUserId: 'U1', payload: 'x' });
      assert.match(msg.error.message, /^Error: The live chat store is not running: .*ECONNREFUSED/);
    });

    it('no store', async () => {
      await deploy({ store: '', action: 'send' });
      assert.deepStrictEqual(statusesOf('act')[0], { fill: 'red', shape: 'ring', text: 'no store' });
      const { caught: msg } = await act({ lineUserId: 'U1', payload: 'x' });
      assert.strictEqual(msg.error.message, 'Error: Choose a session-store for this live chat action node');
    });
  });
});
