// Live fan-out: 50 operator sockets (socket.io-client, as the inbox connects) on the product with
// the default flow; signed webhooks at a fixed rate (one new user's text per POST); for every
// event, the time from posting it to each socket's `message` event for that user. The sockets run
// in a child process of their own (bench/socket-clients.ts), timed on the clock the two share; on
// this 2-core machine they still compete with the server for CPU, so the whole machine's CPU in
// use is given beside each rate (a slow server and a full machine look alike in the latencies).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeLine } from '../test/support/fake-line';
import { type ArrivalKind, OperatorSockets, sharedClock } from './operator-sockets';
import { productEnvironment } from '../test/support/product';
import { messageEvent, sign, userId, webhookBody } from '../test/support/line-webhooks';
import {
  BENCH_ADMIN,
  databaseEnvironment,
  loginWhenReady,
  machineCpuMs,
  PRODUCT_MAIN,
  percentile,
  processCpuMs,
  type ServerProcess,
  scratchDatabase,
  spawnServer,
} from './servers';
import type { BenchContext, BenchDatabase, BenchRow } from './types';
import { runAlone } from './context';

const SOCKETS = 50;
const ADMIN = BENCH_ADMIN;

interface RateResult {
  rate: number;
  events: number;
  latenciesMs: number[];
  /** The same to the conversation row (the list's update) for that user. */
  rowLatenciesMs: number[];
  /**
   * From posting each webhook to its 200: the rest of the latency above is the work after the
   * answer (storing the message, then the live update's batch and its frames).
   */
  ackLatenciesMs: number[];
  missing: number;
  /** CPU busy share of the server and of the 50 clients' process, 1 = one core. */
  serverCpu: number;
  clientCpu: number;
  /** The same of the whole machine (PostgreSQL, this process and the kernel included). */
  machineCpu: number;
  /** The server's CPU time per event, until every socket had the event and its row. */
  serverCpuMsPerEvent: number;
  /** websocket frames each socket received per event (the server writes each frame to each socket). */
  framesPerSocketPerEvent: number;
}

async function atRate(server: ServerProcess, line: FakeLine, sockets: OperatorSockets, rate: number, seconds: number): Promise<RateResult> {
  const sentAt = new Map<string, number>();
  const latenciesMs: number[] = [];
  const rowLatenciesMs: number[] = [];
  const ackLatenciesMs: number[] = [];
  const into: Partial<Record<ArrivalKind, number[]>> = { 'message-user': latenciesMs, 'conversation-user': rowLatenciesMs };
  const stopListening = sockets.listen(([kind, user, , at]) => {
    const sent = sentAt.get(user);
    if (sent !== undefined) into[kind]?.push(at - sent);
  });
  const frames0 = sockets.frames();
  const count = Math.round(rate * seconds);
  const users = Array.from({ length: count }, () => userId());
  for (const [i, user] of users.entries()) line.setProfile(user, { displayName: `fan-out ${i}` });
  const bodies = users.map((user, i) => {
    const body = webhookBody([messageEvent(`fan-out ${i}`, { userId: user, replyToken: line.issueReplyToken() })]);
    return { user, body, signature: sign(body) };
  });
  const started = performance.now();
  const serverCpu0 = processCpuMs(server.pid);
  const clientCpu0 = sockets.cpuMs();
  const machineCpu0 = machineCpuMs();
  const posts: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const { user, body, signature } = bodies[i];
    const sent = sharedClock();
    sentAt.set(user, sent);
    posts.push(
      fetch(new URL('/line/webhook', server.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': signature },
        body: new Uint8Array(body),
      }).then(
        (res) => {
          if (res.status === 200) ackLatenciesMs.push(sharedClock() - sent);
        },
        () => undefined,
      ),
    );
  }
  await Promise.all(posts);
  const expected = count * sockets.count;
  const deadline = performance.now() + 30_000;
  while ((latenciesMs.length < expected || rowLatenciesMs.length < expected) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stopListening();
  const elapsedMs = performance.now() - started;
  const serverCpuMs = processCpuMs(server.pid) - serverCpu0;
  const clientCpuMs = sockets.cpuMs() - clientCpu0;
  return {
    rate,
    events: count,
    latenciesMs,
    rowLatenciesMs,
    ackLatenciesMs,
    missing: expected - latenciesMs.length,
    serverCpu: serverCpuMs / elapsedMs,
    clientCpu: clientCpuMs / elapsedMs,
    machineCpu: (machineCpuMs() - machineCpu0) / elapsedMs,
    serverCpuMsPerEvent: serverCpuMs / count,
    framesPerSocketPerEvent: (sockets.frames() - frames0) / sockets.count / count,
  };
}

