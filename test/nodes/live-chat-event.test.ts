import assert from 'node:assert';
import path from 'node:path';
import { helper, settledStatus, statusesOf, useLineNodeRuntime } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { nodeCatalogs } from '../support/node-catalogs';
import { userId } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import liveChatEventNode from '../../nodes/live-chat-event/live-chat-event';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';
import type { OperatorView } from '../../src/auth/operators';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

describe('live-chat-event node', function () {
  this.timeout(30000);
  const lineStandIn = useLineNodeRuntime();
  let dataDir: string;
  let liveChat: LiveChat;
  let received: Record<string, any[]>;

  beforeEach(async () => {
    lineStandIn().reset();
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(async () => helper.unload());

  /** Deploys live-chat-event nodes (id -> config), each wired to a helper node `<id>-out`, and a Catch node. */
  async function deploy(nodes: Record<string, Record<string, unknown>>) {
    const flow: Record<string, unknown>[] = [
      { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
      { id: 'f1', type: 'tab' },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    for (const [id, config] of Object.entries(nodes)) {
      flow.push({ id, z: 'f1', type: 'live-chat-event', store: 'store', waitingCheckSeconds: 0.05, ...config, wires: [[`${id}-out`]] });
      flow.push({ id: `${id}-out`, z: 'f1', type: 'helper' });
    }
    await helper.load([nodeCatalogs, sessionStoreNode, liveChatEventNode, catchNode], flow);
    liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    received = { caught: [] };
    helper.getNode('caught').on('input', (msg: any) => received.caught.push(msg));
    for (const id of Object.keys(nodes)) {
      received[id] = [];
      helper.getNode(`${id}-out`).on('input', (msg: any) => received[id].push(msg));
    }
  }

  async function until(check: () => boolean, what: string) {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function contact(name: string) {
    const { contact: c } = await liveChat.store.contacts.ensure(userId());
    return (await liveChat.store.contacts.setProfile(c.id, { display_name: name, picture_url: null, status_message: null, language: 'th' }))!;
  }
  async function operator(username: string, display_name: string): Promise<OperatorView> {
    return liveChat.operators.create({ username, password: `${username}-password`, display_name });
  }
  async function waitingFor(minutes: number, name = 'รอนาน') {
    const who = await contact(name);
    await liveChat.sessions.switchMode(who.line_user_id, 'HUMAN', null);
    await liveChat.store.sql.exec(`UPDATE chat_sessions SET started_at = now() - make_interval(mins => $2) WHERE contact_id = $1`, [who.id, minutes]);
    return who;
  }

  it('sends a msg for each event of a chat: handoff, claimed, operator-message, transferred, closed, in the API shapes', async () => {
    await deploy({ ev: {} });
    const somchai = await operator('somchai', 'สมชาย');
    const malee = await operator('malee', 'มาลี');
    const user = await contact('ลูกค้า');
    const lineUserId = user.line_user_id;

    await liveChat.sessions.switchMode(lineUserId, 'HUMAN', null);
    await liveChat.sessions.claim(lineUserId, somchai);
    await liveChat.operatorMessages.send(lineUserId, somchai, ['สวัสดีค่ะ']);
    await liveChat.sessions.assign(lineUserId, malee);
    await liveChat.sessions.close(lineUserId, malee, { message: '' });
    await until(() => received.ev.length === 5, 'five events');

    assert.deepStrictEqual(
      received.ev.map((m) => m.topic),
      ['handoff', 'claimed', 'operator-message', 'transferred', 'closed'],
    );
    for (const msg of received.ev) {
      assert.strictEqual(msg.payload.event, msg.topic);
      assert.strictEqual(msg.lineUserId, lineUserId);
      assert.strictEqual(msg.contact.id, user.id, 'msg.contact is the stored contact');
      assert.deepStrictEqual(msg.session, msg.payload.session);
      assert.strictEqual(msg.payload.contact.line_user_id, lineUserId);
      assert.strictEqual(msg.payload.contact.display_name, 'ลูกค้า');
      assert.strictEqual(msg.payload.contact.id, undefined, "the API's contact shape has no database id");
      assert.deepStrictEqual(msg.businessHours, { open_now: true, next_opening: null }, 'business hours are off: always open');
    }
    const [handoff, claimed, message, transferred, closed] = received.ev;
    assert.deepStrictEqual([handoff.payload.session.status, handoff.payload.session.operator], ['WAITING', null]);
    assert.deepStrictEqual(claimed.payload.session.operator, { id: somchai.id, username: 'somchai', display_name: 'สมชาย' });
    assert.deepStrictEqual(
      [
        message.payload.message.sender,
        message.payload.message.content.text,
        message.payload.message.delivery_status,
        message.payload.message.operator.display_name,
      ],
      ['OPERATOR', 'สวัสดีค่ะ', 'SENT', 'สมชาย'],
    );
    assert.strictEqual(message.payload.session.id, claimed.payload.session.id);
    assert.deepStrictEqual(transferred.payload.session.operator, { id: malee.id, username: 'malee', display_name: 'มาลี' });
    assert.deepStrictEqual([closed.payload.session.status, closed.payload.session.closed_by], ['CLOSED', 'OPERATOR']);
    assert.match(String((await settledStatus('ev'))?.text), /^closed: ลูกค้า /);
    assert.strictEqual(received.caught.length, 0);
  });

  it('sends only the events ticked in its dialog', async () => {
    await deploy({
      closing: { onHandoff: false, onClaimed: false, onTransferred: false, onOperatorMessage: false, onWaiting: false },
      all: {},
    });
    assert.strictEqual(statusesOf('closing')[0].text, 'listening for 1 event(s)');
    const somchai = await operator('somchai', 'สมชาย');
    const user = await contact('ลูกค้า');
    await liveChat.sessions.switchMode(user.line_user_id, 'HUMAN', null);
    await liveChat.sessions.claim(user.line_user_id, somchai);
    await liveChat.sessions.close(user.line_user_id, null);
    await until(() => received.all.length === 3 && received.closing.length === 1, 'the events');
    assert.strictEqual(received.closing[0].topic, 'closed');
    assert.strictEqual(received.closing[0].payload.session.closed_by, 'SYSTEM');
  });

  it('counts an operator message once, when LINE has taken it, not when it failed', async () => {
    await deploy({ ev: { onHandoff: false, onClaimed: false } });
    const somchai = await operator('somchai', 'สมชาย');
    const user = await contact('ลูกค้า');
    await liveChat.sessions.switchMode(user.line_user_id, 'HUMAN', null);
    await liveChat.operatorMessages.send(user.line_user_id, somchai, ['one', 'two']);
    await until(() => received.ev.length === 2, 'two messages');
    assert.deepStrictEqual(
      received.ev.map((m) => m.payload.message.content.text),
      ['one', 'two'],
    );
    // A system message is not an operator's; one LINE refused is not sent (yet).
    await liveChat.operatorMessages.send(user.line_user_id, null, ['ระบบ']);
    lineStandIn().failNextPushes(400);
    const refused = await liveChat.operatorMessages.send(user.line_user_id, somchai, ['three']);
    assert.strictEqual(refused.status, 'FAILED');
    await pause(100);
    assert.strictEqual(received.ev.length, 2);
    // Sent again from the inbox, it counts once it is through.
    await liveChat.operatorMessages.retry(user.line_user_id, refused.messages[0].id, somchai);
    await until(() => received.ev.length === 3, 'the message sent again');
    assert.strictEqual(received.ev[2].payload.message.content.text, 'three');
  });

  describe('waits too long', () => {
    it('sends waiting once for a chat WAITING past its minutes, not for a fresh one, and not again after a redeploy', async () => {
      await deploy({ ev: { waitingMinutes: 10, onHandoff: false } });
      const late = await waitingFor(12, 'รอนาน');
      await waitingFor(3, 'เพิ่งมา');
      await until(() => received.ev.length === 1, 'the waiting event');
      const [msg] = received.ev;
      assert.deepStrictEqual([msg.topic, msg.lineUserId, msg.payload.waited_minutes, msg.payload.threshold_minutes], ['waiting', late.line_user_id, 12, 10]);
      assert.strictEqual(msg.payload.session.status, 'WAITING');
      await pause(300);
      assert.strictEqual(received.ev.length, 1, 'once, however often it looks');

      await helper.unload();
      await deploy({ ev: { waitingMinutes: 10, onHandoff: false } });
      await pause(300);
      assert.strictEqual(received.ev.length, 0, 'not again after a restart');
    });

    it('gives each threshold its own msg: nodes at 10 and 20 minutes, whichever looks first', async () => {
      await deploy({ ten: { waitingMinutes: 10, onHandoff: false }, twenty: { waitingMinutes: '20', onHandoff: false } });
      const user = await waitingFor(25);
      await until(() => received.ten.length === 1 && received.twenty.length === 1, 'one msg per node');
      assert.strictEqual(received.ten[0].lineUserId, user.line_user_id);
      assert.deepStrictEqual([received.ten[0].payload.threshold_minutes, received.twenty[0].payload.threshold_minutes], [10, 20]);
      await pause(300);
      assert.deepStrictEqual([received.ten.length, received.twenty.length], [1, 1]);
    });

    it('refuses a waiting time that is not a whole number of minutes', async () => {
      await deploy({ ev: { waitingMinutes: 'soon' } });
      assert.deepStrictEqual(statusesOf('ev').at(-1), { fill: 'red', shape: 'ring', text: 'bad waiting time' });
      await waitingFor(30);
      await pause(200);
      assert.strictEqual(received.ev.length, 0);
    });
  });

  it('says so when it has no store, and when it was saved by a newer version', async () => {
    await deploy({ ev: { store: '' }, newer: { configVersion: 99 } });
    assert.deepStrictEqual(statusesOf('ev').at(-1), { fill: 'red', shape: 'ring', text: 'no store' });
    assert.deepStrictEqual(statusesOf('newer').at(-1), { fill: 'red', shape: 'ring', text: 'saved by a newer version' });
    await liveChat.sessions.switchMode((await contact('x')).line_user_id, 'HUMAN', null);
    await pause(100);
    assert.deepStrictEqual([received.ev.length, received.newer.length], [0, 0]);
  });
});
