import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';

describeEachDatabase('operator messages', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  beforeEach(() => ({ fake, chat, somchai, malee } = suite));

  const send = (user: string, as: TestOperator, body: unknown) => chat.api('POST', `/admin/live-chat/conversations/${user}/messages`, as, body);
  const retry = (user: string, id: number | string, as: TestOperator) => chat.api('POST', `/admin/live-chat/conversations/${user}/messages/${id}/retry`, as);
  const pushes = () => fake.requestsTo('POST', '/v2/bot/message/push');
  const ref = (o: TestOperator) => ({ id: o.id, username: o.username, display_name: o.display_name });
  const outgoing = async (user: string) => (await chat.messagesOf(user)).filter((m) => m.sender === 'OPERATOR');

  it("pushes {text} with a retry key, stores it SENT as the operator's, and answering a WAITING chat claims it", async () => {
    const user = await chat.waitingChat();
    const res = await send(user, somchai, { text: 'สวัสดีค่ะ มีอะไรให้ช่วยคะ' });
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual([res.body.status, res.body.via], ['SENT', 'push']);
    const [session] = await chat.sessionsOf(user);
    assert.strictEqual(res.body.messages.length, 1);
    const { id, created_at, ...message } = res.body.messages[0];
    assert.deepStrictEqual(message, {
      session_id: session.id,
      direction: 'OUT',
      sender: 'OPERATOR',
      operator: ref(somchai),
      message_type: 'text',
      content: { type: 'text', text: 'สวัสดีค่ะ มีอะไรให้ช่วยคะ' },
      delivery_status: 'SENT',
      delivery_attempts: 1,
      delivery_error: null,
    });
    assert.ok(Number.isInteger(id) && !Number.isNaN(Date.parse(created_at)));

    const [push] = pushes();
    assert.deepStrictEqual(push.body, { to: user, messages: [{ type: 'text', text: 'สวัสดีค่ะ มีอะไรให้ช่วยคะ' }] });
    const [stored] = await outgoing(user);
    assert.strictEqual(push.headers['x-line-retry-key'], stored.retry_key);
    assert.deepStrictEqual([session.status, session.operator_id], ['ACTIVE', somchai.id]);
  });

  it('sends {messages: [...]} of up to five in one push', async () => {
    const user = await chat.waitingChat();
    const messages = [{ type: 'text', text: 'รายละเอียดค่ะ' }, { type: 'sticker', packageId: '446', stickerId: '1988' }, 'ขอบคุณค่ะ'];
    const res = await send(user, somchai, { messages });
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(
      res.body.messages.map((m: any) => [m.message_type, m.delivery_status]),
      [
        ['text', 'SENT'],
        ['sticker', 'SENT'],
        ['text', 'SENT'],
      ],
    );
    assert.deepStrictEqual(chat.pushedTo(user), [['รายละเอียดค่ะ', '[sticker]', 'ขอบคุณค่ะ']]);
    assert.strictEqual(new Set((await outgoing(user)).map((m) => m.retry_key)).size, 1);
  });

  it('counts both sides in message_count (not the greeting) and sets first_response_at once', async () => {
    const user = await chat.waitingChat();
    await send(user, somchai, { text: 'สวัสดีค่ะ' });
    const first = (await chat.sessionsOf(user))[0].first_response_at;
    assert.ok(first instanceof Date);
    await chat.webhook([messageEvent('เลขพัสดุ TH123 ครับ', { userId: user })]);
    await send(user, somchai, { messages: ['ได้รับแล้วค่ะ', 'กำลังตรวจสอบ'] });
    const [session] = await chat.sessionsOf(user);
    assert.strictEqual(session.message_count, 5, 'trigger + 1 operator + 1 user + 2 operator');
    assert.strictEqual(session.first_response_at.getTime(), first.getTime());
  });

  for (const [name, body, field] of [
    ['no text or messages', {}, 'messages'],
    ['an empty text', { text: '  ' }, 'text'],
    ['a text that is not a string', { text: 5 }, 'text'],
    ['a text over 5000 characters', { text: 'ก'.repeat(5001) }, 'text'],
    ['both text and messages', { text: 'a', messages: ['b'] }, 'messages'],
    ['no messages', { messages: [] }, 'messages'],
    ['six messages', { messages: ['1', '2', '3', '4', '5', '6'] }, 'messages'],
    ['a message text over 5000 characters', { messages: ['ok', { type: 'text', text: 'x'.repeat(5001) }] }, 'messages'],
    ['a message without a type', { messages: [{ text: 'x' }] }, 'messages'],
    ['messages that are not a list', { messages: 'hi' }, 'messages'],
  ] as const) {
    it(`answers 400 naming ${field} for ${name}, storing, sending and claiming nothing`, async () => {
      const user = await chat.waitingChat();
      const res = await send(user, somchai, body);
      assert.deepStrictEqual([res.status, res.body.field], [400, field]);
      assert.deepStrictEqual(await outgoing(user), []);
      assert.deepStrictEqual(pushes(), []);
      const [session] = await chat.sessionsOf(user);
      assert.deepStrictEqual([session.status, session.message_count], ['WAITING', 1]);
    });
  }

  it('is for the holder or an admin in an ACTIVE chat: 403 naming the holder to others', async () => {
    const user = await chat.activeChat(somchai);
    const refused = await send(user, malee, { text: 'ให้ช่วยไหมคะ' });
    assert.strictEqual(refused.status, 403);
    assert.deepStrictEqual(refused.body.operator, ref(somchai));
    assert.match(refused.body.error, /สมชาย/);
    assert.deepStrictEqual(await outgoing(user), []);

    const byAdmin = await send(user, chat.admin, { text: 'หัวหน้าทีมค่ะ' });
    assert.strictEqual(byAdmin.status, 200);
    assert.deepStrictEqual(byAdmin.body.messages[0].operator, ref(chat.admin));
    assert.strictEqual((await chat.sessionsOf(user))[0].operator_id, somchai.id, 'the chat stays with its holder');
  });

  it('answers 409 when the chat has no open session, sending nothing', async () => {
    const user = userId();
    await chat.webhook([messageEvent('สวัสดีครับ', { userId: user })]);
    const res = await send(user, somchai, { text: 'hello' });
    assert.strictEqual(res.status, 409);
    assert.deepStrictEqual(await outgoing(user), []);
    assert.deepStrictEqual(pushes(), []);
  });

  it('retries a failed push under the same retry key until LINE takes it', async () => {
    const user = await chat.waitingChat();
    fake.failNextPushes(500);
    const res = await send(user, somchai, { text: 'ลองใหม่' });
    assert.deepStrictEqual([res.status, res.body.status, res.body.messages[0].delivery_attempts], [200, 'SENT', 2]);
    const keys = pushes().map((p) => p.headers['x-line-retry-key']);
    assert.strictEqual(keys.length, 2);
    assert.strictEqual(keys[0], keys[1]);
    assert.strictEqual(keys[0], (await outgoing(user))[0].retry_key);
  });

  it('counts a 409 for its own retry key as delivered (the first answer was lost)', async () => {
    const user = await chat.waitingChat();
    fake.loseNextPushAnswers(1);
    const res = await send(user, somchai, { text: 'ส่งครั้งเดียว' });
    assert.deepStrictEqual([res.status, res.body.status], [200, 'SENT']);
    assert.strictEqual(pushes().length, 2);
    assert.strictEqual((await outgoing(user))[0].delivery_status, 'SENT');
  });

  it('answers 502 with the message FAILED when every attempt fails; it stays FAILED in the history', async () => {
    const user = await chat.waitingChat();
    fake.failNextPushes(500, 500, 500);
    const res = await send(user, somchai, { text: 'ไม่ถึง' });
    assert.strictEqual(res.status, 502);
    assert.strictEqual(res.body.status, 'FAILED');
    assert.deepStrictEqual(
      res.body.messages.map((m: any) => [m.delivery_status, m.delivery_attempts]),
      [['FAILED', 3]],
    );
    assert.match(res.body.messages[0].delivery_error, /500/);
    assert.match(res.body.error, /LINE did not take the message/);

    const detail = await chat.api('GET', `/admin/live-chat/conversations/${user}`, somchai);
    assert.deepStrictEqual(detail.body.messages[0].id, res.body.messages[0].id);
    assert.deepStrictEqual(detail.body.messages[0].delivery_status, 'FAILED');
  });

  it('sends a FAILED message again under its retry key, ending SENT; a SENT one answers 409', async () => {
    const user = await chat.waitingChat();
    fake.failNextPushes(500, 500, 500);
    const failed = await send(user, somchai, { messages: ['หนึ่ง', 'สอง'] });
    assert.strictEqual(failed.status, 502);
    const countBefore = (await chat.sessionsOf(user))[0].message_count;

    const res = await retry(user, failed.body.messages[1].id, somchai);
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(
      res.body.messages.map((m: any) => [m.id, m.delivery_status, m.delivery_attempts]),
      [
        [failed.body.messages[0].id, 'SENT', 4],
        [failed.body.messages[1].id, 'SENT', 4],
      ],
    );
    const all = pushes();
    assert.strictEqual(all.length, 4);
    assert.strictEqual(new Set(all.map((p) => p.headers['x-line-retry-key'])).size, 1);
    assert.deepStrictEqual(all[3].body.messages, [
      { type: 'text', text: 'หนึ่ง' },
      { type: 'text', text: 'สอง' },
    ]);
    assert.strictEqual((await chat.sessionsOf(user))[0].message_count, countBefore, 'a retry is not a new message');

    const again = await retry(user, failed.body.messages[0].id, somchai);
    assert.strictEqual(again.status, 409);
    assert.strictEqual(pushes().length, 4);
  });

  it('a retry of a push LINE had carried out after all is answered 409 by LINE and ends SENT, delivered once', async () => {
    const user = await chat.waitingChat();
    // Two attempts fail; the third is carried out but its answer is lost.
    fake.failNextPushes(500, 500);
    fake.loseNextPushAnswers(1);
    const failed = await send(user, somchai, { text: 'ถึงแล้วจริงๆ' });
    assert.strictEqual(failed.status, 502);
    const res = await retry(user, failed.body.messages[0].id, somchai);
    assert.deepStrictEqual([res.status, res.body.status, res.body.messages[0].delivery_status], [200, 'SENT', 'SENT']);
    assert.strictEqual(pushes().length, 4);
    assert.strictEqual(new Set(pushes().map((p) => p.headers['x-line-retry-key'])).size, 1);
  });

  it("refuses to retry what is not the contact's failed outgoing message", async () => {
    const user = await chat.waitingChat();
    const other = await chat.waitingChat();
    fake.failNextPushes(500, 500, 500);
    const failed = await send(other, somchai, { text: 'x' });
    const incoming = (await chat.messagesOf(user)).find((m) => m.sender === 'USER');
    assert.strictEqual((await retry(user, failed.body.messages[0].id, somchai)).status, 404, "another contact's message");
    assert.strictEqual((await retry(user, 999999, somchai)).status, 404);
    assert.strictEqual((await retry(user, incoming.id, somchai)).status, 409);
    const bad = await retry(user, 'abc', somchai);
    assert.deepStrictEqual([bad.status, bad.body.field], [400, 'id']);
  });

  it('lets only the holder or an admin retry in an ACTIVE chat', async () => {
    const user = await chat.activeChat(somchai);
    fake.failNextPushes(500, 500, 500);
    const failed = await send(user, somchai, { text: 'x' });
    assert.strictEqual((await retry(user, failed.body.messages[0].id, malee)).status, 403);
    assert.strictEqual((await retry(user, failed.body.messages[0].id, chat.admin)).status, 200);
  });
});
