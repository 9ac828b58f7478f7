// Memory and start time: the RSS of a bare stock Node-RED 5 (from these node_modules, empty user
// dir) beside the product (`npm start`'s main.js, default flow) on PostgreSQL and embedded, idle
// after start, after a settle and after light traffic (signed webhooks answered by the default
// flow's bot, the inbox list polled); and how long each takes to become ready.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { call, login } from '../test/support/api-server';
import { FakeLine } from '../test/support/fake-line';
import { messageEvent, sign, userId, webhookBody } from '../test/support/line-webhooks';
import { productEnvironment, type RunningProduct, startProduct } from '../test/support/product';
import { freePort, startNodeRed } from '../test/support/stock-node-red';
import { runAlone } from './context';
import { scratchDatabase } from './servers';
import type { BenchContext, BenchDatabase, BenchRow } from './types';

const execFileAsync = promisify(execFile);
const ADMIN = { username: 'owner', password: 'owner-password-1' };
const MB = 1024 * 1024;

/** The resident set of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

/**
 * RSS at rest: sampled each second over `settleMs`, the median of the second half. One reading
 * swings by ±30 MB with whether V8 has collected yet; every process here is measured this way.
 */
async function idleRss(pid: number, settleMs: number): Promise<number> {
  const samples: number[] = [];
  const end = Date.now() + settleMs;
  do {
    await sleep(Math.min(1000, settleMs));
    samples.push(rssBytes(pid));
  } while (Date.now() < end);
  const settled = samples.slice(Math.floor(samples.length / 2)).sort((a, b) => a - b);
  return settled[Math.floor(settled.length / 2)];
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Timing {
  settleMs: number;
  trafficMs: number;
  eventsPerSecond: number;
}

function timing(ctx: BenchContext): Timing {
  const trafficSeconds = Number(process.env.BENCH_MEMORY_TRAFFIC_SECONDS) || (ctx.quick ? 20 : 180);
  return { settleMs: ctx.quick ? 5000 : 20000, trafficMs: trafficSeconds * 1000, eventsPerSecond: 5 };
}

/** RSS at a time after the traffic began. */
interface Sample {
  atMs: number;
  rss: number;
}

/** Light traffic for `ms`: one signed message per 1/rate s from a few dozen friends, the list every 2 s; RSS sampled. */
async function lightTraffic(product: RunningProduct, ms: number, eventsPerSecond: number): Promise<{ samples: Sample[]; events: number; failures: number }> {
  const api = `${product.baseUrl}/api/v1`;
  const token = await login(api, ADMIN);
  const friends = Array.from({ length: 40 }, () => userId());
  const samples: Sample[] = [];
  let events = 0;
  let failures = 0;
  const start = Date.now();
  const end = start + ms;
  let nextSample = start;
  let nextList = start;
  while (Date.now() < end) {
    const body = webhookBody([messageEvent(`hello ${events}`, { userId: friends[events % friends.length] })]);
    const res = await fetch(`${product.baseUrl}/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(10000),
    }).catch(() => undefined);
    events++;
    if (res?.status !== 200) failures++;
    if (Date.now() >= nextList) {
      const list = await call(api, 'GET', '/admin/live-chat/conversations', { token }).catch(() => undefined);
      if (list?.status !== 200) failures++;
      nextList += 2000;
    }
    if (Date.now() >= nextSample) {
      samples.push({ atMs: Date.now() - start, rss: rssBytes(product.pid) });
      nextSample += Math.max(1000, ms / 60);
    }
    await sleep(1000 / eventsPerSecond);
  }
  samples.push({ atMs: Date.now() - start, rss: rssBytes(product.pid) });
  return { samples, events, failures };
}

/** The median RSS of the samples taken from `fromMs` (inclusive) to `toMs` after the traffic began. */
function medianRss(samples: Sample[], fromMs: number, toMs: number): number {
  const inside = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs < toMs).map((sample) => sample.rss);
  const values = (inside.length ? inside : [samples[samples.length - 1].rss]).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

/** The RSS at the start, every sixth of the run (every 5 minutes of a 30-minute run) and at the end. */
function timeSeries(samples: Sample[], ms: number): string {
  const points: string[] = [];
  for (let k = 0; k <= 6; k++) {
    const at = (ms * k) / 6;
    const nearest = samples.reduce((best, sample) => (Math.abs(sample.atMs - at) < Math.abs(best.atMs - at) ? sample : best));
    const label = ms >= 6 * 60000 ? `${(nearest.atMs / 60000).toFixed(0)} min` : `${(nearest.atMs / 1000).toFixed(0)} s`;
    points.push(`${label}: ${mb(nearest.rss)}`);
  }
  return points.join(', ');
}

async function bareNodeRed(ctx: BenchContext, t: Timing): Promise<{ rows: BenchRow[]; rss: number }> {
  const userDir = path.join(ctx.workDir, 'bare-node-red');
  fs.mkdirSync(userDir, { recursive: true });
  const t0 = Date.now();
  const nodeRed = await startNodeRed(userDir, ['-p', String(await freePort())], {});
  const startMs = Date.now() - t0;
  try {
    const rss = await idleRss(nodeRed.pid, t.settleMs);
    return {
      rss,
      rows: [
        { figure: 'bare Node-RED 5: start (empty user dir)', database: 'node-red', value: seconds(startMs) },
        { figure: 'bare Node-RED 5: RSS idle', database: 'node-red', value: mb(rss) },
      ],
    };
  } finally {
    await nodeRed.stop();
  }
}

/** The product's rows, and its idle RSS after the first start and after the restart. */
interface ProductMemory {
  rows: BenchRow[];
  idleFirstStart: number;
  idleRestart: number;
}

async function product(ctx: BenchContext, t: Timing, database: BenchDatabase, line: FakeLine, bareRss: number): Promise<ProductMemory> {
  const env = productEnvironment(ADMIN, line);
  if (database === 'postgres') env.DATABASE_URL = await scratchDatabase(ctx.postgresUrl, 'memory_start');
  const dataDir = path.join(ctx.workDir, `product-${database}`);
  const rows: BenchRow[] = [];
  const startGoal = { first: database === 'embedded' ? 5000 : 2000, restart: 2000 };

  let t0 = Date.now();
  let running = await startProduct(dataDir, env, 120000);
  const firstMs = Date.now() - t0;
  const rssAfterFirstStart = rssBytes(running.pid);
  const rssIdleAfterFirstStart = await idleRss(running.pid, t.settleMs);
  let rssIdle = 0;
  await running.stop();
  rows.push({
    figure: 'first start (fresh data dir and database) to ready',
    database,
    value: seconds(firstMs),
    goal: `< ${seconds(startGoal.first)}`,
    ok: firstMs < startGoal.first,
  });

  t0 = Date.now();
  running = await startProduct(dataDir, env, 120000);
  const restartMs = Date.now() - t0;
  rows.push({ figure: 'restart to ready', database, value: seconds(restartMs), goal: `< ${seconds(startGoal.restart)}`, ok: restartMs < startGoal.restart });
  try {
    const rssStarted = rssBytes(running.pid);
    rssIdle = await idleRss(running.pid, t.settleMs);
    rows.push({ figure: 'RSS right after the first start / the restart', database, value: `${mb(rssAfterFirstStart)} / ${mb(rssStarted)}` });
    for (const [when, rss] of [
      ['first start', rssIdleAfterFirstStart],
      ['restart', rssIdle],
    ] as const) {
      const figure = `RSS idle (median of the last half of ${seconds(t.settleMs)} after the ${when})`;
      if (database === 'postgres') {
        const ratio = rss / bareRss;
        rows.push({ figure, database, value: `${mb(rss)} (${ratio.toFixed(2)}× bare Node-RED)`, goal: '≤ 1.3× bare Node-RED', ok: ratio <= 1.3 });
      } else {
        rows.push({ figure, database, value: mb(rss), goal: '≤ 350 MB', ok: rss <= 350 * MB });
      }
    }

    ctx.log(`memory-start: ${database}: ${seconds(t.trafficMs)} of light traffic`);
    const traffic = await lightTraffic(running, t.trafficMs, t.eventsPerSecond);
    const rssOf = traffic.samples.map((sample) => sample.rss);
    const last = rssOf[rssOf.length - 1];
    // One sample swings by tens of MB with V8's collections (the embedded process most): the
    // growth compares the median of the eighth of the run after its middle with that of its last.
    const atHalf = medianRss(traffic.samples, t.trafficMs / 2, (t.trafficMs * 5) / 8);
    const atEnd = medianRss(traffic.samples, (t.trafficMs * 7) / 8, Number.POSITIVE_INFINITY);
    const growth = (atEnd - atHalf) / atHalf;
    rows.push({
      figure: `RSS after ${seconds(t.trafficMs)} of light traffic (${traffic.events} webhooks, ${traffic.failures} failed): end / max`,
      database,
      value: `${mb(last)} / ${mb(Math.max(...rssOf))}`,
    });
    rows.push({ figure: 'RSS over the light traffic (time since it began: RSS)', database, value: timeSeries(traffic.samples, t.trafficMs) });
    const idleAfterTraffic = await idleRss(running.pid, t.settleMs);
    rows.push({ figure: `RSS idle again after the traffic (median of the last half of ${seconds(t.settleMs)})`, database, value: mb(idleAfterTraffic) });
    rows.push({
      figure: 'RSS growth over the second half of the traffic (median of its last eighth over that after its middle; flat?)',
      database,
      value: `${(growth * 100).toFixed(1)} % (${mb(atHalf)} → ${mb(atEnd)})`,
      goal: '≤ 5 %',
      ok: growth <= 0.05 && traffic.failures === 0,
    });
  } finally {
    await running.stop();
  }
  return { rows, idleFirstStart: rssIdleAfterFirstStart, idleRestart: rssIdle };
}

interface AloneMemory extends NodeJS.MemoryUsage {
  wasmReserved?: number;
  wasmResident?: number;
}

/**
 * Where the embedded product's memory goes: PGlite (and its socket server) opened alone in a
 * process of its own, beside an empty Node process; its WebAssembly memory read from smaps.
 */
async function pgliteAlone(ctx: BenchContext, t: Timing): Promise<BenchRow[]> {
  const dataDir = path.join(ctx.workDir, 'pglite-alone');
  const open = async (folder: string) => {
    const { stdout } = await execFileAsync(process.execPath, [path.join(__dirname, 'pglite-alone.js'), folder, String(t.settleMs)], { timeout: 120000 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as AloneMemory;
  };
  const empty = await open('-');
  await open(dataDir); // the first opening makes the database; the second is as on any restart
  const alone = await open(dataDir);
  const wasmResident = alone.wasmResident ?? 0;
  const rest = alone.rss - empty.rss - wasmResident - (alone.heapTotal - empty.heapTotal);
  return [
    {
      figure: 'of which PGlite: the embedded database opened alone in a process, RSS over an empty Node process',
      database: 'embedded',
      value: `${mb(alone.rss - empty.rss)} (${mb(alone.rss)} − ${mb(empty.rss)})`,
    },
    {
      figure: "… PGlite's WebAssembly memory: resident / reserved (shared_buffers 16 MB of it, all resident)",
      database: 'embedded',
      value: `${mb(wasmResident)} / ${mb(alone.wasmReserved ?? 0)}`,
    },
    { figure: "… PGlite's JavaScript heap (over an empty Node process)", database: 'embedded', value: mb(alone.heapTotal - empty.heapTotal) },
    {
      figure: '… the rest: compiled WebAssembly code and its compiler, the file system bundle, socket server',
      database: 'embedded',
      value: mb(rest),
    },
  ];
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const t = timing(ctx);
  const rows: BenchRow[] = [];
  ctx.log('memory-start: bare Node-RED');
  const bare = await bareNodeRed(ctx, t);
  rows.push(...bare.rows);
  const line = await new FakeLine().start();
  const measured: Partial<Record<BenchDatabase, ProductMemory>> = {};
  try {
    for (const database of ctx.databases) {
      ctx.log(`memory-start: product on ${database}`);
      const memory = await product(ctx, t, database, line, bare.rss);
      measured[database] = memory;
      rows.push(...memory.rows);
      if (database === 'embedded') rows.push(...(await pgliteAlone(ctx, t)));
    }
  } finally {
    await line.close();
  }
  rows.push(...breakdown(bare.rss, measured));
  return rows;
}

/** Differences between the processes measured above, each idle after its restart. */
function breakdown(bareRss: number, measured: Partial<Record<BenchDatabase, ProductMemory>>): BenchRow[] {
  const rows: BenchRow[] = [];
  const { postgres, embedded } = measured;
  if (postgres) {
    rows.push({
      figure: 'the package over bare Node-RED, on PostgreSQL (sequelize, umzug, socket.io, LINE and Telegram SDKs, the inbox)',
      database: 'postgres',
      value: mb(postgres.idleRestart - bareRss),
    });
  }
  if (postgres && embedded) {
    rows.push({
      figure: 'the embedded database in the product: embedded over PostgreSQL mode',
      database: 'embedded',
      value: mb(embedded.idleRestart - postgres.idleRestart),
    });
  }
  for (const [database, memory] of Object.entries(measured)) {
    rows.push({
      figure: 'RSS idle: first start over restart',
      database: database as BenchDatabase,
      value: mb(memory.idleFirstStart - memory.idleRestart),
    });
  }
  return rows;
}

if (require.main === module) runAlone(run);
