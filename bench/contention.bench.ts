// Ingest and the inbox on one product at once (issue 9: neither may starve the other, on the
// embedded database's single connection too). The product runs with the default flow, LINE
// replaced by the loopback fake, on a seeded inbox (bench/seed.ts: 100,000 contacts, 10,000 with
// --quick) with 50 operator sockets connected. Each phase runs alone, then together:
// - the inbox: one operator's session calling, one after the other, the list's first page, the
//   WAITING tab, a search, a page by cursor and a conversation's detail (latency p50 / p95);
// - ingest: signed webhooks at a steady 100 and 200 events/s, one event per POST, whatever the
//   answers (ack latency p50 / p99), and each event's arrival on every socket (fan-out p50 / p99).
// The load runs in this process and the 50 sockets in a child process (bench/socket-clients.ts):
// on a 2-core machine both compete with the server for CPU, as do other benchmarks running at the
// same time.
import http from 'node:http';
import os from 'node:os';
import type { FakeLine } from '../test/support/fake-line';
import { OperatorSockets, sharedClock } from './operator-sockets';
import { messageEvent, sign, userId, webhookBody } from '../test/support/line-webhooks';
import { runAlone } from './context';
import { awaitWebhookReady, BENCH_ADMIN, loginWhenReady, percentile, processCpuMs, type ServerProcess, startSeededProduct } from './servers';
import type { BenchContext, BenchDatabase, BenchRow } from './types';

const SOCKETS = 50;
const USERS = 1000;
const RATES = [100, 200];
const ADMIN = BENCH_ADMIN;
const LIST = '/api/v1/admin/live-chat/conversations';
const GOALS: Record<BenchDatabase, { listP95: number; ackP99?: number }> = {
  postgres: { listP95: 50, ackP99: 50 },
  embedded: { listP95: 150 },
};

/** Latencies in ms, by what was timed. */
type Samples = Map<string, number[]>;

interface IngestResult {
  rate: number;
  events: number;
  failures: number;
  acksMs: number[];
  fanOutMs: number[];
  /** Event × socket arrivals that never came. */
  missing: number;
  /** From the first post to the last answer. */
  seconds: number;
}

interface Phase {
  inbox?: Samples;
  ingest?: IngestResult;
  /** The server's CPU busy share (1 = one core) over the phase. */
  serverCpu: number;
  /** The machine's 1-minute load average at the end (2 cores: above 2, everything waits for CPU). */
  load: number;
}

