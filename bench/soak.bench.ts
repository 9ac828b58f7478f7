// Issue 10's faults at length: the product (npm start's entry point, default flow, fake LINE and
// fake Telegram on loopback) under a steady mix of signed webhooks while it is killed (kill -9)
// or stopped (SIGTERM) again and again and restarted on the same data; two instances on one
// PostgreSQL with one killed; unfollow-vs-close and message-vs-close races. At the end, after
// the lease: every acknowledged event stored once, every acknowledged handoff one session, one
// greeting and one alert, every acknowledged message one bot answer.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase, type Database } from '../src/db/database';
import { generateFernetKey } from '../src/crypto/fernet';
import { FakeLine } from '../test/support/fake-line';
import { type FakeTelegram, startFakeTelegram } from '../test/support/fake-telegram';
import { messageEvent, sign, unfollowEvent, userId, webhookBody } from '../test/support/line-webhooks';
import { call, login } from '../test/support/api-server';
import { eventually, productEnvironment } from '../test/support/product';
import { BENCH_ADMIN, PRODUCT_MAIN, type ServerProcess, awaitWebhookReady, databaseEnvironment, percentile, scratchDatabase, spawnServer } from './servers';
import { HANDOFF_TEXT, SoakTraffic, type Tally, spelled, sum } from './soak-traffic';
import { runAlone } from './context';
import type { BenchContext, BenchDatabase, BenchRow } from './types';

const BOT_TOKEN = '7000003:soak-token';
const LEASE_SECONDS = 2;
const DRAIN_SECONDS = 3;
/** Past the lease, the recovery pass's 5 s period and its 10 s age: a second emission would have come by then. */
const SETTLE_MS = (LEASE_SECONDS + 12) * 1000;
const EVENTS_PER_SECOND = 15;

interface Fakes {
  line: FakeLine;
  telegram: FakeTelegram;
}

/** One product's data: its DATA_DIR and the environment every start of it gets. */
interface Deployment {
  database: BenchDatabase;
  url: string;
  dataDir: string;
  env: Record<string, string>;
}

async function deploy(ctx: BenchContext, database: BenchDatabase, fakes: Fakes, label: string, url?: string): Promise<Deployment> {
  const dataDir = fs.mkdtempSync(path.join(ctx.workDir, `soak-${label}-${database}-`));
  const dbUrl = database === 'postgres' ? (url ?? (await scratchDatabase(ctx.postgresUrl, `soak_${label}`))) : '';
  return {
    database,
    url: dbUrl,
    dataDir,
    env: {
      DATA_DIR: dataDir,
      ...databaseEnvironment(database, dbUrl),
      ...productEnvironment(BENCH_ADMIN, fakes.line),
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_ADMIN_CHAT_ID: '-1001',
      TELEGRAM_API_ROOT: fakes.telegram.url,
      WEBHOOK_FLOW_LEASE_SECONDS: String(LEASE_SECONDS),
      SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
    },
  };
}

async function start(deployment: Deployment, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await spawnServer(PRODUCT_MAIN, { ...deployment.env, ...extra });
  await awaitWebhookReady(server);
  return server;
}

function openStopped(deployment: Deployment): Promise<Database> {
  return deployment.database === 'postgres'
    ? openDatabase({ url: deployment.url }, { migrate: false })
    : openDatabase({ embeddedDir: path.join(deployment.dataDir, 'live-chat-db') }, { migrate: false });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? `p50 ${seconds(percentile(sorted, 50))} / max ${seconds(sorted[sorted.length - 1])}` : '–';
};

/** The rows every run gives: acked, lost and duplicated, each against its goal. */
function tallyRows(name: string, database: BenchDatabase, tally: Tally): BenchRow[] {
  return [
    { figure: `${name}: events acknowledged (handoffs among them)`, database, value: `${tally.acked} (${tally.handoffs})` },
    { figure: `${name}: lost (stored, sessions, greetings, alerts, answers)`, database, value: spelled(tally.lost), goal: '0', ok: sum(tally.lost) === 0 },
    {
      figure: `${name}: duplicated (stored, sessions, greetings, alerts, answers)`,
      database,
      value: spelled(tally.duplicated),
      goal: '0',
      ok: sum(tally.duplicated) === 0,
    },
  ];
}

/** Stops the traffic, waits for everything acknowledged to be done and past the lease, stops the servers, counts. */
async function finish(traffic: SoakTraffic, servers: ServerProcess[], deployment: Deployment, ctx: BenchContext): Promise<Tally> {
  await traffic.stop();
  const last = Date.now();
  try {
    await eventually(() => traffic.doneUpTo(last), 90_000);
  } catch {
    ctx.log(`soak: 90 s after the traffic stopped: ${traffic.missingUpTo(last)} (counted as lost below)`);
  }
  await sleep(SETTLE_MS);
  await Promise.all(servers.map((server) => server.stop()));
  const db = await openStopped(deployment);
  try {
    return await traffic.tally(db);
  } finally {
    await db.close();
  }
}

