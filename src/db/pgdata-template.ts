// The empty data folder shipped with the package (made by scripts/build-pgdata.js): a new
// embedded database is loaded from it rather than made by initdb, when the PGlite that made it
// is the one installed.
import fs from 'node:fs';
import path from 'node:path';

export const TEMPLATE_FILE = path.join(__dirname, 'pgdata-template.tgz');
export const TEMPLATE_LABEL = `${TEMPLATE_FILE}.json`;

/** The installed PGlite's version (its package.json is not exported, so it is read by path). */
export function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${entry}`);
    dir = parent;
  }
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

/**
 * The template to load into `dataDir`, or undefined when the folder already holds a database or
 * no usable template is there (then PGlite runs initdb itself).
 */
export function dataDirTemplate(dataDir: string, template = TEMPLATE_FILE): Blob | undefined {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return undefined;
  try {
    if (JSON.parse(fs.readFileSync(`${template}.json`, 'utf8')).pglite !== pgliteVersion()) return undefined;
    return new Blob([fs.readFileSync(template)]);
  } catch {
    return undefined;
  }
}
