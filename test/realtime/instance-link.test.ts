// Two cores on one PostgreSQL database, each with its socket.io, linked by socket.io's PostgreSQL
// adapter: an operator on one sees the other's changes live, batched as usual; closing a core's
// socket.io ends its LISTEN connection.
import assert from 'node:assert';
import { Client } from 'pg';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { type Database, openDatabase } from '../../src/db/database';
import { CHANNEL_SECRET, messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import { connectLiveSocket, type LiveSocket } from '../support/live-socket';
import { resetTables, serverUrl } from '../support/databases';
import { eventually } from '../support/product';
import { LINK_APPLICATION_NAME } from '../../src/realtime/instance-link';
import { updateSettings } from '../../src/live-chat/live-chat-settings';
import { Store } from '../../src/store/store';

/** This process's live-event connections. */
const LISTENERS = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${LINK_APPLICATION_NAME} ${process.pid}' AND datname = current_database()`;

/**
 * Two pools on the server, as two processes would have, opened before a suite's tests and closed
 * after them; the suite is skipped without a server.
 */
function twoPools(): [() => Database, () => Database] {
  let dbA: Database | undefined;
  let dbB: Database | undefined;
  before(async function () {
    if (!serverUrl) {
      console.log('      skipped: set TEST_DATABASE_URL to link instances through PostgreSQL');
      this.skip();
    }
    dbA = await openDatabase({ url: serverUrl });
    dbB = await openDatabase({ url: serverUrl });
  });
  after(async () => {
    await dbA?.close();
    await dbB?.close();
  });
  return [() => dbA!, () => dbB!];
}

describe('live events across instances (postgres)', function () {
  this.timeout(30000);
  const [dbA, dbB] = twoPools();
  let a: ApiServer;
  let b: ApiServer;
  let live: LiveSocket | undefined;

  beforeEach(async () => {
    await resetTables(dbA());
    // These chats are with the bot: their messages count as unread only with this setting.
    await updateSettings(new Store(dbA().sql).settings, { unread_bot_messages: true });
    a = await startApiServer(dbA());
    b = await startApiServer(dbB(), { environmentCredentials: { line: { channel_secret: CHANNEL_SECRET, channel_access_token: 'token' } } });
  });
  afterEach(async () => {
    live?.close();
    live = undefined;
    await a.close();
    await b.close();
  });

  it("sends an operator on A, in A's own batches, the message B recorded and its conversation row", async () => {
    const token = await login(a.baseUrl);
    live = await connectLiveSocket(a.origin, { transports: ['websocket'], auth: { token } });
    await live.next('hello');
    const user = userId();
    const body = webhookBody([messageEvent('ถึง B', { userId: user }), messageEvent('อีกข้อความ', { userId: user })]);
    assert.strictEqual((await b.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET)).outcome, 'accepted');
    const first = await live.next('message', (p) => p.line_user_id === user && p.message.content.text === 'ถึง B', 10000);
    assert.strictEqual(first.message.direction, 'IN');
    await live.next('message', (p) => p.line_user_id === user && p.message.content.text === 'อีกข้อความ', 10000);
    const row = await live.next('conversation', (p) => p.conversation.line_user_id === user, 10000);
    assert.strictEqual(row.conversation.unread_count, 2);
    // Both messages and the row came in `updates` packets, not one packet per update.
    const carrying = live.batches.filter((names) => names.includes('message') || names.includes('conversation'));
    assert.ok(carrying.length <= 3, JSON.stringify(live.batches));
  });

  it('sends an operator on A the note written and the handover made on B (issue 11)', async () => {
    const token = await login(a.baseUrl);
    live = await connectLiveSocket(a.origin, { transports: ['websocket'], auth: { token } });
    await live.next('hello');
    const user = userId();
    const body = webhookBody([messageEvent('ขอคุยกับคน', { userId: user })]);
    assert.strictEqual((await b.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET)).outcome, 'accepted');
    await eventually(() => b.app.store.contacts.byLineUserId(user));
    const admin = await b.app.sessions.operator('admin');
    await b.app.sessions.switchMode(user, 'HUMAN', null);
    await b.app.sessions.transfer(user, admin, admin.id, null);
    const note = await b.app.timeline.note(user, admin, 'โน้ตจาก B');
    const claimed = await live.next('timeline', (p) => p.line_user_id === user && p.entry.kind === 'claimed', 10000);
    assert.strictEqual(claimed.entry.to_operator.id, admin.id);
    const seen = await live.next('timeline', (p) => p.line_user_id === user && p.entry.kind === 'note', 10000);
    assert.deepStrictEqual([seen.entry.id, seen.entry.text, seen.entry.operator.username], [note.id, 'โน้ตจาก B', 'admin']);
  });

  it("ends a core's LISTEN connection when its socket.io closes", async () => {
    // A and B are up; without them, as many as before (other test files' cores may have some).
    await eventually(async () => (await dbA().sql.row<{ n: number }>(LISTENERS))!.n >= 2);
    await a.close();
    await b.close();
    const without = (await dbA().sql.row<{ n: number }>(LISTENERS))!.n;
    a = await startApiServer(dbA());
    b = await startApiServer(dbB());
    const token = await login(a.baseUrl);
    live = await connectLiveSocket(a.origin, { transports: ['websocket'], auth: { token } });
    await live.next('hello');
    await eventually(async () => (await dbA().sql.row<{ n: number }>(LISTENERS))!.n >= without + 2);
    live.close();
    live = undefined;
    await a.close();
    await b.close();
    await eventually(async () => (await dbA().sql.row<{ n: number }>(LISTENERS))!.n <= without);
    // afterEach closes them again: closing twice is harmless.
  });

  it('ends its LISTEN connection also when closed at once, while it is still being opened, and does not reconnect', async () => {
    await a.close();
    await b.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const without = (await dbA().sql.row<{ n: number }>(LISTENERS))!.n;
    for (let i = 0; i < 3; i++) {
      const quick = await startApiServer(dbA());
      await quick.close();
    }
    await eventually(async () => (await dbA().sql.row<{ n: number }>(LISTENERS))!.n <= without, 10000);
    // The adapter reconnects a lost listener after 1-3 s: none comes back.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.ok((await dbA().sql.row<{ n: number }>(LISTENERS))!.n <= without);
  });

  it('sends an operator on A the labels and contact details changed on B, and the labels defined there (issue 11)', async () => {
    const token = await login(a.baseUrl);
    live = await connectLiveSocket(a.origin, { transports: ['websocket'], auth: { token } });
    await live.next('hello');
    const user = userId();
    const body = webhookBody([messageEvent('สวัสดี', { userId: user })]);
    assert.strictEqual((await b.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET)).outcome, 'accepted');
    const onB = await login(b.baseUrl);
    const created = await call(b.baseUrl, 'POST', '/admin/live-chat/labels', { token: onB, body: { name: 'VIP', color: '#ff0000' } });
    const catalog = await live.next('contact_catalog', (p) => p.labels.length === 1, 10000);
    assert.deepStrictEqual(catalog.labels, [{ id: created.body.label.id, name: 'VIP', color: '#ff0000' }]);
    await call(b.baseUrl, 'PUT', `/admin/live-chat/conversations/${user}/labels/${created.body.label.id}`, { token: onB });
    await call(b.baseUrl, 'PUT', `/admin/live-chat/conversations/${user}/details`, { token: onB, body: { note: 'จาก B' } });
    const details = await live.next('contact_details', (p) => p.line_user_id === user && p.note === 'จาก B', 10000);
    assert.deepStrictEqual(details.labels, [created.body.label.id]);
    const row = await live.next('conversation', (p) => p.conversation.line_user_id === user && p.conversation.labels.length === 1, 10000);
    assert.deepStrictEqual(row.conversation.labels, [created.body.label.id]);
  });
});

