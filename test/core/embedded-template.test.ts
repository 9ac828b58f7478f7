// The embedded database's first start: loaded from the empty data folder made at build time
// (not initdb), tuned to a small shared_buffers; and initdb still when the template cannot serve.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { openDatabase } from '../../src/db/database';
import { hasDatabase, pgliteVersion, readTar, TEMPLATE_FILE, TEMPLATE_LABEL, unpackTemplate } from '../../src/db/pgdata-template';
import { tempDir } from '../support/databases';

describe('the embedded database template', function () {
  this.timeout(60000);

  it('was made at build time by the installed PGlite', () => {
    assert.ok(fs.statSync(TEMPLATE_FILE).size > 0);
    assert.strictEqual(JSON.parse(fs.readFileSync(TEMPLATE_LABEL, 'utf8')).pglite, pgliteVersion());
  });

  it('unpacks into a new folder a database that opens, migrates and runs with a 16 MB shared_buffers', async () => {
    const dir = path.join(tempDir(), 'db');
    fs.mkdirSync(dir);
    assert.strictEqual(unpackTemplate(dir), true);
    assert.ok(hasDatabase(dir));
    const db = await openDatabase({ embeddedDir: dir });
    try {
      const [rows] = await db.sequelize.query("SELECT current_setting('shared_buffers') AS shared_buffers, to_regclass('public.contacts')::text AS contacts");
      assert.deepStrictEqual(rows, [{ shared_buffers: '16MB', contacts: 'contacts' }]);
    } finally {
      await db.close();
    }
    // a database is never overwritten: the folder keeps its migrated tables
    assert.strictEqual(unpackTemplate(dir), false);
    const again = await openDatabase({ embeddedDir: dir }, { migrate: false });
    try {
      const [rows] = await again.sequelize.query("SELECT to_regclass('public.contacts')::text AS contacts");
      assert.deepStrictEqual(rows, [{ contacts: 'contacts' }]);
    } finally {
      await again.close();
    }
  });

  it('writes every file and folder of the archive', () => {
    const entries = readTar(zlib.gunzipSync(fs.readFileSync(TEMPLATE_FILE)));
    assert.ok(
      entries.some((entry) => entry.name === 'PG_VERSION' && /^\d+\n$/.test(entry.content.toString())),
      'PG_VERSION names a PostgreSQL version',
    );
    assert.ok(entries.some((entry) => entry.directory && entry.name === 'base'));
    const dir = tempDir();
    unpackTemplate(dir);
    for (const entry of entries) {
      const stat = fs.statSync(path.join(dir, entry.name));
      assert.strictEqual(stat.isDirectory(), entry.directory, entry.name);
      if (!entry.directory) assert.strictEqual(stat.size, entry.content.length, entry.name);
    }
  });

  it('is not used when another PGlite version made it, or when it is missing', () => {
    const other = path.join(tempDir(), 'pgdata-template.tgz');
    fs.copyFileSync(TEMPLATE_FILE, other);
    fs.writeFileSync(`${other}.json`, JSON.stringify({ pglite: '0.0.1' }));
    const dir = tempDir();
    assert.strictEqual(unpackTemplate(dir, other), false);
    assert.deepStrictEqual(fs.readdirSync(dir), []);
    fs.rmSync(other);
    fs.writeFileSync(`${other}.json`, JSON.stringify({ pglite: pgliteVersion() }));
    assert.strictEqual(unpackTemplate(dir, other), false);
    assert.deepStrictEqual(fs.readdirSync(dir), []);
  });
});
