// The webhook's lookups of known users keep to the unique index of LINE ids. The trigram index
// on the same column answers equality too, and the planner took it for a dozen users or more:
// a GIN scan reads the index's whole pending list of recent entries, 90–800 ms a statement
// under ingest. Every statement ensureMany runs is EXPLAINed on a table of a few thousand.
import assert from 'node:assert';
import { Store } from '../../src/store/store';
import { describeEachDatabase } from '../support/databases';
import { indexesRead, planOf, RecordingSql } from '../support/query-plans';

describeEachDatabase('webhook ingest: contact lookups by LINE id', (db) => {
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
      const indexes = indexesRead(await planOf(db(), text, params));
      assert.ok(indexes.length > 0 && indexes.every((i) => i.endsWith('contacts_line_user_id_key')), `${text}: ${indexes.join(', ') || 'no index'}`);
    }
  });
});
