// Unread counts, per operator: the user's messages after that operator's last read one.
// - Chats with the bot (issue 11): the user's messages the bot handled do not count unless the
//   unread_bot_messages setting says so; those sent to the team (in a session) always do.
// - Long conversations (issue 9): every list row and every live update counts for each operator,
//   and a history nobody opened was read whole each time; the count now stops at
//   UNREAD_COUNT_CAP (the inbox shows "99+") and walks the conversation's own messages by index
//   (migration 0031), however long its history.
import assert from 'node:assert';
import { updateSettings } from '../../src/live-chat/live-chat-settings';
import { ConversationsView, UNREAD_COUNT_CAP } from '../../src/store/conversations';
import { seedInbox } from '../../bench/seed';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';
import { indexesRead, type PlanNode, planOf, RecordingSql } from '../support/query-plans';

/** The user's `n` more messages in the open session of `lineUserId`, stored as the webhook stores them. */
async function moreMessages(chat: LiveChatHarness, lineUserId: string, n: number): Promise<void> {
  await chat.app.db.sql.exec(
    `INSERT INTO messages (contact_id, session_id, direction, sender, message_type, content, delivery_status)
     SELECT s.contact_id, s.id, 'IN', 'USER', 'text', jsonb_build_object('type', 'text', 'text', 'ข้อความที่ ' || g), 'SENT'
     FROM chat_sessions s, generate_series(1, $2::int) g WHERE s.line_user_id = $1 AND s.status <> 'CLOSED'`,
    [lineUserId, n],
  );
}

/** The scans of messages after an operator's last read one (the unread counts'), with the indexes each reads. */
function unreadScans(node: PlanNode): { node: PlanNode; indexes: string[] }[] {
  const details = node as PlanNode & { 'Index Cond'?: string; 'Recheck Cond'?: string; Filter?: string };
  const conditions = `${details['Index Cond'] ?? ''} ${details['Recheck Cond'] ?? ''} ${details.Filter ?? ''}`;
  if (node['Relation Name'] === 'messages' && conditions.includes('COALESCE')) return [{ node, indexes: indexesRead(node).map((i) => i.split(' ').at(-1)!) }];
  return (node.Plans ?? []).flatMap(unreadScans);
}

describeEachDatabase('unread counts', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  beforeEach(() => ({ chat, somchai, malee } = suite));

  const unread = (operator: TestOperator, user: string) => chat.unreadCount(operator, user);

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

  it(`stops at ${UNREAD_COUNT_CAP} in the list and in the live updates, and counts again from each operator's last read`, async () => {
    const user = await chat.waitingChat();
    await moreMessages(chat, user, 30);
    const counted = await unread(somchai, user);
    assert.ok(counted > 30 && counted < UNREAD_COUNT_CAP, String(counted));
    await moreMessages(chat, user, 120);
    assert.deepStrictEqual([await unread(somchai, user), await unread(malee, user)], [UNREAD_COUNT_CAP, UNREAD_COUNT_CAP]);

    // Read by มาลี: hers start again, สมชาย's stay at the cap.
    assert.strictEqual((await chat.api('GET', `/admin/live-chat/conversations/${user}`, malee)).status, 200);
    await moreMessages(chat, user, 5);
    assert.deepStrictEqual([await unread(somchai, user), await unread(malee, user)], [UNREAD_COUNT_CAP, 5]);

    const contact = await chat.contactOf(user);
    for (const botTraffic of [false, true]) {
      const live = await chat.app.store.conversations.forReaders([{ contactId: contact.id, operatorIds: [somchai.id, malee.id] }], botTraffic);
      assert.deepStrictEqual([live.rows.get(contact.id)!.unread.get(somchai.id), live.rows.get(contact.id)!.unread.get(malee.id)], [UNREAD_COUNT_CAP, 5]);
    }
  });

  it("walks the conversation's own messages by index and stops at the cap, however long its history", async function () {
    this.timeout(120000);
    await seedInbox(chat.app.db, { contacts: 2000 });
    // A conversation in a session with 3,000 of the user's messages nobody has read.
    const [long] = await chat.app.db.sql.rows<{ line_user_id: string; contact_id: number }>(
      `SELECT line_user_id, contact_id FROM chat_sessions WHERE status <> 'CLOSED' ORDER BY id LIMIT 1`,
    );
    await moreMessages(chat, long.line_user_id, 3000);
    await chat.app.db.sql.exec(`ANALYZE messages`);

    const recorder = new RecordingSql(chat.app.db.sequelize);
    const view = new ConversationsView(recorder);
    for (const botTraffic of [false, true]) {
      recorder.statements.length = 0;
      const page = await view.list({ filter: 'ALL', limit: 50, operatorId: somchai.id, botTraffic });
      const row = page.rows.find((r) => r.contact_id === long.contact_id);
      assert.strictEqual(row?.unread_count, UNREAD_COUNT_CAP);
      const live = await view.forReaders([{ contactId: long.contact_id, operatorIds: [somchai.id, malee.id] }], botTraffic);
      assert.strictEqual(live.rows.get(long.contact_id)!.unread.get(malee.id), UNREAD_COUNT_CAP);

      const expected = botTraffic ? 'messages_contact_incoming_idx' : 'messages_contact_team_incoming_idx';
      const counting = recorder.statements.filter((s) => s.text.includes(`LIMIT ${UNREAD_COUNT_CAP}`));
      assert.strictEqual(counting.length, 2, 'the page and the live update count');
      for (const statement of counting) {
        const scans = unreadScans(await planOf(chat.app.db, statement.text, statement.params));
        assert.ok(scans.length > 0, 'the unread count reads messages');
        for (const scan of scans) assert.deepStrictEqual(scan.indexes, [expected], JSON.stringify(scan.node));
      }
    }
  });
});
