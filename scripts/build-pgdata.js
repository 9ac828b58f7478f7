// A new, empty PGlite data folder made once at build time and shipped as a tarball
// (dist/src/db/pgdata-template.tgz), so that the embedded database's first start unpacks it
// instead of running initdb in WebAssembly (3-5 s, and a second 600 MB instance).
// Labelled with the PGlite version that made it: another version runs initdb instead.

const fs = require('node:fs');
const path = require('node:path');
const { pgliteVersion, TEMPLATE_FILE, TEMPLATE_LABEL } = require('../dist/src/db/pgdata-template');

async function main() {
  const version = pgliteVersion();
  try {
    if (JSON.parse(fs.readFileSync(TEMPLATE_LABEL, 'utf8')).pglite === version && fs.existsSync(TEMPLATE_FILE)) return;
  } catch {
    // none made yet
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  try {
    const tarball = await db.dumpDataDir('gzip');
    fs.mkdirSync(path.dirname(TEMPLATE_FILE), { recursive: true });
    fs.writeFileSync(TEMPLATE_FILE, Buffer.from(await tarball.arrayBuffer()));
    fs.writeFileSync(TEMPLATE_LABEL, `${JSON.stringify({ pglite: version })}\n`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
