// Webhook ingest, the product (default flow deployed, LINE replaced by the loopback fake so the
// bot's replies are real work) against the hand-written baseline (bench/baseline-server.ts), in
// one run: events/s with 20 concurrent senders (1 and 10 events per POST), both as acknowledged
// (the accept path alone: the product answers once the events are stored and processes them
// after) and fully processed (the run ends when the bot's last reply reached LINE; the baseline
// has no bot and does all its work before its answer, so its two figures are one), ack latency,
// SQL statements per event, node CPU per event (/proc of the server's process) and PostgreSQL
// CPU per event (every postgres process on the machine: other benchmarks running at once show up
// in it; so do they in every figure here).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { FakeLine } from '../test/support/fake-line';
import { productEnvironment } from '../test/support/product';
import { CHANNEL_SECRET, messageEvent, sign, userId, webhookBody } from '../test/support/line-webhooks';
import {
  awaitWebhookReady,
  BASELINE_MAIN,
  COUNT_STATEMENTS,
  databaseEnvironment,
  PRODUCT_MAIN,
  percentile,
  postgresCpu,
  postgresCpuSince,
  processCpuMs,
  type ServerProcess,
  scratchDatabase,
  spawnServer,
} from './servers';
import type { BenchContext, BenchDatabase, BenchRow } from './types';
import { runAlone } from './context';
import { THAI_NAMES, THAI_SURNAMES } from './seed';

type Subject = 'baseline' | BenchDatabase;

interface SignedPost {
  body: Buffer;
  signature: string;
  events: number;
}

interface LoadResult {
  events: number;
  posts: number;
  failures: number;
  seconds: number;
  latenciesMs: number[];
  nodeCpuMs: number;
  postgresCpuMs: number;
}

const CONCURRENCY = 20;

/** A Thai name as most of an Official Account's friends have (their length is what search indexes pay for). */
const friendName = (i: number) => `${THAI_NAMES[i % THAI_NAMES.length]} ${THAI_SURNAMES[Math.floor(i / 7) % THAI_SURNAMES.length]} ${i}`;
const USERS = 1000;

/** Pre-signed bodies of `perPost` text events each, from a fixed set of users whose profiles LINE knows. */
function signedPosts(line: FakeLine | undefined, users: string[], count: number, perPost: number): SignedPost[] {
  const posts: SignedPost[] = [];
  let n = 0;
  for (let i = 0; i < count; i++) {
    const events = Array.from({ length: perPost }, () => {
      const replyToken = line ? line.issueReplyToken() : undefined;
      return messageEvent(`question ${n}`, { userId: users[n++ % users.length], ...(replyToken ? { replyToken } : {}) });
    });
    const body = webhookBody(events);
    posts.push({ body, signature: sign(body), events: perPost });
  }
  return posts;
}

function post(agent: http.Agent, url: URL, signed: SignedPost): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-line-signature': signed.signature, 'content-length': signed.body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(signed.body);
  });
}

/** Starts a load run's clocks (wall, the server's CPU, PostgreSQL's CPU); the answer ends the run. */
function startClocks(server: ServerProcess): (tally: Pick<LoadResult, 'events' | 'posts' | 'failures' | 'latenciesMs'>) => LoadResult {
  const cpu0 = processCpuMs(server.pid);
  const pg0 = postgresCpu();
  const started = performance.now();
  return (tally) => ({
    ...tally,
    seconds: (performance.now() - started) / 1000,
    nodeCpuMs: processCpuMs(server.pid) - cpu0,
    postgresCpuMs: postgresCpuSince(pg0),
  });
}

/** `concurrency` senders, each posting the next body as soon as its last one is answered. */
async function closedLoop(server: ServerProcess, posts: SignedPost[], concurrency: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL('/line/webhook', server.baseUrl);
  const latenciesMs: number[] = [];
  let next = 0;
  let events = 0;
  let failures = 0;
  const finish = startClocks(server);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < posts.length) {
        const signed = posts[next++];
        const t0 = performance.now();
        const status = await post(agent, url, signed).catch(() => 0);
        latenciesMs.push(performance.now() - t0);
        if (status === 200) events += signed.events;
        else failures += 1;
      }
    }),
  );
  agent.destroy();
  return finish({ events, posts: posts.length, failures, latenciesMs });
}

