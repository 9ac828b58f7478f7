// Messages in LINE's order (issue 11): an answer to an event is stored at that event's
// timestamp, so a bot's reply made after the user's next message arrived still shows before it,
// and the chat's preview is the user's latest message, not the late reply.
import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';

describeEachDatabase('message order', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => ({ fake, chat, somchai } = suite));

  it('places a late answer at the event it answers: the detail in LINE order, the preview the user’s latest', async () => {
    const user = userId();
    const asked = Date.now() - 60_000;
    await chat.webhook([messageEvent('ราคาเท่าไหร่', { userId: user, timestamp: asked })]);
    await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, timestamp: asked + 20_000 })]);
    const contact = await chat.contactOf(user);
    // The bot's answer to the first message is made only now.
    const sent = await chat.app.lineSender.sendToContact({
      contact,
      messages: 'ราคา 290 บาทค่ะ',
      sender: 'BOT',
      eventTimestamp: asked,
      channelAccessToken: fake.accessToken,
    });
    assert.strictEqual(sent.status, 'SENT');
    assert.strictEqual(new Date(sent.messages[0].created_at).getTime(), asked);

    const detail = await chat.api('GET', `/admin/live-chat/conversations/${user}`, somchai);
    assert.deepStrictEqual(
      detail.body.messages.map((m: any) => m.content.text),
      ['ติดต่อเจ้าหน้าที่', 'ราคา 290 บาทค่ะ', 'ราคาเท่าไหร่'],
    );
    const list = await chat.api('GET', '/admin/live-chat/conversations', somchai);
    const row = list.body.conversations.find((c: any) => c.line_user_id === user);
    assert.deepStrictEqual([row.last_message.content, row.last_message.direction], ['ติดต่อเจ้าหน้าที่', 'IN']);

    // Without an event (an operator's push), now; a timestamp in the future is not believed.
    const later = await chat.app.lineSender.sendToContact({
      contact,
      messages: 'สวัสดีค่ะ',
      sender: 'BOT',
      eventTimestamp: Date.now() + 3_600_000,
      channelAccessToken: fake.accessToken,
    });
    assert.ok(Math.abs(new Date(later.messages[0].created_at).getTime() - Date.now()) < 60_000);
    const after = await chat.api('GET', `/admin/live-chat/conversations/${user}`, somchai);
    assert.strictEqual(after.body.messages[0].content.text, 'สวัสดีค่ะ');
  });
});
