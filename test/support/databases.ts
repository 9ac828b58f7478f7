// Real databases for the tests: the embedded PGlite (a migrated template made once per run and
// copied for each user, since a fresh PGlite folder takes seconds to create) and the PostgreSQL
// server named by TEST_DATABASE_URL. Tables are emptied between tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import { openDatabase, type Database } from '../../src/db/database';

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llc-test-'));
let template: Promise<string> | undefined;
const open: Database[] = [];

/** A migrated embedded database folder of its own (at `target` if given), ready to open. */
export async function freshEmbeddedDir(target = fs.mkdtempSync(path.join(runDir, 'db-'))): Promise<string> {
  template ??= (async () => {
    const dir = path.join(runDir, 'template');
    const db = await openDatabase({ embeddedDir: dir });
    await db.close();
    return dir;
  })();
  const source = await template;
  fs.cpSync(source, target, { recursive: true });
  return target;
}

/** An empty folder for one test's files, removed with the run. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(runDir, 'dir-'));
}

export const serverUrl = process.env.TEST_DATABASE_URL;

/**
 * A database of a test's own on the server, named after the suite's database, so suites run at
 * once on other TEST_DATABASE_URLs never drop each other's (the name stays short of 63 bytes).
 */
export function scratchDatabaseName(purpose: string): string {
  const suite = decodeURIComponent(new URL(serverUrl ?? 'postgres://localhost/llc').pathname.slice(1)) || 'llc';
  return `${suite}_${purpose}`
    .replace(/[^a-z0-9_]/gi, '_')
    .slice(0, 63)
    .toLowerCase();
}

/** Runs `work` on a new empty database of the test server (`prepare` first, as its owner), dropped after. */
export async function onScratchDatabase(
  purpose: string,
  work: (url: string) => Promise<void>,
  prepare?: (admin: Sequelize, name: string) => Promise<unknown>,
): Promise<void> {
  const admin = new Sequelize(serverUrl!, { logging: false });
  const name = scratchDatabaseName(purpose);
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    await prepare?.(admin, name);
    const url = new URL(serverUrl!);
    url.pathname = `/${name}`;
    await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.close();
  }
}

export type DatabaseKind = 'embedded' | 'postgres';

async function openKind(kind: DatabaseKind): Promise<Database> {
  const db = kind === 'embedded' ? await openDatabase({ embeddedDir: await freshEmbeddedDir() }) : await openDatabase({ url: serverUrl! });
  open.push(db);
  return db;
}

export async function resetTables(db: Database): Promise<void> {
  const tables = await db.sql.rows<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  );
  if (tables.length === 0) return;
  await db.sql.exec(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

/** Empties the tables of the PostgreSQL server's database, for a test whose product opens it. */
export async function emptyServerTables(): Promise<void> {
  const db = await openDatabase({ url: serverUrl! });
  try {
    await resetTables(db);
  } finally {
    await db.close();
  }
}

/**
 * Declares `body` once per database kind: "<title> (embedded)" and "<title> (postgres)". The
 * PostgreSQL run is skipped, with a message, when TEST_DATABASE_URL is unset. Tables are empty
 * at the start of every test.
 */
export function describeEachDatabase(title: string, body: (db: () => Database, kind: DatabaseKind) => void): void {
  for (const kind of ['embedded', 'postgres'] as const) {
    describe(`${title} (${kind})`, () => {
      let db: Database | undefined;
      before(async function () {
        if (kind === 'postgres' && !serverUrl) {
          console.log(`      skipped: set TEST_DATABASE_URL to run "${title}" on PostgreSQL`);
          this.skip();
        }
        this.timeout(60000);
        db = await openKind(kind);
      });
      beforeEach(async () => {
        if (db) await resetTables(db);
      });
      after(async () => {
        if (db) {
          open.splice(open.indexOf(db), 1);
          await db.close();
        }
      });
      body(() => {
        if (!db) throw new Error('database not open');
        return db;
      }, kind);
    });
  }
}

/** How long the end of the run waits for one database left open; past that it says which and goes on. */
const CLOSE_WAIT_MS = 15000;

export async function closeAllDatabases(): Promise<void> {
  await Promise.all(
    open.splice(0).map(async (db) => {
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<'slow'>((resolve) => {
        timer = setTimeout(() => resolve('slow'), CLOSE_WAIT_MS);
      });
      const outcome = await Promise.race([db.close().catch(() => undefined), slow]);
      clearTimeout(timer);
      if (outcome === 'slow') console.warn(`a ${db.kind} test database left open did not close within ${CLOSE_WAIT_MS / 1000} s`);
    }),
  );
  removeRunDir();
}

/**
 * The run's folder holds a copy of the embedded database per test file (gigabytes in all):
 * deleting it takes longer than a loaded machine gives the root hook, so a detached `rm`
 * does it after the run instead of the run waiting for it.
 */
function removeRunDir(): void {
  if (process.platform === 'win32') {
    fs.rmSync(runDir, { recursive: true, force: true });
    return;
  }
  try {
    spawn('rm', ['-rf', runDir], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
