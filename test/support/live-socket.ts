// A real socket.io client on the live inbox's path that records every event it gets (the
// server's `updates` batches unpacked, as the inbox does), so tests can wait for one that matches,
// or check that none came.
import { io, type Socket, type SocketOptions, type ManagerOptions } from 'socket.io-client';
import { SOCKET_PATH } from '../../src/realtime/socket-server';

export interface Received {
  name: string;
  payload: any;
}

export interface LiveSocket {
  socket: Socket;
  received: Received[];
  /** The `updates` packets received, each the list of names it carried. */
  batches: string[][];
  /** engine.io message packets received (each one websocket frame the server wrote). */
  packets(): number;
  /** Settles on connect, or rejects with the connect_error. */
  connected: Promise<void>;
  /** The first event named `name` (already received or coming) that `match` accepts. */
  next(name: string, match?: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Every event named `name` received so far. */
  all(name: string): any[];
  /** Resolves with the reason when the socket disconnects. */
  disconnected: Promise<string>;
  close(): void;
}

export type LiveSocketOptions = Partial<ManagerOptions & SocketOptions>;

export function openLiveSocket(origin: string, options: LiveSocketOptions = {}): LiveSocket {
  const socket = io(origin, { path: SOCKET_PATH, forceNew: true, reconnection: false, ...options });
  const received: Received[] = [];
  const batches: string[][] = [];
  let packets = 0;
  socket.io.engine.on('packet', (packet) => {
    if (packet.type === 'message') packets += 1;
  });
  const waiters = new Set<() => void>();
  socket.onAny((name: string, payload: any) => {
    if (name === 'updates') {
      batches.push(payload.map(([updateName]: [string]) => updateName));
      for (const [updateName, updatePayload] of payload) received.push({ name: updateName, payload: updatePayload });
    } else {
      received.push({ name, payload });
    }
    for (const wake of [...waiters]) wake();
  });
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  connected.catch(() => undefined);
  const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

  return {
    socket,
    received,
    batches,
    packets: () => packets,
    connected,
    disconnected,
    all: (name) => received.filter((r) => r.name === name).map((r) => r.payload),
    next(name, match = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const found = received.find((r) => r.name === name && match(r.payload));
          if (!found) return;
          waiters.delete(look);
          clearTimeout(timer);
          resolve(found.payload);
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          reject(new Error(`no matching "${name}" within ${timeoutMs} ms; got ${JSON.stringify(received.map((r) => r.name))}`));
        }, timeoutMs);
        waiters.add(look);
        look();
      });
    },
    close: () => void socket.close(),
  };
}

/** Opens a socket and waits until it is in (the hello may still be on its way). */
export async function connectLiveSocket(origin: string, options: LiveSocketOptions = {}): Promise<LiveSocket> {
  const live = openLiveSocket(origin, options);
  try {
    await live.connected;
  } catch (err) {
    live.close();
    throw err;
  }
  return live;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `listener` with the payload of every update named `name` the socket gets; returns how to stop. */
export function onUpdate(socket: Socket, name: string, listener: (payload: any) => void): () => void {
  const unpack = (batch: [string, unknown][]) => {
    for (const [updateName, payload] of batch) if (updateName === name) listener(payload);
  };
  socket.on('updates', unpack);
  return () => void socket.off('updates', unpack);
}
