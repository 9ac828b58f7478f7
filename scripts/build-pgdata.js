// The embedded database as a new install gets it, made once at build time and shipped as a
// tarball (dist/src/db/pgdata-template.tgz): initdb run and every migration applied, so that the
// first start unpacks it and starts as on any restart, instead of running initdb and the
// migrations in WebAssembly (3-5 s more, and ~80 MB more resident memory for good).
// Labelled with the PGlite version that made it (another version runs initdb instead) and the
// migrations in it (remade when they change; a missing one would still be applied at start).

const fs = require('node:fs');
const os = require('node:os');
const crypto = require('node:crypto');
const path = require('node:path');
const { openDatabase } = require('../dist/src/db/database');
const { pgliteVersion, TEMPLATE_FILE, TEMPLATE_LABEL } = require('../dist/src/db/pgdata-template');

const MIGRATIONS = path.join(__dirname, '..', 'dist', 'migrations');

async function main() {
  const label = {
    pglite: pgliteVersion(),
    // Each migration by name and content, so that a migration edited while it is being written
    // (never once released) makes a new template too.
    migrations: fs
      .readdirSync(MIGRATIONS)
      .filter((file) => file.endsWith('.js'))
      .sort()
      .map(
        (file) =>
          `${file}:${crypto
            .createHash('sha256')
            .update(fs.readFileSync(path.join(MIGRATIONS, file)))
            .digest('hex')
            .slice(0, 12)}`,
      ),
  };
  try {
    if (fs.readFileSync(TEMPLATE_LABEL, 'utf8') === `${JSON.stringify(label)}\n` && fs.existsSync(TEMPLATE_FILE)) return;
  } catch {
    // none made yet
  }
  fs.rmSync(TEMPLATE_FILE, { force: true });
  fs.rmSync(TEMPLATE_LABEL, { force: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llc-pgdata-'));
  try {
    const dataDir = path.join(dir, 'pgdata');
    const database = await openDatabase({ embeddedDir: dataDir });
    await database.close();
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    try {
      const tarball = await db.dumpDataDir('gzip');
      fs.mkdirSync(path.dirname(TEMPLATE_FILE), { recursive: true });
      fs.writeFileSync(TEMPLATE_FILE, Buffer.from(await tarball.arrayBuffer()));
    } finally {
      await db.close();
    }
    fs.writeFileSync(TEMPLATE_LABEL, `${JSON.stringify(label)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
