// Webhook ingest, the product (default flow deployed, LINE replaced by the loopback fake so the
// bot's replies are real work) against the hand-written baseline (bench/baseline-server.ts), in
// one run: events/s with 20 concurrent senders (1 and 10 events per POST), both as acknowledged
// (the accept path alone: the product answers once the events are stored and processes them
// after) and fully processed (the run ends when the bot's last reply reached LINE; the baseline
// has no bot and does all its work before its answer, so its two figures are one), ack latency,
// SQL statements per event, node CPU per event (/proc of the server's process) and PostgreSQL
// CPU per event (every postgres process on the machine: other benchmarks running at once show up
// in it; so do they in every figure here). The throughput runs go in rounds, every subject once a
// round, back to back; a ratio is the median of the rounds' own ratios.
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
import type { StatementTally } from './count-statements';
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
  /** The statements per event, most frequent first (for the embedded database, most PGlite time first, with it). */
  topStatements: string[];
  /** PGlite's time running the run's statements, ms (the embedded database only; 0 for the others). */
  pgliteMs: number;
  /** CPU of this process (the load and the LINE stand-in) over the run, ms. */
  benchCpuMs: number;
}

/** The statements counted by the server's preloaded count-statements since the last read (reading starts afresh). */
async function readTally(server: ServerProcess, tallyFile: string): Promise<StatementTally> {
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
  const total = Object.values(tally.counts).reduce((a, b) => a + b, 0);
  const pgliteMs = Object.values(tally.pgliteMs).reduce((a, b) => a + b, 0);
  const topStatements =
    pgliteMs > 0
      ? Object.entries(tally.pgliteMs)
          .sort((a, b) => b[1] - a[1])
          .map(
            ([text, took]) =>
              `${((tally.counts[text] ?? 0) / load.events).toFixed(2)}  PGlite ${((took / load.events) * 1000).toFixed(0).padStart(4)} µs/event  ${text}`,
          )
      : Object.entries(tally.counts)
          .sort((a, b) => b[1] - a[1])
          .map(([text, n]) => `${(n / load.events).toFixed(2)}  ${text}`);
  return { ...load, nodeCpuMs, postgresCpuMs, benchCpuMs, processedSeconds, replies, statementsPerEvent: total / load.events, topStatements, pgliteMs };
}

/** CPU per event of the server, PostgreSQL and this process (load and the LINE stand-in), for the log. */
const cpuText = (r: ProcessedRun) =>
  `CPU per event: server ${(r.nodeCpuMs / r.events).toFixed(2)} ms` +
  (r.pgliteMs > 0 ? ` (PGlite ${(r.pgliteMs / r.events).toFixed(2)} ms of it)` : `, PostgreSQL ${(r.postgresCpuMs / r.events).toFixed(2)} ms`) +
  `, bench ${(r.benchCpuMs / r.events).toFixed(2)} ms`;

/**
 * The replies and pushes LINE carried out. awaitReplies polls it every 5 ms while the product
 * finishes its work on the same two cores: a scan of every request recorded (tens of thousands by
 * the last round) took a fifth of this process's CPU, taken from the product's.
 */
const replyCount = (line: FakeLine) => line.carriedOut.length;

/** A subject's server, up and warm, with its LINE stand-in and its users. */
interface RunningSubject {
  subject: Subject;
  server: ServerProcess;
  line?: FakeLine;
  users: string[];
  tallyFile: string;
}

