// Sql runs statements on the pool's own pg connection rather than through sequelize.query: what
// it answers (types, NULLs, row counts) and throws (sequelize's error classes) must stay what
// sequelize answered and threw, on both databases.
import assert from 'node:assert';
import { QueryTypes, UniqueConstraintError, DatabaseError, ForeignKeyConstraintError } from 'sequelize';
import { describeEachDatabase } from '../support/databases';
import { isUniqueViolation, type SqlParam } from '../../src/db/sql';
import { pgTextArray } from '../../src/store/pg-arrays';

describeEachDatabase('Sql on the pool connection', (db) => {
  /** The same statement through sequelize.query, as Sql ran it before. */
  async function throughSequelize(text: string, params: SqlParam[]): Promise<unknown[]> {
    const bind = params.map((p) => (p !== null && typeof p === 'object' && !(p instanceof Date) ? JSON.stringify(p) : p));
    return (await db().sequelize.query(text, { bind, type: QueryTypes.SELECT, raw: true })) as unknown[];
  }

  const ROUND_TRIP = `SELECT $1::timestamptz AS at, $2::bigint AS big, $3::int AS small, $4::numeric AS num, $5::jsonb AS doc,
      $6::text[] AS tags, $7::text AS nothing, $8::boolean AS flag, $9::int[] AS ints, $10::date AS day, $11::json AS plain_json,
      NULL::timestamptz AS no_time, $12::text AS nul_text`;
  const at = new Date('2026-03-12T18:05:06.789Z');
  const params: SqlParam[] = [
    at,
    '9007199254740993',
    42,
    '12.50',
    { a: [1, 'x'], b: null, c: 'ไทย' },
    pgTextArray(['a', 'b "q"', null]),
    null,
    true,
    '{1,2,3}',
    '2026-03-12',
    ['j'],
    'a\u0000b',
  ];

  it('answers every type as sequelize did: Dates, int8 and numeric as strings, json as objects, arrays, NULL', async () => {
    const row = (await db().sql.row<Record<string, unknown>>(ROUND_TRIP, params))!;
    assert.ok(row.at instanceof Date);
    assert.strictEqual((row.at as Date).getTime(), at.getTime());
    assert.strictEqual(row.big, '9007199254740993');
    assert.strictEqual(row.small, 42);
    assert.strictEqual(row.num, '12.50');
    assert.deepStrictEqual(row.doc, { a: [1, 'x'], b: null, c: 'ไทย' });
    assert.deepStrictEqual(row.tags, ['a', 'b "q"', null]);
    assert.strictEqual(row.nothing, null);
    assert.strictEqual(row.flag, true);
    assert.deepStrictEqual(row.ints, [1, 2, 3]);
    assert.deepStrictEqual(row.plain_json, ['j']);
    assert.strictEqual(row.no_time, null);
    // PostgreSQL refuses NUL in text: sequelize sent it as the two characters \0, so does Sql
    assert.strictEqual(row.nul_text, 'a\\0b');
    assert.deepStrictEqual([row], await throughSequelize(ROUND_TRIP, params));
  });

  it('answers table rows as sequelize did (bigint ids, timestamps, jsonb, text[])', async () => {
    const sql = db().sql;
    const contact = (await sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id, friend_since) VALUES ('U1', $1) RETURNING id`, [new Date(0)]))!;
    await sql.exec(`INSERT INTO messages (contact_id, direction, sender, message_type, content, retry_key) VALUES ($1, 'OUT', 'BOT', 'text', $2, $3)`, [
      contact.id,
      { type: 'text', text: 'hi' },
      '6f1c3c38-9d4e-4c7e-8a55-0c2b1f9a2d10',
    ]);
    const text = `SELECT c.*, m.id AS message_id, m.content, m.retry_key, m.created_at AS sent_at, count(*) OVER () AS total,
        array_agg(m.message_type) OVER () AS types FROM contacts c JOIN messages m ON m.contact_id = c.id WHERE c.id = $1`;
    const mine = await sql.rows<Record<string, unknown>>(text, [contact.id]);
    assert.deepStrictEqual(mine, await throughSequelize(text, [contact.id]));
    assert.strictEqual((mine[0].friend_since as Date).getTime(), 0);
    assert.strictEqual(mine[0].display_name, null);
    assert.strictEqual(mine[0].total, '1');
    assert.deepStrictEqual(mine[0].types, ['text']);
    assert.deepStrictEqual(mine[0].content, { type: 'text', text: 'hi' });
    assert.ok(mine[0].sent_at instanceof Date);
  });

  it('counts the rows a statement touched, and runs parameterless texts of several statements', async () => {
    const sql = db().sql;
    assert.strictEqual(await sql.exec(`INSERT INTO settings (key, value) VALUES ('a', '1'), ('b', '2')`), 2);
    assert.strictEqual(await sql.exec(`UPDATE settings SET value = $1 WHERE key = 'nope'`, ['"x"']), 0);
    assert.strictEqual(await sql.exec(`UPDATE settings SET value = '3' WHERE key = 'a'; DELETE FROM settings WHERE key = 'b'`), 2);
    assert.deepStrictEqual(await sql.rows(`SELECT key FROM settings WHERE key = 'a'; SELECT 'z' AS key`), [{ key: 'a' }, { key: 'z' }]);
    assert.strictEqual(await sql.row(`SELECT 1 WHERE false`), undefined);
  });

  it("throws sequelize's errors, the pg error as parent, and the connection serves the next statement", async () => {
    const sql = db().sql;
    await sql.exec(`INSERT INTO operators (username, password_hash, display_name) VALUES ('ann', 'x', 'Ann')`);
    const duplicate = await sql
      .exec(`INSERT INTO operators (username, password_hash, display_name) VALUES ($1, 'x', 'Ann')`, ['ann'])
      .catch((err: Error) => err);
    assert.ok(duplicate instanceof UniqueConstraintError);
    assert.ok(isUniqueViolation(duplicate, 'operators_username_key'));
    assert.strictEqual((duplicate as UniqueConstraintError).parent.message, 'duplicate key value violates unique constraint "operators_username_key"');
    assert.match(String(duplicate.stack), /sql\.test/);

    const orphan = await sql
      .exec(`INSERT INTO messages (contact_id, direction, sender, message_type, content) VALUES (999999, 'OUT', 'BOT', 'text', '{}')`)
      .catch((err: Error) => err);
    assert.ok(orphan instanceof ForeignKeyConstraintError);

    const bad = await sql.row(`SELECT $1::int AS n`, ['not a number']).catch((err: Error) => err);
    assert.ok(bad instanceof DatabaseError);
    assert.match(bad.message, /invalid input syntax for type integer/);
    assert.strictEqual((bad as DatabaseError & { parent: { code: string } }).parent.code, '22P02');
    assert.strictEqual((bad as DatabaseError).sql, 'SELECT $1::int AS n');

    assert.deepStrictEqual(await sql.row(`SELECT $1::int AS n`, [7]), { n: 7 });
  });

  it('runs a transaction on its own connection, refuses a finished one, and rolls back on failure', async () => {
    const sql = db().sql;
    let finished: typeof sql | undefined;
    await sql.transaction(async (tx) => {
      finished = tx;
      await tx.exec(`INSERT INTO settings (key, value) VALUES ('t', '1')`);
      // the transaction's own connection sees its uncommitted row
      assert.deepStrictEqual(await tx.row(`SELECT value FROM settings WHERE key = 't'`), { value: 1 });
    });
    await assert.rejects(finished!.exec(`SELECT 1`), /commit has been called on this transaction/);
    await assert.rejects(
      sql.transaction(async (tx) => {
        await tx.exec(`INSERT INTO settings (key, value) VALUES ('u', '1')`);
        await tx.exec(`INSERT INTO settings (key, value) VALUES ('u', '2')`);
      }),
      UniqueConstraintError,
    );
    assert.deepStrictEqual(await sql.rows(`SELECT key FROM settings ORDER BY key`), [{ key: 't' }]);
  });
});
