// Memory and start time: the RSS of a bare stock Node-RED 5 (from these node_modules, empty user
// dir) beside the product (`npm start`'s main.js, default flow) on PostgreSQL and embedded, idle
// after start, after a settle and after light traffic (signed webhooks answered by the default
// flow's bot, the inbox list polled); and how long each takes to become ready.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Sequelize } from 'sequelize';
import { call, login } from '../test/support/api-server';
import { FakeLine } from '../test/support/fake-line';
import { messageEvent, sign, userId, webhookBody } from '../test/support/line-webhooks';
import { productEnvironment, type RunningProduct, startProduct } from '../test/support/product';
import { freePort, startNodeRed } from '../test/support/stock-node-red';
import { runAlone } from './context';
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

/** A database of its own next to the bench's, emptied, so that a first start runs every migration. */
async function freshServerDatabase(url: string): Promise<string> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'llc_bench'}_memory_start`;
  const admin = new Sequelize(url, { logging: false, dialectOptions: { connectionTimeoutMillis: 10000 } });
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.close();
  }
  target.pathname = `/${name}`;
  return target.toString();
}

/** Light traffic for `ms`: one signed message per 1/rate s from a few dozen friends, the list every 2 s; RSS sampled. */
async function lightTraffic(product: RunningProduct, ms: number, eventsPerSecond: number): Promise<{ samples: number[]; events: number; failures: number }> {
  const api = `${product.baseUrl}/api/v1`;
  const token = await login(api, ADMIN);
  const friends = Array.from({ length: 40 }, () => userId());
  const samples: number[] = [];
  let events = 0;
  let failures = 0;
  const end = Date.now() + ms;
  let nextSample = Date.now();
  let nextList = Date.now();
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
      samples.push(rssBytes(product.pid));
      nextSample += Math.max(1000, ms / 30);
    }
    await sleep(1000 / eventsPerSecond);
  }
  samples.push(rssBytes(product.pid));
  return { samples, events, failures };
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

async function product(ctx: BenchContext, t: Timing, database: BenchDatabase, line: FakeLine, bareRss: number): Promise<BenchRow[]> {
  const env = productEnvironment(ADMIN, line);
  if (database === 'postgres') env.DATABASE_URL = await freshServerDatabase(ctx.postgresUrl);
  const dataDir = path.join(ctx.workDir, `product-${database}`);
  const rows: BenchRow[] = [];
  const startGoal = { first: database === 'embedded' ? 5000 : 2000, restart: 2000 };

  let t0 = Date.now();
  let running = await startProduct(dataDir, env, 120000);
  const firstMs = Date.now() - t0;
  const rssAfterFirstStart = rssBytes(running.pid);
  const rssIdleAfterFirstStart = await idleRss(running.pid, t.settleMs);
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
    const rssIdle = await idleRss(running.pid, t.settleMs);
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
    const { samples } = traffic;
    const half = samples[Math.floor(samples.length / 2)];
    const last = samples[samples.length - 1];
    const growth = (last - half) / half;
    rows.push({
      figure: `RSS after ${seconds(t.trafficMs)} of light traffic (${traffic.events} webhooks, ${traffic.failures} failed): end / max`,
      database,
      value: `${mb(last)} / ${mb(Math.max(...samples))}`,
    });
    rows.push({
      figure: 'RSS growth over the second half of the traffic (flat?)',
      database,
      value: `${(growth * 100).toFixed(1)} %`,
      goal: '≤ 5 %',
      ok: growth <= 0.05 && traffic.failures === 0,
    });
  } finally {
    await running.stop();
  }
  return rows;
}

/** Where the embedded product's memory goes: PGlite opened alone in a process of its own. */
async function pgliteAlone(ctx: BenchContext, t: Timing): Promise<BenchRow> {
  const dataDir = path.join(ctx.workDir, 'pglite-alone');
  const open = () => execFileAsync(process.execPath, [path.join(__dirname, 'pglite-alone.js'), dataDir, String(t.settleMs)], { timeout: 120000 });
  await open(); // the first opening makes the database; the second is as on any restart
  const { stdout } = await open();
  const usage = JSON.parse(stdout.trim().split('\n').pop()!) as NodeJS.MemoryUsage;
  return {
    figure: 'of which PGlite: the embedded database opened alone in a process (RSS; JS heap / WebAssembly and buffers)',
    database: 'embedded',
    value: `${mb(usage.rss)}; ${mb(usage.heapUsed)} / ${mb(usage.external)}`,
  };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const t = timing(ctx);
  const rows: BenchRow[] = [];
  ctx.log('memory-start: bare Node-RED');
  const bare = await bareNodeRed(ctx, t);
  rows.push(...bare.rows);
  const line = await new FakeLine().start();
  try {
    for (const database of ctx.databases) {
      ctx.log(`memory-start: product on ${database}`);
      rows.push(...(await product(ctx, t, database, line, bare.rss)));
      if (database === 'embedded') rows.push(await pgliteAlone(ctx, t));
    }
  } finally {
    await line.close();
  }
  return rows;
}

if (require.main === module) runAlone(run);
