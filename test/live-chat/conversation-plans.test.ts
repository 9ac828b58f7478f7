// The inbox's routes at size keep to indexes: on a seeded database (20,000 contacts, 40,000
// sessions, 200,000 messages, then ANALYZE), every statement the list (each tab, searches of 1,
// 2 and more characters, the next page), the counts, the detail and the live inbox's read of
// changed conversations run is EXPLAINed, and none may scan contacts, their search (contact_search), messages
// or chat_sessions sequentially. The statements are the real ones, recorded as the API and the hub run them.
import assert from 'node:assert';
import { Store } from '../../src/store/store';
import { seedInbox } from '../../bench/seed';
import { describeEachDatabase } from '../support/databases';
import { RecordingSql, sequentialScans } from '../support/query-plans';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';

const CONTACTS = 20000;
const WATCHED = ['contacts', 'contact_search', 'messages', 'chat_sessions'];

describeEachDatabase('conversation routes at size: query plans', (db) => {
  let server: ApiServer | undefined;
  afterEach(() => server?.close());

  it('list (each tab, searches of 1, 2 and more characters, labels, details, next page), counts, detail (also around a message), message search and live updates use no sequential scan of contacts, their search, messages or chat_sessions', async function () {
    this.timeout(180000);
    const recorder = new RecordingSql(db().sequelize);
    server = await startApiServer({ ...db(), sql: recorder });
    const token = await login(server.baseUrl);
    await seedInbox(db(), { contacts: CONTACTS });
    // Labels (a common one on a third of the chats, a rare one on 40) and details (an order
    // number on one contact in 50), as the API writes them, then vacuumed as autovacuum would.
    const labelOf = async (name: string) =>
      (await call(server!.baseUrl, 'POST', '/admin/live-chat/labels', { token, body: { name, color: '#123456' } })).body.label.id;
    const [common, rare] = [await labelOf('ลูกค้าประจำ'), await labelOf('Refund')];
    await db().sql.exec(`UPDATE contacts SET label_ids = ARRAY[$1::int] WHERE id % 3 = 0`, [common]);
    await db().sql.exec(`UPDATE contacts SET label_ids = COALESCE(label_ids, '{}') || $1::int WHERE id % 500 = 0`, [rare]);
    const field = (await call(server.baseUrl, 'POST', '/admin/live-chat/contact-fields', { token, body: { name: 'Order', type: 'text' } })).body.field.id;
    await db().sql.exec(
      `INSERT INTO contact_field_values (contact_id, field_id, value) SELECT id, $1, 'ORD-' || (100000 + id) FROM contacts WHERE id % 50 = 0`,
      [field],
    );
    const detailed = (await db().sql.rows<{ id: number }>(`SELECT id FROM contacts WHERE id % 50 = 0`)).map((r) => r.id);
    await new Store(db().sql).contacts.refreshDetailsSearch(detailed);
    await db().sql.exec(`VACUUM ANALYZE contacts, contact_search, contact_field_values`);
    const get = async (path: string) => {
      const res = await call(server!.baseUrl, 'GET', path, { token });
      assert.strictEqual(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const list = '/admin/live-chat/conversations';
    const first = await get(list);
    assert.strictEqual(first.total, CONTACTS);
    assert.strictEqual(first.conversations.length, 50);
    const waiting = await get(`${list}?status=WAITING`);
    assert.strictEqual(waiting.total, CONTACTS / 200);
    assert.strictEqual(waiting.waiting_count, CONTACTS / 200);
    for (const status of ['ACTIVE', 'BOT', 'CLOSED', 'MISSED']) await get(`${list}?status=${status}`);
    const found = await get(`${list}?q=${encodeURIComponent('Emma')}`);
    assert.ok(found.total > 0 && found.conversations.every((c: { display_name: string }) => c.display_name.includes('Emma')));
    await get(`${list}?q=${encodeURIComponent('สมชาย')}&status=CLOSED`);
    // One and two characters, too short for trigrams (migration 0025's index of names and details):
    // the same matches.
    const one = await get(`${list}?q=${encodeURIComponent('ธ')}`);
    assert.ok(one.total > 0 && one.conversations.every((c: { display_name: string }) => c.display_name.includes('ธ')));
    const two = await get(`${list}?q=${encodeURIComponent('สม')}`);
    assert.ok(two.total > 0 && two.conversations.every((c: { display_name: string }) => c.display_name.includes('สม')));
    const [oneCount, twoCount] = await Promise.all(
      ['%ธ%', '%สม%'].map(
        async (pattern) =>
          (await db().sql.row<{ n: number }>(
            `SELECT count(*)::int AS n FROM contacts WHERE conv_activity_at IS NOT NULL AND (display_name ILIKE $1 OR details_search ILIKE $1)`,
            [pattern],
          ))!.n,
      ),
    );
    assert.deepStrictEqual([one.total, two.total], [oneCount, twoCount]);
    // Every pair of characters is indexed, at odd and even places, in any case.
    for (const q of ['ดี', 'าย', 'ma', 'MA', 'j']) {
      const found = await get(`${list}?q=${encodeURIComponent(q)}`);
      const expected = (await db().sql.row<{ n: number }>(
        `SELECT count(*)::int AS n FROM contacts WHERE conv_activity_at IS NOT NULL AND (display_name ILIKE $1 OR details_search ILIKE $1)`,
        [`%${q}%`],
      ))!.n;
      assert.strictEqual(found.total, expected, q);
    }
    await get(`${list}?q=Em&status=BOT`);
    // Details and labels: a search for an order number, long and short; each label, alone, with a
    // tab and a search, and its next page.
    const order = await get(`${list}?q=ORD-101000`);
    assert.deepStrictEqual([order.total, order.conversations.length], [1, 1]);
    await get(`${list}?q=OR`);
    const commonPage = await get(`${list}?label=${common}`);
    assert.strictEqual(commonPage.total, Math.floor(CONTACTS / 3));
    assert.ok(commonPage.conversations.every((c: { labels: number[] }) => c.labels.includes(common)));
    await get(`${list}?label=${common}&cursor=${commonPage.next_cursor}`);
    const rarePage = await get(`${list}?label=${rare}`);
    assert.strictEqual(rarePage.total, CONTACTS / 500);
    await get(`${list}?label=${rare}&status=CLOSED`);
    await get(`${list}?label=${common}&q=${encodeURIComponent('สม')}`);
    await get(`${list}?label=${common}&q=Emma&status=BOT`);
    await get(`${list}/${order.conversations[0].line_user_id}/details`);
    await get(`${list}?q=${encodeURIComponent('ธ')}&cursor=${one.next_cursor}`);
    const next = await get(`${list}?cursor=${first.next_cursor}`);
    assert.notStrictEqual(next.conversations[0].line_user_id, first.conversations[0].line_user_id);
    await get(`${list}/${waiting.conversations[0].line_user_id}`);
    // Search of the message history (migration 0019's trigram index), a common and a rare
    // text, the next page, and a chat opened at a hit and paged newer from there.
    const hits = await get(`/admin/live-chat/messages?q=${encodeURIComponent('ราคาหน่อย')}`);
    assert.ok(hits.results.length === 20 && hits.results.every((r: { snippet: { match: string } }) => r.snippet.match === 'ราคาหน่อย'));
    await get(`/admin/live-chat/messages?q=${encodeURIComponent('ราคาหน่อย')}&cursor=${hits.next_cursor}`);
    assert.deepStrictEqual((await get(`/admin/live-chat/messages?q=${encodeURIComponent('ใบเสร็จ')}`)).results, []);
    // A rare text far older than the newest messages the search reads first: the trigram index finds it.
    const old = await db().sql.row<{ id: number }>(
      `INSERT INTO messages (contact_id, direction, sender, message_type, content, line_message_id, delivery_status, created_at)
       VALUES (1, 'IN', 'USER', 'text', '{"type":"text","text":"ขอใบกำกับภาษีด้วยค่ะ"}', 'plans-old', 'RECEIVED', now() - interval '80 days') RETURNING id`,
    );
    const rareHit = await get(`/admin/live-chat/messages?q=${encodeURIComponent('ใบกำกับภาษี')}`);
    assert.deepStrictEqual(
      rareHit.results.map((r: { message: { id: number } }) => r.message.id),
      [old!.id],
    );
    const hit = hits.results[5];
    const around = await get(`${list}/${hit.conversation.line_user_id}?limit=4&around=${hit.message.id}`);
    assert.ok(around.messages.some((m: { id: number }) => m.id === hit.message.id));
    if (around.newer_cursor) await get(`${list}/${hit.conversation.line_user_id}?limit=4&after=${around.newer_cursor}`);
    // The live inbox's read of a flush of changed conversations.
    const operatorIds = (await db().sql.rows<{ id: number }>(`SELECT id FROM operators`)).map((o) => o.id);
    const changed = await db().sql.rows<{ id: number }>(`SELECT id FROM contacts ORDER BY id DESC LIMIT 20`);
    await new Store(recorder).conversations.forReaders(
      changed.map(({ id }) => ({ contactId: id, operatorIds })),
      false,
    );

    const { looked, offending } = await sequentialScans(db(), recorder.statements, { watched: WATCHED });
    assert.ok(looked >= 20, `recorded ${looked} statements`);
    assert.deepStrictEqual(offending, []);
  });
});
