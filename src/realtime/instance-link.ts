// Live events across instances. Several instances on one PostgreSQL database each serve their
// own operators' sockets; what changes on one (a webhook's message, a close) must reach the
// operators of all. socket.io's PostgreSQL adapter (LISTEN/NOTIFY on the database we already
// have) carries it: each instance tells the others what changed (ids, not rows) with
// serverSideEmit, and each hub reads what its own operators need and sends it in its own batches,
// to its own rooms. Rooms stay local: an update is computed where its recipients are.
// On the embedded database there is one instance, and socket.io keeps its in-memory adapter.
//
// An instance alone sends nothing: a NOTIFY per tick for nobody cost PostgreSQL a statement and
// this process its own notification back (5% of the CPU per webhook event, bench/ingest). Alone
// means no other instance has been heard (the adapter's heartbeats) and the link has been up for
// a while: a new instance tells its changes from the start, before it has heard the others. What
// an instance kept to itself in the last seconds it sends when another appears, so an instance
// that started meanwhile misses nothing it would have got had this one always sent.
import { createAdapter } from '@socket.io/postgres-adapter';
import { Pool, type PoolClient } from 'pg';
import type { Server } from 'socket.io';
import type { SessionChange } from '../events';
import type { Logger } from '../logger';

/** What changed, by id: each instance reads the rows its own operators need. */
export type RemoteChange =
  | { kind: 'message'; messageId: number; contactId: number; lineUserId: string }
  | { kind: 'session'; sessionId: number; contactId: number; lineUserId: string; change: SessionChange }
  | { kind: 'conversation'; contactId: number; reader?: number }
  | { kind: 'timeline'; entryId: number; contactId: number; lineUserId: string }
  | { kind: 'details'; contactId: number }
  | { kind: 'catalog' };

export const REMOTE_CHANGES_EVENT = 'llc:changes';
/** Changes per notification: well under NOTIFY's 8000 bytes, so the attachments table is rarely used. */
const CHANGES_PER_NOTIFY = 40;
/** How long a connection of the link's pool may take to open. */
const CONNECT_DEADLINE_MS = 5_000;

/** The connections' application_name in pg_stat_activity (then the process id). */
export const LINK_APPLICATION_NAME = 'line-live-chat live events';
/** How long closing waits for the pool's connections to end. */
const POOL_END_WAIT_MS = 2_000;

/** When an instance with nobody to tell may keep its changes to itself, and for how long it keeps them. */
export interface InstanceLinkTimings {
  /**
   * From the link's start, how long it tells its changes whether or not it has heard another
   * instance (it may not have heard those that were already up). Default 10 s.
   */
  startupMs: number;
  /**
   * How long a change kept to itself is kept, to be sent if another instance is heard in that time:
   * longer than the adapter's heartbeat interval (5 s), by which an instance whose first word was
   * lost is heard. Default 10 s.
   */
  keepMs: number;
}

export const DEFAULT_INSTANCE_LINK_TIMINGS: InstanceLinkTimings = { startupMs: 10_000, keepMs: 10_000 };
/** At most this many changes are kept (the newest) while alone: a burst's worth. */
const MAX_KEPT = 20_000;
/** How often kept changes are looked at while alone: sent once another instance is heard, dropped when old. */
const KEPT_CHECK_MS = 1_000;

/** The part of socket.io's cluster adapter used here: how many servers it knows, itself included. */
interface CountingAdapter {
  close(): void;
  serverCount?(): Promise<number>;
}

type AdapterConstructor = NonNullable<Parameters<Server['adapter']>[0]>;

export class InstanceLink {
  private io?: Server;
  private pool?: Pool;
  private previousAdapter?: AdapterConstructor;
  private ourAdapter?: AdapterConstructor;
  private checkedOut = new Set<PoolClient>();
  /** The adapter our factory made for the namespace: closed with the link whoever replaced it. */
  private adapterMade?: CountingAdapter;
  private onRemote?: (changes: RemoteChange[]) => void;
  private readonly outgoing: RemoteChange[] = [];
  private flushing = false;
  private attachedAt = 0;
  /** Changes not sent for want of another instance, oldest first, with when they were made. */
  private kept: { at: number; change: RemoteChange }[] = [];
  private keptCheck?: NodeJS.Timeout;
  private readonly timings: InstanceLinkTimings;

  /** `url`: the PostgreSQL server the instances share; none (embedded): nothing to link. */
  constructor(
    private readonly url: string | undefined,
    private readonly log: Logger,
    timings: Partial<InstanceLinkTimings> = {},
  ) {
    this.timings = { ...DEFAULT_INSTANCE_LINK_TIMINGS, ...timings };
  }

