// The embedded database: PGlite (PostgreSQL compiled to WebAssembly) with its data in a folder,
// served on a private unix socket so that sequelize and pg reach it exactly as they reach a
// PostgreSQL server. PGlite has one connection, so the pool that uses it must have one too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { unpackTemplate } from './pgdata-template';

export interface EmbeddedPostgres {
  /** Folder holding the socket, to be used as pg's `host`. */
  socketDir: string;
  port: number;
  stop(): Promise<void>;
}

const SOCKET_PORT = 5432;

/**
 * PGlite's shared_buffers default (160 MB) is WebAssembly memory written at start, so it is all
 * resident: 270 MB for an idle database. Every MB of it is a MB of RSS (bench/memory-start:
 * 32 MB → 16 MB took 18 MB off the idle process); 16 MB holds the inbox's hot pages (the
 * indexes of a page of the list), and the rest of the data is read through the OS page cache,
 * which the kernel can give back; the inbox's and ingest's benchmarks ran no slower.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * V8 compiles PGlite's hot WebAssembly functions again, optimised, on as many background threads
 * as it likes; each thread's compiler memory is freed into a malloc arena of that thread, which
 * glibc keeps: 40-50 MB resident for good. One compilation thread keeps one arena, reused, and
 * compiles the same code (measured alone: 200 MB instead of 245 MB, the queries no slower). The
 * flag is process-wide and only limits how many threads compile WebAssembly at once.
 */
function limitWasmCompilationThreads(): void {
  v8.setFlagsFromString('--wasm-num-compilation-tasks=1');
}

/** PGlite's WebAssembly, compiled once per process (PGlite itself caches it the same way). */
let compiledWasm: Promise<WebAssembly.Module | undefined> | undefined;

/**
 * Starts compiling PGlite's WebAssembly (9 MB) now, on V8's background threads, so that a start
 * that comes later (say after Node-RED has loaded its nodes) finds it compiled: a restart's
 * second or so spent waiting for it overlaps the loading instead. Never rejects: if it fails,
 * PGlite compiles it itself and says what is wrong.
 */
export function prepareEmbeddedPostgres(): Promise<WebAssembly.Module | undefined> {
  limitWasmCompilationThreads();
  compiledWasm ??= (async () => {
    try {
      const wasm = await fs.promises.readFile(path.join(path.dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm'));
      return await WebAssembly.compile(wasm);
    } catch {
      return undefined;
    }
  })();
  return compiledWasm;
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const pgliteWasmModule = await prepareEmbeddedPostgres();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = takeDataDirLock(dataDir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  // A unix socket path is limited to about 100 bytes, and DATA_DIR may be long, so the socket
  // lives in a short private folder (mode 0700: no other local user may connect).
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llc-pg-'));
  try {
    unpackTemplate(dataDir);
    // pg_trgm: the inbox's search by part of a name (migration 0005).
    db = await PGlite.create(dataDir, { startParams: START_PARAMS, extensions: { pg_trgm }, ...(pgliteWasmModule ? { pgliteWasmModule } : {}) });
    server = new PGLiteSocketServer({ db, path: path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`) });
    await server.start();
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    fs.rmSync(socketDir, { recursive: true, force: true });
    lock.release();
    throw err;
  }
  const started = { db, server };
  return {
    socketDir,
    port: SOCKET_PORT,
    async stop() {
      try {
        await started.server.stop();
        await started.db.close();
      } finally {
        fs.rmSync(socketDir, { recursive: true, force: true });
        lock.release();
      }
    },
  };
}

/**
 * Two processes writing one PGlite folder would corrupt it; a lock file with the owner's pid
 * turns that into a clear error. A lock left by a process that is gone is taken over.
 */
function takeDataDirLock(dataDir: string): { release(): void } {
  const file = path.join(dataDir, '.line-live-chat.lock');
  const write = () => fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
  try {
    write();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number(fs.readFileSync(file, 'utf8'));
    if (owner !== process.pid && isRunning(owner)) {
      throw new Error(`The embedded database in ${dataDir} is in use by process ${owner}`);
    }
    if (owner === process.pid) {
      throw new Error(`The embedded database in ${dataDir} is already open in this process`);
    }
    fs.rmSync(file, { force: true });
    write();
  }
  return { release: () => fs.rmSync(file, { force: true }) };
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
