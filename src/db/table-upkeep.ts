// Vacuums and analyzes the product's tables where nothing else does. On a PostgreSQL server
// autovacuum does it, unless it is turned off (`autovacuum = off`, as some CI and hand-tuned
// servers have it); the embedded database (PGlite: PostgreSQL in single-user mode) has no
// autovacuum at all, whatever `autovacuum` says. Without it every update leaves its old row version
// behind for good: a contact is rewritten by each message (its activity orders the inbox), a
// webhook event three times, a sent message once. Lookups then step over ever more dead versions,
// their indexes keep an entry for each, the files only grow, and the planner never learns
// how big the tables got.
//
// A pass (every minute, as autovacuum's) reads the cumulative statistics of the schema's tables
// and, by autovacuum's default thresholds, vacuums the tables with enough dead rows and analyzes
// those with enough changed ones, one statement at a time, the busiest first. SKIP_LOCKED: a table
// another session is vacuuming or altering is left to the next pass. With several instances on one
// server only the leader runs passes (the caller's `leading`).
//
// On a server the statements run on a connection of their own, not the pool's, throttled as
// autovacuum throttles itself (vacuum_cost_delay 2 ms per 200 cost units) and more for pages in
// memory (10 units each, not 1: they cost autovacuum's throttle next to nothing, and this product's
// tables are mostly in memory): unthrottled, a vacuum takes a whole core while it runs, on a
// machine whose webhook and inbox may have two. The embedded database has one connection, and
// whatever runs on it holds up a webhook's 200 (LINE gives up after 2 s). Measured there at 100,000
// contacts: a VACUUM of `contacts` took 0.6–1.3 s whatever the number of dead rows (it reads all
// 144 MB of its indexes), one that leaves the indexes alone (INDEX_CLEANUP OFF: the dead rows'
// space is freed, their index entries and 4-byte line pointers stay) 0.1 s; ANALYZE 2–2.5 s with
// the default sample, 0.17 s with a tenth of it. So there a vacuum leaves the indexes alone unless
// the webhook has been quiet for a while, or the table's indexes were last cleaned up a day ago or
// more (bench/upkeep: such a clean-up took 0.9–1.4 s for `contacts` and 1.9–3.0 s for 1,000,000
// messages, which a webhook then waits for); and ANALYZE samples a tenth.
import { Client } from 'pg';
import type { Logger } from '../logger';
import type { Sql } from './sql';

/**
 * How often a pass looks at the tables: autovacuum's naptime. Every 15 s, a busy webhook made each
 * pass ANALYZE `contacts` (its activity changes a tenth of the rows in seconds), and on a server
 * of two cores the contention bench's inbox list p95 rose from 51 to 76 ms at 100 events/s.
 */
export const DEFAULT_UPKEEP_INTERVAL_MS = 60_000;
/** Embedded: how long the webhook must have stored nothing for a vacuum to clean the indexes up. */
export const EMBEDDED_QUIET_MS = 10_000;

/** autovacuum's defaults: autovacuum_vacuum_threshold / _scale_factor, autovacuum_analyze_threshold / _scale_factor. */
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE_FACTOR = 0.2;
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE_FACTOR = 0.1;
/** Embedded: a table's indexes are cleaned up at least this often, however busy the webhook. */
export const DEFAULT_INDEX_CLEANUP_EVERY_MS = 24 * 60 * 60_000;
/** A server: autovacuum's throttle (autovacuum_vacuum_cost_delay, vacuum_cost_limit), and pages in memory costing 10 (see above). */
const VACUUM_THROTTLE = '-c vacuum_cost_delay=2 -c vacuum_cost_limit=200 -c vacuum_cost_page_hit=10';
/** A server: how long the upkeep's connection may take to open. */
const CONNECT_DEADLINE_MS = 5_000;
/** The upkeep's connection's application_name in pg_stat_activity (then the process id). */
export const UPKEEP_APPLICATION_NAME = 'line-live-chat upkeep';
/** Embedded: ANALYZE's statistics target (PostgreSQL's default is 100; the sample is 300 rows per unit). */
const EMBEDDED_STATISTICS_TARGET = 10;

export interface TableStatistics {
  table: string;
  liveRows: number;
  deadRows: number;
  changedSinceAnalyze: number;
}

