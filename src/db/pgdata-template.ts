// The new database shipped with the package (made by scripts/build-pgdata.js, migrated): a new
// embedded database is unpacked from it rather than made by initdb, when the PGlite that made it
// is the one installed. Unpacked here, not by PGlite's loadDataDir, so that PGlite starts as on
// any restart: loading a tarball grows its WebAssembly memory by ~140 MB for good.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const TEMPLATE_FILE = path.join(__dirname, 'pgdata-template.tgz');
export const TEMPLATE_LABEL = `${TEMPLATE_FILE}.json`;
/** Written last: PostgreSQL (and PGlite) take a folder with it for a database. */
const MARKER = 'PG_VERSION';
const BLOCK = 512;

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

/** Whether `dataDir` holds a database already. */
export function hasDatabase(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, MARKER));
}

/**
 * Unpacks the template into `dataDir` if the folder holds no database yet and the template was
 * made by the installed PGlite; answers whether it did (if not, PGlite runs initdb itself).
 *
 * The unpacking runs in a short-lived child process: gunzipping the 40 MB archive in this one
 * left ~35 MB resident for good (zlib's output chunks freed into a malloc heap that is not given
 * back, and the archive kept until a garbage collection that an idle process may never run),
 * measured by bench/memory-start as the first start's RSS over a restart's. If no child can be
 * started, it unpacks here: correct, only larger.
 */
export function unpackTemplate(dataDir: string, template = TEMPLATE_FILE): boolean {
  if (hasDatabase(dataDir)) return false;
  let answer: string;
  try {
    answer = execFileSync(process.execPath, [__filename, dataDir, template], {
      encoding: 'utf8',
      timeout: 60000,
      stdio: ['ignore', 'pipe', 'pipe'],
      // an Electron host's binary runs as plain Node with this set (plain Node ignores it)
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
  } catch (err) {
    const { status, stderr } = err as { status?: number | null; stderr?: string };
    // the child ran and failed: the same failure here would only repeat it
    if (typeof status === 'number' && status !== 0)
      throw new Error(`could not unpack the database template into ${dataDir}: ${stderr?.trim() || `exit ${status}`}`);
    return unpackTemplateHere(dataDir, template);
  }
  return answer.trim() === 'unpacked';
}

/** The unpacking itself, in this process (the child's work, and the fallback). */
export function unpackTemplateHere(dataDir: string, template = TEMPLATE_FILE): boolean {
  if (hasDatabase(dataDir)) return false;
  let archive: Buffer;
  try {
    if (JSON.parse(fs.readFileSync(`${template}.json`, 'utf8')).pglite !== pgliteVersion()) return false;
    archive = zlib.gunzipSync(fs.readFileSync(template));
  } catch {
    return false;
  }
  const entries = readTar(archive);
  entries.sort((a, b) => Number(a.name === MARKER) - Number(b.name === MARKER));
  for (const entry of entries) {
    const target = path.join(dataDir, entry.name);
    if (entry.directory) fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, entry.content, { mode: 0o600 });
    }
  }
  return true;
}

interface TarEntry {
  name: string;
  directory: boolean;
  content: Buffer;
}

/** The files and folders of a ustar archive (what PGlite's dumpDataDir writes). */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  const text = (start: number, length: number) => archive.toString('utf8', start, start + length).replace(/\0.*$/s, '');
  for (let offset = 0; offset + BLOCK <= archive.length; ) {
    const name = text(offset, 100);
    if (!name) break; // the two empty blocks that end the archive
    const size = Number.parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1);
    const prefix = archive.toString('utf8', offset + 257, offset + 262) === 'ustar' ? text(offset + 345, 155) : '';
    const full = path.posix
      .normalize(`${prefix ? `${prefix}/` : ''}${name}`)
      .replace(/^\/+/, '')
      .replace(/\/+$/, '');
    if (full.split('/').includes('..') || !Number.isFinite(size)) throw new Error(`unsafe or broken entry "${full}" in the data folder template`);
    const start = offset + BLOCK;
    if (full && full !== '.') {
      if (type === '5') entries.push({ name: full, directory: true, content: Buffer.alloc(0) });
      else if (type === '0' || type === '') entries.push({ name: full, directory: false, content: archive.subarray(start, start + size) });
      else throw new Error(`unexpected entry type "${type}" for ${full} in the data folder template`);
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

// `node pgdata-template.js <dataDir> <template>`: the child of unpackTemplate.
if (require.main === module) {
  const [dataDir, template] = process.argv.slice(2);
  process.stdout.write(unpackTemplateHere(dataDir, template) ? 'unpacked' : 'not unpacked');
}