describe('an instance alone on its database (postgres)', function () {
  this.timeout(30000);
  const [dbA, dbB] = twoPools();
  let a: ApiServer | undefined;
  let b: ApiServer | undefined;
  let live: LiveSocket | undefined;
  let listener: Client | undefined;

  afterEach(async () => {
    live?.close();
    live = undefined;
    await listener?.end();
    listener = undefined;
    await a?.close();
    await b?.close();
    a = b = undefined;
  });

  it('tells nobody its changes, and tells an instance that starts a few seconds later what it kept', async () => {
    await resetTables(dbA());
    await updateSettings(new Store(dbA().sql).settings, { unread_bot_messages: true });
    // What goes through socket.io's channel: the changes told are its SERVER_SIDE_EMIT messages (type 9).
    listener = new Client({ connectionString: serverUrl });
    await listener.connect();
    const told: { type: number; uid: string }[] = [];
    listener.on('notification', (n) => told.push(JSON.parse(n.payload ?? '{}')));
    await listener.query('LISTEN "socket.io#/"');
    a = await startApiServer(dbA(), {
      environmentCredentials: { line: { channel_secret: CHANNEL_SECRET, channel_access_token: 'token' } },
      instanceLink: { startupMs: 300, keepMs: 8000 },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const user = userId();
    const body = webhookBody([messageEvent('ตอนที่ A อยู่คนเดียว', { userId: user })]);
    assert.strictEqual((await a.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET)).outcome, 'accepted');
    await eventually(() => a!.app.store.contacts.byLineUserId(user));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepStrictEqual(
      told.filter((m) => m.type === 9),
      [],
      'A alone sent its changes',
    );
    // B starts: A hears it and sends what it kept; an operator on B gets A's message live.
    b = await startApiServer(dbB());
    const token = await login(b.baseUrl);
    live = await connectLiveSocket(b.origin, { transports: ['websocket'], auth: { token } });
    await live.next('hello');
    const seen = await live.next('message', (p) => p.line_user_id === user, 10000);
    assert.strictEqual(seen.message.content.text, 'ตอนที่ A อยู่คนเดียว');
    assert.ok(told.some((m) => m.type === 9));
  });
});
