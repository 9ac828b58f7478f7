import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { CHANNEL_SECRET, followEvent, messageEvent, sign, unfollowEvent, userId, webhookBody } from '../support/line-webhooks';

describeEachDatabase('friends API', (db) => {
  let server: ApiServer;
  let token: string;

  beforeEach(async () => {
    server = await startApiServer(db());
    token = await login(server.baseUrl);
  });
  afterEach(() => server.close());

  const ingest = async (events: Record<string, unknown>[]) => {
    const body = webhookBody(events);
    const result = await server.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET);
    assert.strictEqual(result.outcome, 'accepted');
    if (result.outcome === 'accepted') await result.processed;
  };
  const get = (path: string) => call(server.baseUrl, 'GET', path, { token });

  it('lists friends newest first with the seed fields, filtered by status and text, page by page', async () => {
    const [a, b, c] = [userId(), userId(), userId()];
    const t = Date.now() - 100_000;
    await ingest([followEvent({ userId: a, timestamp: t }), messageEvent('hi', { userId: a, timestamp: t + 1 })]);
    await ingest([followEvent({ userId: b, timestamp: t + 2 }), unfollowEvent({ userId: b, timestamp: t + 3 })]);
    await ingest([followEvent({ userId: c, timestamp: t + 4 })]);
    await server.app.store.contacts.setProfile((await server.app.store.contacts.byLineUserId(c))!.id, {
      display_name: 'สมหญิง 100%',
      picture_url: 'https://p/c',
      status_message: null,
      language: 'th',
    });

    const all = await get('/admin/friends');
    assert.strictEqual(all.status, 200);
    assert.deepStrictEqual(
      all.body.friends.map((f: any) => f.line_user_id),
      [c, b, a],
    );
    assert.deepStrictEqual(all.body.friends[2], {
      line_user_id: a,
      display_name: null,
      picture_url: null,
      friend_status: 'ACTIVE',
      friend_since: new Date(t).toISOString(),
      chat_mode: 'BOT',
      last_message_at: new Date(t + 1).toISOString(),
    });
    assert.strictEqual(all.body.next_cursor, null);

    assert.deepStrictEqual(
      (await get('/admin/friends?status=UNFOLLOWED')).body.friends.map((f: any) => f.line_user_id),
      [b],
    );
    assert.deepStrictEqual(
      (await get('/admin/friends?status=ACTIVE')).body.friends.map((f: any) => f.line_user_id),
      [c, a],
    );
    assert.deepStrictEqual((await get('/admin/friends?status=BLOCKED')).body.friends, []);
    assert.deepStrictEqual(
      (await get(`/admin/friends?q=${encodeURIComponent('หญิง 100%')}`)).body.friends.map((f: any) => f.display_name),
      ['สมหญิง 100%'],
    );
    assert.deepStrictEqual(
      (await get(`/admin/friends?q=${a.slice(5, 15)}`)).body.friends.map((f: any) => f.line_user_id),
      [a],
    );
    assert.deepStrictEqual(
      (await get('/admin/friends?q=%25')).body.friends.map((f: any) => f.line_user_id),
      [c],
    );

    const first = await get('/admin/friends?limit=2');
    assert.deepStrictEqual(
      first.body.friends.map((f: any) => f.line_user_id),
      [c, b],
    );
    assert.ok(first.body.next_cursor);
    const second = await get(`/admin/friends?limit=2&cursor=${first.body.next_cursor}`);
    assert.deepStrictEqual(
      second.body.friends.map((f: any) => f.line_user_id),
      [a],
    );
    assert.strictEqual(second.body.next_cursor, null);
  });

  for (const [query, field] of [
    ['status=FRIENDLY', 'status'],
    ['status=active', 'status'],
    ['limit=0', 'limit'],
    ['limit=1000', 'limit'],
    ['cursor=abc', 'cursor'],
    ['status=ACTIVE&status=BLOCKED', 'status'],
  ]) {
    it(`answers 400 naming ${field} for ?${query}`, async () => {
      const res = await get(`/admin/friends?${query}`);
      assert.strictEqual(res.status, 400);
      assert.strictEqual(res.body.field, field);
    });
  }

  it("answers a friend's history oldest first, and 404 for an unknown one", async () => {
    const a = userId();
    const t = Date.now() - 100_000;
    await ingest([followEvent({ userId: a, timestamp: t }), unfollowEvent({ userId: a, timestamp: t + 10 }), followEvent({ userId: a, timestamp: t + 20 })]);
    const res = await get(`/admin/friends/${a}/events`);
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(res.body, {
      events: [
        { event_type: 'FOLLOW', source: 'WEBHOOK', created_at: new Date(t).toISOString() },
        { event_type: 'UNFOLLOW', source: 'WEBHOOK', created_at: new Date(t + 10).toISOString() },
        { event_type: 'REFOLLOW', source: 'WEBHOOK', created_at: new Date(t + 20).toISOString() },
      ],
    });
    assert.strictEqual((await get('/admin/friends/Unobody/events')).status, 404);
  });

  it('is for logged-in operators only', async () => {
    assert.strictEqual((await call(server.baseUrl, 'GET', '/admin/friends')).status, 401);
    await call(server.baseUrl, 'POST', '/admin/operators', { token, body: { username: 'staff', password: 'staff-password-1' } });
    const staff = await login(server.baseUrl, { username: 'staff', password: 'staff-password-1' });
    assert.strictEqual((await call(server.baseUrl, 'GET', '/admin/friends', { token: staff })).status, 200);
  });
});
