import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import { describeEachDatabase, onScratchDatabase, serverUrl } from '../support/databases';
import { openDatabase } from '../../src/db/database';
import { createMigrator, migrate, migrationFiles, pendingMigrations } from '../../src/db/migrator';
import { isUniqueViolation } from '../../src/db/sql';

describeEachDatabase('database', (db) => {
  it('has every table of the schema after the migrations', async () => {
    const tables = await db().sql.rows<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`);
    assert.deepStrictEqual(
      tables.map((t) => t.tablename),
      [
        'auth_tokens',
        'canned_responses',
        'chat_analytics',
        'chat_sessions',
        // issue 11: notes and handovers on a chat's timeline
        'chat_timeline',
        // issue 11: custom contact fields, their values, labels
        'contact_field_values',
        'contact_fields',
        // issue 9: the contacts' searched columns, indexed apart from the row each message updates
        'contact_search',
        'contacts',
        'conversation_reads',
        'credentials',
        'friend_events',
        'labels',
        'login_failures',
        // issue 11: users' and operators' images, video, audio and files
        'media',
        'messages',
        'operators',
        'schema_migrations',
        // issue 12: a closed chat's rating (CSAT)
        'session_ratings',
        'settings',
        // socket.io's PostgreSQL adapter: notifications over 8000 bytes (live events across instances)
        'socket_io_attachments',
        'webhook_events',
      ],
    );
  });

  it('refuses a second open session for one contact', async () => {
    const sql = db().sql;
    const contact = await sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id) VALUES ('U1') RETURNING id`);
    await sql.exec(`INSERT INTO chat_sessions (contact_id, line_user_id) VALUES ($1, 'U1')`, [contact!.id]);
    await assert.rejects(sql.exec(`INSERT INTO chat_sessions (contact_id, line_user_id, status) VALUES ($1, 'U1', 'ACTIVE')`, [contact!.id]), (err) =>
      isUniqueViolation(err, 'chat_sessions_one_open_key'),
    );
    await sql.exec(`UPDATE chat_sessions SET status = 'CLOSED'`);
    assert.strictEqual(await sql.exec(`INSERT INTO chat_sessions (contact_id, line_user_id) VALUES ($1, 'U1')`, [contact!.id]), 1);
  });

  it('rolls a failed transaction back whole', async () => {
    const sql = db().sql;
    await assert.rejects(
      sql.transaction(async (tx) => {
        await tx.exec(`INSERT INTO settings (key, value) VALUES ('a', '1')`);
        await tx.exec(`INSERT INTO settings (key, value) VALUES ('a', '2')`);
      }),
    );
    assert.strictEqual((await sql.rows(`SELECT * FROM settings`)).length, 0);
  });

  it('prices a page read out of order as from memory or SSD (random_page_cost 1.1), on every connection', async () => {
    // Two at once: the pool's first connection and, on a server, another it opens for the second.
    const costs = await Promise.all(
      [1, 2].map(() => db().sql.transaction(async (tx) => (await tx.row<{ cost: string }>(`SELECT current_setting('random_page_cost') AS cost`))!.cost)),
    );
    assert.deepStrictEqual(costs, ['1.1', '1.1']);
  });

  it('stores times in UTC and answers them as Dates', async () => {
    const row = await db().sql.row<{ now: Date; zone: string }>(`SELECT now() AS now, current_setting('TimeZone') AS zone`);
    assert.ok(row!.now instanceof Date);
    assert.strictEqual(row!.zone, 'UTC');
  });
});

describe('connections to a PostgreSQL server', () => {
  before(function () {
    if (!serverUrl) {
      console.log('      skipped: set TEST_DATABASE_URL to run the connection pool test');
      this.skip();
    }
  });

  it('keeps three open however long they sit idle (an inbox list takes three at once), and closes the others', async function () {
    this.timeout(20000);
    const opened = await openDatabase({ url: serverUrl! }, { migrate: false, idleConnectionMs: 200 });
    try {
      // Six at once, each held a moment, so the pool opens six connections.
      const pids = await Promise.all(
        Array.from({ length: 6 }, async () => (await opened.sql.row<{ pid: number }>(`SELECT pg_backend_pid() AS pid, pg_sleep(0.2)`))!.pid),
      );
      assert.strictEqual(new Set(pids).size, 6);
      const alive = async () =>
        (await opened.sql.rows<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [`{${pids.join(',')}}`])).map((r) => r.pid);
      // The pool looks for idle connections every second.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const left = await alive();
      assert.strictEqual(left.length, 3);
      // Still the same ones later, and statements run on them.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepStrictEqual((await alive()).sort(), left.sort());
      const now = await Promise.all(
        Array.from({ length: 3 }, async () => (await opened.sql.row<{ pid: number }>(`SELECT pg_backend_pid() AS pid, pg_sleep(0.1)`))!.pid),
      );
      assert.deepStrictEqual(now.sort(), left.sort());
    } finally {
      await opened.close();
    }
  });
});

