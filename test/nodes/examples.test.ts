// Every example flow under flows/ (Import ▸ Examples), loaded as shipped into the test helper
// with Node-RED's own nodes, against loopback stand-ins for LINE, Telegram, n8n and Google. Only
// probes are added (helper nodes wired to an output, a Catch node), and the long-wait look is
// made quicker; the flows are otherwise the files users import.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { helper, httpProbe, serveHttpNode, useLineNodeRuntime } from '../support/node-red';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { setEnvironment } from '../support/environment';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';
import { type FakeN8n, startFakeN8n } from '../support/fake-n8n';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google';
import { messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import credentialNode from '../../nodes/credential/credential';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import chatModeRouterNode from '../../nodes/chat-mode-router/chat-mode-router';
import lineReplyNode from '../../nodes/line-reply/line-reply';
import handoffNode from '../../nodes/handoff/handoff';
import analyticsAggregateNode from '../../nodes/analytics-aggregate/analytics-aggregate';
import telegramNotifyNode from '../../nodes/telegram-notify/telegram-notify';
import liveChatEventNode from '../../nodes/live-chat-event/live-chat-event';
import liveChatActionNode from '../../nodes/live-chat-action/live-chat-action';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';

const nodeRedNodes = [
  require('@node-red/nodes/core/function/10-function.js'),
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/21-debug.js'),
  require('@node-red/nodes/core/common/25-catch.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/network/21-httprequest.js'),
];
const ourNodes = [
  sessionStoreNode,
  credentialNode,
  lineWebhookNode,
  chatModeRouterNode,
  lineReplyNode,
  handoffNode,
  analyticsAggregateNode,
  telegramNotifyNode,
  liveChatEventNode,
  liveChatActionNode,
];

const root = path.join(__dirname, '..', '..', '..');
const FLOWS = path.join(root, 'flows');
const TELEGRAM_TOKEN = '123456:examples-token';
const N8N_KEY = 'n8n-api-key-for-examples';
const SPREADSHEET = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

type FlowNode = { id: string; type: string; wires?: string[][]; [key: string]: unknown };

const readFlow = (file: string): FlowNode[] => JSON.parse(fs.readFileSync(path.join(FLOWS, file), 'utf8'));

describe('the example flows', function () {
  this.timeout(30000);
  const lineStandIn = useLineNodeRuntime();
  let telegram: FakeTelegram;
  let n8n: FakeN8n;
  let google: FakeGoogle;
  let restoreEnvironment: () => void;
  let liveChat: LiveChat;
  let http: { baseUrl: string; close(): Promise<void> } | undefined;
  /** What each probe got, by the id of the node it listens to; and what Catch nodes saw. */
  let probed: Record<string, any[]>;

  before(async () => {
    telegram = await startFakeTelegram(TELEGRAM_TOKEN);
    n8n = await startFakeN8n({ healthy: true, webhooks: [{ path: 'live-chat', header: { name: 'X-N8N-API-KEY', value: N8N_KEY } }] });
    google = await startFakeGoogle(SPREADSHEET);
    restoreEnvironment = setEnvironment({
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_ADMIN_CHAT_ID: '-1009876543210',
      TELEGRAM_API_ROOT: telegram.url,
      ADMIN_URL: 'https://inbox.example.com',
      GOOGLE_SHEETS_API_URL: google.url,
    });
  });
  after(async () => {
    restoreEnvironment();
    await telegram.close();
    await n8n.close();
    await google.close();
  });
  beforeEach(() => {
    lineStandIn().reset();
    telegram.reset();
    google.reset();
    n8n.received.length = 0;
  });
  afterEach(async () => {
    await http?.close();
    http = undefined;
    await helper.unload();
  });

  /** Loads an example as shipped, with probes on the outputs of `watch` (id -> output). */
  async function load(file: string, watch: Record<string, number> = {}, tweak: (node: FlowNode) => FlowNode = (n) => n) {
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    // Imported, an example lands in the open tab: the editor gives its nodes (those placed at x, y) that tab.
    const flow = readFlow(file).map((node) =>
      tweak(node.type === 'session-store' ? { ...node, dataDir } : 'x' in node && !node.z ? { ...node, z: 'example-tab' } : { ...node }),
    );
    const probes: FlowNode[] = [
      { id: 'example-tab', type: 'tab' },
      { id: 'probe-http', type: 'http-probe' },
      { id: 'probe-catch', z: 'example-tab', type: 'catch', scope: null, uncaught: false, wires: [['probe-caught']] },
      { id: 'probe-caught', z: 'example-tab', type: 'helper' },
    ];
    for (const [id, output] of Object.entries(watch)) {
      const node = flow.find((n) => n.id === id);
      assert.ok(node, `${file} has a node ${id}`);
      node.wires = node.wires!.map((wires, i) => (i === output ? [...wires, `probe-${id}`] : wires));
      probes.push({ id: `probe-${id}`, z: 'example-tab', type: 'helper' });
    }
    await helper.load([nodeCatalogs, httpProbe, ...ourNodes, ...nodeRedNodes], [...flow, ...probes]);
    liveChat = await (helper.getNode('llc-store') as SessionStoreNode).liveChat;
    probed = { caught: [] };
    helper.getNode('probe-caught').on('input', (msg: any) => probed.caught.push(msg));
    for (const id of Object.keys(watch)) {
      probed[id] = [];
      helper.getNode(`probe-${id}`).on('input', (msg: any) => probed[id].push(msg));
    }
    http = await serveHttpNode();
  }

  async function until(check: () => boolean, what: string) {
    const deadline = Date.now() + 8000;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; caught: ${JSON.stringify(probed.caught.map((m) => m.error?.message))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function post(webhookPath: string, events: Record<string, unknown>[]) {
    const body = webhookBody(events);
    const res = await fetch(`${http!.baseUrl}${webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
      body: new Uint8Array(body),
    });
    assert.strictEqual(res.status, 200);
  }

  const replies = () => lineStandIn().requestsTo('POST', '/v2/bot/message/reply');

  /** A contact with a name, and a chat the system handed to the operators (a WAITING session). */
  async function handedOver(name: string) {
    const { contact } = await liveChat.store.contacts.ensure(userId());
    await liveChat.store.contacts.setProfile(contact.id, { display_name: name, picture_url: null, status_message: null, language: 'th' });
    await liveChat.sessions.switchMode(contact.line_user_id, 'HUMAN', null);
    return contact.line_user_id;
  }

  it('cover every node of the package, each a documented flow that shares the default store', () => {
    const files = fs.readdirSync(FLOWS).filter((f) => f.endsWith('.json'));
    const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const types = new Set(files.flatMap((f) => readFlow(f).map((n) => n.type)));
    for (const type of Object.keys(packageJson['node-red'].nodes)) assert.ok(types.has(type), `an example uses ${type}`);
    for (const file of files) {
      const flow = readFlow(file);
      const notes = flow.filter((n) => n.type === 'comment' || n.type === 'tab').map((n) => String(n.info ?? ''));
      assert.ok(
        notes.some((info) => info.length > 100),
        `${file} explains itself in a comment (or its tab's info)`,
      );
      assert.deepStrictEqual(
        flow.filter((n) => n.type === 'session-store').map((n) => n.id),
        ['llc-store'],
        `${file} shares the default flow's store`,
      );
    }
    const examples = path.join(root, 'examples');
    assert.deepStrictEqual(fs.readdirSync(examples).sort(), files.sort(), 'the build copies them to examples/');
  });

  it('line-webhook: logs one line per LINE event', async () => {
    await load('line-webhook - log LINE events.json', { 'ex-lw-describe': 0 });
    const user = userId();
    lineStandIn().setProfile(user, { displayName: 'สมชาย' });
    await post('/line/events', [messageEvent('สวัสดีครับ', { userId: user })]);
    await until(() => probed['ex-lw-describe'].length === 1, 'the line');
    assert.strictEqual(probed['ex-lw-describe'][0].payload, 'สมชาย said "สวัสดีครับ" (chat mode BOT)');
  });

  it('line-reply: echoes a text by reply token, kept in the history as the bot', async () => {
    await load('line-reply - echo bot.json');
    const user = userId();
    const replyToken = lineStandIn().issueReplyToken();
    await post('/line/echo', [messageEvent('hello', { userId: user, replyToken })]);
    await until(() => replies().length === 1, 'the echo');
    assert.deepStrictEqual(replies()[0].body, { replyToken, messages: [{ type: 'text', text: 'คุณพิมพ์ว่า: hello' }] });
    const rows = await liveChat.store.sql.rows(`SELECT sender, direction FROM messages WHERE direction = 'OUT'`);
    assert.deepStrictEqual(rows, [{ sender: 'BOT', direction: 'OUT' }]);
  });

  it('chat-mode-router: the bot answers a chat with the bot; a chat with the operators gets no answer', async () => {
    await load('chat-mode-router - bot or operator.json', { 'ex-cm-human': 0 });
    const user = userId();
    await post('/line/router', [messageEvent('ราคาเท่าไหร่', { userId: user, replyToken: lineStandIn().issueReplyToken() })]);
    await until(() => replies().length === 1, 'the bot answer');
    assert.match(replies()[0].body.messages[0].text, /บอทรับข้อความแล้ว/);

    await liveChat.sessions.switchMode(user, 'HUMAN', null);
    await post('/line/router', [messageEvent('ขอคุยกับคนครับ', { userId: user, replyToken: lineStandIn().issueReplyToken() })]);
    await until(() => probed['ex-cm-human'].length === 1, 'the note for the operators');
    assert.strictEqual(probed['ex-cm-human'][0].payload, `${user} is with an operator`);
    assert.strictEqual(replies().length, 1, 'the bot stays quiet');
  });

  it('handoff: hands over on its own keyword with its own greeting; the bot answers the rest', async () => {
    await load('handoff - own keywords and greeting.json', { 'ex-ho-handoff': 0 });
    const user = userId();
    await post('/line/handoff', [messageEvent('สวัสดี', { userId: user, replyToken: lineStandIn().issueReplyToken() })]);
    await until(() => replies().length === 1, 'the bot answer');
    assert.match(replies()[0].body.messages[0].text, /คุยกับแอดมิน/);
    await post('/line/handoff', [messageEvent('ขอคุยกับแอดมินหน่อยค่ะ', { userId: user, replyToken: lineStandIn().issueReplyToken() })]);
    await until(() => probed['ex-ho-handoff'].length === 1, 'the handoff');
    assert.strictEqual(probed['ex-ho-handoff'][0].session.status, 'WAITING');
    assert.deepStrictEqual(replies()[1].body.messages, [{ type: 'text', text: 'แอดมินจะตอบภายใน 5 นาทีนะคะ 🙏' }]);
  });

  it('telegram-notify: alerts the admin group about a handoff, with the link to the chat', async () => {
    await load('telegram-notify - alert the admin group.json', { 'ex-tn-notify': 0 });
    const user = userId();
    await post('/line/alerts', [messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: lineStandIn().issueReplyToken() })]);
    await until(() => probed['ex-tn-notify'].length === 1, 'the alert');
    const [alert] = telegram.sent;
    assert.strictEqual(String(alert.chat_id), '-1009876543210');
    assert.ok(alert.plain.includes(`https://inbox.example.com/admin/live-chat?user=${user}`));
    assert.strictEqual(probed['ex-tn-notify'][0].telegram.message_id, alert.message_id);
  });

  it('analytics-aggregate: rolls up the day its second inject names', async () => {
    await load('analytics-aggregate - daily roll-up.json', { 'ex-aa-aggregate': 0 });
    helper.getNode('ex-aa-day').receive({});
    await until(() => probed['ex-aa-aggregate'].length === 1, 'the roll-up');
    const { payload } = probed['ex-aa-aggregate'][0];
    assert.strictEqual(payload.date, '2025-01-31');
    assert.deepStrictEqual(await liveChat.store.chatAnalytics.forRange('2025-01-31', '2025-01-31'), payload.rows);
  });

  describe('credential', () => {
    it('n8n webhook: posts every closed chat to the n8n webhook with the API key in its header', async () => {
      await load('credential - n8n webhook.json', { 'ex-n8-check': 0 });
      await liveChat.credentials.create({ name: 'n8n', provider: 'N8N', credentials: { api_key: N8N_KEY }, metadata: { base_url: n8n.url } });
      const user = await handedOver('ลูกค้า n8n');
      await liveChat.sessions.close(user, null);
      await until(() => probed['ex-n8-check'].length === 1, "n8n's answer");
      assert.deepStrictEqual(probed['ex-n8-check'][0].payload, { message: 'Workflow was started' });
      assert.strictEqual(n8n.received.length, 1);
      const [call] = n8n.received;
      assert.strictEqual(call.headers['x-n8n-api-key'], N8N_KEY);
      const body = call.body as any;
      assert.strictEqual(body.event, 'closed');
      assert.deepStrictEqual([body.chat.contact.line_user_id, body.chat.contact.display_name], [user, 'ลูกค้า n8n']);
      assert.deepStrictEqual([body.chat.session.status, body.chat.session.closed_by], ['CLOSED', 'SYSTEM']);
      assert.ok(!JSON.stringify(probed['ex-n8-check'][0]).includes(N8N_KEY), 'the key does not travel on down the flow');
    });

    it('n8n webhook: a refused key goes to a Catch node', async () => {
      await load('credential - n8n webhook.json', { 'ex-n8-check': 0 });
      await liveChat.credentials.create({ name: 'n8n', provider: 'N8N', credentials: { api_key: 'wrong-key' }, metadata: { base_url: n8n.url } });
      await liveChat.sessions.close(await handedOver('x'), null);
      await until(() => probed.caught.length === 1, 'the caught refusal');
      assert.match(probed.caught[0].error.message, /^n8n answered 403: "Authorization data is wrong!"/);
      assert.strictEqual(probed['ex-n8-check'].length, 0);
    });

    it("Google Sheets append: signs in as the service account at its token_uri and appends the handoff's row", async () => {
      await load('credential - Google Sheets append.json', { 'ex-gs-check': 0 });
      await liveChat.credentials.create({
        name: 'Handoffs sheet',
        provider: 'GOOGLE_SHEETS',
        credentials: { service_account_json: JSON.stringify(google.serviceAccount.keyFile) },
        metadata: { spreadsheet_id: SPREADSHEET, sheet_name: 'Handoffs' },
      });
      const user = await handedOver('ลูกค้า ชีต');
      await until(() => probed['ex-gs-check'].length === 1, 'the appended row');
      assert.strictEqual(probed['ex-gs-check'][0].payload, 'Handoffs!A2:F2');
      assert.strictEqual(google.grants.length, 1);
      assert.strictEqual(google.grants[0].scope, 'https://www.googleapis.com/auth/spreadsheets');
      const [append] = google.appended;
      assert.deepStrictEqual([append.spreadsheetId, append.range, append.query.valueInputOption], [SPREADSHEET, 'Handoffs!A1', 'USER_ENTERED']);
      const [row] = append.values;
      assert.deepStrictEqual(row.slice(1, 4), ['handoff', user, 'ลูกค้า ชีต']);
      assert.strictEqual(row[5], 'WAITING');
      assert.ok(!Number.isNaN(Date.parse(String(row[0]))));
    });

    it('Google Sheets append: a key Google does not know goes to a Catch node, and nothing is appended', async () => {
      await load('credential - Google Sheets append.json', { 'ex-gs-check': 0 });
      const { privateKey } = await import('node:crypto').then((c) => c.generateKeyPairSync('rsa', { modulusLength: 2048 }));
      const stranger = { ...google.serviceAccount.keyFile, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
      await liveChat.credentials.create({
        name: 'Wrong key',
        provider: 'GOOGLE_SHEETS',
        credentials: { service_account_json: JSON.stringify(stranger) },
        metadata: { spreadsheet_id: SPREADSHEET },
      });
      await handedOver('x');
      await until(() => probed.caught.length === 1, 'the caught refusal');
      assert.match(probed.caught[0].error.message, /^Google refused the service account: 400 .*Invalid JWT Signature/);
      assert.strictEqual(google.appended.length, 0);
    });
  });

  it('live-chat-event: one line for each thing that happens', async () => {
    await load('live-chat-event - log what happens.json', { 'ex-ev-line': 0 });
    const somchai = await liveChat.operators.create({ username: 'somchai', password: 'somchai-password', display_name: 'สมชาย' });
    const user = await handedOver('ลูกค้า');
    await liveChat.sessions.claim(user, somchai);
    await liveChat.operatorMessages.send(user, somchai, ['สวัสดีค่ะ']);
    await liveChat.sessions.close(user, somchai, { message: '' });
    await until(() => probed['ex-ev-line'].length === 4, 'four lines');
    assert.deepStrictEqual(
      probed['ex-ev-line'].map((m) => m.payload),
      ['ลูกค้า asked for an operator', 'สมชาย took the chat with ลูกค้า', 'สมชาย wrote to ลูกค้า: สวัสดีค่ะ', 'the chat with ลูกค้า was closed (OPERATOR)'],
    );
  });

  it('live-chat-action: a chat waiting 5 minutes gets an apology and goes to the supervisor', async () => {
    await load('live-chat-action - apologise and escalate long waits.json', { 'ex-ac-assign': 0 }, (node) =>
      node.type === 'live-chat-event' ? { ...node, waitingCheckSeconds: 0.05 } : node,
    );
    const supervisor = await liveChat.operators.create({ username: 'supervisor', password: 'supervisor-pw', display_name: 'หัวหน้าทีม' });
    const user = await handedOver('รอนาน');
    await liveChat.store.sql.exec(`UPDATE chat_sessions SET started_at = now() - interval '6 minutes' WHERE line_user_id = $1`, [user]);
    await until(() => probed['ex-ac-assign'].length === 1, 'the escalation');
    const { payload } = probed['ex-ac-assign'][0];
    assert.deepStrictEqual([payload.action, payload.changed, payload.session.operator.username], ['assign', true, 'supervisor']);
    const pushes = lineStandIn().requestsTo('POST', '/v2/bot/message/push');
    assert.deepStrictEqual(pushes[0].body, { to: user, messages: [{ type: 'text', text: 'ขออภัยที่ให้รอนานนะคะ หัวหน้าทีมกำลังรับเรื่องของคุณค่ะ' }] });
    const session = (await liveChat.store.sql.row<any>(`SELECT * FROM chat_sessions WHERE line_user_id = $1`, [user]))!;
    assert.deepStrictEqual([session.status, session.operator_id], ['ACTIVE', supervisor.id]);
    const apology = await liveChat.store.sql.row<any>(`SELECT sender, session_id, retry_key FROM messages WHERE direction = 'OUT'`);
    assert.deepStrictEqual([apology.sender, apology.session_id], ['SYSTEM', session.id]);
    assert.ok(apology.retry_key);
  });
});
