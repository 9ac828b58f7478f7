// Which instance does the work that must run once across instances (the idle-chat sweeper, the
// scheduled analytics roll-up): the one that holds a PostgreSQL session advisory lock, on a
// connection of its own kept open for as long as it leads. When that connection ends (the leader
// stopped or crashed, or its connection broke) PostgreSQL frees the lock, and the next instance to
// try takes it. Work that claims its rows (webhook recovery, reminders, long-wait announcements)
// needs no leader: the database gives each row to one instance.
// The embedded database belongs to one process: there, this process always leads.
import { Client } from 'pg';
import type { Logger } from '../logger';

/** Arbitrary, fixed, and not the migrations' (migrator.ts): the key of the leader's advisory lock. */
export const LEADERSHIP_LOCK_KEY = 0x4c4c4302;
/** How often a follower tries to lead, and a leader checks that its connection still answers. */
export const DEFAULT_LEADERSHIP_INTERVAL_MS = 5_000;
/** A connection or check that takes longer than this counts as failed. */
const STATEMENT_DEADLINE_MS = 5_000;

export interface LeadershipOptions {
  /** The PostgreSQL server's URL; none (the embedded database): always the leader. */
  url?: string;
  intervalMs?: number;
  log: Logger;
}

export class Leadership {
  private leading: boolean;
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private closed = false;
  /** After losing the lead, this instance waits until then before asking again (see drop). */
  private quietUntil = 0;

  constructor(private readonly options: LeadershipOptions) {
    this.leading = options.url === undefined;
  }

  /** True while this instance does the once-across-instances work. */
  get isLeader(): boolean {
    return this.leading && !this.closed;
  }

  /** Tries to lead now (a lone instance leads from its start), then again on every interval. */
  async start(): Promise<void> {
    if (this.options.url === undefined || this.closed) return;
    await this.tryNow();
    this.timer = setInterval(() => void this.tryNow(), this.options.intervalMs ?? DEFAULT_LEADERSHIP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops trying, and gives the lead up (its connection closes: another instance takes over). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.round;
    await this.drop();
  }

  private tryNow(): Promise<void> {
    this.round ??= this.elect().finally(() => (this.round = undefined));
    return this.round;
  }

  /** A follower asks for the lock; a leader checks that the connection holding it still answers. */
  private async elect(): Promise<void> {
    if (!this.leading && Date.now() < this.quietUntil) return;
    try {
      const client = this.client ?? (await this.connect());
      if (this.closed) return;
      if (this.leading) {
        await client.query('SELECT 1');
        return;
      }
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LEADERSHIP_LOCK_KEY]);
      if (rows[0]?.locked && !this.closed) {
        this.leading = true;
        this.options.log.info('this instance now runs the work done once across instances (idle-chat sweeps, analytics roll-up)');
      }
    } catch (err) {
      if (this.leading) this.options.log.warn(`leadership lost: ${(err as Error).message}`);
      await this.drop();
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: STATEMENT_DEADLINE_MS,
      query_timeout: STATEMENT_DEADLINE_MS,
      keepAlive: true,
      application_name: 'line-live-chat leadership',
    });
    // A broken connection ends the lead at once; the next round reconnects and asks again.
    client.on('error', () => void this.drop(client));
    client.on('end', () => void this.drop(client));
    try {
      await client.connect();
    } catch (err) {
      client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }

  private async drop(which = this.client): Promise<void> {
    if (!which || which !== this.client) return;
    this.client = undefined;
    if (this.leading && this.options.url !== undefined) {
      this.leading = false;
      // An instance whose connection just broke is the least reliable candidate: it gives the
      // others a few rounds to take over before it asks again.
      this.quietUntil = Date.now() + 3 * (this.options.intervalMs ?? DEFAULT_LEADERSHIP_INTERVAL_MS);
      if (!this.closed) this.options.log.warn('this instance no longer leads; another instance will take over the once-across-instances work');
    }
    await which.end().catch(() => undefined);
  }
}
