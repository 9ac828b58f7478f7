import assert from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { FakeLine } from '../support/fake-line';
import { CHANNEL_SECRET, messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import { connectLiveSocket, type LiveSocket, type LiveSocketOptions, openLiveSocket, sleep } from '../support/live-socket';
import { attachSocketServer } from '../../src/realtime/socket-server';

const STAFF = { username: 'somchai', password: 'staff-password-1', display_name: 'สมชาย' };

describeEachDatabase('live inbox over socket.io', (db) => {
  let fake: FakeLine;
  let server: ApiServer;
  let admin: string;
  let staff: string;
  let staffId: number;
  let adminId: number;
  const sockets: LiveSocket[] = [];

  before(async () => {
    fake = await new FakeLine().start();
  });
  after(() => fake?.close());
  beforeEach(async () => {
    fake.reset();
    server = await startApiServer(
      db(),
      {
        lineApiBaseUrl: fake.baseUrl,
        linePushRetryDelaysMs: [5, 5],
        environmentCredentials: { line: { channel_secret: CHANNEL_SECRET, channel_access_token: fake.accessToken } },
      },
      { recheckIntervalMs: 100 },
    );
    admin = await login(server.baseUrl);
    adminId = (await call(server.baseUrl, 'GET', '/auth/me', { token: admin })).body.operator.id;
    const created = await call(server.baseUrl, 'POST', '/admin/operators', { token: admin, body: { ...STAFF, role: 'operator' } });
    assert.strictEqual(created.status, 201);
    staffId = created.body.id;
    staff = await login(server.baseUrl, STAFF);
    // These chats are with the bot: their messages count as unread only with this setting.
    const counted = await call(server.baseUrl, 'PUT', '/admin/live-chat/settings', { token: admin, body: { unread_bot_messages: true } });
    assert.strictEqual(counted.status, 200);
  });
  afterEach(async () => {
    for (const live of sockets.splice(0)) live.close();
    await server.close();
  });

  /** A socket that is in and has had its hello. */
  async function open(options: LiveSocketOptions): Promise<LiveSocket> {
    const live = await connectLiveSocket(server.origin, options);
    sockets.push(live);
    await live.next('hello');
    return live;
  }
  const as = (token: string) => open({ auth: { token } });

  async function ingest(events: Record<string, unknown>[]) {
    const body = webhookBody(events);
    const result = await server.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET);
    assert.strictEqual(result.outcome, 'accepted');
    return result.outcome === 'accepted' ? result.processed : [];
  }

  /** The user asks for a human: their message comes in by webhook and the handoff opens a WAITING session. */
  async function handoff(user: string) {
    const replyToken = fake.issueReplyToken();
    const [accepted] = await ingest([messageEvent('ขอคุยกับเจ้าหน้าที่', { userId: user, replyToken })]);
    const result = await server.app.handoff.start({
      contact: accepted.contact!,
      replyToken,
      receivedAt: accepted.line.receivedAt,
      triggerMessageId: accepted.message!.id,
    });
    assert.strictEqual(result.outcome, 'opened');
    return result;
  }

  const about = (user: string) => (p: any) => p.line_user_id === user || p.conversation?.line_user_id === user;

  it('refuses a connection without a token or with a bad one', async () => {
    const ways: LiveSocketOptions[] = [
      {},
      { auth: { token: 'not-a-token' } },
      { extraHeaders: { authorization: 'Bearer not-a-token' } },
      { extraHeaders: { cookie: 'llc_session=not-a-token' } },
    ];
    for (const options of ways) {
      const live = openLiveSocket(server.origin, options);
      sockets.push(live);
      await assert.rejects(live.connected, (err: Error) => err.message === 'unauthorized', JSON.stringify(options));
    }
  });

  it('lets an operator in by Bearer header, auth.token or the login cookie, and says hello', async () => {
    await handoff(userId());
    const ways: LiveSocketOptions[] = [
      { extraHeaders: { authorization: `Bearer ${staff}` } },
      { auth: { token: staff } },
      { extraHeaders: { cookie: `theme=dark; llc_session=${staff}` } },
    ];
    for (const options of ways) {
      const live = await open(options);
      const hellos = live.all('hello');
      assert.strictEqual(hellos.length, 1);
      const { live_mark, ...hello } = hellos[0];
      assert.deepStrictEqual(
        hello,
        {
          operator: { id: staffId, username: STAFF.username, display_name: STAFF.display_name, role: 'operator' },
          waiting_count: 1,
          active_count: 0,
        },
        JSON.stringify(options),
      );
      assert.strictEqual(typeof live_mark, 'string');
    }
  });

  it("takes the login cookie only from the inbox's own origin", async () => {
    const cookie = `llc_session=${admin}`;
    const foreign = openLiveSocket(server.origin, { transports: ['websocket'], extraHeaders: { cookie, origin: 'http://evil.example' } });
    sockets.push(foreign);
    await assert.rejects(foreign.connected, (err: Error) => err.message === 'unauthorized');
    await open({ transports: ['websocket'], extraHeaders: { cookie, origin: server.origin } });
    // A token the client presents itself is no cross-site risk.
    await open({ transports: ['websocket'], auth: { token: admin }, extraHeaders: { origin: 'http://elsewhere.example' } });
  });

  it('marks the list, the chat and the hello with where the live updates stand: the same while nothing changed, another once something did', async () => {
    const user = userId();
    await ingest([messageEvent('สวัสดีครับ', { userId: user })]);
    const mark = async () => {
      const [list, chat] = [
        await call(server.baseUrl, 'GET', '/admin/live-chat/conversations', { token: staff }),
        await call(server.baseUrl, 'GET', `/admin/live-chat/conversations/${user}`, { token: staff }),
      ];
      assert.strictEqual(list.body.live_mark, chat.body.live_mark);
      return list.body.live_mark as string;
    };
    const before = await mark();
    // Reading the chat (its unread count: the reader's own) changes nothing for the others.
    assert.strictEqual(await mark(), before);
    const live = await as(admin);
    assert.strictEqual(live.all('hello')[0].live_mark, before);
    // A change while nobody listened counts too: a page read before it is stale.
    live.close();
    await ingest([messageEvent('มีใครอยู่ไหม', { userId: user })]);
    const after = await mark();
    assert.notStrictEqual(after, before);
    assert.strictEqual((await as(staff)).all('hello')[0].live_mark, after);
  });

  it('sends a LINE message to every operator as a message and their conversation row', async () => {
    const [a, b] = [await as(admin), await as(staff)];
    const user = userId();
    const [accepted] = await ingest([messageEvent('สวัสดีครับ', { userId: user })]);
    for (const live of [a, b]) {
      const { message } = await live.next('message', about(user));
      assert.deepStrictEqual(
        {
          id: message.id,
          direction: message.direction,
          sender: message.sender,
          operator: message.operator,
          text: message.content.text,
          delivery_status: message.delivery_status,
        },
        { id: accepted.message!.id, direction: 'IN', sender: 'USER', operator: null, text: 'สวัสดีครับ', delivery_status: 'RECEIVED' },
      );
      const update = await live.next('conversation', about(user));
      assert.strictEqual(update.conversation.unread_count, 1);
      assert.strictEqual(update.conversation.chat_mode, 'BOT');
      assert.strictEqual(update.conversation.session, null);
      assert.deepStrictEqual([update.conversation.last_message.id, update.conversation.last_message.content], [accepted.message!.id, 'สวัสดีครับ']);
      assert.deepStrictEqual([update.waiting_count, update.active_count], [0, 0]);
    }
  });

  it('sends one conversation update for a burst of events about one contact', async () => {
    const a = await as(admin);
    const user = userId();
    await ingest([messageEvent('หนึ่ง', { userId: user }), messageEvent('สอง', { userId: user }), messageEvent('สาม', { userId: user })]);
    const update = await a.next('conversation', about(user));
    assert.strictEqual(update.conversation.unread_count, 3);
    assert.strictEqual(update.conversation.last_message.content, 'สาม');
    await sleep(300);
    assert.deepStrictEqual(
      a.all('message').map((p) => p.message.content.text),
      ['หนึ่ง', 'สอง', 'สาม'],
    );
    assert.strictEqual(a.all('conversation').length, 1);
  });

  it('sends a burst of events to every socket complete, in order, in a few packets', async () => {
    const [a, b] = [await as(admin), await as(staff)];
    const users = [userId(), userId(), userId()];
    const texts = (user: string) => Array.from({ length: 10 }, (_, i) => `${user.slice(-4)} ${i}`);
    const before = [a.packets(), b.packets()];
    const batchesBefore = [a.batches.length, b.batches.length];
    await ingest(users.flatMap((user) => texts(user).map((text) => messageEvent(text, { userId: user }))));
    for (const live of [a, b]) {
      for (const user of users) await live.next('conversation', (p) => about(user)(p) && p.conversation.unread_count === 10);
    }
    await sleep(200);
    for (const [i, live] of [a, b].entries()) {
      const messages = live.all('message');
      for (const user of users) {
        assert.deepStrictEqual(
          messages.filter((p) => p.line_user_id === user).map((p) => p.message.content.text),
          texts(user),
        );
      }
      assert.strictEqual(messages.length, 30);
      assert.deepStrictEqual(
        live
          .all('conversation')
          .map((p) => p.conversation.line_user_id)
          .sort(),
        [...users].sort(),
      );
      // 33 updates, one packet each before batching: now the messages share one, the rows another
      // (a slow machine may split a window's worth in two).
      const packets = live.packets() - before[i];
      assert.ok(packets <= 4, `${packets} packets for 33 updates`);
      // Every frame of the burst was one of those batches.
      assert.strictEqual(packets, live.batches.length - batchesBefore[i]);
    }
  });

  it('announces a handoff: session opened, the waiting count, and the greeting going out PENDING then SENT', async () => {
    const a = await as(admin);
    const user = userId();
    const result = await handoff(user);
    const opened = await a.next('session', about(user));
    assert.strictEqual(opened.change, 'opened');
    assert.deepStrictEqual([opened.session.id, opened.session.status, opened.session.operator], [result.session.id, 'WAITING', null]);
    const update = await a.next('conversation', (p) => about(user)(p) && p.conversation.session?.status === 'WAITING');
    assert.strictEqual(update.conversation.chat_mode, 'HUMAN');
    assert.deepStrictEqual([update.waiting_count, update.active_count], [1, 0]);

    const greeting = await a.next('message', (p) => p.message.sender === 'SYSTEM' && p.message.delivery_status === 'PENDING');
    await a.next('message', (p) => p.message.id === greeting.message.id && p.message.delivery_status === 'SENT');
    const states = a
      .all('message')
      .filter((p) => p.message.id === greeting.message.id)
      .map((p) => p.message.delivery_status);
    assert.deepStrictEqual(states, ['PENDING', 'SENT']);
  });

  it('announces a claim through the API with the operator who took it', async () => {
    const user = userId();
    await handoff(user);
    const [a, b] = [await as(admin), await as(staff)];
    const res = await call(server.baseUrl, 'POST', `/admin/live-chat/conversations/${user}/claim`, { token: staff });
    assert.strictEqual(res.status, 200);
    const who = { id: staffId, username: STAFF.username, display_name: STAFF.display_name };
    for (const live of [a, b]) {
      const claimed = await live.next('session', about(user));
      assert.strictEqual(claimed.change, 'claimed');
      assert.strictEqual(claimed.session.status, 'ACTIVE');
      assert.deepStrictEqual(claimed.session.operator, who);
      const update = await live.next('conversation', (p) => about(user)(p) && p.conversation.session?.status === 'ACTIVE');
      assert.deepStrictEqual(update.conversation.session.operator, who);
      assert.deepStrictEqual([update.waiting_count, update.active_count], [0, 1]);
    }
  });

  it('sends the operator who opens a conversation, and only them, its row with nothing unread', async () => {
    const [a, b] = [await as(admin), await as(staff)];
    const user = userId();
    await ingest([messageEvent('มีใครอยู่ไหม', { userId: user })]);
    for (const live of [a, b]) assert.strictEqual((await live.next('conversation', about(user))).conversation.unread_count, 1);

    const res = await call(server.baseUrl, 'GET', `/admin/live-chat/conversations/${user}`, { token: staff });
    assert.strictEqual(res.status, 200);
    const read = await b.next('conversation', (p) => about(user)(p) && p.conversation.unread_count === 0);
    assert.strictEqual(read.conversation.last_message.content, 'มีใครอยู่ไหม');
    await sleep(300);
    assert.deepStrictEqual(
      a.all('conversation').map((p) => p.conversation.unread_count),
      [1],
    );
    assert.deepStrictEqual(
      b.all('conversation').map((p) => p.conversation.unread_count),
      [1, 0],
    );
  });

  it("shows an operator's reply going out as updates of one message: PENDING, then SENT, with the operator named", async () => {
    const user = userId();
    await handoff(user);
    const a = await as(admin);
    const res = await call(server.baseUrl, 'POST', `/admin/live-chat/conversations/${user}/messages`, { token: staff, body: { text: 'สวัสดีครับ ยินดีให้บริการ' } });
    assert.strictEqual(res.status, 200);
    const id = res.body.messages[0].id;
    await a.next('message', (p) => p.message.id === id && p.message.delivery_status === 'SENT');
    const updates = a.all('message').filter((p) => p.message.id === id);
    assert.deepStrictEqual(
      updates.map((p) => p.message.delivery_status),
      ['PENDING', 'SENT'],
    );
    for (const update of updates) {
      assert.strictEqual(update.line_user_id, user);
      assert.deepStrictEqual(update.message.operator, { id: staffId, username: STAFF.username, display_name: STAFF.display_name });
    }
    // Answering a waiting chat claims it.
    assert.strictEqual((await a.next('session', (p) => about(user)(p) && p.change === 'claimed')).session.operator.id, staffId);
  });

  it('disconnects a socket once its token is logged out, and keeps the others', async () => {
    const [a, b] = [await as(admin), await as(staff)];
    const res = await call(server.baseUrl, 'POST', '/auth/logout', { token: staff });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(await b.disconnected, 'io server disconnect');
    await sleep(250);
    assert.ok(a.socket.connected);
    await ingest([messageEvent('ยังอยู่ไหม')]);
    await a.next('message');
    assert.strictEqual(a.all('hello')[0].operator.id, adminId);
  });

  it('drops its sockets when the core closes, so their clients reconnect to the next one', async () => {
    // On websocket, as an inbox is once upgraded (a polling client would hear of it at its next poll).
    const a = await open({ transports: ['websocket'], auth: { token: admin } });
    await server.app.realtime.close();
    assert.strictEqual(await a.disconnected, 'transport close');
  });
});

describe('socket.io without a running core', () => {
  it('refuses connections as unavailable', async () => {
    const httpServer = http.createServer((_req, res) => res.end());
    const sockets = attachSocketServer(httpServer, async () => undefined);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const live = openLiveSocket(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, { auth: { token: 'any' } });
    try {
      await assert.rejects(live.connected, (err: Error) => err.message === 'unavailable');
    } finally {
      live.close();
      await sockets.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    }
  });
});
