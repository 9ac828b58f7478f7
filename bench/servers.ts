// The servers the ingest and fan-out benchmarks load, each in a child process of its own (so its
// CPU can be read from /proc): the product as `npm start` runs it, and the hand-written baseline.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { sign, webhookBody } from '../test/support/line-webhooks';
import { openDatabase } from '../src/db/database';
import { FakeLine } from '../test/support/fake-line';
import { productEnvironment } from '../test/support/product';
import { seedInbox } from './seed';
import type { BenchContext, BenchDatabase } from './types';

export const PRODUCT_MAIN = path.join(__dirname, '..', 'src', 'standalone', 'main.js');
export const BASELINE_MAIN = path.join(__dirname, 'baseline-server.js');
export const COUNT_STATEMENTS = path.join(__dirname, 'count-statements.js');

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  output(): string;
  signal(name: NodeJS.Signals): void;
  /** Settles with the exit code (null after a signal) when the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Runs `script` with only PATH/HOME of this environment plus `env`, until it prints `ready on <url>`. */
export async function spawnServer(script: string, env: Record<string, string>, nodeArgs: string[] = [], timeoutMs = 120_000): Promise<ServerProcess> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  const base = Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs(), ...nodeArgs, script], {
    env: { ...base, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout!.on('data', () => {
      const ready = /ready on (http:\/\/[^\s:]+:\d+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1].replace('localhost', '127.0.0.1'));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready:\n${output}`));
    });
  });
  return {
    baseUrl,
    pid: child.pid!,
    output: () => output,
    signal: (name) => child.kill(name),
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** BENCH_SERVER_NODE_ARGS: node options for every server started (`--cpu-prof --cpu-prof-dir=/tmp/prof` to profile one). */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** CPU time (user + system) of a process so far, in ms. */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** CPU time the whole machine has been busy so far (every process, every core, the kernel's too), in ms. */
export function machineCpuMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // cpu user nice system idle iowait irq softirq steal …: all but idle and iowait is busy.
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / CLOCK_TICKS;
}

/**
 * CPU time of every PostgreSQL server process on this machine, in ms, by pid (other users' load
 * included). Take two and subtract with postgresCpuSince.
 */
export function postgresCpu(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(entry, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/** The PostgreSQL CPU ms spent since `before` by the processes alive now (one that ended meanwhile is not counted). */
export function postgresCpuSince(before: Map<string, number>): number {
  let total = 0;
  for (const [pid, ms] of postgresCpu()) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Linux's USER_HZ, 100 on every common build. */
const CLOCK_TICKS = 100;

/** A database of its own beside `url`'s (`<name>_<suffix>`), dropped and created empty. */
export async function scratchDatabase(url: string, suffix: string): Promise<string> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'llc_bench'}_${suffix}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  target.pathname = `/${name}`;
  return target.toString();
}

/** The environment that runs the product on `database`: DATABASE_URL, or the embedded one in its DATA_DIR. */
export function databaseEnvironment(database: BenchDatabase, postgresUrl: string): Record<string, string> {
  return database === 'postgres' ? { DATABASE_URL: postgresUrl } : {};
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The operator the benchmarks start the product with. */
export const BENCH_ADMIN = { username: 'bench', password: 'bench-password-1' };

/** Logs `admin` in once the product's store is up (`ready on` comes before it); answers the token. */
export async function loginWhenReady(server: ServerProcess, admin = BENCH_ADMIN, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(new URL('/api/v1/auth/login', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
    if (res.status === 200) return ((await res.json()) as { token: string }).token;
    if (Date.now() > deadline) throw new Error(`login still answers ${res.status}:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until the webhook answers LINE's verify (no events) with 200: the flow's store is up. */
export async function awaitWebhookReady(server: ServerProcess, timeoutMs = 120_000): Promise<void> {
  const body = webhookBody([]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(new URL('/line/webhook', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
      body: new Uint8Array(body),
    });
    if (res.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the webhook still answers ${res.status}:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A product (default flow, LINE replaced by a loopback fake) on a freshly seeded inbox of
 * `contacts` contacts: the database is seeded before the product starts, which then finds its
 * schema migrated. The caller stops the server and closes the fake.
 */
export async function startSeededProduct(
  ctx: BenchContext,
  database: BenchDatabase,
  contacts: number,
  label: string,
): Promise<{ server: ServerProcess; line: FakeLine }> {
  const dataDir = fs.mkdtempSync(path.join(ctx.workDir, `${label}-${database}-`));
  const url = database === 'postgres' ? await scratchDatabase(ctx.postgresUrl, label.replace(/-/g, '_')) : '';
  const db = database === 'postgres' ? await openDatabase({ url }) : await openDatabase({ embeddedDir: path.join(dataDir, 'live-chat-db') });
  try {
    await seedInbox(db, { contacts }, ctx.log);
  } finally {
    await db.close();
  }
  const line = await new FakeLine().start();
  try {
    const server = await spawnServer(PRODUCT_MAIN, { DATA_DIR: dataDir, ...databaseEnvironment(database, url), ...productEnvironment(BENCH_ADMIN, line) });
    return { server, line };
  } catch (err) {
    await line.close();
    throw err;
  }
}
