import assert from 'node:assert';
import { DEFAULT_SETTINGS, updateSettings } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { followEvent, messageEvent, unfollowEvent, userId } from '../support/line-webhooks';

const HOUR = 60 * 60 * 1000;

describeEachDatabase('chat sessions', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  beforeEach(() => ({ fake, chat, somchai, malee } = suite));

  const path = (user: string, action: string) => `/admin/live-chat/conversations/${user}/${action}`;
  const ref = (o: TestOperator) => ({ id: o.id, username: o.username, display_name: o.display_name });

  describe('claim', () => {
    it('makes a WAITING chat ACTIVE for the operator, with claimed_at', async () => {
      const user = await chat.waitingChat();
      const before = Date.now();
      const res = await chat.api('POST', path(user, 'claim'), somchai);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.body.changed, true);
      assert.deepStrictEqual([res.body.session.status, res.body.session.operator], ['ACTIVE', ref(somchai)]);
      assert.deepStrictEqual(res.body.conversation.session.operator, ref(somchai));
      const [session] = await chat.sessionsOf(user);
      assert.deepStrictEqual([session.status, session.operator_id], ['ACTIVE', somchai.id]);
      assert.ok(session.claimed_at.getTime() >= before - 1000 && session.claimed_at.getTime() <= Date.now() + 1000);
      assert.strictEqual(res.body.session.claimed_at, session.claimed_at.toISOString());
    });

    it('has one winner when two operators claim at once; the other gets 409 naming the owner', async () => {
      for (let round = 0; round < 3; round += 1) {
        const user = await chat.waitingChat();
        const answers = await Promise.all([chat.api('POST', path(user, 'claim'), somchai), chat.api('POST', path(user, 'claim'), malee)]);
        assert.deepStrictEqual(answers.map((a) => a.status).sort(), [200, 409]);
        const winner = answers[0].status === 200 ? somchai : malee;
        const loser = answers.find((a) => a.status === 409)!;
        assert.deepStrictEqual(loser.body.operator, ref(winner));
        assert.match(loser.body.error, new RegExp(winner.display_name));
        assert.strictEqual((await chat.sessionsOf(user))[0].operator_id, winner.id);
      }
    });

    it('answers 200 changed:false to the holder claiming again, 409 to anyone else, even an admin', async () => {
      const user = await chat.activeChat(somchai);
      const again = await chat.api('POST', path(user, 'claim'), somchai);
      assert.deepStrictEqual([again.status, again.body.changed, again.body.session.operator.id], [200, false, somchai.id]);
      const other = await chat.api('POST', path(user, 'claim'), chat.admin);
      assert.deepStrictEqual([other.status, other.body.operator], [409, ref(somchai)]);
    });

    it('answers 409 when the chat has no open session', async () => {
      const user = userId();
      await chat.webhook([messageEvent('สวัสดีครับ', { userId: user })]);
      const res = await chat.api('POST', path(user, 'claim'), somchai);
      assert.strictEqual(res.status, 409);
      assert.match(res.body.error, /no open session/);
    });
  });

  describe('close', () => {
    it('closes by OPERATOR, hands the user back to the bot and sends the closing_message as SYSTEM', async () => {
      const user = await chat.activeChat(somchai);
      const res = await chat.api('POST', path(user, 'close'), somchai);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.body.changed, true);
      assert.deepStrictEqual(res.body.closing_message, { status: 'SENT' });
      assert.deepStrictEqual([res.body.session.status, res.body.session.closed_by, res.body.conversation.chat_mode], ['CLOSED', 'OPERATOR', 'BOT']);

      const [session] = await chat.sessionsOf(user);
      assert.deepStrictEqual([session.status, session.closed_by, session.operator_id], ['CLOSED', 'OPERATOR', somchai.id]);
      assert.ok(session.closed_at instanceof Date);
      assert.strictEqual((await chat.contactOf(user)).chat_mode, 'BOT');
      assert.deepStrictEqual(chat.pushedTo(user), [[DEFAULT_SETTINGS.closing_message]]);
      const closing = (await chat.messagesOf(user)).at(-1);
      assert.deepStrictEqual([closing.sender, closing.operator_id, closing.session_id, closing.delivery_status], ['SYSTEM', null, session.id, 'SENT']);
      assert.strictEqual(session.message_count, 1, 'the trigger only: system texts are not counted');
      assert.strictEqual(session.first_response_at, null);
    });

    it("sends the operator's own closing message as theirs, counted; an empty one sends nothing", async () => {
      const user = await chat.activeChat(somchai);
      const res = await chat.api('POST', path(user, 'close'), somchai, { message: 'ขอบคุณค่ะ ยินดีให้บริการ' });
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(chat.pushedTo(user), [['ขอบคุณค่ะ ยินดีให้บริการ']]);
      const closing = (await chat.messagesOf(user)).at(-1);
      assert.deepStrictEqual([closing.sender, closing.operator_id], ['OPERATOR', somchai.id]);
      const [session] = await chat.sessionsOf(user);
      assert.strictEqual(session.message_count, 2);
      assert.ok(session.first_response_at instanceof Date);

      const quiet = await chat.activeChat(malee);
      const silent = await chat.api('POST', path(quiet, 'close'), malee, { message: '' });
      assert.deepStrictEqual([silent.status, silent.body.changed, silent.body.closing_message], [200, true, undefined]);
      assert.deepStrictEqual(chat.pushedTo(quiet), []);
      assert.strictEqual((await chat.sessionsOf(quiet))[0].status, 'CLOSED');
    });

    it('sends nothing when the closing_message setting is empty', async () => {
      await updateSettings(chat.app.store.settings, { closing_message: '' });
      const user = await chat.waitingChat();
      assert.strictEqual((await chat.api('POST', path(user, 'close'), somchai)).status, 200);
      assert.deepStrictEqual(chat.pushedTo(user), []);
    });

    it('answers 200 changed:false to a second close, sending nothing more', async () => {
      const user = await chat.activeChat(somchai);
      await chat.api('POST', path(user, 'close'), somchai);
      const again = await chat.api('POST', path(user, 'close'), somchai);
      assert.deepStrictEqual([again.status, again.body.changed, again.body.session], [200, false, null]);
      assert.strictEqual(chat.pushedTo(user).length, 1);
      assert.strictEqual((await chat.sessionsOf(user)).length, 1);
    });

    it('is for the holder or an admin in an ACTIVE chat (403 naming the holder); anyone may close a WAITING one', async () => {
      const user = await chat.activeChat(somchai);
      const refused = await chat.api('POST', path(user, 'close'), malee);
      assert.strictEqual(refused.status, 403);
      assert.deepStrictEqual(refused.body.operator, ref(somchai));
      assert.match(refused.body.error, /สมชาย/);
      assert.strictEqual((await chat.sessionsOf(user))[0].status, 'ACTIVE');
      assert.strictEqual((await chat.api('POST', path(user, 'close'), chat.admin)).status, 200);

      const waiting = await chat.waitingChat();
      assert.strictEqual((await chat.api('POST', path(waiting, 'close'), malee)).status, 200);
    });

    it('refuses a closing message that is not a text or too long, changing nothing', async () => {
      const user = await chat.activeChat(somchai);
      for (const body of [{ message: 42 }, { message: 'ก'.repeat(5001) }, ['x']]) {
        const res = await chat.api('POST', path(user, 'close'), somchai, body);
        assert.strictEqual(res.status, 400, JSON.stringify(body));
        if (!Array.isArray(body)) assert.strictEqual(res.body.field, 'message');
      }
      assert.strictEqual((await chat.sessionsOf(user))[0].status, 'ACTIVE');
      assert.deepStrictEqual(chat.pushedTo(user), []);
    });
  });

  it('closes the chat by USER when the user unfollows, telling them nothing', async () => {
    const user = await chat.activeChat(somchai);
    await chat.webhook([unfollowEvent({ userId: user })]);
    const [session] = await chat.sessionsOf(user);
    assert.deepStrictEqual([session.status, session.closed_by], ['CLOSED', 'USER']);
    assert.deepStrictEqual([(await chat.contactOf(user)).chat_mode, (await chat.contactOf(user)).friend_status], ['BOT', 'UNFOLLOWED']);
    assert.deepStrictEqual(chat.pushedTo(user), []);
  });

  it('does not close a chat for a late redelivered unfollow from before it', async () => {
    const user = userId();
    const t = Date.now() - 10_000;
    await chat.webhook([unfollowEvent({ userId: user, timestamp: t - 5000 })]);
    await chat.webhook([messageEvent('hello', { userId: user, timestamp: t - 4000 })]);
    await chat.webhook([followEvent({ userId: user, timestamp: t })]);
    await chat.waitingChat('agent', user);
    // An unfollow older than the follow arrives late (LINE redelivered it).
    await chat.webhook([unfollowEvent({ userId: user, timestamp: t - 1000 })]);
    assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
    assert.strictEqual((await chat.contactOf(user)).friend_status, 'ACTIVE');
  });

  describe('idle chats', () => {
    it('are closed by SYSTEM after auto_close_minutes without a message, and the user is told', async () => {
      await updateSettings(chat.app.store.settings, { auto_close_minutes: 30 });
      const idle = await chat.activeChat(somchai);
      const busy = await chat.activeChat(malee);
      // 40 minutes pass; the busy chat's user wrote 10 minutes ago.
      await db().sql.exec(`UPDATE chat_sessions SET started_at = started_at - interval '40 minutes', claimed_at = claimed_at - interval '40 minutes'`);
      await db().sql.exec(`UPDATE messages SET created_at = created_at - interval '40 minutes'`);
      await chat.webhook([messageEvent('ยังอยู่ไหมคะ', { userId: busy, timestamp: Date.now() - 10 * 60 * 1000 })]);

      const closed = await chat.app.sessions.closeIdle();
      assert.deepStrictEqual(
        closed.map((s) => s.line_user_id),
        [idle],
      );
      const [session] = await chat.sessionsOf(idle);
      assert.deepStrictEqual([session.status, session.closed_by], ['CLOSED', 'SYSTEM']);
      assert.strictEqual((await chat.contactOf(idle)).chat_mode, 'BOT');
      assert.deepStrictEqual(chat.pushedTo(idle), [[DEFAULT_SETTINGS.auto_close_message]]);
      const told = (await chat.messagesOf(idle)).at(-1);
      assert.deepStrictEqual([told.sender, told.session_id], ['SYSTEM', session.id]);
      assert.strictEqual(session.message_count, 1);

      assert.strictEqual((await chat.sessionsOf(busy))[0].status, 'ACTIVE');
      assert.deepStrictEqual(chat.pushedTo(busy), []);
    });

    it('are measured from the start, or the claim when that is later', async () => {
      await updateSettings(chat.app.store.settings, { auto_close_minutes: 60 });
      const user = await chat.waitingChat();
      assert.deepStrictEqual(await chat.app.sessions.closeIdle(new Date(Date.now() + 59 * 60 * 1000)), []);
      // Started two hours ago, claimed just now: the claim counts as activity.
      await db().sql.exec(`UPDATE chat_sessions SET started_at = started_at - interval '2 hours'`);
      await db().sql.exec(`UPDATE messages SET created_at = created_at - interval '2 hours'`);
      assert.strictEqual((await chat.api('POST', path(user, 'claim'), somchai)).status, 200);
      assert.deepStrictEqual(await chat.app.sessions.closeIdle(), []);
      const closed = await chat.app.sessions.closeIdle(new Date(Date.now() + 61 * 60 * 1000));
      assert.deepStrictEqual(
        closed.map((s) => s.line_user_id),
        [user],
      );
    });

    it('are closed and told once when two sweeps run at once', async () => {
      const user = await chat.waitingChat();
      const later = new Date(Date.now() + 2 * HOUR);
      const [a, b] = await Promise.all([chat.app.sessions.closeIdle(later), chat.app.sessions.closeIdle(later)]);
      assert.strictEqual(a.length + b.length, 1);
      assert.strictEqual(chat.pushedTo(user).length, 1);
    });

    it('stay open for ever with auto_close_minutes 0', async () => {
      await updateSettings(chat.app.store.settings, { auto_close_minutes: 0 });
      const user = await chat.waitingChat();
      assert.deepStrictEqual(await chat.app.sessions.closeIdle(new Date(Date.now() + 365 * 24 * HOUR)), []);
      assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
    });

    it("are closed by the core's own sweeper", async () => {
      // Only the leading instance sweeps: this suite's own core (which never sweeps) gives the lead up.
      await chat.app.leadership.close();
      const swept = await LiveChatHarness.start(db(), fake, { sweepIntervalMs: 20 });
      try {
        await updateSettings(swept.app.store.settings, { auto_close_minutes: 0.001, auto_close_message: '' });
        const user = await swept.waitingChat();
        for (let i = 0; i < 100 && (await swept.sessionsOf(user))[0].status !== 'CLOSED'; i += 1) await new Promise((r) => setTimeout(r, 20));
        assert.deepStrictEqual(
          (await swept.sessionsOf(user)).map((s) => [s.status, s.closed_by]),
          [['CLOSED', 'SYSTEM']],
        );
      } finally {
        await swept.close();
      }
    });
  });

  describe('mode switch', () => {
    it('HUMAN opens a WAITING session without greeting; again changes nothing', async () => {
      const user = userId();
      await chat.webhook([messageEvent('สวัสดีครับ', { userId: user })]);
      const res = await chat.api('POST', path(user, 'mode'), somchai, { mode: 'HUMAN' });
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual([res.body.changed, res.body.session.status, res.body.conversation.chat_mode], [true, 'WAITING', 'HUMAN']);
      assert.strictEqual((await chat.contactOf(user)).chat_mode, 'HUMAN');
      assert.deepStrictEqual(
        fake.requests.filter((r) => r.method === 'POST'),
        [],
      );

      const again = await chat.api('POST', path(user, 'mode'), somchai, { mode: 'HUMAN' });
      assert.deepStrictEqual([again.status, again.body.changed, again.body.session.id], [200, false, res.body.session.id]);
      assert.strictEqual((await chat.sessionsOf(user)).length, 1);
    });

    it('BOT closes the open session by OPERATOR, telling the user nothing; again changes nothing', async () => {
      const user = await chat.activeChat(somchai);
      const res = await chat.api('POST', path(user, 'mode'), somchai, { mode: 'BOT' });
      assert.deepStrictEqual([res.status, res.body.changed, res.body.session.status, res.body.session.closed_by], [200, true, 'CLOSED', 'OPERATOR']);
      assert.strictEqual((await chat.contactOf(user)).chat_mode, 'BOT');
      assert.deepStrictEqual(chat.pushedTo(user), []);
      const again = await chat.api('POST', path(user, 'mode'), somchai, { mode: 'BOT' });
      assert.deepStrictEqual([again.status, again.body.changed], [200, false]);
    });

    it('BOT in a chat someone else holds is refused with 403', async () => {
      const user = await chat.activeChat(somchai);
      const res = await chat.api('POST', path(user, 'mode'), malee, { mode: 'BOT' });
      assert.deepStrictEqual([res.status, res.body.operator], [403, ref(somchai)]);
    });

    for (const body of [{ mode: 'human' }, { mode: 'AGENT' }, {}, { mode: null }]) {
      it(`answers 400 naming mode for ${JSON.stringify(body)}`, async () => {
        const user = await chat.waitingChat();
        const res = await chat.api('POST', path(user, 'mode'), somchai, body);
        assert.deepStrictEqual([res.status, res.body.field], [400, 'mode']);
        assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
      });
    }
  });
});