async function startSubject(ctx: BenchContext, subject: Subject, databaseUrl: string): Promise<RunningSubject> {
  const line = subject === 'baseline' ? undefined : await new FakeLine().start();
  const users = Array.from({ length: USERS }, () => userId());
  if (line) for (const [i, user] of users.entries()) line.setProfile(user, { displayName: friendName(i), language: 'th' });
  const tallyFile = path.join(ctx.workDir, `statements-${subject}.json`);
  let server: ServerProcess | undefined;
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
          ...(subject === 'embedded' ? { STATEMENT_PGLITE_TIMES: '1' } : {}),
        },
        ['-r', COUNT_STATEMENTS],
      );
    }
    await awaitWebhookReady(server);
    // Warm-up: every user known (contact and profile), the JIT warm.
    const warm = await closedLoop(server, signedPosts(line, users, USERS / 10, 10), CONCURRENCY);
    ctx.log(`ingest ${subject}: warm-up ${warm.events} events in ${warm.seconds.toFixed(1)} s`);
    if (line) await awaitReplies(line, warm.events);
    return { subject, server, line, users, tallyFile };
  } catch (err) {
    await server?.stop();
    await line?.close();
    throw err;
  }
}

async function stopSubject(running: RunningSubject): Promise<void> {
  await running.server.stop();
  await running.line?.close();
}

