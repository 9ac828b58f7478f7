// CSAT in LINE (issue 12): the question on close as quick-reply postbacks, the answer stored
// against its session and operator however late, the comment after it, none of it reaching the
// bot or opening a handoff, each answer stored once.
import assert from 'node:assert';
import { updateSettings } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { BOT_USER_ID, messageEvent, postbackEvent, redelivered, userId } from '../support/line-webhooks';
import { type LineEventOutput, webhookEventRow } from '../../src/line/webhook-ingest';
import type { LineWebhookEvent } from '../../src/line/webhook-envelope';

const HOUR = 60 * 60 * 1000;

describeEachDatabase('CSAT in LINE', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  beforeEach(async () => {
    ({ fake, chat, somchai, malee } = suite);
    await updateSettings(chat.app.store.settings, { csat_enabled: true, csat_thanks: 'ขอบคุณค่ะ' });
  });

  const close = (user: string, as: TestOperator) => chat.api('POST', `/admin/live-chat/conversations/${user}/close`, as, {});
  const questionsTo = (user: string) =>
    fake
      .requestsTo('POST', '/v2/bot/message/push')
      .filter((r) => r.body?.to === user)
      .flatMap((r) => r.body.messages)
      .filter((m: any) => m.quickReply);
  const ratingOf = (sessionId: number) => chat.app.store.sessionRatings.bySession(sessionId);
  /** A webhook, and the acknowledgements of what it consumed (sent after its msgs are out). */
  async function deliver(events: Record<string, unknown>[]) {
    const outputs = await chat.webhook(events);
    await chat.app.lineWebhook.idle();
    return outputs;
  }
  const tap = (user: string, data: string) => deliver([postbackEvent(data, { userId: user, replyToken: fake.issueReplyToken() })]);

  /** A chat `operator` claimed and closed: its user and session id. */
  async function closedChat(operator: TestOperator, user = userId()): Promise<{ user: string; sessionId: number }> {
    await chat.activeChat(operator, user);
    const res = await close(user, operator);
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    const sessions = await chat.sessionsOf(user);
    return { user, sessionId: sessions.at(-1).id };
  }

  it('asks on close, after the closing message, with one postback button per score, once', async () => {
    const { user, sessionId } = await closedChat(somchai);
    const pushed = chat.pushedTo(user);
    assert.strictEqual(pushed.length, 2, JSON.stringify(pushed));
    assert.match(pushed[0][0], /ขอบคุณที่ติดต่อเรา/);
    const [question] = questionsTo(user);
    assert.strictEqual(question.text, 'คุณพอใจกับการดูแลของเจ้าหน้าที่ครั้งนี้แค่ไหน');
    assert.deepStrictEqual(
      question.quickReply.items.map((i: any) => [i.type, i.action.type, i.action.label, i.action.data, i.action.displayText]),
      [1, 2, 3, 4, 5].map((n) => ['action', 'postback', `${n}/5`, `csat:${sessionId}:${n}`, `${n}/5`]),
    );
    const rating = await ratingOf(sessionId);
    assert.deepStrictEqual([rating?.operator_id, rating?.score, rating?.contact_id], [somchai.id, null, (await chat.contactOf(user)).id]);
    const stored = (await chat.messagesOf(user)).filter((m) => m.send_key === `csat:${sessionId}`);
    assert.deepStrictEqual(
      stored.map((m) => [m.sender, m.session_id, m.delivery_status]),
      [['SYSTEM', sessionId, 'SENT']],
    );
    // Closing again changes nothing and asks nothing.
    await close(user, somchai);
    assert.strictEqual(questionsTo(user).length, 1);
  });

  it('stores the closing words and the question with the close: when they cannot go at once they are kept, swept FAILED and sent by Retry', async () => {
    const user = await chat.activeChat(somchai);
    // A flow closing with a LINE credential that does not exist: nothing can be sent after the close.
    const closed = await chat.app.sessions.close(user, null, { credential: 'no-such-credential' });
    assert.strictEqual(closed.changed, true);
    const sessionId = closed.session!.id;
    const keyed = async () =>
      (await chat.messagesOf(user))
        .filter((m) => m.send_key === `closing:${sessionId}` || m.send_key === `csat:${sessionId}`)
        .map((m) => [m.send_key, m.sender, m.delivery_status]);
    assert.deepStrictEqual(await keyed(), [
      [`closing:${sessionId}`, 'SYSTEM', 'PENDING'],
      [`csat:${sessionId}`, 'SYSTEM', 'PENDING'],
    ]);
    assert.deepStrictEqual(chat.pushedTo(user), []);
    // As after a crash: the sweep of interrupted sends marks them FAILED, and Retry sends them.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.strictEqual((await chat.app.store.messages.failInterruptedSends(10, 'Interrupted')).length, 2);
    for (const key of [`closing:${sessionId}`, `csat:${sessionId}`]) {
      const message = (await chat.messagesOf(user)).find((m) => m.send_key === key);
      const retried = await chat.api('POST', `/admin/live-chat/conversations/${user}/messages/${message.id}/retry`, chat.admin);
      assert.strictEqual(retried.status, 200, JSON.stringify(retried.body));
    }
    assert.deepStrictEqual(
      (await keyed()).map(([, , status]) => status),
      ['SENT', 'SENT'],
    );
    assert.strictEqual(questionsTo(user).length, 1);
    assert.strictEqual(chat.pushedTo(user).length, 2);
  });

  it('asks in words on the satisfaction scale', async () => {
    await updateSettings(chat.app.store.settings, { csat_scale: 'satisfaction', csat_question: 'พอใจไหมคะ' });
    const { user, sessionId } = await closedChat(somchai);
    const [question] = questionsTo(user);
    assert.strictEqual(question.text, 'พอใจไหมคะ');
    assert.deepStrictEqual(
      question.quickReply.items.map((i: any) => [i.action.label, i.action.data]),
      [
        ['พอใจมาก', `csat:${sessionId}:5`],
        ['พอใจ', `csat:${sessionId}:4`],
        ['เฉยๆ', `csat:${sessionId}:3`],
        ['ไม่พอใจ', `csat:${sessionId}:2`],
        ['ไม่พอใจมาก', `csat:${sessionId}:1`],
      ],
    );
  });

  it('does not ask when it is off, nor for a chat nobody claimed', async () => {
    const missed = await chat.waitingChat();
    await close(missed, somchai);
    assert.deepStrictEqual(questionsTo(missed), []);
    const [session] = await chat.sessionsOf(missed);
    assert.strictEqual(await ratingOf(session.id), undefined);

    await updateSettings(chat.app.store.settings, { csat_enabled: false });
    const { user, sessionId } = await closedChat(somchai);
    assert.deepStrictEqual(questionsTo(user), []);
    assert.strictEqual(await ratingOf(sessionId), undefined);
  });

  it('asks when a flow closes a claimed chat (live-chat-action), naming no operator', async () => {
    const user = await chat.activeChat(somchai);
    const result = await chat.app.sessions.close(user, null, { message: '' });
    assert.strictEqual(result.changed, true);
    assert.deepStrictEqual(chat.pushedTo(user), [['คุณพอใจกับการดูแลของเจ้าหน้าที่ครั้งนี้แค่ไหน']]);
    assert.strictEqual((await ratingOf(result.session!.id))?.operator_id, somchai.id);
  });

  it('asks when the system closes a claimed chat idle, not a missed one', async () => {
    const claimed = await chat.activeChat(somchai);
    const missed = await chat.waitingChat();
    await chat.app.sessions.closeIdle(new Date(Date.now() + 2 * HOUR));
    assert.strictEqual(questionsTo(claimed).length, 1);
    assert.deepStrictEqual(questionsTo(missed), []);
    const [session] = await chat.sessionsOf(claimed);
    assert.strictEqual((await ratingOf(session.id))?.operator_id, somchai.id);
  });

  it('stores a rating hours later against its own session and operator, not the newer chat, and never hands it to the bot', async () => {
    const first = await closedChat(somchai);
    // Three hours pass; the user hands off again and มาลี serves and closes that chat.
    await chat.app.db.sql.exec(
      `UPDATE chat_sessions SET started_at = started_at - interval '3 hours', claimed_at = claimed_at - interval '3 hours', closed_at = closed_at - interval '3 hours' WHERE id = $1`,
      [first.sessionId],
    );
    await chat.app.db.sql.exec(`UPDATE session_ratings SET asked_at = asked_at - interval '3 hours' WHERE session_id = $1`, [first.sessionId]);
    const second = await closedChat(malee, first.user);
    assert.notStrictEqual(second.sessionId, first.sessionId);

    const outputs = await tap(first.user, `csat:${first.sessionId}:4`);
    assert.deepStrictEqual(outputs, [], 'the rating is not a msg for the flow');
    const rating = await ratingOf(first.sessionId);
    assert.deepStrictEqual([rating?.score, rating?.operator_id], [4, somchai.id]);
    assert.ok(rating?.rated_at);
    assert.strictEqual((await ratingOf(second.sessionId))?.score, null);
    // No handoff: the chat stays with the bot, no session opened.
    assert.strictEqual((await chat.contactOf(first.user)).chat_mode, 'BOT');
    assert.ok((await chat.sessionsOf(first.user)).every((s) => s.status === 'CLOSED'));
    // The thanks, by reply token.
    assert.deepStrictEqual(chat.replied().at(-1), ['ขอบคุณค่ะ']);
    // The flow's work of the event is done: the recovery pass never emits it.
    const event = await chat.app.db.sql.row<{ flow_done_at: Date | null }>(
      `SELECT flow_done_at FROM webhook_events WHERE event_type = 'postback' AND line_user_id = $1`,
      [first.user],
    );
    assert.ok(event?.flow_done_at);
    // On the chat's timeline and in the conversation JSON.
    const conversation = await chat.api('GET', `/admin/live-chat/conversations/${first.user}`, somchai);
    const rated = conversation.body.timeline.filter((e: any) => e.kind === 'rated');
    assert.deepStrictEqual(
      rated.map((e: any) => [e.session_id, e.score, e.to_operator?.id]),
      [[first.sessionId, 4, somchai.id]],
    );
  });

  it('stores an answer once: a redelivery, a second tap, another user’s session or a bad score change nothing and reach no flow', async () => {
    const { user, sessionId } = await closedChat(somchai);
    const event = postbackEvent(`csat:${sessionId}:2`, { userId: user, replyToken: fake.issueReplyToken() });
    assert.deepStrictEqual(await deliver([event]), []);
    assert.deepStrictEqual(await deliver([redelivered(event)]), []);
    assert.deepStrictEqual(await tap(user, `csat:${sessionId}:5`), []);
    const rating = await ratingOf(sessionId);
    assert.strictEqual(rating?.score, 2);
    const entries = await chat.app.db.sql.rows(`SELECT * FROM chat_timeline WHERE session_id = $1 AND kind = 'rated'`, [sessionId]);
    assert.strictEqual(entries.length, 1);
    assert.deepStrictEqual(
      chat.replied().filter(([text]) => text === 'ขอบคุณค่ะ'),
      [['ขอบคุณค่ะ']],
      'one thanks',
    );

    const other = await closedChat(malee);
    assert.deepStrictEqual(await tap(user, `csat:${other.sessionId}:1`), []);
    assert.deepStrictEqual(await tap(other.user, `csat:${other.sessionId}:9`), []);
    assert.deepStrictEqual(await tap(other.user, `csat:nope`), []);
    assert.strictEqual((await ratingOf(other.sessionId))?.score, null);

    // A postback that is not ours still goes to the flow.
    const outputs = await tap(user, 'action=menu');
    assert.strictEqual(outputs.length, 1);
  });

  it('records a rating stored before a crash (never processed) in the recovery pass, once, emitting it to no flow', async () => {
    const { user, sessionId } = await closedChat(somchai);
    const event = postbackEvent(`csat:${sessionId}:4`, { userId: user, replyToken: fake.issueReplyToken() });
    await chat.app.store.webhookEvents.insertNew([webhookEventRow(event as unknown as LineWebhookEvent, BOT_USER_ID, null)]);
    await chat.app.db.sql.exec(`UPDATE webhook_events SET received_at = now() - interval '1 minute' WHERE webhook_event_id = $1`, [
      event.webhookEventId as string,
    ]);
    const emitted: LineEventOutput[] = [];
    chat.app.lineWebhook.registerSink(null, (outputs) => emitted.push(...outputs));
    for (let run = 0; run < 2; run++) {
      await chat.app.lineWebhook.recoverNow();
      await chat.app.lineWebhook.idle();
    }
    assert.deepStrictEqual(emitted, []);
    assert.strictEqual((await ratingOf(sessionId))?.score, 4);
    const row = await chat.app.db.sql.row<{ processed_at: Date | null; flow_done_at: Date | null }>(
      `SELECT processed_at, flow_done_at FROM webhook_events WHERE webhook_event_id = $1`,
      [event.webhookEventId as string],
    );
    assert.ok(row?.processed_at && row.flow_done_at, 'processed, and its flow done');
  });

  describe('with a comment asked for', () => {
    beforeEach(() => updateSettings(chat.app.store.settings, { csat_ask_comment: true, csat_comment_prompt: 'เล่าเพิ่มได้นะคะ' }));

    it('takes the next text as the comment (not the bot’s), thanks once, and then the chat is the bot’s again', async () => {
      const { user, sessionId } = await closedChat(somchai);
      await tap(user, `csat:${sessionId}:5`);
      assert.deepStrictEqual(chat.replied().at(-1), ['เล่าเพิ่มได้นะคะ']);

      const comment = await deliver([messageEvent('พนักงานบริการดีมาก', { userId: user, replyToken: fake.issueReplyToken() })]);
      assert.deepStrictEqual(comment, [], 'the comment is not a msg for the flow');
      const rating = await ratingOf(sessionId);
      assert.deepStrictEqual([rating?.score, rating?.comment], [5, 'พนักงานบริการดีมาก']);
      assert.deepStrictEqual(chat.replied().at(-1), ['ขอบคุณค่ะ']);
      assert.strictEqual((await chat.contactOf(user)).chat_mode, 'BOT');
      const conversation = await chat.api('GET', `/admin/live-chat/conversations/${user}`, somchai);
      const commented = conversation.body.timeline.find((e: any) => e.kind === 'commented');
      assert.deepStrictEqual([commented?.text, commented?.session_id], ['พนักงานบริการดีมาก', sessionId]);

      const next = await deliver([messageEvent('ราคาเท่าไหร่', { userId: user })]);
      assert.strictEqual(next.length, 1, 'the text after the comment is the bot’s');
    });

    it('takes a comment sent together with the rating, in one webhook', async () => {
      const { user, sessionId } = await closedChat(somchai);
      const outputs = await deliver([
        postbackEvent(`csat:${sessionId}:3`, { userId: user, replyToken: fake.issueReplyToken() }),
        messageEvent('โอเคค่ะ', { userId: user, replyToken: fake.issueReplyToken() }),
      ]);
      assert.deepStrictEqual(outputs, []);
      const rating = await ratingOf(sessionId);
      assert.deepStrictEqual([rating?.score, rating?.comment], [3, 'โอเคค่ะ']);
    });

    it('lets a handoff keyword be a handoff, not a comment', async () => {
      const { user, sessionId } = await closedChat(somchai);
      await tap(user, `csat:${sessionId}:1`);
      const [output] = await deliver([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
      assert.ok(output, 'the keyword goes to the flow');
      assert.strictEqual((await chat.handoff(output))?.outcome, 'opened');
      assert.strictEqual((await ratingOf(sessionId))?.comment, null);
    });

    it('leaves a text after the window to the bot', async () => {
      const { user, sessionId } = await closedChat(somchai);
      await tap(user, `csat:${sessionId}:4`);
      await chat.app.db.sql.exec(`UPDATE session_ratings SET rated_at = rated_at - interval '31 minutes' WHERE session_id = $1`, [sessionId]);
      const outputs = await deliver([messageEvent('มีสินค้าไหม', { userId: user })]);
      assert.strictEqual(outputs.length, 1);
      assert.strictEqual((await ratingOf(sessionId))?.comment, null);
    });
  });

  it('refuses bad CSAT settings with the field named, changing nothing', async () => {
    for (const [key, value] of [
      ['csat_scale', 'stars'],
      ['csat_enabled', 'yes'],
      ['csat_question', '  '],
      ['csat_comment_prompt', 'x'.repeat(1001)],
      ['csat_thanks', 5],
    ] as const) {
      const res = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { [key]: value, csat_ask_comment: true });
      assert.deepStrictEqual([res.status, res.body.field], [400, key]);
    }
    const now = await chat.api('GET', '/admin/live-chat/settings', chat.admin);
    assert.deepStrictEqual([now.body.settings.csat_scale, now.body.settings.csat_ask_comment], ['numbers', false]);
  });
});