export interface UpkeepAction {
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/** What autovacuum would do now, by its default thresholds, the tables most in need first. */
export function upkeepActions(tables: TableStatistics[]): UpkeepAction[] {
  const actions: (UpkeepAction & { need: number })[] = [];
  for (const t of tables) {
    const vacuumNeed = t.deadRows / (VACUUM_THRESHOLD + VACUUM_SCALE_FACTOR * t.liveRows);
    const analyzeNeed = t.changedSinceAnalyze / (ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR * t.liveRows);
    if (vacuumNeed > 1 || analyzeNeed > 1) {
      actions.push({ table: t.table, vacuum: vacuumNeed > 1, analyze: analyzeNeed > 1, need: Math.max(vacuumNeed, analyzeNeed) });
    }
  }
  return actions.sort((a, b) => b.need - a.need).map(({ need: _, ...action }) => action);
}

/** Whether the database vacuums its tables itself: a server whose autovacuum is on (it needs track_counts). */
export function autovacuumRuns(kind: 'server' | 'embedded', settings: { autovacuum: string; trackCounts: string }): boolean {
  return kind === 'server' && settings.autovacuum === 'on' && settings.trackCounts === 'on';
}

/** A statement a pass ran and how long it took, for the caller and the tests. */
export type UpkeepStatement = { table: string; statement: 'vacuum and analyze' | 'vacuum' | 'vacuum, indexes left' | 'analyze'; ms: number };

export interface TableUpkeepOptions {
  kind: 'server' | 'embedded';
  /** A server's URL, for the upkeep's own connection. */
  url?: string;
  /** Whether this instance runs passes now (the leader's work on a shared server). */
  leading: () => boolean;
  /** Embedded: whether the webhook has been quiet long enough for a vacuum that cleans the indexes up. */
  quiet: () => boolean;
  /** Embedded: how often a table's indexes are cleaned up at least (DEFAULT_INDEX_CLEANUP_EVERY_MS). */
  indexCleanupEveryMs?: number;
  log: Logger;
}

const quote = (table: string) => `"${table.replace(/"/g, '""')}"`;

export class TableUpkeep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** What the last pass found the database doing, so each change of it is logged once. */
  private lastFinding?: 'autovacuum' | 'no statistics' | 'ours';
  /** Embedded: per table, when (performance.now()) its indexes were last cleaned up; not since the start: the start. */
  private readonly indexesCleanedAt = new Map<string, number>();
  private readonly startedAt = performance.now();
  /** A server: the connection of the pass under way, ended by stop(). */
  private connection?: Client;

  constructor(
    private readonly sql: Sql,
    private readonly options: TableUpkeepOptions,
  ) {}

  /** Runs a pass every `intervalMs` (0: never); the first after one interval, so that none holds up the start. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.stopped) return;
    this.timer = setInterval(() => this.passSoon(), intervalMs);
    this.timer.unref();
  }

  /**
   * Stops the passes. On a server the pass under way ends at once (its connection closed: a
   * throttled vacuum of a big table can take minutes, and one cut short is harmless); on the
   * embedded database its statement (kept short) is waited for.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    void this.connection?.end().catch(() => undefined);
    await this.running;
  }

  /** One pass; answers the statements it ran (none when the database vacuums itself, or this instance does not lead). */
  async pass(): Promise<UpkeepStatement[]> {
    if (!this.options.leading()) return [];
    const [settings] = await this.sql.rows<{ autovacuum: string; track_counts: string }>(
      `SELECT current_setting('autovacuum') AS autovacuum, current_setting('track_counts') AS track_counts`,
    );
    if (autovacuumRuns(this.options.kind, { autovacuum: settings.autovacuum, trackCounts: settings.track_counts })) {
      this.found('autovacuum');
      return [];
    }
    if (settings.track_counts !== 'on') {
      this.found('no statistics', 'neither autovacuum nor line-live-chat can tell which tables to vacuum: track_counts is off');
      return [];
    }
    this.found(
      'ours',
      this.options.kind === 'embedded'
        ? 'the embedded database has no autovacuum: line-live-chat vacuums and analyzes its tables itself'
        : "PostgreSQL's autovacuum is off: line-live-chat vacuums and analyzes its own tables itself",
    );
    const tables = await this.sql.rows<{ table: string; live: string; dead: string; changed: string }>(
      `SELECT relname AS table, n_live_tup AS live, n_dead_tup AS dead, n_mod_since_analyze AS changed
       FROM pg_stat_user_tables WHERE schemaname = current_schema()`,
    );
    const actions = upkeepActions(
      tables.map((t) => ({ table: t.table, liveRows: Number(t.live), deadRows: Number(t.dead), changedSinceAnalyze: Number(t.changed) })),
    );
    if (actions.length === 0) return [];
    if (this.options.kind === 'server') return this.onServer(actions);
    const ran: UpkeepStatement[] = [];
    for (const action of actions) {
      if (this.stopped) break;
      ran.push(...(await this.embedded(action)));
    }
    return ran;
  }

