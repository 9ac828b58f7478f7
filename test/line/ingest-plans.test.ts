// The webhook's lookups of known users keep to the unique index of LINE ids. The trigram index
// on the same column answers equality too, and the planner took it for a dozen users or more:
// a GIN scan reads the index's whole pending list of recent entries, 90–800 ms a statement
// under ingest. Every statement ensureMany runs is EXPLAINed on a table of a few thousand.
// The statements every webhook event runs are prepared (src/db/sql.ts, prepared()): their plan
// for any value, the generic plan kept after a few runs, must keep to indexes too.
import assert from 'node:assert';
import { Store } from '../../src/store/store';
import { describeEachDatabase } from '../support/databases';
import { genericPlanOf, indexesRead, planOf, RecordingSql, sequentialScans } from '../support/query-plans';
import { botAnswer } from '../support/store-rows';

describeEachDatabase('webhook ingest: query plans', (db) => {
  it('ensureMany reads known contacts through the unique index of LINE ids, never the trigram index', async function () {
    this.timeout(60000);
    await db().sql.exec(`INSERT INTO contacts (line_user_id, display_name) SELECT 'U' || md5(i::text), 'สมชาย ' || i FROM generate_series(1, 5000) i`);
    await db().sql.exec(`ANALYZE contacts`);
    const known = (await db().sql.rows<{ line_user_id: string }>(`SELECT line_user_id FROM contacts ORDER BY id LIMIT 60`)).map((r) => r.line_user_id);
    const recorder = new RecordingSql(db().sequelize);
    const found = await new Store(recorder).contacts.ensureMany([...known, 'U-new-user']);
    assert.strictEqual(found.size, 61);
    assert.deepStrictEqual(
      known.filter((id) => found.get(id)?.created !== false),
      [],
    );
    assert.strictEqual(found.get('U-new-user')?.created, true);
    const reads = recorder.statements.filter((s) => /^\s*(SELECT|WITH)/i.test(s.text));
    assert.ok(reads.length > 0, 'ensureMany read the known contacts');
    for (const { text, params } of reads) {
      // as planned for these values, and as kept for any values once prepared (sql.ts, prepared())
      for (const plan of [await planOf(db(), text, params), await genericPlanOf(db(), text)]) {
        const indexes = indexesRead(plan);
        assert.ok(indexes.length > 0 && indexes.every((i) => i.endsWith('contacts_line_user_id_key')), `${text}: ${indexes.join(', ') || 'no index'}`);
      }
    }
  });

  it("a webhook batch's prepared statements (events, contacts, messages, replies, marks) keep to indexes, as planned and in their generic plans", async function () {
    this.timeout(120000);
    await db().sql.exec(`INSERT INTO contacts (line_user_id, display_name) SELECT 'U' || md5(i::text), 'สมชาย ' || i FROM generate_series(1, 5000) i`);
    await db().sql.exec(
      `INSERT INTO messages (contact_id, direction, sender, message_type, content, line_message_id, delivery_status, created_at)
       SELECT c.id, 'IN', 'USER', 'text', jsonb_build_object('type', 'text', 'text', 'ข้อความ ' || i), 'seed-' || i, 'RECEIVED', now() - i * interval '1 minute'
       FROM generate_series(1, 30000) i JOIN contacts c ON c.id = 1 + i % 5000`,
    );
    await db().sql.exec(
      `INSERT INTO webhook_events (webhook_event_id, event_type, payload, received_at, processed_at, flow_done_at)
       SELECT 'seed-event-' || i, 'message', '{}', now() - i * interval '1 minute', now(), now() FROM generate_series(1, 30000) i`,
    );
    await db().sql.exec(`ANALYZE contacts, messages, webhook_events`);
    const recorder = new RecordingSql(db().sequelize);
    const store = new Store(recorder);
    const [event] = await store.webhookEvents.insertNew([
      {
        webhook_event_id: 'plan-event-1',
        destination: 'U-bot',
        event_type: 'message',
        mode: 'active',
        source_type: 'user',
        source_id: 'U-plans',
        line_user_id: 'U-plans',
        payload: { type: 'message' },
        is_redelivery: false,
        event_time: new Date().toISOString(),
        credential_ref: null,
      },
    ]);
    assert.ok(event, 'the event was stored');
    assert.deepStrictEqual([...(await store.webhookEvents.claim([event.id], 60000))], [event.id]);
    const known = (await db().sql.row<{ line_user_id: string }>(`SELECT line_user_id FROM contacts ORDER BY id LIMIT 1`))!.line_user_id;
    const contacts = await store.contacts.ensureMany(['U-plans', known]);
    assert.deepStrictEqual([contacts.get('U-plans')?.created, contacts.get(known)?.created], [true, false]);
    const contact = contacts.get('U-plans')!.contact;
    await store.messages.insertIncomingManyIntoOpenSessions([
      {
        contact_id: contact.id,
        message_type: 'text',
        content: { type: 'text', text: 'สอบถามราคา' },
        line_message_id: 'plan-message-1',
        webhook_event_id: 'plan-event-1',
        mark_as_read_token: null,
        created_at: new Date(),
      },
    ]);
    const [sent] = await store.messages.insertSends([botAnswer(contact, ['ค่ะ'], 'plan-token')]);
    await store.messages.markDelivery([{ id: sent.rows[0].id, status: 'SENT', attempts: 1, error: null, line_message_id: '9002' }]);
    await store.webhookEvents.markFlowDone(['plan-event-1']);

    const prepared = recorder.statements.filter((s) => s.prepared);
    assert.ok(prepared.length >= 7, `${prepared.length} prepared statements recorded`);
    const { looked, offending } = await sequentialScans(db(), prepared, { watched: ['contacts', 'messages', 'webhook_events'] });
    assert.strictEqual(looked, prepared.length);
    assert.deepStrictEqual(offending, []);
  });
});
