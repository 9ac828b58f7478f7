// The benchmarks' side of bench/socket-clients.ts: forks the child that holds the operator
// sockets, and hands on what they report.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Arrival, FromClients, ToClients } from './socket-clients';
import { processCpuMs } from './servers';

export { type Arrival, type ArrivalKind, sharedClock } from './socket-clients';

const CLIENTS_MAIN = path.join(__dirname, 'socket-clients.js');

export class OperatorSockets {
  private readonly listeners = new Set<(arrival: Arrival) => void>();
  private framesSeen = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly count: number,
  ) {
    child.on('message', (message: FromClients) => {
      if (message.type !== 'arrivals') return;
      this.framesSeen += message.frames;
      for (const arrival of message.arrivals) for (const listener of this.listeners) listener(arrival);
    });
  }

  /** `count` sockets of the operator whose token this is, each connected and greeted. */
  static async open(baseUrl: string, token: string, count: number, timeoutMs = 60_000): Promise<OperatorSockets> {
    const child = fork(CLIENTS_MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${count} sockets not connected within ${timeoutMs} ms`)), timeoutMs);
        child.on('message', (message: FromClients) => {
          if (message.type === 'connected') resolve();
          else if (message.type === 'failed') reject(new Error(`the operator sockets could not connect: ${message.error}`));
        });
        child.once('exit', (code) => reject(new Error(`the operator sockets' process exited with ${code}`)));
        child.send({ type: 'connect', baseUrl, token, count } satisfies ToClients);
      });
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return new OperatorSockets(child, count);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The child's CPU time so far, in ms. */
  cpuMs(): number {
    return processCpuMs(this.pid);
  }

  /** websocket message frames all the sockets received so far. */
  frames(): number {
    return this.framesSeen;
  }

  /** Calls `listener` with every arrival reported from now on; answers how to stop. */
  listen(listener: (arrival: Arrival) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Closes the sockets and waits for the child to end (killed after 10 s). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ToClients);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
}