  /** A server: what autovacuum would run, throttled as it is, on a connection of its own. */
  private async onServer(actions: UpkeepAction[]): Promise<UpkeepStatement[]> {
    const connection = new Client({
      connectionString: this.options.url,
      options: VACUUM_THROTTLE,
      connectionTimeoutMillis: CONNECT_DEADLINE_MS,
      application_name: `${UPKEEP_APPLICATION_NAME} ${process.pid}`,
    });
    // A connection that breaks while idle between statements must not be an unhandled 'error'.
    connection.on('error', () => undefined);
    this.connection = connection;
    const ran: UpkeepStatement[] = [];
    try {
      await connection.connect();
      for (const action of actions) {
        if (this.stopped) break;
        const started = performance.now();
        if (action.vacuum) {
          await connection.query(`VACUUM (ANALYZE, SKIP_LOCKED) ${quote(action.table)}`);
          ran.push({ table: action.table, statement: 'vacuum and analyze', ms: performance.now() - started });
        } else {
          await connection.query(`ANALYZE (SKIP_LOCKED) ${quote(action.table)}`);
          ran.push({ table: action.table, statement: 'analyze', ms: performance.now() - started });
        }
      }
    } finally {
      this.connection = undefined;
      await connection.end().catch(() => undefined);
    }
    return ran;
  }

  /** The embedded database: statements short enough not to hold up a webhook (see above). */
  private async embedded(action: UpkeepAction): Promise<UpkeepStatement[]> {
    const ran: UpkeepStatement[] = [];
    let started = performance.now();
    if (action.vacuum) {
      const cleanedAt = this.indexesCleanedAt.get(action.table) ?? this.startedAt;
      const every = this.options.indexCleanupEveryMs ?? DEFAULT_INDEX_CLEANUP_EVERY_MS;
      const cleanUp = this.options.quiet() || performance.now() - cleanedAt >= every;
      if (cleanUp) {
        await this.sql.exec(`VACUUM (SKIP_LOCKED) ${quote(action.table)}`);
        this.indexesCleanedAt.set(action.table, performance.now());
      } else {
        await this.sql.exec(`VACUUM (INDEX_CLEANUP OFF, SKIP_LOCKED) ${quote(action.table)}`);
      }
      ran.push({ table: action.table, statement: cleanUp ? 'vacuum' : 'vacuum, indexes left', ms: performance.now() - started });
    }
    if (action.analyze) {
      started = performance.now();
      await this.sql.transaction(async (tx) => {
        await tx.exec(`SET LOCAL default_statistics_target = ${EMBEDDED_STATISTICS_TARGET}`);
        await tx.exec(`ANALYZE (SKIP_LOCKED) ${quote(action.table)}`);
      });
      ran.push({ table: action.table, statement: 'analyze', ms: performance.now() - started });
    }
    return ran;
  }

  private passSoon(): void {
    this.running ??= this.pass()
      .then(() => undefined)
      .catch((err: unknown) => {
        // A pass cut short by stop() (its connection closed) is no failure.
        if (!this.stopped) this.options.log.warn(`vacuuming the tables failed (tried again in the next pass): ${(err as Error).message}`);
      })
      .finally(() => (this.running = undefined));
  }

  /** Logs what a pass found when it differs from the last pass's (autovacuum at work is no news). */
  private found(finding: NonNullable<TableUpkeep['lastFinding']>, text?: string): void {
    if (this.lastFinding === finding) return;
    this.lastFinding = finding;
    if (text === undefined) return;
    if (finding === 'no statistics') this.options.log.warn(text);
    else this.options.log.info(text);
  }
}