  /**
   * Puts the PostgreSQL adapter on `io` (once) and hands the other instances' changes to
   * `onRemote`. Call it before any socket joins a room: rooms live in the adapter.
   */
  attach(io: Server, onRemote: (changes: RemoteChange[]) => void): void {
    if (!this.url || this.io === io) return;
    void this.detach();
    const pool = new Pool({
      connectionString: this.url,
      max: 3,
      connectionTimeoutMillis: CONNECT_DEADLINE_MS,
      application_name: `${LINK_APPLICATION_NAME} ${process.pid}`,
    });
    // An idle connection that breaks is the pool's to replace; the adapter reconnects its listener.
    // Once closed, what the closing itself makes fail (the adapter's goodbye on an ended pool) is no news.
    const warn = (err: Error) => {
      if (this.pool === pool) this.log.warn(`live events across instances: ${err.message}`);
    };
    pool.on('error', warn);
    // The connections handed out and not given back: the adapter's LISTEN connection (see detach).
    const checkedOut = new Set<PoolClient>();
    pool.on('acquire', (client) => checkedOut.add(client));
    pool.on('release', (_err, client) => checkedOut.delete(client));
    this.checkedOut = checkedOut;
    this.pool = pool;
    this.io = io;
    this.onRemote = onRemote;
    this.attachedAt = Date.now();
    this.previousAdapter = io.adapter();
    const factory = createAdapter(pool, { errorHandler: warn });
    const remember = (adapter: ReturnType<typeof factory>) => {
      this.adapterMade = adapter as unknown as CountingAdapter;
      return adapter;
    };
    // socket.io calls it with `new`: a function, not an arrow.
    // biome-ignore lint/complexity/useArrowFunction: socket.io constructs the adapter with `new`
    this.ourAdapter = function (nsp: unknown) {
      return remember(factory(nsp));
    } as unknown as AdapterConstructor;
    io.adapter(this.ourAdapter);
    io.sockets.on(REMOTE_CHANGES_EVENT, this.received);
  }

  /** Tells the other instances (if there are any now) what changed here; changes of one tick go together. */
  publish(change: RemoteChange): void {
    if (!this.io) return;
    this.outgoing.push(change);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  /** Stops listening and gives `io` its in-memory adapter back (this instance's sockets are gone by then). */
  async close(): Promise<void> {
    await this.detach();
  }

  private readonly received = (changes: unknown) => {
    if (Array.isArray(changes)) this.onRemote?.(changes as RemoteChange[]);
  };

  private flush(): void {
    this.flushing = false;
    const changes = this.outgoing.splice(0);
    if (!this.io || changes.length === 0) return;
    void this.sendOrKeep(changes);
  }

  /** Sends `changes` (after those kept) when another instance may hear them, else keeps them a while. */
  private async sendOrKeep(changes: RemoteChange[]): Promise<void> {
    const io = this.io;
    if (await this.othersMayListen()) {
      // Still linked to the same socket.io (the count is a promise; closing may have come meanwhile).
      if (this.io !== io || !io) return;
      const kept = this.kept.splice(0).map((k) => k.change);
      this.send(io, kept.length ? [...kept, ...changes] : changes);
      return;
    }
    if (this.io !== io) return;
    const at = Date.now();
    for (const change of changes) this.kept.push({ at, change });
    if (this.kept.length > MAX_KEPT) this.kept.splice(0, this.kept.length - MAX_KEPT);
    this.keptCheck ??= setInterval(() => void this.checkKept(), KEPT_CHECK_MS).unref();
  }

  /** While changes are kept: sends them once another instance is heard, drops those too old to matter. */
  private async checkKept(): Promise<void> {
    const oldest = Date.now() - this.timings.keepMs;
    const fresh = this.kept.findIndex((k) => k.at >= oldest);
    this.kept.splice(0, fresh === -1 ? this.kept.length : fresh);
    if (this.kept.length > 0 && (await this.othersMayListen())) {
      const io = this.io;
      if (io)
        this.send(
          io,
          this.kept.splice(0).map((k) => k.change),
        );
    }
    if (this.kept.length === 0) this.stopKeptCheck();
  }

  private stopKeptCheck(): void {
    clearInterval(this.keptCheck);
    this.keptCheck = undefined;
  }

  /** False only when this link has been up a while and its adapter has heard no other instance. */
  private async othersMayListen(): Promise<boolean> {
    if (Date.now() - this.attachedAt < this.timings.startupMs) return true;
    const counting = this.adapterMade?.serverCount;
    if (!counting) return true;
    try {
      return (await counting.call(this.adapterMade)) > 1;
    } catch {
      return true;
    }
  }

  private send(io: Server, changes: RemoteChange[]): void {
    try {
      for (let i = 0; i < changes.length; i += CHANGES_PER_NOTIFY) {
        (io.sockets as unknown as { serverSideEmit(event: string, ...args: unknown[]): boolean }).serverSideEmit(
          REMOTE_CHANGES_EVENT,
          changes.slice(i, i + CHANGES_PER_NOTIFY),
        );
      }
    } catch (err) {
      this.log.warn(`live events across instances: telling the other instances failed: ${(err as Error).message}`);
    }
  }

  private async detach(): Promise<void> {
    const { io, pool, adapterMade, checkedOut } = this;
    if (!io || !pool) return;
    this.io = undefined;
    this.pool = undefined;
    this.checkedOut = new Set();
    this.adapterMade = undefined;
    this.outgoing.length = 0;
    this.kept = [];
    this.stopKeptCheck();
    io.sockets.off(REMOTE_CHANGES_EVENT, this.received);
    // Only if no other core has put its own adapter on this socket.io meanwhile.
    if (io.adapter() === this.ourAdapter) io.adapter(this.previousAdapter!);
    // Closing it ends the LISTEN connection, the heartbeats and the cleanup timer.
    adapterMade?.close();
    const ended = pool.end().catch(() => undefined);
    if (await settlesWithin(ended, POOL_END_WAIT_MS)) return;
    // A LISTEN connection that was still being opened when the adapter closed is kept by it:
    // handed back now, it ends with the pool; the adapter, closed again, stops reconnecting.
    for (const client of checkedOut) client.release();
    await settlesWithin(ended, POOL_END_WAIT_MS);
    adapterMade?.close();
  }
}

/** True when `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}