describe('migrations on a PostgreSQL server', () => {
  before(function () {
    if (!serverUrl) {
      console.log('      skipped: set TEST_DATABASE_URL to run the concurrent migration test');
      this.skip();
    }
  });

  /** Sequelize instances on `url`, closed after `work`. */
  async function withInstances(url: string, options: { max?: number }[], work: (...instances: Sequelize[]) => Promise<void>): Promise<void> {
    const instances = options.map((o) => new Sequelize(url, { logging: false, ...(o.max ? { pool: { max: o.max } } : {}) }));
    try {
      await work(...instances);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  }

  it('keep a lower random_page_cost an administrator set for the database', async function () {
    this.timeout(60000);
    await onScratchDatabase(
      'page_cost',
      async (url) => {
        const opened = await openDatabase({ url }, { migrate: false });
        try {
          assert.strictEqual((await opened.sql.row<{ cost: string }>(`SELECT current_setting('random_page_cost') AS cost`))!.cost, '1');
        } finally {
          await opened.close();
        }
      },
      (admin, name) => admin.query(`ALTER DATABASE ${name} SET random_page_cost = 1`),
    );
  });

  it('run only what is pending: a migrated database takes no lock (a restart does not wait for another run)', async function () {
    this.timeout(60000);
    await onScratchDatabase('pending', (url) =>
      withInstances(url, [{}, { max: 1 }], async (instance, other) => {
        assert.deepStrictEqual(await pendingMigrations(instance), migrationFiles());
        assert.ok(migrationFiles().length > 20 && migrationFiles()[0] === '0001-initial-schema.js');
        await migrate(instance, { lock: true });
        assert.deepStrictEqual(await pendingMigrations(instance), []);

        // Another instance's run holds the lock: a start with nothing to run goes on at once.
        await other.transaction(async (transaction) => {
          await other.query(`SELECT pg_advisory_xact_lock(${0x4c4c4301})`, { transaction });
          const started = Date.now();
          await migrate(instance, { lock: true });
          assert.ok(Date.now() - started < 5000);
        });

        const last = migrationFiles().at(-1)!;
        await instance.query(`DELETE FROM schema_migrations WHERE name = $1`, { bind: [last] });
        assert.deepStrictEqual(await pendingMigrations(instance), [last]);
      }),
    );
  });

  it("keep their record in the table an earlier release made with umzug's SequelizeStorage", async function () {
    this.timeout(60000);
    await onScratchDatabase('records', (url) =>
      withInstances(url, [{}], async (instance) => {
        // The statement SequelizeStorage ran to make it.
        await instance.query(`CREATE TABLE IF NOT EXISTS "schema_migrations" ("name" VARCHAR(255) NOT NULL UNIQUE , PRIMARY KEY ("name"))`);
        await migrate(instance, { lock: true });
        assert.deepStrictEqual(await pendingMigrations(instance), []);
        const [rows] = (await instance.query(`SELECT name FROM schema_migrations ORDER BY name`)) as [{ name: string }[], unknown];
        assert.deepStrictEqual(
          rows.map((r) => r.name),
          migrationFiles(),
        );
      }),
    );
  });

  it("0032 copies the contacts' searched columns into contact_search with their indexes, and 0032's down puts the indexes back on contacts", async function () {
    this.timeout(60000);
    await onScratchDatabase('search', (url) =>
      withInstances(url, [{}], async (instance) => {
        const migrator = createMigrator(instance);
        await migrator.up({ to: '0031-team-messages-by-contact.js' });
        await instance.query(`INSERT INTO contacts (line_user_id, display_name, details_search, label_ids) VALUES
          ('U-quiet', 'Quiet', NULL, NULL), ('U-talked', 'สมชาย', 'ORD-1', ARRAY[7])`);
        await instance.query(`UPDATE contacts SET conv_last_message_at = now() WHERE line_user_id = 'U-talked'`);
        await migrator.up();
        const rows = async (sql: string) => ((await instance.query(sql)) as [Record<string, unknown>[], unknown])[0];
        assert.deepStrictEqual(await rows(`SELECT line_user_id, talked, display_name, details_search, label_ids FROM contact_search ORDER BY line_user_id`), [
          { line_user_id: 'U-quiet', talked: false, display_name: 'Quiet', details_search: null, label_ids: null },
          { line_user_id: 'U-talked', talked: true, display_name: 'สมชาย', details_search: 'ORD-1', label_ids: [7] },
        ]);
        const indexes = async (table: string) =>
          (await rows(`SELECT indexname FROM pg_indexes WHERE tablename = '${table}' AND indexdef LIKE '%USING gin%' ORDER BY indexname`)).map(
            (r) => r.indexname,
          );
        assert.deepStrictEqual(await indexes('contacts'), []);
        assert.deepStrictEqual(await indexes('contact_search'), [
          'contact_search_details_search_trgm_idx',
          'contact_search_display_name_trgm_idx',
          'contact_search_label_ids_idx',
          'contact_search_line_user_id_trgm_idx',
          'contact_search_short_grams_idx',
        ]);
        await migrator.down();
        assert.deepStrictEqual(await indexes('contacts'), [
          'contacts_details_search_trgm_idx',
          'contacts_display_name_trgm_idx',
          'contacts_label_ids_idx',
          'contacts_line_user_id_trgm_idx',
          'contacts_short_grams_idx',
        ]);
        assert.deepStrictEqual(await rows(`SELECT to_regclass('contact_search') AS t`), [{ t: null }]);
        await instance.query(`INSERT INTO contacts (line_user_id) VALUES ('U-after-down')`);
      }),
    );
  });

  it('run once when two instances start at the same time', async function () {
    this.timeout(60000);
    await onScratchDatabase('migrate', (url) =>
      withInstances(url, [{}, {}], async (a, b) => {
        await Promise.all([migrate(a, { lock: true }), migrate(b, { lock: true })]);
        const [rows] = (await a.query(`SELECT name FROM schema_migrations`)) as [{ name: string }[], unknown];
        const files = fs.readdirSync(path.join(__dirname, '..', '..', 'migrations')).filter((f) => f.endsWith('.js'));
        assert.deepStrictEqual(rows.map((r) => r.name).sort(), files.sort());
      }),
    );
  });
});
