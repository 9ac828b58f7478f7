// The live inbox's read of a flush of changed conversations (ConversationsView.forReaders): one
// statement answers what one() answers per contact and operator, each operator's unread count,
// and the open counts.
import assert from 'node:assert';
import { Sql, type SqlParam, type Statement } from '../../src/db/sql';
import { Store } from '../../src/store/store';
import { describeEachDatabase } from '../support/databases';

/** The real Sql, counting the statements it runs. */
class CountingSql extends Sql {
  statements = 0;
  override rows<T>(statement: Statement, params?: SqlParam[]): Promise<T[]> {
    this.statements += 1;
    return super.rows<T>(statement, params);
  }
  override exec(statement: Statement, params?: SqlParam[]): Promise<number> {
    this.statements += 1;
    return super.exec(statement, params);
  }
}

describeEachDatabase('conversation rows for live updates', (db) => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute));
  const operator = async (username: string) =>
    (await db().sql.row<{ id: number }>(`INSERT INTO operators (username, display_name, password_hash, role) VALUES ($1, $1, 'x', 'operator') RETURNING id`, [
      username,
    ]))!.id;
  const contact = async (lineUserId: string) =>
    (await db().sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id, display_name) VALUES ($1, $1) RETURNING id`, [lineUserId]))!.id;
  const userMessage = async (contactId: number, minute: number) =>
    (await db().sql.row<{ id: number }>(
      `INSERT INTO messages (contact_id, direction, sender, message_type, content, created_at)
       VALUES ($1, 'IN', 'USER', 'text', '{"type":"text","text":"x"}', $2) RETURNING id`,
      [contactId, at(minute)],
    ))!.id;
  const session = (contactId: number, status: string, operatorId: number | null = null) =>
    db().sql.exec(
      `INSERT INTO chat_sessions (contact_id, line_user_id, status, operator_id, started_at) SELECT id, line_user_id, $2, $3, $4 FROM contacts WHERE id = $1`,
      [contactId, status, operatorId, at(30)],
    );
  const readUpTo = (operatorId: number, contactId: number, messageId: number) =>
    db().sql.exec(`INSERT INTO conversation_reads (operator_id, contact_id, last_read_message_id) VALUES ($1, $2, $3)`, [operatorId, contactId, messageId]);

  it("answers each contact's row as one() does, with each named operator's unread count, and the open counts, in one statement", async () => {
    const store = new Store(db().sql);
    const somchai = await operator('somchai');
    const malee = await operator('malee');
    const waiting = await contact('Uupdates000000000000000000000001');
    const active = await contact('Uupdates000000000000000000000002');
    const silent = await contact('Uupdates000000000000000000000003');
    const first = await userMessage(waiting, 1);
    await userMessage(waiting, 2);
    await userMessage(waiting, 3);
    await session(waiting, 'WAITING');
    const activeAsked = await userMessage(active, 4);
    await session(active, 'ACTIVE', malee);
    // somchai has read the first of three; malee all of the active one's.
    await readUpTo(somchai, waiting, first);
    await readUpTo(malee, active, activeAsked);

    const counting = new CountingSql(db().sequelize);
    const read = await new Store(counting).conversations.forReaders(
      [
        { contactId: waiting, operatorIds: [somchai, malee] },
        { contactId: active, operatorIds: [malee] },
        { contactId: silent, operatorIds: [somchai] },
        { contactId: 999_999, operatorIds: [somchai] },
        // Every message of the user counted, the bot's traffic too (the unread_bot_messages setting).
      ],
      true,
    );
    assert.strictEqual(counting.statements, 1);
    assert.deepStrictEqual(read.counts, await store.conversations.openCounts());
    assert.deepStrictEqual(read.counts, { waiting: 1, active: 1 });
    assert.deepStrictEqual([...read.rows.keys()].sort(), [waiting, active, silent].sort());
    assert.deepStrictEqual(
      read.rows.get(waiting)!.unread,
      new Map([
        [somchai, 2],
        [malee, 3],
      ]),
    );
    assert.deepStrictEqual(read.rows.get(active)!.unread, new Map([[malee, 0]]));
    assert.deepStrictEqual(read.rows.get(silent)!.unread, new Map([[somchai, 0]]));
    for (const [contactId, operatorId] of [
      [waiting, somchai],
      [waiting, malee],
      [active, malee],
      [silent, somchai],
    ]) {
      const one = await store.conversations.one(contactId, operatorId, true);
      const found = read.rows.get(contactId)!;
      assert.deepStrictEqual({ ...found.row, unread_count: found.unread.get(operatorId) }, one);
    }
    assert.strictEqual(read.rows.get(active)!.row.operator_username, 'malee');
  });

  it('answers the open counts alone when nobody is to read anything, or nothing exists', async () => {
    const store = new Store(db().sql);
    await session(await contact('Uupdates000000000000000000000004'), 'WAITING');
    assert.deepStrictEqual(await store.conversations.forReaders([], false), { rows: new Map(), counts: { waiting: 1, active: 0 } });
    assert.deepStrictEqual(await store.conversations.forReaders([{ contactId: 999_999, operatorIds: [1] }], false), {
      rows: new Map(),
      counts: { waiting: 1, active: 0 },
    });
  });
});
