// Prepared statements (src/db/sql.ts, prepared()): the fixed statements every webhook event runs
// are parsed and planned once per connection, then run by name. They must survive what a real
// deployment does to connections and tables: the embedded database's single session outliving
// the connection that prepared them, and a column added by a migration while they are prepared.
import assert from 'node:assert';
import type { Sequelize } from 'sequelize';
import { prepared, Sql } from '../../src/db/sql';
import { CONTACT_COLUMNS } from '../../src/store/contacts';
import { MESSAGE_COLUMNS } from '../../src/store/messages';
import { Store } from '../../src/store/store';
import { describeEachDatabase } from '../support/databases';
import { botAnswer } from '../support/store-rows';

/** The statements prepared on the connection `sql`'s transaction runs on. */
const preparedHere = (sql: Sql) =>
  sql.rows<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'llc\\_%'`);

/** Closes the pool's connections: the next statement opens a new one. */
const dropConnections = (sequelize: Sequelize) =>
  (sequelize as unknown as { connectionManager: { pool: { destroyAllNow(): Promise<void> } } }).connectionManager.pool.destroyAllNow();

describeEachDatabase('prepared statements', (db) => {
  it('runs a prepared statement by its name, prepared once on the connection', async () => {
    const plusOne = prepared('SELECT $1::int + 1 AS n');
    const [answers, statements] = await db().sql.transaction(async (tx) => {
      const answers = [(await tx.row<{ n: number }>(plusOne, [1]))!.n, (await tx.row<{ n: number }>(plusOne, [41]))!.n];
      return [answers, await preparedHere(tx)];
    });
    assert.deepStrictEqual(answers, [2, 42]);
    assert.deepStrictEqual(
      statements.filter((s) => s.name === plusOne.name),
      [{ name: plusOne.name, statement: plusOne.text }],
    );
  });

  it("prepares a webhook batch's statements: the contacts, the user's messages, the bot's answers and their delivery marks", async () => {
    const statements = await db().sql.transaction(async (tx) => {
      const store = new Store(tx);
      const contact = (await store.contacts.ensureMany(['U-prepared'])).get('U-prepared')!.contact;
      const incoming = await store.messages.insertIncomingManyIntoOpenSessions([
        {
          contact_id: contact.id,
          message_type: 'text',
          content: { type: 'text', text: 'สวัสดี' },
          line_message_id: 'prepared-1',
          webhook_event_id: 'prepared-event-1',
          mark_as_read_token: null,
          created_at: new Date(),
        },
      ]);
      assert.strictEqual(incoming.get('prepared-1')?.content.text, 'สวัสดี');
      const [sent] = await store.messages.insertSends([botAnswer(contact, ['ค่ะ'])]);
      const [mark] = await store.messages.markDelivery([{ id: sent.rows[0].id, status: 'SENT', attempts: 1, error: null, line_message_id: '9001' }]);
      assert.deepStrictEqual([mark?.delivery_status, mark?.line_message_id], ['SENT', '9001']);
      return preparedHere(tx);
    });
    const starts = statements.map((s) => s.statement.replace(/\s+/g, ' ').slice(0, 60));
    for (const start of [
      'WITH inserted AS ( INSERT INTO contacts',
      'INSERT INTO messages (contact_id, session',
      'INSERT INTO messages (contact_id, directi',
      'UPDATE messages AS m SET delivery_status ',
    ]) {
      assert.ok(
        starts.some((s) => s.startsWith(start)),
        `${start}… among ${JSON.stringify(starts)}`,
      );
    }
  });

  it('prepares them again on a new connection (the embedded database keeps one session for all)', async () => {
    const plusTwo = prepared('SELECT $1::int + 2 AS n');
    assert.strictEqual((await db().sql.row<{ n: number }>(plusTwo, [1]))!.n, 3);
    await dropConnections(db().sequelize);
    assert.strictEqual((await db().sql.row<{ n: number }>(plusTwo, [2]))!.n, 4);
    const contacts = await new Store(db().sql).contacts.ensureMany(['U-again']);
    assert.strictEqual(contacts.get('U-again')?.created, true);
  });

  it('keeps running after a column is added to the table it answers from (it names its columns)', async () => {
    await db().sql.exec(`DROP TABLE IF EXISTS prepared_probe; CREATE TABLE prepared_probe (id serial PRIMARY KEY, a int)`);
    try {
      const insert = prepared('INSERT INTO prepared_probe (a) VALUES ($1) RETURNING id, a');
      const answers = await db().sql.transaction(async (tx) => {
        const first = await tx.row<{ id: number; a: number }>(insert, [1]);
        await tx.exec(`ALTER TABLE prepared_probe ADD COLUMN b text`);
        const second = await tx.row<{ id: number; a: number }>(insert, [2]);
        return [first, second];
      });
      assert.deepStrictEqual(answers, [
        { id: 1, a: 1 },
        { id: 2, a: 2 },
      ]);
    } finally {
      await db().sql.exec(`DROP TABLE prepared_probe`);
    }
  });

  it('makes plans again once they are older than their lifetime, in transactions too: one made on empty tables does not stay as they grow', async function (this: Mocha.Context) {
    // One connection (the embedded database's), so that both Sqls below run on the one that
    // keeps the plan; on a server the pool could hand either another.
    if (db().kind !== 'embedded') this.skip();
    this.timeout(120000);
    const keeping = new Store(new Sql(db().sequelize, undefined, Number.MAX_SAFE_INTEGER));
    const renewing = new Store(new Sql(db().sequelize, undefined, 0));
    const contact = (await keeping.contacts.ensureMany(['U-growing'])).get('U-growing')!.contact;
    // Ten answers, each with a reply token: the insert checks that none is claimed already.
    // In a transaction, as the webhook's batches run them: its Sql has the lifetime of the Sql
    // it was begun on (either one inheriting the 10 s default instead fails the comparison).
    const answer = (store: Store) =>
      store.transaction((tx) => tx.messages.insertSends(Array.from({ length: 10 }, () => botAnswer(contact, ['ค่ะ'], crypto.randomUUID()))));
    const medianMs = async (store: Store) => {
      const took: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        await answer(store);
        took.push(performance.now() - started);
      }
      return took.sort((a, b) => a - b)[3];
    };
    // Planned while messages is empty: PostgreSQL's generic plan, after five runs, checks the
    // reply tokens with a hash of all of messages.
    for (let i = 0; i < 8; i++) await answer(keeping);
    await db().sql.exec(
      `INSERT INTO messages (contact_id, direction, sender, message_type, content, delivery_status)
       SELECT $1, 'IN', 'USER', 'text', '{"type":"text","text":"y"}', 'RECEIVED' FROM generate_series(1, 200000)`,
      [contact.id],
    );
    const kept = await medianMs(keeping);
    const renewed = await medianMs(renewing);
    assert.ok(renewed * 2 < kept, `the plan kept from the empty table: ${kept.toFixed(1)} ms; made again: ${renewed.toFixed(1)} ms`);
  });

  it("names every column of the tables whose rows prepared statements answer (contacts, messages), in the table's order", async () => {
    const columns = async (table: string) =>
      (
        await db().sql.rows<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table],
        )
      ).map((c) => c.column_name);
    assert.deepStrictEqual(CONTACT_COLUMNS.split(/,\s*/), await columns('contacts'));
    assert.deepStrictEqual(MESSAGE_COLUMNS.split(/,\s*/), await columns('messages'));
  });
});

describe('prepared(): the statement it accepts', () => {
  it('refuses one that answers `*`, with what to do, and takes one that names its columns', () => {
    for (const text of [
      'SELECT * FROM messages',
      'UPDATE messages SET media = $2 WHERE id = $1 RETURNING *',
      'SELECT c.*, true FROM contacts c',
      'SELECT id, * FROM t',
    ]) {
      assert.throws(() => prepared(text), /must name the columns it answers, not \*/, text);
    }
    const counted = prepared('SELECT count(*) AS n, 2 * $1::int AS twice FROM messages');
    assert.match(counted.name, /^llc_[0-9a-f]{20}$/);
    assert.strictEqual(prepared(counted.text).name, counted.name, 'the same text is the same statement');
    assert.notStrictEqual(prepared('SELECT 1 AS n').name, counted.name);
  });
});
