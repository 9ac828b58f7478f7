import assert from 'node:assert';
import { openDatabase, type Database } from '../../src/db/database';
import { generateFernetKey } from '../../src/crypto/fernet';
import { readSettings, updateSettings } from '../../src/live-chat/live-chat-settings';
import type { HandoffResult } from '../../src/live-chat/handoff';
import type { LineEventOutput } from '../../src/line/webhook-ingest';
import { describeEachDatabase, serverUrl } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { LiveChatHarness, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, postbackEvent, userId } from '../support/line-webhooks';

const GREETING = 'เจ้าหน้าที่จะติดต่อกลับในไม่ช้า กรุณารอสักครู่';

describeEachDatabase('handoff', (db, kind) => {
  const encryptionKey = generateFernetKey();
  const suite = useLiveChatHarness(db, { core: { encryptionKey } });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  beforeEach(() => ({ fake, chat } = suite));

  const texts = (rows: { content: Record<string, unknown> }[]) => rows.map((m) => m.content.text);
  const opened = (result: HandoffResult | undefined) => {
    assert.strictEqual(result?.outcome, 'opened');
    return result as Extract<HandoffResult, { outcome: 'opened' }>;
  };

  it('from BOT mode: HUMAN, a WAITING session, the greeting by reply token, the trigger in the session', async () => {
    const user = userId();
    const t = Date.now() - 5000;
    await chat.webhook([
      messageEvent('สวัสดีครับ', { userId: user, timestamp: t }),
      messageEvent('ขอสอบถามเรื่องพัสดุ', { userId: user, timestamp: t + 1 }),
      messageEvent('ยังไม่ได้รับของเลย', { userId: user, timestamp: t + 2 }),
    ]);
    const replyToken = fake.issueReplyToken();
    const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken, timestamp: t + 3 })]);
    const result = opened(await chat.handoff(output));

    assert.strictEqual((await chat.contactOf(user)).chat_mode, 'HUMAN');
    assert.strictEqual(result.contact.chat_mode, 'HUMAN');
    const [session] = await chat.sessionsOf(user);
    assert.deepStrictEqual(
      { status: session.status, operator_id: session.operator_id, message_count: session.message_count, closed_at: session.closed_at },
      { status: 'WAITING', operator_id: null, message_count: 1, closed_at: null },
    );
    assert.strictEqual(result.session.id, session.id);
    assert.strictEqual(result.session.message_count, 1);

    assert.deepStrictEqual(
      fake.requestsTo('POST', '/v2/bot/message/reply').map((r) => r.body),
      [{ replyToken, messages: [{ type: 'text', text: GREETING }] }],
    );
    assert.deepStrictEqual(fake.requestsTo('POST', '/v2/bot/message/push'), []);
    assert.deepStrictEqual([result.greeting.status, 'via' in result.greeting && result.greeting.via], ['SENT', 'reply']);

    const messages = await chat.messagesOf(user);
    assert.deepStrictEqual(
      messages.map((m) => [m.sender, m.content.text, m.session_id, m.delivery_status]),
      [
        ['USER', 'สวัสดีครับ', null, 'RECEIVED'],
        ['USER', 'ขอสอบถามเรื่องพัสดุ', null, 'RECEIVED'],
        ['USER', 'ยังไม่ได้รับของเลย', null, 'RECEIVED'],
        ['USER', 'ติดต่อเจ้าหน้าที่', session.id, 'RECEIVED'],
        ['SYSTEM', GREETING, session.id, 'SENT'],
      ],
    );
    assert.deepStrictEqual(texts(result.recentMessages), ['ขอสอบถามเรื่องพัสดุ', 'ยังไม่ได้รับของเลย', 'ติดต่อเจ้าหน้าที่']);
  });

  it('puts the messages stored right behind the keyword, before its session opened, into the session too', async () => {
    const user = userId();
    const t = Date.now() - 5000;
    const [keyword] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken(), timestamp: t })]);
    await chat.webhook([
      messageEvent('ขอสอบถามเรื่องพัสดุ', { userId: user, timestamp: t + 1000 }),
      messageEvent('เลขที่ 1234', { userId: user, timestamp: t + 2000 }),
    ]);
    const result = opened(await chat.handoff(keyword));
    assert.strictEqual(result.session.message_count, 3);
    assert.deepStrictEqual(
      (await chat.messagesOf(user)).map((m) => [m.content.text, m.session_id === result.session.id]),
      [
        ['ติดต่อเจ้าหน้าที่', true],
        ['ขอสอบถามเรื่องพัสดุ', true],
        ['เลขที่ 1234', true],
        [GREETING, true],
      ],
    );

    // A keyword run again after its chat closed and another began: what came between is no one's.
    await chat.app.sessions.closeIdle(new Date(Date.now() + 24 * 60 * 60 * 1000));
    await chat.webhook([messageEvent('ขอบคุณครับ', { userId: user })]);
    const [again] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
    const second = opened(await chat.handoff(again));
    assert.strictEqual((await chat.handoff(keyword))?.outcome, 'already-open');
    const between = (await chat.messagesOf(user)).find((m) => m.content.text === 'ขอบคุณครับ')!;
    assert.strictEqual(between.session_id, null);
    assert.strictEqual((await chat.sessionsOf(user)).find((s) => s.id === second.session.id)!.message_count, 1);
  });

  it("greets with the stored greeting, or the caller's own", async () => {
    await updateSettings(chat.app.store.settings, { handoff_greeting: 'รอสักครู่นะคะ' });
    await chat.waitingChat();
    const [output] = await chat.webhook([messageEvent('agent', { replyToken: fake.issueReplyToken() })]);
    opened(await chat.handoff(output, { greeting: 'Someone will be with you shortly' }));
    assert.deepStrictEqual(chat.replied(), [['รอสักครู่นะคะ'], ['Someone will be with you shortly']]);
  });

  it('checks the stored settings once per change, and the next message after a change uses the new keywords', async () => {
    const asks = (text: string) => chat.app.handoff.isTrigger({ event: messageEvent(text, { userId: userId() }) });
    assert.strictEqual(await asks('ขอแอดมินหน่อย'), false);
    assert.strictEqual(await asks('agent'), true);
    const settings = await readSettings(chat.app.store.settings);
    assert.strictEqual(await readSettings(chat.app.store.settings), settings, 'the same checked settings while none changed');
    assert.ok(Object.isFrozen(settings) && Object.isFrozen(settings.handoff_keywords), 'shared, so frozen');
    await updateSettings(chat.app.store.settings, { handoff_keywords: ['ขอแอดมินหน่อย'], time_zone: 'UTC' });
    assert.strictEqual(await asks('ขอแอดมินหน่อย'), true);
    assert.strictEqual(await asks('agent'), false);
    assert.strictEqual((await readSettings(chat.app.store.settings)).time_zone, 'UTC');
  });

  it('from the handoff postback, and from msg.handoff === true on any message', async () => {
    const a = userId();
    const [fromPostback] = await chat.webhookThroughHandoff([postbackEvent('action=handoff', { userId: a, replyToken: fake.issueReplyToken() })]);
    assert.strictEqual(opened(fromPostback).session.message_count, 0, 'a postback is no message');
    assert.deepStrictEqual(
      (await chat.messagesOf(a)).map((m) => [m.sender, m.content.text]),
      [['SYSTEM', GREETING]],
    );

    const b = userId();
    const [output] = await chat.webhook([messageEvent('สินค้าชำรุดค่ะ', { userId: b, replyToken: fake.issueReplyToken() })]);
    assert.strictEqual(await chat.handoff(output), undefined, 'not a keyword');
    const result = opened(await chat.handoff(output, { handoff: true }));
    assert.strictEqual(result.session.message_count, 1);
    assert.deepStrictEqual(chat.replied(), [[GREETING], [GREETING]]);
  });

  it("when the chat is HUMAN already: no second session, no greeting; the user's messages go into the open one", async () => {
    const user = await chat.waitingChat();
    const [hello] = await chat.webhookThroughHandoff([messageEvent('ยังรออยู่นะครับ', { userId: user, replyToken: fake.issueReplyToken() })]);
    assert.strictEqual(hello, undefined);
    const [again] = await chat.webhookThroughHandoff([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
    assert.strictEqual(again?.outcome, 'already-open');

    const sessions = await chat.sessionsOf(user);
    assert.strictEqual(sessions.length, 1);
    assert.strictEqual(again.session.id, sessions[0].id);
    assert.strictEqual(sessions[0].message_count, 3, 'the trigger, the question and the second keyword');
    assert.deepStrictEqual(chat.replied(), [[GREETING]]);
    assert.deepStrictEqual(fake.requestsTo('POST', '/v2/bot/message/push'), []);
    const userMessages = (await chat.messagesOf(user)).filter((m) => m.sender === 'USER');
    assert.deepStrictEqual(
      userMessages.map((m) => m.session_id),
      [sessions[0].id, sessions[0].id, sessions[0].id],
    );
  });

  it('keeps the handoff when the greeting cannot be sent, with the greeting FAILED in the history', async () => {
    fake.failNextPushes(500, 500, 500);
    const user = userId();
    // A reply token LINE does not know: the greeting falls back to push, which keeps failing.
    const [output] = await chat.webhook([messageEvent('human', { userId: user, replyToken: 'not-issued' })]);
    const result = opened(await chat.handoff(output));
    assert.strictEqual(result.greeting.status, 'FAILED');
    assert.strictEqual((await chat.contactOf(user)).chat_mode, 'HUMAN');
    assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
    const greeting = (await chat.messagesOf(user)).find((m) => m.sender === 'SYSTEM');
    // The refused reply and three pushes.
    assert.deepStrictEqual([greeting.delivery_status, greeting.delivery_attempts], ['FAILED', 4]);
  });

  it('opens one session and greets once when two handoffs for one contact run at once', async () => {
    const user = userId();
    const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
    const results = await Promise.all([chat.handoff(output), chat.handoff(output)]);
    assert.deepStrictEqual(results.map((r) => r?.outcome).sort(), ['already-open', 'opened']);
    const sessions = await chat.sessionsOf(user);
    assert.strictEqual(sessions.length, 1);
    assert.strictEqual(sessions[0].message_count, 1, 'the one trigger is counted once');
    assert.deepStrictEqual(chat.replied(), [[GREETING]]);
    assert.deepStrictEqual(fake.requestsTo('POST', '/v2/bot/message/push'), []);
    assert.strictEqual((await chat.messagesOf(user)).filter((m) => m.sender === 'SYSTEM').length, 1);
  });

  it('opens one session and greets once for two keyword messages in one webhook', async () => {
    const user = userId();
    const results = await chat.webhookThroughHandoff([
      messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() }),
      messageEvent('agent', { userId: user, replyToken: fake.issueReplyToken() }),
    ]);
    assert.deepStrictEqual(results.map((r) => r?.outcome).sort(), ['already-open', 'opened']);
    const sessions = await chat.sessionsOf(user);
    assert.strictEqual(sessions.length, 1);
    assert.strictEqual(sessions[0].message_count, 2, "both of the user's messages are in the session");
    assert.strictEqual(chat.replied().length, 1);
    assert.deepStrictEqual(fake.requestsTo('POST', '/v2/bot/message/push'), []);
    assert.deepStrictEqual(
      (await chat.messagesOf(user)).map((m) => [m.sender, m.session_id]),
      [
        ['USER', sessions[0].id],
        ['USER', sessions[0].id],
        ['SYSTEM', sessions[0].id],
      ],
    );
  });

  it('opens a new session after the last one closed', async () => {
    const user = await chat.waitingChat();
    await chat.app.sessions.closeIdle(new Date(Date.now() + 24 * 60 * 60 * 1000));
    await chat.waitingChat('agent', user);
    assert.deepStrictEqual(
      (await chat.sessionsOf(user)).map((s) => s.status),
      ['CLOSED', 'WAITING'],
    );
  });

  describe('the same event run again (emitted again after a crash: msg.line.redelivery)', () => {
    const rerun = async (output: LineEventOutput) =>
      chat.handoff(
        { ...output, contact: await chat.contactOf(output.contact!.line_user_id), line: { ...output.line, redelivery: true } },
        { webhookEventId: output.line.webhookEventId, redelivery: true },
      );

    it('finds the session its first run opened and sends no second greeting', async () => {
      const user = userId();
      const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
      const first = opened(await chat.handoff(output, { webhookEventId: output.line.webhookEventId }));
      const again = opened(await rerun(output));
      assert.strictEqual(again.resumed, true);
      assert.strictEqual(again.session.id, first.session.id);
      assert.deepStrictEqual([again.greeting.status, 'sentBefore' in again.greeting && again.greeting.sentBefore], ['SENT', true]);
      assert.strictEqual(fake.carriedOut.length, 1);
      assert.strictEqual((await chat.messagesOf(user)).filter((m) => m.sender === 'SYSTEM').length, 1);
    });

    it('pushes, under its own retry key, a greeting whose outcome is unknown (stored, still PENDING)', async () => {
      const user = userId();
      const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
      opened(await chat.handoff(output, { webhookEventId: output.line.webhookEventId }));
      // As a crash mid-call leaves it: stored, marked PENDING, and LINE maybe or maybe not reached.
      await db().sql.exec(`UPDATE messages SET delivery_status = 'PENDING' WHERE sender = 'SYSTEM'`);
      const again = opened(await rerun(output));
      assert.strictEqual(again.greeting.status, 'SENT');
      const [push] = fake.requestsTo('POST', '/v2/bot/message/push');
      const [greeting] = (await chat.messagesOf(user)).filter((m) => m.sender === 'SYSTEM');
      assert.strictEqual(push.headers['x-line-retry-key'], greeting.retry_key);
      assert.strictEqual(greeting.delivery_status, 'SENT');
    });

    it('opens nothing again once the session it opened has closed', async () => {
      const user = userId();
      const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
      opened(await chat.handoff(output, { webhookEventId: output.line.webhookEventId }));
      await chat.app.sessions.closeIdle(new Date(Date.now() + 24 * 60 * 60 * 1000));
      const again = await rerun(output);
      assert.strictEqual(again?.outcome, 'already-open');
      assert.deepStrictEqual(
        (await chat.sessionsOf(user)).map((s) => s.status),
        ['CLOSED'],
      );
    });
  });

  if (kind === 'postgres') {
    describe('on two instances sharing the database', () => {
      let otherDb: Database;
      let other: LiveChatHarness;
      beforeEach(async () => {
        otherDb = await openDatabase({ url: serverUrl! });
        other = await LiveChatHarness.start(otherDb, fake, { encryptionKey });
      });
      afterEach(async () => {
        await other.close();
        await otherDb.close();
      });

      it('opens one session and greets once when each instance gets a keyword from the user', async () => {
        const user = userId();
        const [here] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
        const [there] = await other.webhook([messageEvent('คุยกับเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
        for (let round = 0; round < 3; round += 1) {
          const results = await Promise.all([chat.handoff(here), other.handoff(there), chat.handoff(here), other.handoff(there)]);
          assert.strictEqual(results.filter((r) => r?.outcome === 'opened').length, round === 0 ? 1 : 0);
        }
        const sessions = await chat.sessionsOf(user);
        assert.strictEqual(sessions.length, 1);
        assert.strictEqual(sessions[0].message_count, 2);
        assert.strictEqual(chat.replied().length, 1);
        assert.strictEqual((await chat.messagesOf(user)).filter((m) => m.sender === 'SYSTEM').length, 1);
      });
    });
  }
});
