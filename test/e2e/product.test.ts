// The product as a new user runs it: `npm start`'s entry point in its own process, a fresh
// DATA_DIR, LINE replaced by the loopback stand-in behind LINE_API_BASE_URL.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { FakeLine } from '../support/fake-line';
import { CHANNEL_SECRET, followEvent, messageEvent, redelivered, sign, userId, webhookBody } from '../support/line-webhooks';
import { call, login } from '../support/api-server';
import { tempDir } from '../support/databases';
import { eventually, productEnvironment, type RunningProduct, startProduct } from '../support/product';
import { connectLiveSocket } from '../support/live-socket';

const ADMIN = { username: 'owner', password: 'owner-password-1' };

describe('the product, started as npm start does', function () {
  this.timeout(60000);
  let line: FakeLine;
  let product: RunningProduct;
  let dataDir: string;
  let api: string;
  let token: string;

  const environment = () => productEnvironment(ADMIN, line);

  async function postWebhook(events: Record<string, unknown>[], signature?: string) {
    const body = webhookBody(events);
    return fetch(`${product.baseUrl}/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': signature ?? sign(body) },
      body: new Uint8Array(body),
    });
  }

  before(async () => {
    line = await new FakeLine().start();
    dataDir = tempDir();
    product = await startProduct(dataDir, environment());
    api = `${product.baseUrl}/api/v1`;
    token = await login(api, ADMIN);
  });

  after(async () => {
    await product?.stop();
    await line?.close();
  });

  it('starts on a fresh DATA_DIR: default flow installed, key generated 0600, inbox served', async () => {
    assert.ok(fs.existsSync(path.join(dataDir, 'flows.json')));
    assert.strictEqual(fs.statSync(path.join(dataDir, 'encryption.key')).mode & 0o777, 0o600);
    assert.match(product.output(), /ENCRYPTION_KEY is not set/);
    const root = await fetch(`${product.baseUrl}/`, { redirect: 'manual' });
    assert.strictEqual(root.status, 302);
    assert.strictEqual(root.headers.get('location'), '/admin/live-chat');
    assert.strictEqual((await fetch(`${product.baseUrl}/admin/live-chat`)).status, 200);
  });

  it('turns the LINE_* variables into the default LINE credential, never answering its secrets', async () => {
    const res = await call(api, 'GET', '/admin/credentials?provider=LINE', { token });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.body.credentials.length, 1);
    const [credential] = res.body.credentials;
    assert.strictEqual(credential.is_default, true);
    assert.strictEqual(credential.metadata.channel_id, '1650000000');
    assert.strictEqual(credential.credentials_masked, `****${line.accessToken.slice(-4)}`);
    const raw = JSON.stringify(res.body);
    assert.ok(!raw.includes(CHANNEL_SECRET) && !raw.includes(line.accessToken));
  });

  it("answers LINE's verify button (no events) with 200", async () => {
    assert.strictEqual((await postWebhook([])).status, 200);
  });

  it('greets a new friend through the default flow and records the friend', async () => {
    const user = userId();
    line.setProfile(user, { displayName: 'สมชาย นามสมมติ', pictureUrl: 'https://profile.example/somchai.jpg', language: 'th' });
    const replyToken = line.issueReplyToken();
    assert.strictEqual((await postWebhook([followEvent({ userId: user, replyToken })])).status, 200);

    const reply = (await eventually(() => line.requestsTo('POST', '/v2/bot/message/reply').find((r) => r.body.replyToken === replyToken)))!;
    assert.match(reply.body.messages[0].text, /ติดต่อเจ้าหน้าที่/);
    assert.strictEqual(reply.headers.authorization, `Bearer ${line.accessToken}`);

    const friends = await eventually(async () => {
      const res = await call(api, 'GET', '/admin/friends?status=ACTIVE', { token });
      const found = res.body.friends.find((f: { line_user_id: string }) => f.line_user_id === user);
      return found?.display_name ? found : undefined;
    });
    assert.strictEqual(friends.display_name, 'สมชาย นามสมมติ');
    const events = await call(api, 'GET', `/admin/friends/${user}/events`, { token });
    assert.deepStrictEqual(
      events.body.events.map((e: { event_type: string }) => e.event_type),
      ['FOLLOW'],
    );
  });

  it('answers a text message once, even when LINE redelivers it', async () => {
    const user = userId();
    const replyToken = line.issueReplyToken();
    const event = messageEvent('สวัสดีครับ', { userId: user, replyToken });
    assert.strictEqual((await postWebhook([event])).status, 200);
    assert.strictEqual((await postWebhook([redelivered(event)])).status, 200);
    await eventually(() => line.requestsTo('POST', '/v2/bot/message/reply').some((r) => r.body.replyToken === replyToken));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const toUser = [
      ...line.requestsTo('POST', '/v2/bot/message/reply').filter((r) => r.body.replyToken === replyToken),
      ...line.requestsTo('POST', '/v2/bot/message/push').filter((r) => r.body.to === user),
    ];
    assert.strictEqual(toUser.length, 1);
  });

  it('refuses a webhook with a wrong signature (401) and stores nothing', async () => {
    const user = userId();
    const res = await postWebhook([followEvent({ userId: user })], sign('something else'));
    assert.strictEqual(res.status, 401);
    const events = await call(api, 'GET', `/admin/friends/${user}/events`, { token });
    assert.strictEqual(events.status, 404);
  });

  it("lets a logged-in operator into the live inbox over socket.io, beside the editor's own websocket", async () => {
    const live = await connectLiveSocket(product.baseUrl, { auth: { token } });
    try {
      assert.strictEqual((await live.next('hello')).operator.username, ADMIN.username);
    } finally {
      live.close();
    }
    const comms = new WebSocket(`${product.baseUrl.replace('http', 'ws')}/red/comms`);
    try {
      await new Promise((resolve, reject) => {
        comms.onopen = resolve;
        comms.onerror = () => reject(new Error('the editor websocket did not open'));
      });
    } finally {
      comms.close();
    }
  });

  it('opens the editor at /red to admin operators only, with the default flow among the examples', async () => {
    const tokenFor = (username: string, password: string) =>
      fetch(`${product.baseUrl}/red/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username, password }),
      });
    assert.strictEqual((await fetch(`${product.baseUrl}/red/flows`)).status, 401);
    assert.strictEqual((await tokenFor(ADMIN.username, ADMIN.password)).status, 200);
    assert.notStrictEqual((await tokenFor(ADMIN.username, 'wrong-password')).status, 200);
    await call(api, 'POST', '/admin/operators', { token, body: { username: 'nok', password: 'nok-password-1', role: 'operator' } });
    assert.notStrictEqual((await tokenFor('nok', 'nok-password-1')).status, 200);

    // and offers the shipped flow under Import > Examples
    const editorToken = ((await (await tokenFor(ADMIN.username, ADMIN.password)).json()) as { access_token: string }).access_token;
    const example = await fetch(`${product.baseUrl}/red/library/examples/flows/node-red-contrib-line-live-chat/live-chat-handoff`, {
      headers: { authorization: `Bearer ${editorToken}` },
    });
    assert.strictEqual(example.status, 200);
    const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'flows', 'live-chat-handoff.json'), 'utf8'));
    assert.deepStrictEqual(await example.json(), shipped);
  });

  it('stops cleanly and, restarted, keeps its data and the edited flow', async () => {
    const flowFile = path.join(dataDir, 'flows.json');
    const flow = JSON.parse(fs.readFileSync(flowFile, 'utf8'));
    flow.find((n: { id: string }) => n.id === 'llc-bot-answer').name = 'my own bot';
    fs.writeFileSync(flowFile, JSON.stringify(flow));
    const before = await call(api, 'GET', '/admin/friends', { token });

    assert.strictEqual(await product.stop(), 0);
    product = await startProduct(dataDir, environment());
    api = `${product.baseUrl}/api/v1`;
    token = await login(api, ADMIN);

    const after = await call(api, 'GET', '/admin/friends', { token });
    assert.deepStrictEqual(after.body.friends, before.body.friends);
    const kept = JSON.parse(fs.readFileSync(flowFile, 'utf8'));
    assert.strictEqual(kept.find((n: { id: string }) => n.id === 'llc-bot-answer').name, 'my own bot');
    const credentials = await call(api, 'GET', '/admin/credentials?provider=LINE', { token });
    assert.strictEqual(credentials.body.credentials.length, 1);
  });
});