/** An operator's session: the inbox's calls one after the other until `stop` resolves. */
class Operator {
  private cursors: string[] = [];
  private openable: string[] = [];
  /** Calls that failed or timed out (they count in the latencies at the time they took). */
  failures = 0;
  lastError: unknown;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async get(route: string): Promise<any> {
    const res = await fetch(new URL(route, this.baseUrl), { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) throw new Error(`GET ${route}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Cursors of the first pages and conversations to open, taken before any timing. */
  async prepare(): Promise<void> {
    let page = await this.get(LIST);
    for (let i = 0; i < 10 && page.next_cursor; i++) {
      this.cursors.push(page.next_cursor);
      page = await this.get(`${LIST}?cursor=${page.next_cursor}`);
    }
    this.openable = (await this.get(`${LIST}?limit=100&status=BOT`)).conversations.map((c: { line_user_id: string }) => c.line_user_id);
  }

  async work(until: Promise<void>): Promise<Samples> {
    let stopped = false;
    void until.then(() => (stopped = true));
    const routes: [string, (i: number) => string][] = [
      ['list, first page', () => LIST],
      ['list, WAITING tab', () => `${LIST}?status=WAITING`],
      ['list, search "Emma"', () => `${LIST}?q=Emma`],
      ['list, page by cursor', (i) => `${LIST}?cursor=${this.cursors[i % this.cursors.length]}`],
      ['detail', (i) => `${LIST}/${this.openable[i % this.openable.length]}`],
    ];
    const samples: Samples = new Map(routes.map(([name]) => [name, []]));
    for (let i = 0; !stopped; i++) {
      for (const [name, route] of routes) {
        const t0 = performance.now();
        try {
          await this.get(route(i));
        } catch (err) {
          this.failures += 1;
          this.lastError ??= err;
        }
        samples.get(name)!.push(performance.now() - t0);
      }
    }
    return samples;
  }
}

function post(agent: http.Agent, url: URL, body: Buffer, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-line-signature': signature, 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Signed webhooks at `rate` per second for `seconds`, and each event's arrival on every socket. */
async function ingest(
  server: ServerProcess,
  line: FakeLine,
  sockets: OperatorSockets,
  users: string[],
  rate: number,
  seconds: number,
  tag: string,
): Promise<IngestResult> {
  const count = Math.round(rate * seconds);
  const texts = Array.from({ length: count }, (_, i) => `${tag} ${i}`);
  const posts = texts.map((text, i) => {
    const body = webhookBody([messageEvent(text, { userId: users[i % users.length], replyToken: line.issueReplyToken() })]);
    return { text, body, signature: sign(body) };
  });
  const sentAt = new Map<string, number>();
  const fanOutMs: number[] = [];
  const stopListening = sockets.listen(([kind, text, , at]) => {
    const sent = kind === 'in-text' ? sentAt.get(text) : undefined;
    if (sent !== undefined) fanOutMs.push(at - sent);
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  const url = new URL('/line/webhook', server.baseUrl);
  const acksMs: number[] = [];
  let failures = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const { text, body, signature } = posts[i];
    const t0 = performance.now();
    sentAt.set(text, sharedClock());
    pending.push(
      post(agent, url, body, signature)
        .catch(() => 0)
        .then((status) => {
          acksMs.push(performance.now() - t0);
          if (status !== 200) failures += 1;
        }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const expected = count * sockets.count;
  const deadline = performance.now() + 20_000;
  while (fanOutMs.length < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  stopListening();
  return { rate, events: count, failures, acksMs, fanOutMs, missing: expected - fanOutMs.length, seconds: elapsed };
}

async function measured(server: ServerProcess, body: () => Promise<Omit<Phase, 'serverCpu' | 'load'>>): Promise<Phase> {
  const cpu0 = processCpuMs(server.pid);
  const t0 = performance.now();
  const result = await body();
  return { ...result, serverCpu: (processCpuMs(server.pid) - cpu0) / (performance.now() - t0), load: os.loadavg()[0] };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Until the server's work after the last phase (replies, fan-out) is done: its CPU under 10% of a core for half a second (30 s at most). */
async function settle(server: ServerProcess): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const cpu0 = processCpuMs(server.pid);
    await sleep(500);
    if (processCpuMs(server.pid) - cpu0 < 50) return;
  }
}
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const fixed = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
const listSamples = (samples: Samples) => [...samples].filter(([name]) => name.startsWith('list')).flatMap(([, times]) => times);

async function measure(
  ctx: BenchContext,
  database: BenchDatabase,
  contacts: number,
): Promise<{ inboxAlone: Phase; alone: Phase[]; together: Phase[]; inboxFailures: number }> {
  const { server, line } = await startSeededProduct(ctx, database, contacts, 'contention');
  let sockets: OperatorSockets | undefined;
  try {
    const token = await loginWhenReady(server, ADMIN);
    await awaitWebhookReady(server);
    sockets = await OperatorSockets.open(server.baseUrl, token, SOCKETS);
    const clients = sockets;
    const users = Array.from({ length: USERS }, () => userId());
    for (const [i, user] of users.entries()) line.setProfile(user, { displayName: `ผู้ใช้ contention ${i}` });
    const operator = new Operator(server.baseUrl, token);
    await operator.prepare();
    const seconds = ctx.quick ? 8 : 20;
    // Warm-up, not counted: every user's first event makes its contact.
    await ingest(server, line, clients, users, 100, USERS / 100, 'warm-up');
    await operator.work(sleep(2000));
    await settle(server);

    const inboxAlone = await measured(server, async () => ({ inbox: await operator.work(sleep(seconds * 1000)) }));
    ctx.log(`${database}: inbox alone: ${describe(inboxAlone)}`);
    const alone: Phase[] = [];
    const together: Phase[] = [];
    for (const rate of RATES) {
      const phase = await measured(server, async () => ({ ingest: await ingest(server, line, clients, users, rate, seconds, `alone ${rate}`) }));
      ctx.log(`${database}: ingest alone at ${rate}/s: ${describe(phase)}`);
      alone.push(phase);
      await settle(server);
      const both = await measured(server, async () => {
        let done!: () => void;
        const finished = new Promise<void>((resolve) => (done = resolve));
        const [result, inbox] = await Promise.all([
          ingest(server, line, clients, users, rate, seconds, `together ${rate}`).finally(done),
          operator.work(finished),
        ]);
        return { ingest: result, inbox };
      });
      ctx.log(`${database}: inbox and ingest at ${rate}/s together: ${describe(both)}`);
      together.push(both);
      await settle(server);
    }
    if (operator.failures) ctx.log(`${database}: ${operator.failures} inbox calls failed, the first: ${String(operator.lastError)}`);
    return { inboxAlone, alone, together, inboxFailures: operator.failures };
  } finally {
    await sockets?.close();
    await server.stop();
    await line.close();
  }
}

function describe(phase: Phase): string {
  const parts: string[] = [];
  if (phase.inbox) {
    for (const [name, times] of phase.inbox) {
      const s = sorted(times);
      parts.push(`${name} p50 ${fixed(percentile(s, 50))} / p95 ${fixed(percentile(s, 95))} ms (${times.length})`);
    }
  }
  if (phase.ingest) {
    const acks = sorted(phase.ingest.acksMs);
    const fan = sorted(phase.ingest.fanOutMs);
    parts.push(
      `ack p50 ${fixed(percentile(acks, 50))} / p99 ${fixed(percentile(acks, 99))} ms, ${phase.ingest.failures} failed; fan-out p50 ${fixed(percentile(fan, 50))} / p99 ${fixed(percentile(fan, 99))} ms, ${phase.ingest.missing} missing`,
    );
  }
  parts.push(`server CPU ${phase.serverCpu.toFixed(2)} cores; load average ${phase.load.toFixed(1)}`);
  return parts.join('; ');
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const contacts = ctx.quick ? 10_000 : 100_000;
  const rows: BenchRow[] = [];
  for (const database of ctx.databases) {
    const { inboxAlone, alone, together, inboxFailures } = await measure(ctx, database, contacts);
    if (inboxFailures)
      rows.push({
        figure: `contention at ${contacts / 1000}k contacts: inbox calls that failed or took over 30 s`,
        database,
        value: String(inboxFailures),
        ok: false,
      });
    const goal = GOALS[database];
    const at = `${contacts / 1000}k contacts`;
    const latency = (times: number[], high: number) => {
      const s = sorted(times);
      return { p50: percentile(s, 50), high: percentile(s, high) };
    };
    const listAlone = latency(listSamples(inboxAlone.inbox!), 95);
    const detailAlone = latency(inboxAlone.inbox!.get('detail')!, 95);
    rows.push({
      figure: `contention at ${at}: inbox list (first page, tab, search, cursor), alone`,
      database,
      value: `p50 ${fixed(listAlone.p50)} ms / p95 ${fixed(listAlone.high)} ms`,
    });
    rows.push({
      figure: `contention at ${at}: conversation detail, alone`,
      database,
      value: `p50 ${fixed(detailAlone.p50)} ms / p95 ${fixed(detailAlone.high)} ms`,
    });
    for (const [i, rate] of RATES.entries()) {
      const both = together[i];
      const list = latency(listSamples(both.inbox!), 95);
      rows.push({
        figure: `contention at ${at}: inbox list during ingest at ${rate} events/s`,
        database,
        value: `p50 ${fixed(list.p50)} ms / p95 ${fixed(list.high)} ms (p95 ×${(list.high / listAlone.high).toFixed(1)} alone)`,
        goal: `p95 < ${goal.listP95} ms`,
        ok: list.high < goal.listP95,
      });
      const detail = latency(both.inbox!.get('detail')!, 95);
      rows.push({
        figure: `contention at ${at}: conversation detail during ingest at ${rate} events/s`,
        database,
        value: `p50 ${fixed(detail.p50)} ms / p95 ${fixed(detail.high)} ms (p95 ×${(detail.high / detailAlone.high).toFixed(1)} alone)`,
      });
      const ackAlone = latency(alone[i].ingest!.acksMs, 99);
      const ack = latency(both.ingest!.acksMs, 99);
      const failed = alone[i].ingest!.failures + both.ingest!.failures;
      rows.push({
        figure: `contention at ${at}: webhook ack at ${rate} events/s, alone → with the inbox in use`,
        database,
        value: `p50 ${fixed(ackAlone.p50)} / p99 ${fixed(ackAlone.high)} ms → p50 ${fixed(ack.p50)} / p99 ${fixed(ack.high)} ms (p99 ×${(ack.high / ackAlone.high).toFixed(1)})${failed ? `; ${failed} not 200` : ''}`,
        ...(goal.ackP99 === undefined ? {} : { goal: `p99 < ${goal.ackP99} ms with the inbox`, ok: ack.high < goal.ackP99 && both.ingest!.failures === 0 }),
      });
      const fanAlone = latency(alone[i].ingest!.fanOutMs, 99);
      const fan = latency(both.ingest!.fanOutMs, 99);
      const missing = alone[i].ingest!.missing + both.ingest!.missing;
      rows.push({
        figure: `contention at ${at}: webhook → ${SOCKETS} sockets at ${rate} events/s, alone → with the inbox in use`,
        database,
        value: `p50 ${fixed(fanAlone.p50)} / p99 ${fixed(fanAlone.high)} ms → p50 ${fixed(fan.p50)} / p99 ${fixed(fan.high)} ms (p99 ×${(fan.high / fanAlone.high).toFixed(1)})${missing ? `; ${missing} never arrived` : ''}`,
      });
      const events = (phase: Phase) => (phase.ingest!.events - phase.ingest!.failures) / phase.ingest!.seconds;
      rows.push({
        figure: `contention at ${at}: events/s answered at ${rate} offered, alone → with the inbox; server CPU; machine load average`,
        database,
        value: `${events(alone[i]).toFixed(0)} → ${events(both).toFixed(0)}; ${alone[i].serverCpu.toFixed(2)} → ${both.serverCpu.toFixed(2)} cores; ${alone[i].load.toFixed(1)} → ${both.load.toFixed(1)}`,
      });
    }
  }
  return rows;
}

if (require.main === module) runAlone(run);
