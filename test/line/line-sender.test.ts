import assert from 'node:assert';
import { Client } from 'pg';
import { describeEachDatabase, serverUrl } from '../support/databases';
import { type ApiServer, startApiServer } from '../support/api-server';
import { FakeLine } from '../support/fake-line';
import { userId } from '../support/line-webhooks';
import type { LiveChat } from '../../src/live-chat';
import type { ContactRow } from '../../src/store/contacts';
import { HttpError } from '../../src/http/errors';
import { LineSender, hashReplyToken } from '../../src/line/line-sender';
import { countStatements } from '../support/count-statements';
import { eventually } from '../support/product';

const isOutgoingInsert = (s: string) => s.startsWith('INSERT INTO messages (contact_id, direction, sender');
const isDeliveryMark = (s: string) => s.startsWith('UPDATE messages AS m SET delivery_status');

describeEachDatabase('LINE sender', (db, kind) => {
  let fake: FakeLine;
  let server: ApiServer;
  let app: LiveChat;
  let contact: ContactRow;

  before(async () => {
    fake = await new FakeLine().start();
  });
  after(() => fake?.close());
  /** Another instance on the same database (nothing of the first one's in its memory). */
  const startServer = () => startApiServer(db(), { lineApiBaseUrl: fake.baseUrl, linePushRetryDelaysMs: [5, 5] });
  beforeEach(async () => {
    fake.reset();
    server = await startServer();
    app = server.app;
    contact = (await app.store.contacts.ensure(userId())).contact;
  });
  afterEach(() => server.close());

  /** A send to the contact, by this test's server or by `on` (another instance). */
  const send = (extra: Partial<Parameters<LiveChat['lineSender']['sendToContact']>[0]> = {}, on: LiveChat = app) =>
    on.lineSender.sendToContact({ contact, messages: 'สวัสดีครับ', sender: 'BOT', channelAccessToken: fake.accessToken, ...extra });
  const outgoing = () => db().sql.rows<any>(`SELECT * FROM messages WHERE direction = 'OUT' ORDER BY id`);

  it('replies by a fresh token and records BOT messages as SENT with their LINE ids', async () => {
    const replyToken = fake.issueReplyToken();
    const result = await send({ replyToken, receivedAt: Date.now(), messages: ['one', { type: 'sticker', packageId: '446', stickerId: '1988' }] });
    assert.strictEqual(result.status, 'SENT');
    assert.strictEqual(result.via, 'reply');
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 1);
    assert.deepStrictEqual(fake.requestsTo('POST', '/v2/bot/message/reply')[0].body, {
      replyToken,
      messages: [
        { type: 'text', text: 'one' },
        { type: 'sticker', packageId: '446', stickerId: '1988' },
      ],
    });
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 0);
    const rows = await outgoing();
    assert.deepStrictEqual(
      rows.map((r) => [r.sender, r.direction, r.message_type, r.delivery_status, r.delivery_attempts]),
      [
        ['BOT', 'OUT', 'text', 'SENT', 1],
        ['BOT', 'OUT', 'sticker', 'SENT', 1],
      ],
    );
    assert.deepStrictEqual(rows[0].content, { type: 'text', text: 'one' });
    assert.ok(rows.every((r) => /^\d+$/.test(r.line_message_id)));
  });

  it('pushes, with a retry key, when the token is older than 50 s or already used', async () => {
    const replyToken = fake.issueReplyToken();
    const old = await send({ replyToken, receivedAt: Date.now() - 55_000 });
    assert.deepStrictEqual([old.status, old.via], ['SENT', 'push']);
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 0);

    const token2 = fake.issueReplyToken();
    await send({ replyToken: token2, receivedAt: Date.now() });
    const reused = await send({ replyToken: token2, receivedAt: Date.now() });
    assert.deepStrictEqual([reused.status, reused.via], ['SENT', 'push']);
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 1);

    const pushes = fake.requestsTo('POST', '/v2/bot/message/push');
    assert.strictEqual(pushes.length, 2);
    assert.deepStrictEqual(pushes[0].body, { to: contact.line_user_id, messages: [{ type: 'text', text: 'สวัสดีครับ' }] });
    for (const push of pushes) assert.match(String(push.headers['x-line-retry-key']), /^[0-9a-f-]{36}$/);
    assert.notStrictEqual(pushes[0].headers['x-line-retry-key'], pushes[1].headers['x-line-retry-key']);
    const rows = await outgoing();
    assert.strictEqual(rows[0].retry_key, pushes[0].headers['x-line-retry-key']);
  });

  describe('a keyed send run again (its first run stopped or overtaken)', () => {
    const greeting = (extra: Partial<Parameters<LiveChat['lineSender']['sendToContact']>[0]> = {}, on: LiveChat = app) =>
      send({ messages: 'เจ้าหน้าที่จะติดต่อกลับ', sender: 'SYSTEM', sendKey: 'greeting:test', ...extra }, on);
    /** What a run killed between storing its rows and calling LINE leaves: PENDING rows holding the token's claim. */
    const storeStoppedGreeting = (replyToken: string, retryKey: string) =>
      app.store.messages.insertSends([
        {
          lineUserId: contact.line_user_id,
          sendKey: 'greeting:test',
          messages: [
            {
              contact_id: contact.id,
              sender: 'SYSTEM',
              operator_id: null,
              session_id: null,
              message_type: 'text',
              content: { type: 'text', text: 'เจ้าหน้าที่จะติดต่อกลับ' },
              retry_key: retryKey,
              reply_token_hash: hashReplyToken(replyToken),
            },
          ],
        },
      ]);
    const carriedOutReplies = () => fake.carriedOut.filter((r) => r.path === '/v2/bot/message/reply');

    it('is not sent again when LINE carried out its reply but the first run never recorded it: the same token comes back spent', async () => {
      const replyToken = fake.issueReplyToken();
      const receivedAt = Date.now();
      // The first run: LINE takes the reply, and its answer never comes back (as to a process killed).
      const releaseAnswers = fake.holdAnswers();
      const first = greeting({ replyToken, receivedAt });
      await eventually(() => carriedOutReplies().length === 1);
      const [row] = await outgoing();
      assert.deepStrictEqual([row.delivery_status, row.reply_token_hash !== null, row.attempt_started_at !== null], ['PENDING', true, true]);

      // The event run again (another instance, past the first one's lease): the same send, the same token.
      const second = await startServer();
      try {
        const again = await greeting({ replyToken, receivedAt }, second.app);
        assert.deepStrictEqual([again.status, again.via], ['SENT', 'reply']);
        // The first run's answer comes at last (had it lived): it agrees.
        releaseAnswers();
        assert.strictEqual((await first).status, 'SENT');
      } finally {
        await second.close();
      }
      // LINE was asked twice with the token and carried it out once; nothing was pushed.
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 2);
      assert.strictEqual(fake.carriedOut.length, 1);
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 0);
      assert.deepStrictEqual(
        (await outgoing()).map((r) => r.delivery_status),
        ['SENT'],
      );
    });

    it('replies with its token when the first run stopped before calling LINE', async () => {
      const replyToken = fake.issueReplyToken();
      const receivedAt = Date.now();
      const [{ inserted }] = await storeStoppedGreeting(replyToken, '3d9a2c78-5e3f-4b20-9c4d-8e7f6a5b4c32');
      assert.ok(inserted);
      const again = await greeting({ replyToken, receivedAt });
      assert.deepStrictEqual([again.status, again.via], ['SENT', 'reply']);
      assert.strictEqual(carriedOutReplies().length, 1);
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 0);
      assert.ok(/^\d+$/.test((await outgoing())[0].line_message_id));
    });

    it('pushes under its stored retry key when its token is too old by now; LINE takes the key once', async () => {
      const receivedAt = Date.now() - 45_000;
      const replyToken = fake.issueReplyToken();
      // The first run: stopped before calling LINE, the rows holding the token's claim.
      await storeStoppedGreeting(replyToken, '4e0b3d89-6f40-4c31-8d5e-9f807b6c5d43');
      // Run again 10 s later: the token is past 50 s, so no reply; the push goes under the stored key (its answer lost once: 409 on the retry).
      fake.loseNextPushAnswers(1);
      const again = await greeting({ replyToken, receivedAt: receivedAt - 10_000 });
      assert.deepStrictEqual([again.status, again.via], ['SENT', 'push']);
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 0);
      const pushes = fake.requestsTo('POST', '/v2/bot/message/push');
      assert.deepStrictEqual(
        pushes.map((p) => p.headers['x-line-retry-key']),
        ['4e0b3d89-6f40-4c31-8d5e-9f807b6c5d43', '4e0b3d89-6f40-4c31-8d5e-9f807b6c5d43'],
      );
      assert.strictEqual(fake.carriedOut.length, 1);
    });

    it('pushes under its key, never counting the spent token as delivered, when the first run had its reply refused and was stopped before its push', async () => {
      const receivedAt = Date.now();
      // LINE refuses the first run's reply (a token it does not take); its push waits at LINE, not carried out.
      const releaseSends = fake.holdSends('pushes');
      const first = greeting({ replyToken: 'refused-token', receivedAt });
      await eventually(() => fake.requestsTo('POST', '/v2/bot/message/push').length === 1);
      const [row] = await outgoing();
      assert.deepStrictEqual([row.delivery_status, row.delivery_attempts], ['PENDING', 1]);

      // Run again elsewhere meanwhile, with the same token: "Invalid reply token" would prove nothing, so it pushes.
      const second = await startServer();
      let again: Awaited<ReturnType<typeof send>>;
      try {
        const sending = greeting({ replyToken: 'refused-token', receivedAt }, second.app);
        await eventually(() => fake.requestsTo('POST', '/v2/bot/message/push').length === 2);
        releaseSends();
        again = await sending;
      } finally {
        await second.close();
      }
      assert.deepStrictEqual([again.status, again.via], ['SENT', 'push']);
      assert.strictEqual((await first).status, 'SENT');
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 1);
      // Both pushes under the one key: the user has the greeting once.
      assert.strictEqual(new Set(fake.requestsTo('POST', '/v2/bot/message/push').map((p) => p.headers['x-line-retry-key'])).size, 1);
      assert.strictEqual(fake.carriedOut.length, 1);
    });

    it('counts a push LINE accepted before the first run could record it as delivered (409), pushing nothing new', async () => {
      const releaseAnswers = fake.holdAnswers();
      const first = greeting();
      await eventually(() => fake.carriedOut.length === 1);
      const again = await (async () => {
        const second = await startServer();
        try {
          return await greeting({}, second.app);
        } finally {
          releaseAnswers();
          await second.close();
        }
      })();
      assert.deepStrictEqual([again.status, again.via, (await first).status], ['SENT', 'push', 'SENT']);
      const pushes = fake.requestsTo('POST', '/v2/bot/message/push');
      assert.strictEqual(pushes.length, 2);
      assert.strictEqual(pushes[0].headers['x-line-retry-key'], pushes[1].headers['x-line-retry-key']);
      assert.strictEqual(fake.carriedOut.length, 1);
    });

    it('never counts a spent token as its own delivery when another send claimed it: it pushes', async () => {
      const replyToken = fake.issueReplyToken();
      const receivedAt = Date.now();
      const bot = await send({ replyToken, receivedAt, messages: 'คำตอบของบอท' });
      assert.deepStrictEqual([bot.status, bot.via], ['SENT', 'reply']);
      // Another instance (nothing of the first one in its memory) greets with the same token.
      const second = await startServer();
      try {
        const greeted = await greeting({ replyToken, receivedAt }, second.app);
        assert.deepStrictEqual([greeted.status, greeted.via], ['SENT', 'push']);
        // Run again: still not its token, still nothing but its own push (409 now).
        const again = await greeting({ replyToken, receivedAt }, second.app);
        assert.deepStrictEqual([again.status, again.sentBefore], ['SENT', true]);
      } finally {
        await second.close();
      }
      // The token went to LINE once, by the send that claimed it.
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 1);
      assert.deepStrictEqual(
        fake.carriedOut.map((r) => r.path),
        ['/v2/bot/message/reply', '/v2/bot/message/push'],
      );
    });
  });

  it('lets one of two sends claiming one reply token at the same moment have it, the other pushing (two instances, PostgreSQL)', async function () {
    if (kind !== 'postgres') this.skip();
    const replyToken = fake.issueReplyToken();
    // Another instance's send has claimed the token in a transaction not yet committed.
    const other = new Client({ connectionString: serverUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO messages (contact_id, direction, sender, message_type, content, delivery_status, retry_key, reply_token_hash, attempt_started_at)
         VALUES ($1, 'OUT', 'BOT', 'text', '{"type":"text","text":"x"}', 'PENDING', gen_random_uuid(), $2, now())`,
        [contact.id, hashReplyToken(replyToken)],
      );
      const sending = send({ replyToken, receivedAt: Date.now(), sendKey: 'greeting:race' });
      // This send's insert waits on the token's unique index, then fails when the other commits, and is run again.
      await eventually(async () => {
        // pg_stat_activity is read once per transaction: clear that copy, or a first look taken
        // before the send got there is all `other` ever sees.
        await other.query('SELECT pg_stat_clear_snapshot()');
        const waiting = await other.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO messages%' AND datname = current_database()`,
        );
        return waiting.rowCount === 1;
      });
      await other.query('COMMIT');
      const sent = await sending;
      assert.deepStrictEqual([sent.status, sent.via, sent.messages[0].reply_token_hash], ['SENT', 'push', null]);
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 0);
    } finally {
      await other.end();
    }
  });

  it('falls back to push when LINE refuses the reply token', async () => {
    const result = await send({ replyToken: 'never-issued', receivedAt: Date.now() });
    assert.deepStrictEqual([result.status, result.via], ['SENT', 'push']);
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length, 1);
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 1);
  });

  it('retries a push after 500 with the same retry key', async () => {
    fake.failNextPushes(500, 503);
    const result = await send();
    assert.strictEqual(result.status, 'SENT');
    const pushes = fake.requestsTo('POST', '/v2/bot/message/push');
    assert.strictEqual(pushes.length, 3);
    assert.strictEqual(new Set(pushes.map((p) => p.headers['x-line-retry-key'])).size, 1);
    assert.strictEqual((await outgoing())[0].delivery_attempts, 3);
  });

  it('counts a 409 to its own retry (the first answer was lost) as delivered, sending once', async () => {
    fake.loseNextPushAnswers(1);
    const result = await send();
    assert.strictEqual(result.status, 'SENT');
    const pushes = fake.requestsTo('POST', '/v2/bot/message/push');
    assert.strictEqual(pushes.length, 2);
    assert.strictEqual(pushes[0].headers['x-line-retry-key'], pushes[1].headers['x-line-retry-key']);
    const row = (await outgoing())[0];
    assert.deepStrictEqual([row.delivery_status, row.delivery_attempts], ['SENT', 2]);
  });

  it('stores a push that keeps failing as FAILED with the error, and does not retry a 400', async () => {
    fake.failNextPushes(500, 500, 500);
    const result = await send();
    assert.strictEqual(result.status, 'FAILED');
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 3);
    let row = (await outgoing())[0];
    assert.deepStrictEqual([row.delivery_status, row.delivery_attempts], ['FAILED', 3]);
    assert.match(row.delivery_error, /500/);

    fake.failNextPushes(400);
    const refused = await send();
    assert.strictEqual(refused.status, 'FAILED');
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 4);
    row = (await outgoing())[1];
    assert.deepStrictEqual([row.delivery_status, row.delivery_attempts], ['FAILED', 1]);
  });

  it('marks the message FAILED when LINE is unreachable', async () => {
    const unreachable = await startApiServer(db(), { lineApiBaseUrl: 'http://127.0.0.1:1', linePushRetryDelaysMs: [1, 1] });
    try {
      const result = await unreachable.app.lineSender.sendToContact({ contact, messages: 'x', sender: 'BOT', channelAccessToken: 't' });
      assert.strictEqual(result.status, 'FAILED');
      assert.strictEqual((await outgoing())[0].delivery_status, 'FAILED');
    } finally {
      await unreachable.close();
    }
  });

  it('sends and stores nothing for a standby event', async () => {
    const result = await send({ mode: 'standby', replyToken: fake.issueReplyToken(), receivedAt: Date.now() });
    assert.strictEqual(result.status, 'SKIPPED');
    assert.strictEqual(fake.requests.length, 0);
    assert.strictEqual((await outgoing()).length, 0);
  });

  for (const [name, messages] of [
    ['no messages', []],
    ['six messages', ['1', '2', '3', '4', '5', '6']],
    ['a text over 5000 characters', 'ก'.repeat(5001)],
    ['an empty text', '  '],
    ['an object without a type', [{ text: 'x' }]],
  ] as const) {
    it(`refuses ${name} with a clear error, storing and sending nothing`, async () => {
      await assert.rejects(send({ messages: messages as any }), (err) => err instanceof HttpError && err.status === 400 && err.field === 'messages');
      assert.strictEqual(fake.requests.length, 0);
      assert.strictEqual((await outgoing()).length, 0);
    });
  }

  describe('concurrent sends', () => {
    it('store and mark their messages in shared statements, each send its own rows', async () => {
      const contacts = await Promise.all(Array.from({ length: 20 }, async () => (await app.store.contacts.ensure(userId())).contact));
      const release = fake.holdSends();
      const { result, statements } = await countStatements(async () => {
        const sends = contacts.map((c, i) =>
          app.lineSender.sendToContact({ contact: c, messages: [`first ${i}`, `second ${i}`], sender: 'BOT', channelAccessToken: fake.accessToken }),
        );
        // Every PENDING row is stored before LINE is called: all 20 pushes wait at LINE with theirs.
        await eventually(() => fake.requestsTo('POST', '/v2/bot/message/push').length === 20);
        assert.strictEqual((await outgoing()).filter((r) => r.delivery_status === 'PENDING').length, 40);
        release();
        return Promise.all(sends);
      });

      const inserts = statements.filter(isOutgoingInsert);
      // The first send alone (nothing was in flight), then the 19 called meanwhile together.
      assert.strictEqual(inserts.length, 2, statements.join('\n'));
      // LINE answered all at once: the first mark alone, the rest in one or two more (timing).
      const marks = statements.filter(isDeliveryMark);
      assert.ok(marks.length >= 2 && marks.length <= 4, `${marks.length} delivery marks for 20 sends:\n${statements.join('\n')}`);

      const pushes = fake.requestsTo('POST', '/v2/bot/message/push');
      const rows = await outgoing();
      assert.strictEqual(rows.length, 40);
      result.forEach((sent, i) => {
        assert.deepStrictEqual([sent.status, sent.via], ['SENT', 'push']);
        assert.deepStrictEqual(
          sent.messages.map((m) => [m.contact_id, (m.content as { text: string }).text, m.delivery_status, m.delivery_attempts]),
          [
            [contacts[i].id, `first ${i}`, 'SENT', 1],
            [contacts[i].id, `second ${i}`, 'SENT', 1],
          ],
        );
        assert.ok(sent.messages[0].id < sent.messages[1].id);
        // Its own LINE message ids and retry key, as stored.
        const push = pushes.find((p) => p.body.to === contacts[i].line_user_id)!;
        const stored = rows.filter((r) => r.contact_id === contacts[i].id);
        assert.deepStrictEqual(
          stored.map((r) => [r.id, r.delivery_status, r.line_message_id, r.retry_key]),
          sent.messages.map((m) => [m.id, 'SENT', m.line_message_id, push.headers['x-line-retry-key']]),
        );
        assert.ok(stored.every((r) => /^\d+$/.test(r.line_message_id)));
      });
      assert.strictEqual(new Set(rows.map((r) => r.retry_key)).size, 20);
    });

    it('store keyed sends (a bot answer to an event) in the shared insert too; made again, a keyed send is stored and sent once', async () => {
      const contacts = await Promise.all(Array.from({ length: 10 }, async () => (await app.store.contacts.ensure(userId())).contact));
      const keyOf = (i: number) => (i % 2 === 0 ? { sendKey: `answer:${i}` } : {});
      const sendAll = () =>
        Promise.all(
          contacts.map((c, i) =>
            app.lineSender.sendToContact({
              contact: c,
              messages: [`answer ${i}`, `more ${i}`],
              sender: 'BOT',
              channelAccessToken: fake.accessToken,
              ...keyOf(i),
            }),
          ),
        );
      const first = await countStatements(sendAll);
      // The first send alone (nothing was in flight), then the 9 called meanwhile together.
      assert.strictEqual(first.statements.filter(isOutgoingInsert).length, 2, first.statements.join('\n'));
      assert.ok(first.result.every((r) => r.status === 'SENT' && !r.sentBefore && r.messages.length === 2));
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 10);
      const rows = await outgoing();
      for (const [i, c] of contacts.entries()) {
        assert.deepStrictEqual(
          rows.filter((r) => r.contact_id === c.id).map((r) => r.send_key),
          i % 2 === 0 ? [`answer:${i}`, `answer:${i}#2`] : [null, null],
        );
      }
      // The shared insert's rows went in the lock order (store.ts): their contacts by LINE user id.
      const lineUserIdOf = new Map(contacts.map((c) => [c.id, c.line_user_id]));
      const shared = rows.filter((r) => r.contact_id !== contacts[0].id).map((r) => lineUserIdOf.get(r.contact_id)!);
      assert.deepStrictEqual(shared, [...shared].sort());

      const again = await countStatements(sendAll);
      assert.strictEqual(again.statements.filter(isOutgoingInsert).length, 2, again.statements.join('\n'));
      // The keyed ones were found stored and SENT: nothing new, nothing sent; the others went again.
      again.result.forEach((sent, i) => {
        if (i % 2 === 0) {
          assert.deepStrictEqual([sent.status, sent.sentBefore], ['SENT', true]);
          assert.deepStrictEqual(
            sent.messages.map((m) => m.id),
            first.result[i].messages.map((m) => m.id),
          );
        } else assert.ok(sent.status === 'SENT' && !sent.sentBefore && sent.messages[0].id > first.result[i].messages[1].id);
      });
      // The stored keyed sends were read back in one statement per shared insert.
      assert.ok(again.statements.filter((s) => s.startsWith('SELECT * FROM messages WHERE send_key')).length <= 2, again.statements.join('\n'));
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 15);
      assert.strictEqual((await outgoing()).length, 30);
    });

    it("fail alone when one send's insert fails, and keep each contact's messages in the order the sends were called", async () => {
      const gone = { ...contact, id: 2_000_000_000, line_user_id: userId() };
      const { result, statements } = await countStatements(() =>
        Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            app.lineSender.sendToContact({
              contact: i === 4 ? gone : contact,
              messages: i % 3 === 0 ? [`${i}a`, `${i}b`] : `${i}`,
              sender: 'BOT',
              channelAccessToken: fake.accessToken,
            }),
          ),
        ),
      );
      // The batch of the 9 called after the first failed on the missing contact, and was redone send by send.
      assert.strictEqual(statements.filter(isOutgoingInsert).length, 1 + 1 + 9, statements.join('\n'));
      const failed = result[4];
      assert.ok(failed.status === 'rejected' && /foreign key/i.test(String(failed.reason)), String(failed.status === 'rejected' && failed.reason));
      assert.ok(result.every((r, i) => i === 4 || (r.status === 'fulfilled' && r.value.status === 'SENT')));

      const expected = ['0a', '0b', '1', '2', '3a', '3b', '5', '6a', '6b', '7', '8', '9a', '9b'];
      const rows = await outgoing();
      assert.deepStrictEqual(
        rows.map((r) => [r.contact_id, r.content.text, r.delivery_status]),
        expected.map((text) => [contact.id, text, 'SENT']),
      );
      // Nothing of the failed send went to LINE; the others went, one push each.
      const pushes = fake.requestsTo('POST', '/v2/bot/message/push');
      assert.strictEqual(pushes.length, 9);
      assert.ok(pushes.every((p) => p.body.to === contact.line_user_id));
    });

    it("are not shared on a transaction's store: its rows are in that transaction alone", async () => {
      const rolledBack = new Error('roll back');
      await assert.rejects(
        app.store.transaction(async (tx) => {
          const sender = new LineSender(tx, app.lineClients, app.events, app.log);
          for (const text of ['x', 'y']) {
            const sent = await sender.sendToContact({ contact, messages: text, sender: 'BOT', channelAccessToken: fake.accessToken });
            assert.strictEqual(sent.status, 'SENT');
          }
          assert.strictEqual((await tx.sql.rows(`SELECT id FROM messages WHERE direction = 'OUT' AND delivery_status = 'SENT'`)).length, 2);
          throw rolledBack;
        }),
        (err) => err === rolledBack,
      );
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 2);
      assert.strictEqual((await outgoing()).length, 0);
    });
  });
});
