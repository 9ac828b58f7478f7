// The embedded database's first start: loaded from the empty data folder made at build time
// (not initdb), tuned to a small shared_buffers; and initdb still when the template cannot serve.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/db/database';
import { dataDirTemplate, pgliteVersion, TEMPLATE_FILE, TEMPLATE_LABEL } from '../../src/db/pgdata-template';
import { tempDir } from '../support/databases';

describe('the embedded database template', function () {
  this.timeout(60000);

  it('was made at build time by the installed PGlite', () => {
    assert.ok(fs.statSync(TEMPLATE_FILE).size > 0);
    assert.strictEqual(JSON.parse(fs.readFileSync(TEMPLATE_LABEL, 'utf8')).pglite, pgliteVersion());
  });

  it('makes a new folder a migrated database with a 32 MB shared_buffers, and is not loaded into it again', async () => {
    const dir = path.join(tempDir(), 'db');
    assert.ok(dataDirTemplate(dir) instanceof Blob);
    const db = await openDatabase({ embeddedDir: dir });
    try {
      const [rows] = await db.sequelize.query("SELECT current_setting('shared_buffers') AS shared_buffers, to_regclass('public.contacts') AS contacts");
      assert.deepStrictEqual(rows, [{ shared_buffers: '32MB', contacts: 'contacts' }]);
    } finally {
      await db.close();
    }
    assert.ok(fs.existsSync(path.join(dir, 'PG_VERSION')));
    assert.strictEqual(dataDirTemplate(dir), undefined);
  });

  it('is not used when another PGlite version made it, or when it is missing', () => {
    const other = path.join(tempDir(), 'pgdata-template.tgz');
    fs.copyFileSync(TEMPLATE_FILE, other);
    fs.writeFileSync(`${other}.json`, JSON.stringify({ pglite: '0.0.1' }));
    assert.strictEqual(dataDirTemplate(tempDir(), other), undefined);
    fs.writeFileSync(`${other}.json`, JSON.stringify({ pglite: pgliteVersion() }));
    assert.ok(dataDirTemplate(tempDir(), other) instanceof Blob);
    fs.rmSync(other);
    assert.strictEqual(dataDirTemplate(tempDir(), other), undefined);
  });
});
