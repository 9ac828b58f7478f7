// Migration 0005's conversation columns on contacts (the inbox list's sort key and joins): kept
// true by its triggers as rows are inserted, and filled by its backfill for data already there.
import assert from 'node:assert';
import { createMigrator } from '../../src/db/migrator';
import { describeEachDatabase } from '../support/databases';

interface Columns {
  conv_last_message_id: number | null;
  conv_session_id: number | null;
  conv_activity_at: Date | null;
}

describeEachDatabase('conversation columns on contacts', (db) => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute));
  const contact = async (lineUserId: string) =>
    (await db().sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id) VALUES ($1) RETURNING id`, [lineUserId]))!.id;
  const message = async (contactId: number, sender: string, minute: number) =>
    (await db().sql.row<{ id: number }>(
      `INSERT INTO messages (contact_id, direction, sender, message_type, content, created_at)
       VALUES ($1, $2, $3, 'text', '{"type":"text","text":"x"}', $4) RETURNING id`,
      [contactId, sender === 'USER' ? 'IN' : 'OUT', sender, at(minute)],
    ))!.id;
  const session = async (contactId: number, minute: number, status = 'CLOSED') =>
    (await db().sql.row<{ id: number }>(
      `INSERT INTO chat_sessions (contact_id, line_user_id, status, started_at) SELECT id, line_user_id, $2, $3 FROM contacts WHERE id = $1 RETURNING id`,
      [contactId, status, at(minute)],
    ))!.id;
  const columns = async (contactId: number) =>
    (await db().sql.row<Columns>(`SELECT conv_last_message_id, conv_session_id, conv_activity_at FROM contacts WHERE id = $1`, [contactId]))!;

  it('follow inserts: the newest non-system message, the latest session, the later of their times', async () => {
    const id = await contact('Ucolumns0000000000000000000000001');
    assert.deepStrictEqual(await columns(id), { conv_last_message_id: null, conv_session_id: null, conv_activity_at: null });
    const asked = await message(id, 'USER', 10);
    assert.deepStrictEqual(await columns(id), { conv_last_message_id: asked, conv_session_id: null, conv_activity_at: at(10) });
    // The system's greeting is not the last message; a late redelivery of an older one neither.
    await message(id, 'SYSTEM', 12);
    await message(id, 'USER', 5);
    const first = await session(id, 11);
    assert.deepStrictEqual(await columns(id), { conv_last_message_id: asked, conv_session_id: first, conv_activity_at: at(11) });
    const answer = await message(id, 'OPERATOR', 20);
    const second = await session(id, 15, 'WAITING');
    assert.deepStrictEqual(await columns(id), { conv_last_message_id: answer, conv_session_id: second, conv_activity_at: at(20) });
  });

  it('are filled for the rows already there when the migration runs', async () => {
    const talked = await contact('Ucolumns0000000000000000000000002');
    const silent = await contact('Ucolumns0000000000000000000000003');
    await session(talked, 1);
    const last = await message(talked, 'BOT', 30);
    await message(talked, 'SYSTEM', 40);
    const latest = await session(talked, 25, 'ACTIVE');
    const migrator = createMigrator(db().sequelize);
    await migrator.down({ to: '0005-conversation-list.js' });
    await migrator.up();
    assert.deepStrictEqual(await columns(talked), { conv_last_message_id: last, conv_session_id: latest, conv_activity_at: at(30) });
    assert.deepStrictEqual(await columns(silent), { conv_last_message_id: null, conv_session_id: null, conv_activity_at: null });
  });
});
