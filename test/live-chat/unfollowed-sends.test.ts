// Follow-aware sending (issue 12): a push to a user who unfollowed or blocked the account is
// refused before LINE is called, with code contact_unfollowed; a reply by token still goes.
import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, unfollowEvent, userId } from '../support/line-webhooks';

describeEachDatabase('sending to a user who unfollowed', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => ({ fake, chat, somchai } = suite));

  const sends = () => fake.requestsTo('POST', '/v2/bot/message/');

  it('answers the inbox 409 contact_unfollowed, changing nothing and calling LINE for nothing', async () => {
    const user = await chat.waitingChat();
    await chat.webhook([unfollowEvent({ userId: user })]);
    const before = sends().length;
    const messagesBefore = (await chat.messagesOf(user)).length;
    const res = await chat.api('POST', `/admin/live-chat/conversations/${user}/messages`, somchai, { messages: ['ยังอยู่ไหมครับ'] });
    assert.deepStrictEqual([res.status, res.body.code, res.body.friend_status], [409, 'contact_unfollowed', 'UNFOLLOWED']);
    assert.match(res.body.error, /unfollowed/);
    assert.strictEqual(sends().length, before);
    assert.strictEqual((await chat.messagesOf(user)).length, messagesBefore);
    // The conversation says why, for the composer.
    const conversation = await chat.api('GET', `/admin/live-chat/conversations/${user}`, somchai);
    assert.strictEqual(conversation.body.contact.friend_status, 'UNFOLLOWED');
  });

  it('refuses a WAITING chat of a blocked user before claiming it', async () => {
    const user = await chat.waitingChat();
    await chat.app.db.sql.exec(`UPDATE contacts SET friend_status = 'BLOCKED' WHERE line_user_id = $1`, [user]);
    const res = await chat.api('POST', `/admin/live-chat/conversations/${user}/messages`, somchai, { messages: ['hi'] });
    assert.deepStrictEqual([res.status, res.body.code], [409, 'contact_unfollowed']);
    const [session] = await chat.sessionsOf(user);
    assert.deepStrictEqual([session.status, session.operator_id], ['WAITING', null]);
  });

  it('refuses a flow’s push and a retry, not a reply by token', async () => {
    const user = userId();
    const [output] = await chat.webhook([messageEvent('สวัสดี', { userId: user, replyToken: fake.issueReplyToken() })]);
    fake.failNextPushes(400);
    const failed = await chat.app.operatorMessages.send(user, null, ['first']);
    assert.strictEqual(failed.status, 'FAILED');
    await chat.webhook([unfollowEvent({ userId: user })]);
    const contact = await chat.contactOf(user);
    const before = sends().length;

    await assert.rejects(chat.app.operatorMessages.send(user, null, ['promo']), (err: any) => err.status === 409 && err.code === 'contact_unfollowed');
    await assert.rejects(
      chat.app.lineSender.sendToContact({ contact, messages: 'promo', sender: 'BOT', channelAccessToken: fake.accessToken }),
      (err: any) => err.code === 'contact_unfollowed',
    );
    const retry = await chat.api('POST', `/admin/live-chat/conversations/${user}/messages/${failed.messages[0].id}/retry`, somchai);
    assert.deepStrictEqual([retry.status, retry.body.code], [409, 'contact_unfollowed']);
    assert.strictEqual(sends().length, before);

    // A reply answers an event the user just sent: unaffected.
    const replied = await chat.app.lineSender.sendToContact({
      contact,
      messages: 'answer',
      replyToken: output.line.replyToken,
      receivedAt: Date.now(),
      sender: 'BOT',
      channelAccessToken: fake.accessToken,
    });
    assert.deepStrictEqual([replied.status, replied.via], ['SENT', 'reply']);
  });
});
