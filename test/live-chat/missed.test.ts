// Missed chats (issue 11): a chat the system closes before anyone claimed it tells the user the
// team could not answer in time (missed_message, not the auto-close text) and is listed under
// the Missed tab; one that was claimed is not missed.
import assert from 'node:assert';
import { DEFAULT_SETTINGS, updateSettings } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';

describeEachDatabase('missed chats', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => ({ chat, somchai } = suite));

  /** Both chats go quiet for two hours; the idle sweep closes them. */
  async function sweep(): Promise<void> {
    await updateSettings(chat.app.store.settings, { auto_close_minutes: 60 });
    await db().sql.exec(
      `UPDATE chat_sessions SET started_at = started_at - interval '2 hours', claimed_at = claimed_at - interval '2 hours' WHERE status <> 'CLOSED'`,
    );
    await db().sql.exec(`UPDATE messages SET created_at = created_at - interval '2 hours'`);
    assert.strictEqual((await chat.app.sessions.closeIdle()).length, 2);
  }

  it('tells the user of a never-claimed chat the team could not answer in time, and lists it under MISSED only', async () => {
    const missed = await chat.waitingChat();
    const answered = await chat.activeChat(somchai);
    await sweep();
    assert.deepStrictEqual(chat.pushedTo(missed), [[DEFAULT_SETTINGS.missed_message]]);
    assert.deepStrictEqual(chat.pushedTo(answered), [[DEFAULT_SETTINGS.auto_close_message]]);

    const tab = await chat.api('GET', '/admin/live-chat/conversations?status=MISSED', somchai);
    assert.strictEqual(tab.status, 200, JSON.stringify(tab.body));
    assert.deepStrictEqual([tab.body.total, tab.body.conversations.map((c: any) => c.line_user_id)], [1, [missed]]);
    assert.deepStrictEqual(
      [tab.body.conversations[0].session.status, tab.body.conversations[0].session.closed_by, tab.body.conversations[0].session.claimed_at],
      ['CLOSED', 'SYSTEM', null],
    );
    const closed = await chat.api('GET', '/admin/live-chat/conversations?status=CLOSED', somchai);
    assert.deepStrictEqual(closed.body.conversations.map((c: any) => c.line_user_id).sort(), [missed, answered].sort());
  });

  it('sends its own text, or nothing when it is blank; it is checked like the others', async () => {
    await updateSettings(chat.app.store.settings, { missed_message: '  ขออภัยค่ะ ตอนนี้ไม่มีเจ้าหน้าที่ว่าง  ' });
    const first = await chat.waitingChat();
    const second = await chat.activeChat(somchai);
    await sweep();
    assert.deepStrictEqual(chat.pushedTo(first), [['ขออภัยค่ะ ตอนนี้ไม่มีเจ้าหน้าที่ว่าง']]);
    assert.strictEqual(chat.pushedTo(second).length, 1);
    await updateSettings(chat.app.store.settings, { missed_message: '' });
    const silent = await chat.waitingChat();
    await db().sql.exec(`UPDATE chat_sessions SET started_at = started_at - interval '2 hours' WHERE status <> 'CLOSED'`);
    await db().sql.exec(`UPDATE messages SET created_at = created_at - interval '2 hours'`);
    assert.strictEqual((await chat.app.sessions.closeIdle()).length, 1);
    assert.deepStrictEqual(chat.pushedTo(silent), []);
    const refused = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { missed_message: 42 });
    assert.deepStrictEqual([refused.status, refused.body.field], [400, 'missed_message']);
  });
});
