// Every call to LINE has a deadline: a LINE that never answers, or answers 429 with Retry-After,
// holds a send no longer than its budget, and what it leaves FAILED (or a crash left PENDING)
// can be sent again under its retry key.
import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { messagingApi } from '@line/bot-sdk';
import { FakeLine } from '../support/fake-line';
import { installDeadlines, LineTimeoutError, withAttemptLimit } from '../../src/line/line-deadlines';
import { LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';
import { eventually } from '../support/product';
import type { MessageRow } from '../../src/store/messages';
import { PROFILE_WAIT_MS } from '../../src/line/webhook-ingest';

/** Short enough for a test: each request 300 ms, a push 900 ms in all, any other call 700 ms. */
const DEADLINES = { attemptMs: 300, replyMs: 300, pushBudgetMs: 900, callBudgetMs: 700 };

describeEachDatabase('LINE deadlines', (db) => {
  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: (m: string) => console.error(m) };
  const suite = useLiveChatHarness(db, { operators: true, core: { lineDeadlines: DEADLINES, log } });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => {
    ({ fake, chat, somchai } = suite);
    warnings.length = 0;
  });

  const send = (user: string, body: unknown) => chat.api('POST', `/admin/live-chat/conversations/${user}/messages`, somchai, body);
  const retry = (user: string, id: number) => chat.api('POST', `/admin/live-chat/conversations/${user}/messages/${id}/retry`, somchai);
  const pushes = () => fake.requestsTo('POST', '/v2/bot/message/push');
  const outgoing = async (user: string) => (await chat.messagesOf(user)).filter((m) => m.sender === 'OPERATOR');

  it("answers an operator's send to a LINE that never answers within the push budget, FAILED with the timeout; Retry delivers it under the same key", async () => {
    const user = await chat.activeChat(somchai);
    fake.failNextPushes('hang', 'hang', 'hang');
    const live: MessageRow[] = [];
    chat.app.events.on('message', ({ message }) => live.push(message));

    const started = Date.now();
    const res = await send(user, { text: 'รอสักครู่นะคะ' });
    const took = Date.now() - started;
    assert.ok(took < DEADLINES.pushBudgetMs + 600, `the send answered after ${took} ms`);
    assert.deepStrictEqual([res.status, res.body.status], [502, 'FAILED']);
    assert.match(res.body.messages[0].delivery_error, /LINE did not answer POST \/v2\/bot\/message\/push within \d+ ms/);
    const [stored] = await outgoing(user);
    assert.deepStrictEqual([stored.delivery_status, stored.delivery_attempts], ['FAILED', 3]);
    assert.deepStrictEqual(
      live.filter((m) => m.id === stored.id).map((m) => m.delivery_status),
      ['PENDING', 'FAILED'],
    );
    assert.strictEqual(pushes().length, 3);
    await eventually(() => fake.hungRequests === 0, 2000);

    // LINE answers again.
    const again = await retry(user, stored.id);
    assert.deepStrictEqual([again.status, again.body.status, again.body.messages[0].delivery_status], [200, 'SENT', 'SENT']);
    const keys = pushes().map((p) => p.headers['x-line-retry-key']);
    assert.strictEqual(keys.length, 4);
    assert.deepStrictEqual(new Set(keys), new Set([stored.retry_key]));
  });

  it("waits out LINE's Retry-After before the next push attempt", async () => {
    // A core whose push budget has room for Retry-After's second.
    const roomy = await LiveChatHarness.start(db(), fake, { lineDeadlines: { ...DEADLINES, pushBudgetMs: 3000 }, log });
    try {
      const user = await roomy.activeChat(roomy.admin);
      fake.failNextPushes({ status: 429, retryAfter: '1' });
      const res = await roomy.api('POST', `/admin/live-chat/conversations/${user}/messages`, roomy.admin, { text: 'ขอบคุณค่ะ' });
      assert.deepStrictEqual([res.status, res.body.status, res.body.messages[0].delivery_attempts], [200, 'SENT', 2]);
      const [first, second] = pushes();
      const gap = second.at - first.at;
      assert.ok(gap >= 950 && gap < 2500, `the second attempt came ${gap} ms after the first`);
      assert.strictEqual(first.headers['x-line-retry-key'], second.headers['x-line-retry-key']);
    } finally {
      await roomy.close();
    }
  });

  it('fails at once, saying so, when Retry-After would end past the budget', async () => {
    const user = await chat.activeChat(somchai);
    fake.failNextPushes({ status: 429, retryAfter: '60' });
    const started = Date.now();
    const res = await send(user, { text: 'ขอบคุณค่ะ' });
    assert.ok(Date.now() - started < 600, `answered after ${Date.now() - started} ms`);
    assert.deepStrictEqual([res.status, res.body.status], [502, 'FAILED']);
    assert.match(res.body.messages[0].delivery_error, /LINE answered 429: .*no time left for another attempt within 900 ms/);
    assert.strictEqual(pushes().length, 1);
  });

  it('makes messages a crash left PENDING FAILED on start, once, leaving recent sends alone; Retry sends them under their key', async () => {
    const user = await chat.activeChat(somchai);
    const contact = await chat.contactOf(user);
    const [session] = await chat.sessionsOf(user);
    const insert = (retryKey: string) =>
      chat.app.store.messages.insertOutgoing([
        {
          contact_id: contact.id,
          sender: 'OPERATOR',
          operator_id: somchai.id,
          session_id: session.id,
          message_type: 'text',
          content: { type: 'text', text: 'ค้างอยู่' },
          retry_key: retryKey,
        },
      ]);
    // As a process killed mid-send leaves it: PENDING, its attempt begun ten minutes ago.
    const [interrupted] = await insert('6f0a3e0c-8f53-4c39-9f5e-1c2b3a4d5e6f');
    await db().sql.exec(`UPDATE messages SET created_at = now() - interval '10 minutes', attempt_started_at = now() - interval '10 minutes' WHERE id = $1`, [
      interrupted.id,
    ]);
    // A send still in flight on another instance.
    const [inFlight] = await insert('0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70');

    const restarted = await LiveChatHarness.start(db(), fake, { lineDeadlines: DEADLINES, log });
    try {
      const byId = async (id: number) => (await chat.messagesOf(user)).find((m) => m.id === id);
      const failed = await byId(interrupted.id);
      assert.strictEqual(failed.delivery_status, 'FAILED');
      assert.match(failed.delivery_error, /Interrupted: the process sending it stopped before LINE answered/);
      assert.strictEqual((await byId(inFlight.id)).delivery_status, 'PENDING');
      assert.ok(warnings.some((w) => /1 message\(s\) left PENDING/.test(w)));

      const res = await retry(user, interrupted.id);
      assert.deepStrictEqual([res.status, res.body.messages[0].delivery_status], [200, 'SENT']);
      assert.deepStrictEqual(
        pushes().map((p) => p.headers['x-line-retry-key']),
        ['6f0a3e0c-8f53-4c39-9f5e-1c2b3a4d5e6f'],
      );
      // Another instance starting later finds nothing more to mark.
      warnings.length = 0;
      await (await LiveChatHarness.start(db(), fake, { lineDeadlines: DEADLINES, log })).close();
      assert.ok(!warnings.some((w) => /left PENDING/.test(w)));
    } finally {
      await restarted.close();
    }
  });

  it('keeps sweeping while it runs: a send left PENDING by a stopped process becomes FAILED once across instances; a message retried now is left alone', async () => {
    const user = await chat.activeChat(somchai);
    const contact = await chat.contactOf(user);
    const [session] = await chat.sessionsOf(user);
    // Two instances sweeping every 50 ms, both started before the send was interrupted.
    const sweepers = [
      await LiveChatHarness.start(db(), fake, { lineDeadlines: DEADLINES, log, sweepIntervalMs: 50 }),
      await LiveChatHarness.start(db(), fake, { lineDeadlines: DEADLINES, log, sweepIntervalMs: 50 }),
    ];
    const live: MessageRow[] = [];
    // Whichever of them marks it tells its inbox.
    for (const sweeper of sweepers) sweeper.app.events.on('message', ({ message }) => live.push(message));
    try {
      warnings.length = 0;
      const outgoing = {
        contact_id: contact.id,
        sender: 'OPERATOR' as const,
        operator_id: somchai.id,
        session_id: session.id,
        message_type: 'text',
        content: { type: 'text', text: 'ค้างอยู่' },
      };
      const [interrupted, retried] = await chat.app.store.messages.insertOutgoing([
        { ...outgoing, retry_key: '1b7e0a56-3c1d-4f0e-9a2b-6c5d4e3f2a10' },
        { ...outgoing, retry_key: '2c8f1b67-4d2e-4a1f-8b3c-7d6e5f4a3b21' },
      ]);
      // Both stored ten minutes ago; the first one's attempt began then (its process was killed),
      // the second is being sent again now (Retry made it PENDING with a new attempt).
      await db().sql.exec(`UPDATE messages SET created_at = now() - interval '10 minutes' WHERE id = ANY($1::int[])`, [`{${interrupted.id},${retried.id}}`]);
      await db().sql.exec(`UPDATE messages SET attempt_started_at = now() - interval '10 minutes' WHERE id = $1`, [interrupted.id]);
      await chat.app.store.messages.markDelivery([{ id: retried.id, status: 'PENDING', attempts: 1, error: null, line_message_id: null }]);

      const byId = async (id: number) => (await chat.messagesOf(user)).find((m) => m.id === id);
      await eventually(async () => (await byId(interrupted.id)).delivery_status === 'FAILED', 10000);
      // A few more rounds of both sweepers.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.match((await byId(interrupted.id)).delivery_error, /Interrupted/);
      assert.strictEqual((await byId(retried.id)).delivery_status, 'PENDING');
      assert.deepStrictEqual(
        warnings.filter((w) => /left PENDING/.test(w)),
        ['1 message(s) left PENDING by a stopped process marked FAILED (Retry sends them)'],
      );
      // The inbox is told live.
      assert.ok(live.some((m) => m.id === interrupted.id && m.delivery_status === 'FAILED'));
    } finally {
      for (const sweeper of sweepers) await sweeper.close();
    }
  });

  it('gives up a profile look-up LINE never answers at its budget; the event is handed on meanwhile', async () => {
    fake.hangProfiles();
    const user = userId();
    const started = Date.now();
    const [output] = await chat.webhook([messageEvent('สวัสดี', { userId: user })]);
    assert.ok(Date.now() - started < PROFILE_WAIT_MS + 700, `handed on after ${Date.now() - started} ms`);
    assert.strictEqual(output.contact?.line_user_id, user);
    assert.strictEqual(output.contact?.display_name, null);
    // The look-up itself ends: its requests are closed and the reason logged.
    await eventually(() => warnings.some((w) => w.includes(`profile of ${user} not fetched`)), 3000);
    assert.match(warnings.find((w) => w.includes(user))!, /LINE did not answer GET \/v2\/bot\/profile\/\S+ within \d+ ms/);
    assert.ok(fake.requestsTo('GET', '/v2/bot/profile/').length <= 3);
    await eventually(() => fake.hungRequests === 0, 2000);
  });
});

