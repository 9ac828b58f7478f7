// Migration 0005's conversation columns on contacts (the inbox list's sort key and joins): kept
// true by its triggers as rows are inserted, and filled by its backfill for data already there.
import assert from 'node:assert';
import { createMigrator } from '../../src/db/migrator';
import type { Sql } from '../../src/db/sql';
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

  it("follow a statement of many messages (migration 0027): each contact to its newest, a user's newest its last message time, once per contact", async () => {
    const [ann, bee] = [await contact('Ucolumns0000000000000000000000004'), await contact('Ucolumns0000000000000000000000005')];
    const before = await message(bee, 'USER', 50);
    const lastMessageAt = async (id: number) => (await db().sql.row<{ at: Date | null }>(`SELECT last_message_at AS at FROM contacts WHERE id = $1`, [id]))!.at;
    // One statement: Ann asks twice and the bot answers (stored at her second question's time),
    // a greeting follows; Bee's older message, redelivered, and a bot answer to it.
    // This transaction's updates of contacts (the counter also holds earlier ones not yet reported: the difference).
    const updated = async (tx: Sql) =>
      Number((await tx.row<{ n: string }>(`SELECT n_tup_upd::text AS n FROM pg_stat_xact_user_tables WHERE relname = 'contacts'`))!.n);
    const { rows, contactUpdates } = await db()
      .sql.transaction(async (tx) => ({
        before: await updated(tx),
        rows: await tx.rows<{ id: number; contact_id: number; sender: string; created_at: Date }>(
          `INSERT INTO messages (contact_id, direction, sender, message_type, content, created_at)
       SELECT contact_id, direction, sender, 'text', '{"type":"text","text":"x"}', created_at
       FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) AS m(contact_id, direction, sender, created_at)
       RETURNING id, contact_id, sender, created_at`,
          [
            `{${ann},${ann},${ann},${ann},${bee},${bee}}`,
            '{IN,IN,OUT,OUT,IN,OUT}',
            '{USER,USER,BOT,SYSTEM,USER,BOT}',
            `{${[at(1), at(2), at(2), at(3), at(40), at(40)].map((d) => `"${d.toISOString()}"`).join(',')}}`,
          ],
        ),
        after: await updated(tx),
      }))
      .then(({ before, rows, after }) => ({ rows, contactUpdates: after - before }));
    // Ann's row rewritten once, not once per message; Bee's not at all.
    assert.strictEqual(contactUpdates, 1);
    const botToAnn = rows.find((r) => r.contact_id === ann && r.sender === 'BOT')!.id;
    assert.deepStrictEqual(await columns(ann), { conv_last_message_id: botToAnn, conv_session_id: null, conv_activity_at: at(2) });
    assert.deepStrictEqual(await lastMessageAt(ann), at(2));
    // Bee's newer message stays the last; the redelivered one does not move her back.
    assert.deepStrictEqual(await columns(bee), { conv_last_message_id: before, conv_session_id: null, conv_activity_at: at(50) });
    assert.deepStrictEqual(await lastMessageAt(bee), at(50));
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