/** A closed-loop run of `posts` bodies of `perPost` events on a warm subject, until its work is done. */
function loadRun(running: RunningSubject, posts: number, perPost: number, concurrency: number): Promise<ProcessedRun> {
  const { server, line, users, tallyFile } = running;
  return processedRun(server, line, tallyFile, signedPosts(line, users, posts, perPost), concurrency);
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One phase (a POST size) in rounds: each round runs every subject once, one after the other, so each ratio compares runs minutes apart at most. */
async function interleaved(
  ctx: BenchContext,
  subjects: RunningSubject[],
  rounds: number,
  posts: number,
  perPost: number,
): Promise<Map<Subject, ProcessedRun[]>> {
  const runs = new Map<Subject, ProcessedRun[]>(subjects.map((s) => [s.subject, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const running of subjects) {
      const r = await loadRun(running, posts, perPost, CONCURRENCY);
      runs.get(running.subject)!.push(r);
      ctx.log(
        `ingest ${running.subject}: ${perPost}/POST round ${round}/${rounds}: ${(r.events / r.seconds).toFixed(0)} events/s acked, ${(r.events / r.processedSeconds).toFixed(0)} fully processed` +
          `${r.replies ? ` (${r.replies.sent}/${r.replies.expected} replies)` : ''}; ${r.statementsPerEvent.toFixed(2)} statements/event; ${cpuText(r)}` +
          // The statements of a round after the first: the first also warms up (V8's compiler,
          // PostgreSQL's caches, the prepared statements' first plans).
          (round === Math.min(2, rounds) ? `:\n  ${r.topStatements.slice(0, 12).join('\n  ')}` : ''),
      );
    }
  }
  return runs;
}

const perSecond = (r: LoadResult) => r.events / r.seconds;
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

function latencyText(r: Pick<LoadResult, 'latenciesMs' | 'failures'>): string {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))} / p95 ${ms(percentile(sorted, 95))} / p99 ${ms(percentile(sorted, 99))}${r.failures ? ` (${r.failures} failed)` : ''}`;
}

/**
 * Rounds of each phase: an odd number, so the median is one round's. Five, not three: this
 * machine's speed moved within a minute (the baseline alone took 700 and then 1,285 events/s in
 * two rounds of one run), and three rounds' median still moved with it.
 */
const ROUNDS = 5;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const scale = ctx.quick ? 1 : 3;
  const subjects: RunningSubject[] = [];
  try {
    // Every subject up and warm at once (idle while another is loaded), so that each round runs
    // them back to back: the machine's speed drifts over minutes, and a ratio of runs far apart
    // measured the drift as much as the product.
    subjects.push(await startSubject(ctx, 'baseline', await scratchDatabase(ctx.postgresUrl, 'ingest_baseline')));
    for (const database of ctx.databases) {
      const url = database === 'postgres' ? await scratchDatabase(ctx.postgresUrl, 'ingest_product') : '';
      subjects.push(await startSubject(ctx, database, url));
    }
    const sequential = new Map<Subject, ProcessedRun>();
    for (const running of subjects) {
      const r = await loadRun(running, 50, 1, 1);
      sequential.set(running.subject, r);
      ctx.log(
        `ingest ${running.subject}: ${r.statementsPerEvent.toFixed(1)} SQL statements per event (1 per POST, one at a time, replies included):\n  ${r.topStatements.join('\n  ')}`,
      );
    }
    const single = await interleaved(ctx, subjects, ROUNDS, 1000 * scale, 1);
    const batched = await interleaved(ctx, subjects, ROUNDS, 200 * scale, 10);
    const rate = new Map<Subject, LoadResult>();
    for (const running of subjects) {
      const repliesBefore = running.line ? replyCount(running.line) : 0;
      const r = await openLoop(running.server, signedPosts(running.line, running.users, 200 * 5 * scale, 1), 200);
      rate.set(running.subject, r);
      ctx.log(
        `ingest ${running.subject}: 200/s ack p99 ${percentile(
          [...r.latenciesMs].sort((a, b) => a - b),
          99,
        ).toFixed(0)} ms`,
      );
      // Its replies out before the next subject's run.
      if (running.line) await awaitReplies(running.line, repliesBefore + r.events);
    }
    rows.push(
      ...figureRows(
        subjects.map((s) => s.subject),
        sequential,
        single,
        batched,
        rate,
      ),
    );
  } finally {
    for (const running of subjects) await stopSubject(running);
  }
  return rows;
}

/** The table: each ratio the median of the rounds' own ratios (each round's product run against that round's baseline run). */
function figureRows(
  subjects: Subject[],
  sequential: Map<Subject, ProcessedRun>,
  single: Map<Subject, ProcessedRun[]>,
  batched: Map<Subject, ProcessedRun[]>,
  rate: Map<Subject, LoadResult>,
): BenchRow[] {
  const rows: BenchRow[] = [];
  const goalRatio = (database: Subject) => (database === 'postgres' ? 0.8 : database === 'embedded' ? 0.5 : undefined);
  const processedPerSecond = (r: ProcessedRun) => r.events / r.processedSeconds;
  /** "<median value> (<median ratio>× baseline; rounds a–b)" and the median ratio. */
  const paired = (runs: ProcessedRun[], of: ProcessedRun[], pick: (r: ProcessedRun) => number) => {
    const ratios = runs.map((r, i) => pick(r) / pick(of[i]));
    const value = median(runs.map(pick));
    const ratio = median(ratios);
    return {
      ratio,
      // Three decimals: a ratio just under its goal must not read as the goal.
      text: `${value.toFixed(0)} (${ratio.toFixed(3)}× baseline; rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
    };
  };
  const failed = (runs: ProcessedRun[]) => runs.some((r) => r.failures > 0);
  const allReplied = (runs: ProcessedRun[]) => runs.every((r) => r.replies?.sent === r.replies?.expected);
  const sum = (runs: ProcessedRun[], pick: (r: ProcessedRun) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const baselineSingle = single.get('baseline')!;
  for (const subject of subjects) {
    const goal = goalRatio(subject);
    for (const [perPost, runs, of] of [
      [1, single.get(subject)!, baselineSingle],
      [10, batched.get(subject)!, batched.get('baseline')!],
    ] as const) {
      const acked = paired(runs, of, perSecond);
      const processed = paired(runs, of, processedPerSecond);
      rows.push({
        figure: `ingest events/s acked (the accept path), ${perPost} event${perPost > 1 ? 's' : ''} per POST, 20 concurrent, median of ${ROUNDS} rounds`,
        database: subject,
        value: subject === 'baseline' ? median(runs.map(perSecond)).toFixed(0) : acked.text,
        ...(goal ? { goal: `≥ ${goal}× baseline`, ok: acked.ratio >= goal && !failed(runs) } : {}),
      });
      rows.push({
        figure: `ingest events/s fully processed (to the bot's last reply at LINE), ${perPost} per POST, 20 concurrent, median of ${ROUNDS} rounds`,
        database: subject,
        value: subject === 'baseline' ? `${median(runs.map(processedPerSecond)).toFixed(0)} (no bot: = acked)` : processed.text,
        ...(goal ? { goal: `≥ ${goal}× baseline`, ok: processed.ratio >= goal && !failed(runs) && allReplied(runs) } : {}),
      });
      rows.push({
        figure: `SQL statements per event (${perPost} per POST, 20 concurrent, replies included)`,
        database: subject,
        value: (sum(runs, (r) => r.statementsPerEvent * r.events) / sum(runs, (r) => r.events)).toFixed(2),
      });
    }
    const singles = single.get(subject)!;
    const latencies = { latenciesMs: singles.flatMap((r) => r.latenciesMs), failures: sum(singles, (r) => r.failures) };
    rows.push({ figure: 'ack latency, 1 event per POST, 20 concurrent (all rounds)', database: subject, value: latencyText(latencies) });
    const atRate = rate.get(subject)!;
    const rateP99 = percentile(
      [...atRate.latenciesMs].sort((a, b) => a - b),
      99,
    );
    rows.push({
      figure: 'ack latency at 200 events/s (1 per POST)',
      database: subject,
      value: latencyText(atRate),
      ...(subject === 'postgres' ? { goal: 'p99 < 50 ms', ok: rateP99 < 50 && atRate.failures === 0 } : {}),
    });
    const cpuPerEvent = (runs: ProcessedRun[]) => sum(runs, (r) => r.nodeCpuMs) / sum(runs, (r) => r.events);
    const cpu = cpuPerEvent(singles);
    const baseCpu = cpuPerEvent(baselineSingle);
    rows.push({
      figure: 'node CPU per event (1 per POST, until the last reply; bot replies included; all rounds)',
      database: subject,
      value: subject === 'baseline' ? ms(cpu) : `${ms(cpu)} (${(cpu / baseCpu).toFixed(1)}× baseline)`,
      ...(subject === 'postgres' ? { goal: '≤ 2× baseline', ok: cpu <= 2 * baseCpu } : {}),
    });
    if (subject !== 'embedded') {
      rows.push({
        figure: 'PostgreSQL CPU per event (1 per POST; all postgres processes; all rounds)',
        database: subject,
        value: ms(sum(singles, (r) => r.postgresCpuMs) / sum(singles, (r) => r.events)),
      });
    } else {
      // The embedded database runs on the server's thread: its share of the node CPU above.
      const pgliteText = (runs: ProcessedRun[]) => {
        const perEvent = sum(runs, (r) => r.pgliteMs) / sum(runs, (r) => r.events);
        return `${perEvent.toFixed(2)} ms (${((100 * sum(runs, (r) => r.pgliteMs)) / sum(runs, (r) => r.nodeCpuMs)).toFixed(0)}% of node CPU)`;
      };
      rows.push({
        figure: 'PGlite time per event, in the node CPU (1 / 10 per POST, 20 concurrent; all rounds)',
        database: subject,
        value: `${pgliteText(singles)} / ${pgliteText(batched.get(subject)!)}`,
      });
    }
    rows.push({
      figure: 'SQL statements per event (1 per POST, one at a time, replies included)',
      database: subject,
      value: sequential.get(subject)!.statementsPerEvent.toFixed(2),
    });
    if (singles[0].replies) {
      const lastReply = median(singles.map((r) => r.processedSeconds - r.seconds));
      rows.push({
        figure: 'bot replies sent for the 1-per-POST runs; the last after the last ack (median of the rounds)',
        database: subject,
        value: `${sum(singles, (r) => r.replies!.sent)}/${sum(singles, (r) => r.replies!.expected)}; ${lastReply.toFixed(1)} s`,
      });
    }
  }
  return rows;
}

if (require.main === module) runAlone(run);