/** Rounds of traffic, a stop by `signal` at a random moment, a restart on the same data. */
async function stopRounds(ctx: BenchContext, database: BenchDatabase, signal: 'SIGKILL' | 'SIGTERM'): Promise<BenchRow[]> {
  const fakes = { line: await new FakeLine().start(), telegram: await startFakeTelegram(BOT_TOKEN) };
  const label = signal === 'SIGKILL' ? 'kill' : 'term';
  const name = signal === 'SIGKILL' ? 'soak kill -9' : 'soak SIGTERM';
  const rounds = ctx.quick ? 3 : 6;
  const servers: ServerProcess[] = [];
  try {
    const deployment = await deploy(ctx, database, fakes, label);
    let current: ServerProcess | undefined = await start(deployment);
    servers.push(current);
    const traffic = new SoakTraffic(fakes.line, fakes.telegram, () => (current ? [current.baseUrl] : []), EVENTS_PER_SECOND);
    traffic.start();
    const firstAck: number[] = [];
    const backlogDone: number[] = [];
    const exitTimes: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      await sleep(2000 + Math.random() * 4000);
      const stopping: ServerProcess = current!;
      const stoppedAt = Date.now();
      stopping.signal(signal);
      // A SIGTERM'd product answers 503 while it drains; a killed one answers nothing.
      if (signal === 'SIGKILL') current = undefined;
      await stopping.exited;
      current = undefined;
      exitTimes.push(Date.now() - stoppedAt);
      const restartAt = Date.now();
      current = await spawnServer(PRODUCT_MAIN, deployment.env);
      servers.push(current);
      const ackedBefore = traffic.acks.length;
      await eventually(() => traffic.acks.length > ackedBefore, 60_000);
      firstAck.push(traffic.acks.slice(ackedBefore).reduce((a, b) => Math.min(a, b)) - restartAt);
      try {
        await eventually(() => traffic.doneUpTo(stoppedAt), 60_000);
        backlogDone.push(Date.now() - restartAt);
      } catch {
        ctx.log(`${name} (${database}) round ${round}: 60 s after the restart, of the events acknowledged before the stop: ${traffic.missingUpTo(stoppedAt)}`);
      }
      ctx.log(`${name} (${database}): round ${round} of ${rounds}, ${traffic.acks.length} acked`);
    }
    const tally = await finish(traffic, [current!], deployment, ctx);
    const refused = [...traffic.refused].map(([what, n]) => `${what} ${n}`).join(', ') || 'none';
    const rows = [
      ...tallyRows(name, database, tally),
      { figure: `${name}: restart to the first 200 (${rounds} rounds)`, database, value: spread(firstAck) },
      {
        figure: `${name}: restart until the backlog acknowledged before the stop is done`,
        database,
        value: spread(backlogDone),
        goal: `${rounds} of ${rounds}`,
        ok: backlogDone.length === rounds,
      },
      { figure: `${name}: deliveries not answered 200, then delivered again (503, cut, down)`, database, value: refused },
    ];
    if (signal === 'SIGTERM') {
      rows.push({
        figure: `${name}: SIGTERM to exit (drain ${DRAIN_SECONDS} s)`,
        database,
        value: spread(exitTimes),
        goal: `< ${DRAIN_SECONDS + 5} s`,
        ok: Math.max(...exitTimes) < (DRAIN_SECONDS + 5) * 1000,
      });
    }
    return rows;
  } finally {
    for (const server of servers) await server.stop();
    await fakes.line.close();
    await fakes.telegram.close();
  }
}

/** Two instances on one PostgreSQL share the traffic; one is killed mid-run; the survivor finishes everything. */
async function twoInstances(ctx: BenchContext): Promise<BenchRow[]> {
  const fakes = { line: await new FakeLine().start(), telegram: await startFakeTelegram(BOT_TOKEN) };
  const servers: ServerProcess[] = [];
  const name = 'soak two instances, one killed';
  try {
    const a = await deploy(ctx, 'postgres', fakes, 'two');
    const b = { ...(await deploy(ctx, 'postgres', fakes, 'two', a.url)) };
    const key = generateFernetKey();
    const first = await start(a, { ENCRYPTION_KEY: key });
    const second = await start(b, { ENCRYPTION_KEY: key });
    servers.push(first, second);
    let up = [first, second];
    const traffic = new SoakTraffic(fakes.line, fakes.telegram, () => up.map((s) => s.baseUrl), EVENTS_PER_SECOND * 2);
    traffic.start();
    await sleep(ctx.quick ? 8000 : 20000);
    const killedAt = Date.now();
    second.signal('SIGKILL');
    up = [first];
    await second.exited;
    let takenOver: number | undefined;
    try {
      await eventually(() => traffic.doneUpTo(killedAt), 60_000);
      takenOver = Date.now() - killedAt;
    } catch {
      ctx.log(`${name}: the killed instance's backlog was not done by the survivor within 60 s`);
    }
    await sleep(ctx.quick ? 5000 : 15000);
    const tally = await finish(traffic, [first], a, ctx);
    return [
      ...tallyRows(name, 'postgres', tally),
      {
        figure: `${name}: kill to the killed one's backlog done by the survivor`,
        database: 'postgres',
        value: takenOver === undefined ? 'not within 60 s' : seconds(takenOver),
        goal: 'done',
        ok: takenOver !== undefined,
      },
    ];
  } finally {
    for (const server of servers) await server.stop();
    await fakes.line.close();
    await fakes.telegram.close();
  }
}

