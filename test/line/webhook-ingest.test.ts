import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, startApiServer } from '../support/api-server';
import { FakeLine } from '../support/fake-line';
import {
  CHANNEL_SECRET,
  MESSAGE_SAMPLES,
  followEvent,
  groupSource,
  messageEvent,
  postbackEvent,
  redelivered,
  roomSource,
  sign,
  unfollowEvent,
  userId,
  webhookBody,
} from '../support/line-webhooks';
import type { LiveChat } from '../../src/live-chat';

describeEachDatabase('LINE webhook ingest', (db) => {
  let fake: FakeLine;
  let server: ApiServer;
  let app: LiveChat;
  const token = () => fake.accessToken;

  before(async () => {
    fake = await new FakeLine().start();
  });
  after(() => fake?.close());
  beforeEach(async () => {
    fake.reset();
    server = await startApiServer(db(), { lineApiBaseUrl: fake.baseUrl, linePushRetryDelaysMs: [5, 5] });
    app = server.app;
  });
  afterEach(() => server.close());

  const count = async (table: string) => (await db().sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))!.n;
  const nothingStored = async () => {
    for (const table of ['webhook_events', 'contacts', 'messages', 'friend_events']) assert.strictEqual(await count(table), 0, table);
  };
  /** A signed body through accept(), as the line-webhook route sends it; answers once its events are processed. */
  const accept = async (events: Record<string, unknown>[]) => {
    const body = webhookBody(events);
    const result = await app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET, { channelAccessToken: token() });
    return result.outcome === 'accepted' ? { ...result, outputs: await result.processed } : result;
  };
  const accepted = async (events: Record<string, unknown>[]) => {
    const result = await accept(events);
    assert.strictEqual(result.outcome, 'accepted');
    return result.outcome === 'accepted' ? result : assert.fail();
  };

  describe('rejects bad input and stores nothing', () => {
    it('a missing signature', async () => {
      const body = webhookBody([messageEvent('hi')]);
      const result = await app.lineWebhook.accept(body, undefined, CHANNEL_SECRET);
      assert.strictEqual(result.outcome, 'bad-signature');
      await nothingStored();
    });

    it('a wrong signature, and a signature of other bytes with the same JSON', async () => {
      const events = [messageEvent('hi')];
      const body = webhookBody(events);
      assert.strictEqual((await app.lineWebhook.accept(body, sign(body, 'another-secret'), CHANNEL_SECRET)).outcome, 'bad-signature');
      const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
      assert.strictEqual((await app.lineWebhook.accept(reformatted, sign(body), CHANNEL_SECRET)).outcome, 'bad-signature');
      assert.strictEqual((await app.lineWebhook.accept(body, 'not base64 at all', CHANNEL_SECRET)).outcome, 'bad-signature');
      await nothingStored();
    });

    for (const [name, raw] of [
      ['unparsable JSON', '{"destination": "U1", "events": ['],
      ['a JSON array', '[]'],
      ['events that are not an array', '{"destination":"U1","events":{}}'],
      ['an event without webhookEventId', JSON.stringify({ destination: 'U1', events: [{ ...messageEvent('a'), webhookEventId: undefined }] })],
      ['a message event without a message id', JSON.stringify({ destination: 'U1', events: [{ ...messageEvent('a'), message: { type: 'text', text: 'x' } }] })],
      [
        'one good event and one with a bad source',
        JSON.stringify({ destination: 'U1', events: [messageEvent('a'), { ...messageEvent('b'), source: { type: 'planet' } }] }),
      ],
    ] as const) {
      it(`a correctly signed body with ${name}`, async () => {
        const body = Buffer.from(raw);
        const result = await app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET);
        assert.strictEqual(result.outcome, 'bad-request');
        await nothingStored();
      });
    }
  });

  it('accepts an empty events array (the console Verify button) and stores nothing', async () => {
    const result = await accepted([]);
    assert.deepStrictEqual(result.events, []);
    await nothingStored();
  });

  it('stores every message type with its content, a contact, and last_message_at', async () => {
    const user = userId();
    const t0 = Date.now() - 10_000;
    const events = Object.keys(MESSAGE_SAMPLES).map((type, i) => messageEvent(MESSAGE_SAMPLES[type](), { userId: user, timestamp: t0 + i }));
    const result = await accepted(events);
    assert.strictEqual(result.events.length, 7);
    const rows = await db().sql.rows<any>(`SELECT * FROM messages ORDER BY created_at`);
    assert.deepStrictEqual(
      rows.map((r) => r.message_type),
      ['text', 'image', 'video', 'audio', 'file', 'location', 'sticker'],
    );
    for (const [i, row] of rows.entries()) {
      const sent = events[i].message as Record<string, unknown>;
      assert.deepStrictEqual(row.content, sent);
      assert.strictEqual(row.direction, 'IN');
      assert.strictEqual(row.sender, 'USER');
      assert.strictEqual(row.delivery_status, 'RECEIVED');
      assert.strictEqual(row.line_message_id, sent.id);
      assert.strictEqual(row.webhook_event_id, events[i].webhookEventId);
      assert.strictEqual(row.mark_as_read_token, sent.markAsReadToken);
      assert.strictEqual(row.created_at.getTime(), t0 + i);
    }
    const contacts = await db().sql.rows<any>(`SELECT * FROM contacts`);
    assert.strictEqual(contacts.length, 1);
    assert.strictEqual(contacts[0].line_user_id, user);
    assert.strictEqual(contacts[0].chat_mode, 'BOT');
    assert.strictEqual(contacts[0].last_message_at.getTime(), t0 + 6);
    assert.strictEqual(await count('webhook_events'), 7);
  });

  it('stores a redelivered event once and hands it on once, also when both copies arrive together', async () => {
    const event = messageEvent('hello');
    const first = await accepted([event]);
    assert.strictEqual(first.events.length, 1);
    const again = await accepted([redelivered(event)]);
    assert.deepStrictEqual([again.events.length, again.duplicates], [0, 1]);

    const other = messageEvent('concurrent');
    const results = await Promise.all([accept([other]), accept([redelivered(other)]), accept([other, other])]);
    const handedOn = results.reduce((n, r) => n + (r.outcome === 'accepted' ? r.events.length : 0), 0);
    assert.strictEqual(handedOn, 1);
    assert.strictEqual(await count('webhook_events'), 2);
    assert.strictEqual(await count('messages'), 2);
  });

  it('answers with an error, storing nothing, when the database fails (so that LINE redelivers)', async () => {
    // A destination longer than its column (64) is refused by the database, for the whole body.
    const body = webhookBody([messageEvent('fine')], `U${'x'.repeat(100)}`);
    await assert.rejects(app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET));
    await nothingStored();
  });

  it('stores an event with text PostgreSQL cannot store (NUL, half a surrogate pair) cleaned, and the others as sent', async () => {
    const user = userId();
    const nul = messageEvent({ ...MESSAGE_SAMPLES.text(), text: 'a\u0000b' }, { userId: user });
    const lone = messageEvent({ ...MESSAGE_SAMPLES.text(), text: 'half \ud83d of an emoji, whole 😀' }, { userId: user });
    const fine = messageEvent('fine', { userId: user });
    const result = await accepted([fine, nul, lone]);
    assert.deepStrictEqual(
      result.outputs.map((o) => o.message?.content.text),
      ['fine', 'a\ufffdb', 'half \ufffd of an emoji, whole 😀'],
    );
    const stored = await db().sql.rows<{ text: string; processed: boolean }>(
      `SELECT payload->'message'->>'text' AS text, processed_at IS NOT NULL AS processed FROM webhook_events ORDER BY id`,
    );
    assert.deepStrictEqual(stored, [
      { text: 'fine', processed: true },
      { text: 'a\ufffdb', processed: true },
      { text: 'half \ufffd of an emoji, whole 😀', processed: true },
    ]);
    assert.strictEqual(await count('messages'), 3);
  });

  describe('friend events', () => {
    it('follow, unfollow, follow again (REFOLLOW), follow after unblock', async () => {
      const user = userId();
      const t = Date.now() - 60_000;
      await accepted([followEvent({ userId: user, timestamp: t })]);
      let contact = (await app.store.contacts.byLineUserId(user))!;
      assert.strictEqual(contact.friend_status, 'ACTIVE');
      assert.strictEqual(contact.friend_since!.getTime(), t);

      await accepted([unfollowEvent({ userId: user, timestamp: t + 1000 })]);
      contact = (await app.store.contacts.byLineUserId(user))!;
      assert.strictEqual(contact.friend_status, 'UNFOLLOWED');

      await accepted([followEvent({ userId: user, timestamp: t + 2000 })]);
      contact = (await app.store.contacts.byLineUserId(user))!;
      assert.strictEqual(contact.friend_status, 'ACTIVE');
      assert.strictEqual(contact.friend_since!.getTime(), t + 2000);

      const unblocked = userId();
      await accepted([followEvent({ userId: unblocked, isUnblocked: true, timestamp: t })]);

      const history = await app.store.friendEvents.forLineUser(user);
      assert.deepStrictEqual(
        history.map((e) => [e.event_type, e.source, e.created_at.getTime()]),
        [
          ['FOLLOW', 'WEBHOOK', t],
          ['UNFOLLOW', 'WEBHOOK', t + 1000],
          ['REFOLLOW', 'WEBHOOK', t + 2000],
        ],
      );
      assert.deepStrictEqual(
        (await app.store.friendEvents.forLineUser(unblocked)).map((e) => e.event_type),
        ['REFOLLOW'],
      );
    });

    it('a late redelivery of an older follow does not undo a newer unfollow', async () => {
      const user = userId();
      const t = Date.now() - 60_000;
      const follow = followEvent({ userId: user, timestamp: t });
      await accepted([unfollowEvent({ userId: user, timestamp: t + 5000 })]);
      await accepted([redelivered(follow)]);
      assert.strictEqual((await app.store.contacts.byLineUserId(user))!.friend_status, 'UNFOLLOWED');
      assert.strictEqual((await app.store.friendEvents.forLineUser(user)).length, 2);
    });
  });

  describe('processing, after the answer', () => {
    it('fills the profile from LINE, once within a day, and hands on payload, contact and line', async () => {
      const user = userId();
      fake.setProfile(user, { displayName: 'สมชาย', pictureUrl: 'https://profile.line-scdn.net/x', statusMessage: 'hi', language: 'th' });
      const event = messageEvent('first', { userId: user });
      const out = (await accepted([event])).outputs;
      assert.strictEqual(out.length, 1);
      assert.deepStrictEqual(out[0].payload, event);
      assert.strictEqual(out[0].contact!.display_name, 'สมชาย');
      assert.strictEqual(out[0].contact!.picture_url, 'https://profile.line-scdn.net/x');
      assert.strictEqual(out[0].contact!.language, 'th');
      const message = event.message as Record<string, string>;
      assert.deepStrictEqual(
        { ...out[0].line, receivedAt: 0 },
        {
          replyToken: event.replyToken,
          webhookEventId: event.webhookEventId,
          destination: 'Ubot0000000000000000000000000000',
          mode: 'active',
          source: event.source,
          receivedAt: 0,
          timestamp: event.timestamp,
          messageId: message.id,
          markAsReadToken: message.markAsReadToken,
        },
      );
      const stored = await app.store.webhookEvents.byWebhookEventId(event.webhookEventId as string);
      assert.ok(stored!.processed_at);

      await accepted([messageEvent('second', { userId: user })]);
      assert.strictEqual(fake.requestsTo('GET', '/v2/bot/profile/').length, 1);
      assert.strictEqual(fake.requestsTo('GET', '/v2/bot/profile/')[0].headers.authorization, `Bearer ${token()}`);
    });

    it("records the profiles of a webhook's new users, each on its own contact (several in one statement)", async () => {
      const users = Array.from({ length: 6 }, () => userId());
      for (const [i, user] of users.entries()) fake.setProfile(user, { displayName: `user ${i}`, language: i % 2 ? 'th' : 'en' });
      const result = await accepted(users.map((user, i) => messageEvent(`hello ${i}`, { userId: user })));
      assert.deepStrictEqual(
        result.outputs.map((o) => [o.contact!.line_user_id, o.contact!.display_name, o.contact!.language]),
        users.map((user, i) => [user, `user ${i}`, i % 2 ? 'th' : 'en']),
      );
      const stored = await db().sql.rows<{ line_user_id: string; display_name: string; fetched: boolean }>(
        `SELECT line_user_id, display_name, profile_fetched_at IS NOT NULL AS fetched FROM contacts`,
      );
      const byUser = new Map(stored.map((c) => [c.line_user_id, [c.display_name, c.fetched]]));
      assert.deepStrictEqual(
        users.map((user) => byUser.get(user)),
        users.map((_, i) => [`user ${i}`, true]),
      );
    });

    it('still hands the event on when the profile API fails, and tries again next time', async () => {
      const user = userId();
      fake.setProfile(user, { displayName: 'Somchai' });
      // Each of the look-up's attempts (a 5xx is tried again within its budget).
      fake.failNextProfiles(500, 500, 500);
      const out = (await accepted([messageEvent('x', { userId: user })])).outputs;
      assert.strictEqual(out.length, 1);
      assert.strictEqual(out[0].contact!.display_name, null);
      assert.strictEqual(await count('messages'), 1);
      const next = (await accepted([messageEvent('y', { userId: user })])).outputs;
      assert.strictEqual(next[0].contact!.display_name, 'Somchai');
    });

    it('stores group and room events with their source, without a contact or message', async () => {
      const events = [
        messageEvent('in a group', { source: groupSource() }),
        messageEvent('in a room', { source: roomSource() }),
        postbackEvent('a=1', { source: groupSource() }),
      ];
      const out = (await accepted(events)).outputs;
      assert.deepStrictEqual(
        out.map((o) => [o.contact, o.line.source!.type]),
        [
          [null, 'group'],
          [null, 'room'],
          [null, 'group'],
        ],
      );
      const rows = await db().sql.rows<any>(`SELECT source_type, source_id, line_user_id FROM webhook_events ORDER BY id`);
      assert.deepStrictEqual(
        rows.map((r) => r.source_type),
        ['group', 'room', 'group'],
      );
      assert.strictEqual(rows[0].source_id, (events[0].source as any).groupId);
      assert.strictEqual(await count('contacts'), 0);
      assert.strictEqual(await count('messages'), 0);
      assert.strictEqual(fake.requestsTo('GET', '/v2/bot/profile/').length, 0);
    });

    it('stores standby events and hands them on marked standby', async () => {
      const event = messageEvent('standby', { mode: 'standby' });
      const out = (await accepted([event])).outputs;
      assert.strictEqual(out[0].line.mode, 'standby');
      assert.strictEqual(await count('messages'), 1);
    });
  });

  it('tells the event bus about new messages and changed contacts', async () => {
    const seen: string[] = [];
    app.events.on('message', ({ message, contact }) => seen.push(`message ${message.direction} ${contact.line_user_id}`));
    app.events.on('contact', ({ contact }) => seen.push(`contact ${contact.line_user_id}`));
    const user = userId();
    await accepted([messageEvent('hi', { userId: user })]);
    assert.deepStrictEqual(seen, [`contact ${user}`, `message IN ${user}`]);
  });
});
