// The 50 operator sockets of the fan-out and contention benchmarks, in a child process of their
// own (bench/operator-sockets.ts forks it): on a 2-core machine, clients decoding every packet in
// the process that also posts the load and plays LINE would slow both and count as the server's
// latency. It reports each socket's first arrival of each thing it watches, timed on the clock
// both processes share (performance.timeOrigin + performance.now(), the same machine's clock).
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH } from '../src/realtime/socket-server';

/** What the parent sends: connect once, then report until told to stop. */
export type ToClients = { type: 'connect'; baseUrl: string; token: string; count: number } | { type: 'stop' };

/**
 * What a socket saw first: `in-text`, a user's message (direction IN) by its text; `message-user`,
 * any message by its LINE user id; `conversation-user`, a conversation row by its LINE user id.
 */
export type ArrivalKind = 'in-text' | 'message-user' | 'conversation-user';
/** [kind, key, socket index, ms on the shared clock]. */
export type Arrival = [ArrivalKind, string, number, number];

export type FromClients =
  | { type: 'connected' }
  | { type: 'failed'; error: string }
  | { type: 'arrivals'; arrivals: Arrival[]; frames: number }
  | { type: 'stopped' };

/** The parent gets the arrivals this often, in one message (their times are taken on arrival). */
const REPORT_EVERY_MS = 50;

export const sharedClock = (): number => performance.timeOrigin + performance.now();

function send(message: FromClients): void {
  process.send!(message);
}

function watch(socket: Socket, index: number, report: (arrival: Arrival) => void): void {
  const seen = new Set<string>();
  const first = (kind: ArrivalKind, key: string | undefined, at: number) => {
    if (key === undefined) return;
    const id = `${kind}\u0000${key}`;
    if (seen.has(id)) return;
    seen.add(id);
    report([kind, key, index, at]);
  };
  socket.on('updates', (batch: [string, any][]) => {
    const at = sharedClock();
    for (const [name, payload] of batch) {
      if (name === 'message') {
        first('message-user', payload.line_user_id, at);
        if (payload.message?.direction === 'IN') first('in-text', payload.message.content?.text, at);
      } else if (name === 'conversation') {
        first('conversation-user', payload.conversation?.line_user_id, at);
      }
    }
  });
}

async function connect(baseUrl: string, token: string, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = io(baseUrl, { path: SOCKET_PATH, forceNew: true, reconnection: false, transports: ['websocket'], auth: { token } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket ${i} had no hello within 30 s`)), 30_000);
      socket.once('hello', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }
  return sockets;
}

function main(): void {
  let sockets: Socket[] = [];
  let buffered: Arrival[] = [];
  let frames = 0;
  const flush = () => {
    if (buffered.length === 0 && frames === 0) return;
    send({ type: 'arrivals', arrivals: buffered, frames });
    buffered = [];
    frames = 0;
  };
  const timer = setInterval(flush, REPORT_EVERY_MS);
  process.on('message', (message: ToClients) => {
    if (message.type === 'connect') {
      connect(message.baseUrl, message.token, message.count).then(
        (connected) => {
          sockets = connected;
          for (const [i, socket] of sockets.entries()) {
            watch(socket, i, (arrival) => buffered.push(arrival));
            socket.io.engine.on('packet', (packet) => {
              if (packet.type === 'message') frames += 1;
            });
          }
          send({ type: 'connected' });
        },
        (err: Error) => send({ type: 'failed', error: err.message }),
      );
    } else {
      for (const socket of sockets) socket.close();
      flush();
      clearInterval(timer);
      send({ type: 'stopped' });
      process.disconnect();
    }
  });
}

if (require.main === module) main();