/** Deadlocks PostgreSQL detected in `url`'s database so far (each one a transaction run again). */
async function deadlocks(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Active chats closed by an operator while their user unfollows or writes, for a minute: no 500. */
async function deadlockSoak(ctx: BenchContext): Promise<BenchRow[]> {
  const fakes = { line: await new FakeLine().start(), telegram: await startFakeTelegram(BOT_TOKEN) };
  const name = 'soak unfollow/message vs close';
  let server: ServerProcess | undefined;
  try {
    const deployment = await deploy(ctx, 'postgres', fakes, 'locks');
    server = await start(deployment);
    const base = server.baseUrl;
    const api = `${base}/api/v1`;
    const token = await login(api, BENCH_ADMIN);
    const webhook = async (event: Record<string, unknown>) => {
      const body = webhookBody([event]);
      const res = await fetch(`${base}/line/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
        body: new Uint8Array(body),
      });
      return res.status;
    };
    const activeChat = async () => {
      const user = userId();
      if ((await webhook(messageEvent(HANDOFF_TEXT, { userId: user, replyToken: fakes.line.issueReplyToken() }))) !== 200)
        throw new Error('handoff not acknowledged');
      await eventually(async () => (await call(api, 'POST', `/admin/live-chat/conversations/${user}/claim`, { token })).status === 200, 30_000);
      return user;
    };
    const statuses = new Map<string, number>();
    const count = (what: string, status: number) => statuses.set(`${what} ${status}`, (statuses.get(`${what} ${status}`) ?? 0) + 1);
    const before = await deadlocks(deployment.url);
    const until = Date.now() + (ctx.quick ? 30_000 : 60_000);
    let races = 0;
    while (Date.now() < until) {
      const users = await Promise.all(Array.from({ length: 8 }, activeChat));
      await Promise.all(
        users.map(async (user, i) => {
          const event = i % 2 ? unfollowEvent({ userId: user }) : messageEvent('still there?', { userId: user, replyToken: fakes.line.issueReplyToken() });
          const [close, hook] = await Promise.all([
            call(api, 'POST', `/admin/live-chat/conversations/${user}/close`, { token, body: { message: '' } }),
            webhook(event),
          ]);
          count('close', close.status);
          count(i % 2 ? 'unfollow' : 'message', hook);
        }),
      );
      races += users.length;
    }
    await sleep(2000);
    const retried = (await deadlocks(deployment.url)) - before;
    const errors = [...statuses].filter(([what]) => /\s5\d\d$/.test(what)).reduce((a, [, n]) => a + n, 0);
    const other = [...statuses].filter(([what]) => !/\s200$/.test(what));
    return [
      { figure: `${name}: races (half unfollow, half message)`, database: 'postgres', value: String(races) },
      { figure: `${name}: answers 500 (closes and webhooks)`, database: 'postgres', value: String(errors), goal: '0', ok: errors === 0 },
      { figure: `${name}: answers other than 200`, database: 'postgres', value: other.map(([what, n]) => `${what}: ${n}`).join(', ') || 'none' },
      { figure: `${name}: deadlocks PostgreSQL detected (each transaction run again)`, database: 'postgres', value: String(retried) },
    ];
  } finally {
    await server?.stop();
    await fakes.line.close();
    await fakes.telegram.close();
  }
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const parts: [string, () => Promise<BenchRow[]>][] = [];
  for (const database of ctx.databases) {
    parts.push([`kill -9 rounds (${database})`, () => stopRounds(ctx, database, 'SIGKILL')]);
    parts.push([`SIGTERM rounds (${database})`, () => stopRounds(ctx, database, 'SIGTERM')]);
  }
  if (ctx.databases.includes('postgres')) {
    parts.push(['two instances (postgres)', () => twoInstances(ctx)]);
    parts.push(['deadlock soak (postgres)', () => deadlockSoak(ctx)]);
  }
  for (const [label, part] of parts) {
    ctx.log(`soak: ${label}`);
    try {
      rows.push(...(await part()));
    } catch (err) {
      // One part failing still leaves the others' figures, and says so in the table.
      ctx.log(`soak: ${label} failed: ${err instanceof Error ? err.stack : String(err)}`);
      rows.push({
        figure: `soak ${label} (failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
        database: label.includes('embedded') ? 'embedded' : 'postgres',
        value: '–',
        ok: false,
      });
    }
  }
  return rows;
}

if (require.main === module) runAlone(run);