/** One body every 1000/rate ms whatever the answers, for the ack latency at a given load. */
async function openLoop(server: ServerProcess, posts: SignedPost[], perSecond: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  const url = new URL('/line/webhook', server.baseUrl);
  const latenciesMs: number[] = [];
  let events = 0;
  let failures = 0;
  const finish = startClocks(server);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < posts.length; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const signed = posts[i];
    const t0 = performance.now();
    pending.push(
      post(agent, url, signed)
        .catch(() => 0)
        .then((status) => {
          latenciesMs.push(performance.now() - t0);
          if (status === 200) events += signed.events;
          else failures += 1;
        }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return finish({ events, posts: posts.length, failures, latenciesMs });
}

/** Waits until LINE got `expected` replies or pushes (or they stop coming), answering how many and when. */
async function awaitReplies(line: FakeLine, expected: number, timeoutMs = 120_000): Promise<{ sent: number; afterMs: number }> {
  const started = performance.now();
  const sent = () => replyCount(line);
  let last = sent();
  let lastChange = performance.now();
  while (sent() < expected && performance.now() - started < timeoutMs && performance.now() - lastChange < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (sent() !== last) {
      last = sent();
      lastChange = performance.now();
    }
  }
  return { sent: sent(), afterMs: performance.now() - started };
}

/** A closed-loop run, with the time until its work was fully done (the bot's last reply at LINE). */
interface ProcessedRun extends LoadResult {
  /** Seconds from the run's start until the last reply reached LINE (the run's own seconds for the baseline). */
  processedSeconds: number;
  replies?: { expected: number; sent: number };
  /** SQL statements per event over the run and its work after the answers, replies included. */
  statementsPerEvent: number;
  topStatements: string[];
  /** CPU of this process (the load and the LINE stand-in) over the run, ms. */
  benchCpuMs: number;
}

interface SubjectFigures {
  /** 1 event per POST, one sender at a time (statements per event with nothing to share). */
  sequential: ProcessedRun;
  single: ProcessedRun;
  batched: ProcessedRun;
  rate: LoadResult;
}

/** The statements counted by the server's preloaded count-statements since the last read (reading starts afresh). */
async function readTally(server: ServerProcess, tallyFile: string): Promise<Record<string, number>> {
  fs.rmSync(tallyFile, { force: true });
  server.signal('SIGUSR2');
  for (let i = 0; i < 250 && !fs.existsSync(tallyFile); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return JSON.parse(fs.readFileSync(tallyFile, 'utf8'));
}

/**
 * A closed-loop run of `posts` with `concurrency` senders, until its work is done: for the
 * product, until LINE got a reply for every acknowledged event. Counts the SQL statements of
 * the run and that work (replies included).
 */
async function processedRun(
  server: ServerProcess,
  line: FakeLine | undefined,
  tallyFile: string,
  posts: SignedPost[],
  concurrency: number,
): Promise<ProcessedRun> {
  // What is left of earlier load (deliveries marked after LINE answered) settles first.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await readTally(server, tallyFile);
  const repliesBefore = line ? replyCount(line) : 0;
  // CPU counts until the work is done, not until the last answer: the product works on after it.
  const cpu0 = processCpuMs(server.pid);
  const pg0 = postgresCpu();
  const bench0 = process.cpuUsage();
  const load = await closedLoop(server, posts, concurrency);
  let processedSeconds = load.seconds;
  let replies: ProcessedRun['replies'];
  if (line) {
    const done = await awaitReplies(line, repliesBefore + load.events);
    processedSeconds = load.seconds + done.afterMs / 1000;
    replies = { expected: load.events, sent: done.sent - repliesBefore };
  }
  const nodeCpuMs = processCpuMs(server.pid) - cpu0;
  const postgresCpuMs = postgresCpuSince(pg0);
  const benchCpu = process.cpuUsage(bench0);
  const benchCpuMs = (benchCpu.user + benchCpu.system) / 1000;
  // Work after the reply (its delivery marked, profiles) ends shortly after it.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const tally = await readTally(server, tallyFile);
  const total = Object.values(tally).reduce((a, b) => a + b, 0);
  const topStatements = Object.entries(tally)
    .sort((a, b) => b[1] - a[1])
    .map(([text, n]) => `${(n / load.events).toFixed(2)}  ${text}`);
  return { ...load, nodeCpuMs, postgresCpuMs, benchCpuMs, processedSeconds, replies, statementsPerEvent: total / load.events, topStatements };
}

/** CPU per event of the server, PostgreSQL and this process (load and the LINE stand-in), for the log. */
const cpuText = (r: ProcessedRun) =>
  `CPU per event: server ${(r.nodeCpuMs / r.events).toFixed(2)} ms, PostgreSQL ${(r.postgresCpuMs / r.events).toFixed(2)} ms, bench ${(r.benchCpuMs / r.events).toFixed(2)} ms`;

const replyCount = (line: FakeLine) => line.requestsTo('POST', '/v2/bot/message/reply').length + line.requestsTo('POST', '/v2/bot/message/push').length;

async function measure(ctx: BenchContext, subject: Subject, databaseUrl: string): Promise<SubjectFigures> {
  const line = subject === 'baseline' ? undefined : await new FakeLine().start();
  const users = Array.from({ length: USERS }, () => userId());
  if (line) for (const [i, user] of users.entries()) line.setProfile(user, { displayName: friendName(i), language: 'th' });
  let server: ServerProcess | undefined;
  const tallyFile = path.join(ctx.workDir, `statements-${subject}.json`);
  try {
    if (subject === 'baseline') {
      server = await spawnServer(BASELINE_MAIN, { DATABASE_URL: databaseUrl, CHANNEL_SECRET, STATEMENT_TALLY_FILE: tallyFile }, ['-r', COUNT_STATEMENTS]);
    } else {
      const dataDir = fs.mkdtempSync(path.join(ctx.workDir, `ingest-${subject}-`));
      server = await spawnServer(
        PRODUCT_MAIN,
        {
          DATA_DIR: dataDir,
          ...databaseEnvironment(subject, databaseUrl),
          ...productEnvironment({ username: 'bench', password: 'bench-password-1' }, line!),
          STATEMENT_TALLY_FILE: tallyFile,
        },
        ['-r', COUNT_STATEMENTS],
      );
    }
    await awaitWebhookReady(server);
    const scale = ctx.quick ? 1 : 3;
    // Warm-up: every user known (contact and profile), the JIT warm.
    const warm = await closedLoop(server, signedPosts(line, users, USERS / 10, 10), CONCURRENCY);
    ctx.log(`ingest ${subject}: warm-up ${warm.events} events in ${warm.seconds.toFixed(1)} s`);
    if (line) await awaitReplies(line, warm.events);
    const sequential = await processedRun(server, line, tallyFile, signedPosts(line, users, 50, 1), 1);
    ctx.log(
      `ingest ${subject}: ${sequential.statementsPerEvent.toFixed(1)} SQL statements per event (1 per POST, one at a time, replies included):\n  ${sequential.topStatements.join('\n  ')}`,
    );
    line?.reset();
    if (line) for (const [i, user] of users.entries()) line.setProfile(user, { displayName: friendName(i), language: 'th' });

    const single = await processedRun(server, line, tallyFile, signedPosts(line, users, 1000 * scale, 1), CONCURRENCY);
    ctx.log(
      `ingest ${subject}: 1/POST ${(single.events / single.seconds).toFixed(0)} events/s acked, ${(single.events / single.processedSeconds).toFixed(0)} fully processed` +
        `${single.replies ? ` (${single.replies.sent}/${single.replies.expected} replies)` : ''}; ${single.statementsPerEvent.toFixed(2)} statements/event; ${cpuText(single)}:\n  ${single.topStatements.slice(0, 12).join('\n  ')}`,
    );
    const batched = await processedRun(server, line, tallyFile, signedPosts(line, users, 200 * scale, 10), CONCURRENCY);
    ctx.log(
      `ingest ${subject}: 10/POST ${(batched.events / batched.seconds).toFixed(0)} events/s acked, ${(batched.events / batched.processedSeconds).toFixed(0)} fully processed` +
        `${batched.replies ? ` (${batched.replies.sent}/${batched.replies.expected} replies)` : ''}; ${batched.statementsPerEvent.toFixed(2)} statements/event; ${cpuText(batched)}`,
    );
    const rate = await openLoop(server, signedPosts(line, users, 200 * 5 * scale, 1), 200);
    ctx.log(
      `ingest ${subject}: 200/s ack p99 ${percentile(
        rate.latenciesMs.sort((a, b) => a - b),
        99,
      ).toFixed(0)} ms`,
    );
    if (line) await awaitReplies(line, single.events + batched.events + rate.events);
    return { sequential, single, batched, rate };
  } finally {
    await server?.stop();
    await line?.close();
  }
}

const perSecond = (r: LoadResult) => r.events / r.seconds;
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

function latencyText(r: LoadResult): string {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))} / p95 ${ms(percentile(sorted, 95))} / p99 ${ms(percentile(sorted, 99))}${r.failures ? ` (${r.failures} failed)` : ''}`;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const results = new Map<Subject, SubjectFigures>();
  const baselineUrl = await scratchDatabase(ctx.postgresUrl, 'ingest_baseline');
  results.set('baseline', await measure(ctx, 'baseline', baselineUrl));
  for (const database of ctx.databases) {
    const url = database === 'postgres' ? await scratchDatabase(ctx.postgresUrl, 'ingest_product') : '';
    results.set(database, await measure(ctx, database, url));
  }
  const baseline = results.get('baseline')!;
  const ratio = (value: number, of: number) => `${value.toFixed(0)} (${(value / of).toFixed(2)}× baseline)`;
  const goalRatio = (database: Subject) => (database === 'postgres' ? 0.8 : database === 'embedded' ? 0.5 : undefined);

  for (const [subject, figures] of results) {
    const goal = goalRatio(subject);
    for (const [perPost, r, of] of [
      [1, figures.single, baseline.single],
      [10, figures.batched, baseline.batched],
    ] as const) {
      const acked = perSecond(r);
      const processed = r.events / r.processedSeconds;
      const ofProcessed = of.events / of.processedSeconds;
      rows.push({
        figure: `ingest events/s acked (the accept path), ${perPost} event${perPost > 1 ? 's' : ''} per POST, 20 concurrent`,
        database: subject,
        value: subject === 'baseline' ? acked.toFixed(0) : ratio(acked, perSecond(of)),
        ...(goal ? { goal: `≥ ${goal}× baseline`, ok: acked >= goal * perSecond(of) && r.failures === 0 } : {}),
      });
      rows.push({
        figure: `ingest events/s fully processed (to the bot's last reply at LINE), ${perPost} per POST, 20 concurrent`,
        database: subject,
        value: subject === 'baseline' ? `${processed.toFixed(0)} (no bot: = acked)` : ratio(processed, ofProcessed),
        ...(goal ? { goal: `≥ ${goal}× baseline`, ok: processed >= goal * ofProcessed && r.failures === 0 && r.replies?.sent === r.replies?.expected } : {}),
      });
      rows.push({
        figure: `SQL statements per event (${perPost} per POST, 20 concurrent, replies included)`,
        database: subject,
        value: r.statementsPerEvent.toFixed(2),
      });
    }
    rows.push({ figure: 'ack latency, 1 event per POST, 20 concurrent', database: subject, value: latencyText(figures.single) });
    const rateP99 = percentile(
      [...figures.rate.latenciesMs].sort((a, b) => a - b),
      99,
    );
    rows.push({
      figure: 'ack latency at 200 events/s (1 per POST)',
      database: subject,
      value: latencyText(figures.rate),
      ...(subject === 'postgres' ? { goal: 'p99 < 50 ms', ok: rateP99 < 50 && figures.rate.failures === 0 } : {}),
    });
    const cpu = figures.single.nodeCpuMs / figures.single.events;
    const baseCpu = baseline.single.nodeCpuMs / baseline.single.events;
    rows.push({
      figure: 'node CPU per event (1 per POST, until the last reply; bot replies included)',
      database: subject,
      value: subject === 'baseline' ? ms(cpu) : `${ms(cpu)} (${(cpu / baseCpu).toFixed(1)}× baseline)`,
      ...(subject === 'postgres' ? { goal: '≤ 2× baseline', ok: cpu <= 2 * baseCpu } : {}),
    });
    if (subject !== 'embedded') {
      rows.push({
        figure: 'PostgreSQL CPU per event (1 per POST; all postgres processes)',
        database: subject,
        value: ms(figures.single.postgresCpuMs / figures.single.events),
      });
    }
    rows.push({
      figure: 'SQL statements per event (1 per POST, one at a time, replies included)',
      database: subject,
      value: figures.sequential.statementsPerEvent.toFixed(2),
    });
    if (figures.single.replies) {
      rows.push({
        figure: 'bot replies sent for the 1-per-POST run; the last after the last ack',
        database: subject,
        value: `${figures.single.replies.sent}/${figures.single.replies.expected}; ${(figures.single.processedSeconds - figures.single.seconds).toFixed(1)} s`,
      });
    }
  }
  return rows;
}

if (require.main === module) runAlone(run);