describe("LINE's answers as the SDK gets them", () => {
  let fake: FakeLine;
  before(async () => {
    fake = await new FakeLine().start();
  });
  after(() => fake.close());

  it('reads as a fetch Response would: status, headers, the body once (then bodyUsed), clone, and a stream when asked', async () => {
    const client = installDeadlines(new messagingApi.MessagingApiClient({ channelAccessToken: fake.accessToken, baseURL: fake.baseUrl }), 2000);
    const user = userId();
    const { httpResponse, body } = await client.pushMessageWithHttpInfo({ to: user, messages: [{ type: 'text', text: 'สวัสดี' }] });
    assert.strictEqual(httpResponse.status, 200);
    assert.strictEqual(httpResponse.ok, true);
    assert.match(httpResponse.headers.get('content-type') ?? '', /json/);
    assert.strictEqual(body.sentMessages.length, 1);
    // The SDK read it: as with fetch, it cannot be read again; a clone (which fetch would refuse
    // now) still has the bytes.
    assert.strictEqual(httpResponse.bodyUsed, true);
    await assert.rejects(httpResponse.text(), TypeError);
    assert.deepStrictEqual(await httpResponse.clone().json(), body);
    const again = await client.pushMessageWithHttpInfo({ to: user, messages: [{ type: 'text', text: 'อีกครั้ง' }] });
    const streamed = await new Response(again.httpResponse.clone().body).json();
    assert.deepStrictEqual(streamed.sentMessages.length, 1);
    assert.strictEqual(Buffer.from(await again.httpResponse.clone().arrayBuffer()).toString('utf8'), JSON.stringify(again.body));
  });

  it("limits the request of the call it is given to the attempt's limit, and later requests to the client's own again", async () => {
    const client = installDeadlines(new messagingApi.MessagingApiClient({ channelAccessToken: fake.accessToken, baseURL: fake.baseUrl }), 900);
    const push = () => client.pushMessage({ to: userId(), messages: [{ type: 'text', text: 'สวัสดี' }] });
    fake.failNextPushes('hang', 'hang', 'hang');
    const timed = async (call: () => Promise<unknown>) => {
      const started = Date.now();
      const err = await call().then(
        () => assert.fail('LINE answered'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof LineTimeoutError, String(err));
      return { limitMs: err.limitMs, tookMs: Date.now() - started };
    };
    // The SDK sends within the call (its request made before its first await); the push awaited in
    // a function of our own too.
    const limited = await timed(() => withAttemptLimit(150, push));
    assert.strictEqual(limited.limitMs, 150);
    assert.ok(limited.tookMs < 600, `took ${limited.tookMs} ms`);
    const wrapped = await timed(() => withAttemptLimit(200, async () => await push()));
    assert.strictEqual(wrapped.limitMs, 200);
    // Outside any attempt (and after one that has ended): the client's own limit.
    assert.strictEqual((await timed(push)).limitMs, 900);
    await eventually(() => fake.hungRequests === 0, 3000);
  });
});
