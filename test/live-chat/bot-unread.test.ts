// Unread counts of a chat with the bot (issue 11): the user's messages the bot handled do not
// count as unread for operators unless the unread_bot_messages setting says so; those sent to
// the team (in a session) always do, per operator.
import assert from 'node:assert';
import { updateSettings } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';

describeEachDatabase('unread counts of chats with the bot', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  beforeEach(() => ({ chat, somchai, malee } = suite));

  const unread = async (operator: TestOperator, user: string) => {
    const list = await chat.api('GET', '/admin/live-chat/conversations', operator);
    return list.body.conversations.find((c: any) => c.line_user_id === user).unread_count;
  };

  it('counts only messages to the team by default, the bot’s traffic too when the setting is on', async () => {
    const bot = userId();
    await chat.webhook([messageEvent('สวัสดี', { userId: bot }), messageEvent('มีโปรอะไรบ้าง', { userId: bot })]);
    const waiting = await chat.waitingChat();
    assert.deepStrictEqual([await unread(somchai, bot), await unread(somchai, waiting)], [0, 1]);
    // Read by one operator, still unread for the other.
    await chat.api('GET', `/admin/live-chat/conversations/${waiting}`, malee);
    assert.deepStrictEqual([await unread(malee, waiting), await unread(somchai, waiting)], [0, 1]);

    await updateSettings(chat.app.store.settings, { unread_bot_messages: true });
    assert.deepStrictEqual([await unread(somchai, bot), await unread(malee, bot)], [2, 2]);
    const refused = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { unread_bot_messages: 'yes' });
    assert.deepStrictEqual([refused.status, refused.body.field], [400, 'unread_bot_messages']);
  });
});
