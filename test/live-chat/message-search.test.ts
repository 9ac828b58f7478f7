// Search of the message history (issue 11): GET /admin/live-chat/messages?q= finds text
// messages by any part of their text (Thai without spaces included), newest first, with a
// snippet; the detail opens a chat around a hit and pages newer from there.
import assert from 'node:assert';
import crypto from 'node:crypto';
import { updateSettings } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import type { LiveChatHarness, TestOperator } from '../support/live-chat-harness';
import { useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';

const MINUTE = 60 * 1000;

describeEachDatabase('message search', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => ({ chat, somchai } = suite));

  /** `texts` from a new user, a minute apart, ending 10 minutes ago; answers the user and the messages' ids. */
  async function history(texts: string[]): Promise<{ user: string; ids: number[] }> {
    const user = userId();
    const start = Date.now() - (texts.length + 10) * MINUTE;
    await chat.webhook(texts.map((text, i) => messageEvent(text, { userId: user, timestamp: start + i * MINUTE })));
    const ids = (await chat.messagesOf(user)).map((m) => m.id);
    assert.strictEqual(ids.length, texts.length);
    return { user, ids };
  }

  it('finds a Thai word inside a sentence without spaces, newest first, with the hit in context and its chat', async () => {
    const a = await history(['สวัสดีค่ะ', 'ขอสลิปโอนเงินค่าสินค้าหน่อยค่ะ', 'ขอบคุณค่ะ']);
    const b = await history(['ส่งสลิปแล้วนะครับ']);
    await history(['Hello, is the shop open?']);
    const res = await chat.api('GET', `/admin/live-chat/messages?q=${encodeURIComponent('สลิป')}`, somchai);
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    assert.deepStrictEqual(
      res.body.results.map((r: any) => [r.conversation.line_user_id, r.message.id]),
      [
        [b.user, b.ids[0]],
        [a.user, a.ids[1]],
      ],
    );
    assert.deepStrictEqual(res.body.results[1].snippet, { before: 'ขอ', match: 'สลิป', after: 'โอนเงินค่าสินค้าหน่อยค่ะ' });
    assert.strictEqual(res.body.next_cursor, null);
    // Any case, LIKE's own characters taken literally.
    await history(['Order 100% PAID']);
    const paid = await chat.api('GET', `/admin/live-chat/messages?q=${encodeURIComponent('0% paid')}`, somchai);
    assert.deepStrictEqual(
      paid.body.results.map((r: any) => r.snippet.match),
      ['0% PAID'],
    );
    assert.deepStrictEqual((await chat.api('GET', `/admin/live-chat/messages?q=${encodeURIComponent('1_0')}`, somchai)).body.results, []);
  });

  it("finds the team's messages whether LINE has answered their send yet or not", async () => {
    const { user } = await history(['ขอใบเสนอราคาหน่อยครับ']);
    const contact = await chat.contactOf(user);
    const sent = await chat.app.store.messages.insertOutgoing(
      ['ส่งใบเสนอราคาแล้วค่ะ', 'ใบเสนอราคาฉบับแก้ไขค่ะ', 'ใบเสนอราคาฉบับสุดท้ายค่ะ'].map((text) => ({
        contact_id: contact.id,
        sender: 'OPERATOR' as const,
        operator_id: somchai.id,
        session_id: null,
        message_type: 'text',
        content: { type: 'text', text },
        retry_key: crypto.randomUUID(),
      })),
    );
    // The first was delivered, the second failed, the third is still with LINE (PENDING, which
    // the trigram index leaves out: migration 0029).
    await chat.app.store.messages.markDelivery([
      { id: sent[0].id, status: 'SENT', attempts: 1, error: null, line_message_id: 'sent-1' },
      { id: sent[1].id, status: 'FAILED', attempts: 1, error: 'timeout', line_message_id: null },
    ]);
    const res = await chat.api('GET', `/admin/live-chat/messages?q=${encodeURIComponent('ใบเสนอราคา')}`, somchai);
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    assert.deepStrictEqual(
      res.body.results.map((r: any) => [r.message.id, r.message.sender]),
      [
        [sent[2].id, 'OPERATOR'],
        [sent[1].id, 'OPERATOR'],
        [sent[0].id, 'OPERATOR'],
        [(await chat.messagesOf(user))[0].id, 'USER'],
      ],
    );
  });

  it('pages by cursor and refuses a q too short or too long with a field and code; needs a login', async () => {
    await history(['ราคาเท่าไหร่ 1', 'ราคาเท่าไหร่ 2', 'ราคาเท่าไหร่ 3']);
    const first = await chat.api('GET', `/admin/live-chat/messages?limit=2&q=${encodeURIComponent('ราคา')}`, somchai);
    assert.deepStrictEqual(
      first.body.results.map((r: any) => r.snippet.after),
      ['เท่าไหร่ 3', 'เท่าไหร่ 2'],
    );
    const next = await chat.api('GET', `/admin/live-chat/messages?limit=2&q=${encodeURIComponent('ราคา')}&cursor=${first.body.next_cursor}`, somchai);
    assert.deepStrictEqual([next.body.results.map((r: any) => r.snippet.after), next.body.next_cursor], [['เท่าไหร่ 1'], null]);
    for (const q of ['ขอ', 'x'.repeat(101), '']) {
      const bad = await chat.api('GET', `/admin/live-chat/messages?q=${encodeURIComponent(q)}`, somchai);
      assert.deepStrictEqual([bad.status, bad.body.field, bad.body.code], [400, 'q', 'search_length']);
    }
    const anonymous = await chat.api('GET', `/admin/live-chat/messages?q=${encodeURIComponent('ราคา')}`, null);
    assert.strictEqual(anonymous.status, 401);
  });

  it('opens a chat around a message: it, half a page each side, and cursors older and newer', async () => {
    // The bot's chats count as unread here, to see which page marks the chat read.
    await updateSettings(chat.app.store.settings, { unread_bot_messages: true });
    const { user, ids } = await history(Array.from({ length: 12 }, (_, i) => `ข้อความที่ ${i + 1}`));
    const detail = (query: string) => chat.api('GET', `/admin/live-chat/conversations/${user}?${query}`, somchai);
    const around = await detail(`limit=4&around=${ids[5]}`);
    assert.strictEqual(around.status, 200, JSON.stringify(around.body));
    assert.deepStrictEqual(
      around.body.messages.map((m: any) => m.id),
      [ids[7], ids[6], ids[5], ids[4], ids[3]],
    );
    assert.deepStrictEqual([around.body.next_cursor, around.body.newer_cursor], [String(ids[3]), String(ids[7])]);
    // Not read yet: the newest were not shown.
    assert.strictEqual(await chat.unreadCount(somchai, user), 12);
    const newer = await detail(`limit=4&after=${around.body.newer_cursor}`);
    assert.deepStrictEqual([newer.body.messages.map((m: any) => m.id), newer.body.newer_cursor], [[ids[11], ids[10], ids[9], ids[8]], null]);
    assert.strictEqual(await chat.unreadCount(somchai, user), 0, 'the page that reaches the newest marks the chat read');
    const older = await detail(`limit=4&cursor=${around.body.next_cursor}`);
    assert.deepStrictEqual(
      older.body.messages.map((m: any) => m.id),
      [ids[2], ids[1], ids[0]],
    );
    // Another chat's message, or two positions at once, are refused.
    const other = await history(['อีกแชทหนึ่ง']);
    assert.strictEqual((await detail(`around=${other.ids[0]}`)).status, 404);
    const both = await detail(`around=${ids[1]}&cursor=${ids[2]}`);
    assert.deepStrictEqual([both.status, both.body.code], [400, 'invalid']);
  });

  it('gives a stable code with refusals the inbox translates', async () => {
    const user = await chat.activeChat(somchai);
    const res = await chat.api('POST', `/admin/live-chat/conversations/${user}/claim`, suite.malee);
    assert.deepStrictEqual([res.status, res.body.code, res.body.operator.id], [409, 'already_claimed', somchai.id]);
    assert.match(res.body.error, /has claimed this chat already/);
    const send = await chat.api('POST', `/admin/live-chat/conversations/${user}/messages`, suite.malee, { text: 'สวัสดี' });
    assert.deepStrictEqual([send.status, send.body.code], [403, 'held_by_other']);
    const missing = await chat.api('GET', `/admin/live-chat/conversations/${userId()}`, somchai);
    assert.deepStrictEqual([missing.status, missing.body.code], [404, 'not_found']);
  });
});