async function measure(ctx: BenchContext, database: BenchDatabase): Promise<RateResult[]> {
  const line = await new FakeLine().start();
  const url = database === 'postgres' ? await scratchDatabase(ctx.postgresUrl, 'fanout') : '';
  const dataDir = fs.mkdtempSync(path.join(ctx.workDir, `fanout-${database}-`));
  const server = await spawnServer(PRODUCT_MAIN, {
    DATA_DIR: dataDir,
    ...databaseEnvironment(database, url),
    ...productEnvironment(ADMIN, line),
  });
  let sockets: OperatorSockets | undefined;
  try {
    const token = await loginWhenReady(server, ADMIN);
    sockets = await OperatorSockets.open(server.baseUrl, token, SOCKETS);
    const seconds = ctx.quick ? 5 : 20;
    // Warm-up at a low rate, not counted.
    await atRate(server, line, sockets, 20, 2);
    const results: RateResult[] = [];
    for (const rate of [50, 100]) {
      const result = await atRate(server, line, sockets, rate, seconds);
      const sorted = [...result.latenciesMs].sort((a, b) => a - b);
      const acks = [...result.ackLatenciesMs].sort((a, b) => a - b);
      ctx.log(
        `fan-out ${database} at ${rate}/s: p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, ${result.missing} missing (the 200: p50 ${percentile(acks, 50).toFixed(0)} ms, p99 ${percentile(acks, 99).toFixed(0)} ms); CPU server ${result.serverCpu.toFixed(2)}, clients ${result.clientCpu.toFixed(2)}, machine ${result.machineCpu.toFixed(2)} of ${os.cpus().length} cores; server ${result.serverCpuMsPerEvent.toFixed(1)} ms CPU and ${result.framesPerSocketPerEvent.toFixed(2)} frames per socket per event`,
      );
      results.push(result);
    }
    return results;
  } finally {
    await sockets?.close();
    await server.stop();
    await line.close();
  }
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const database of ctx.databases) {
    for (const result of await measure(ctx, database)) {
      const sorted = [...result.latenciesMs].sort((a, b) => a - b);
      const p99 = result.missing > 0 ? Number.POSITIVE_INFINITY : percentile(sorted, 99);
      rows.push({
        figure: `webhook → ${SOCKETS} operator sockets at ${result.rate} events/s`,
        database,
        value: `p50 ${percentile(sorted, 50).toFixed(0)} ms / p95 ${percentile(sorted, 95).toFixed(0)} ms / p99 ${percentile(sorted, 99).toFixed(0)} ms${result.missing ? `; ${result.missing} of ${result.events * SOCKETS} never arrived` : ''}`,
        ...(result.rate === 100 ? { goal: 'p99 < 100 ms', ok: p99 < 100 } : {}),
      });
      const rowTimes = [...result.rowLatenciesMs].sort((a, b) => a - b);
      const rowsMissing = result.events * SOCKETS - rowTimes.length;
      rows.push({
        figure: `same, to the conversation row (list update) at ${result.rate} events/s`,
        database,
        value: `p50 ${percentile(rowTimes, 50).toFixed(0)} ms / p95 ${percentile(rowTimes, 95).toFixed(0)} ms / p99 ${percentile(rowTimes, 99).toFixed(0)} ms${rowsMissing ? `; ${rowsMissing} never arrived` : ''}`,
      });
      const acks = [...result.ackLatenciesMs].sort((a, b) => a - b);
      rows.push({
        figure: `same, the webhook's answer (posted → 200; the rest is the work after it) at ${result.rate} events/s`,
        database,
        value: `p50 ${percentile(acks, 50).toFixed(0)} ms / p95 ${percentile(acks, 95).toFixed(0)} ms / p99 ${percentile(acks, 99).toFixed(0)} ms${acks.length < result.events ? `; ${result.events - acks.length} not answered 200` : ''}`,
      });
      rows.push({
        figure: `server CPU per event and websocket frames per socket per event; the whole machine's CPU in use, at ${result.rate} events/s`,
        database,
        value: `${result.serverCpuMsPerEvent.toFixed(1)} ms; ${result.framesPerSocketPerEvent.toFixed(2)} frames; ${result.machineCpu.toFixed(2)} of ${os.cpus().length} cores`,
      });
    }
  }
  return rows;
}

if (require.main === module) runAlone(run);
