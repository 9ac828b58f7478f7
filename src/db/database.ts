// Opens the product's database: a PostgreSQL server by URL, or the embedded one in a folder.
// Both speak the same dialect, run the same migrations and are used the same way.
import { Sequelize } from 'sequelize';
import type { EmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrator';
import { Sql } from './sql';
import { prioritiseUrgentWork } from './connection-priority';

/** Connections to a PostgreSQL server (the embedded one has a single connection). */
export const SERVER_POOL = 10;

/**
 * Connections to a server kept open however long they sit idle: an inbox list takes three at once
 * (its count, its page and the open counts), and a connection opened afresh costs the first
 * statement after a quiet spell its setup and the new backend's cold caches. At 100,000 contacts
 * the first list after 12 s of quiet took 90 ms with none kept, 40–55 ms with three (20–25 ms
 * warm; this AMD machine), and a lone webhook after a quiet spell pays the same in its answer.
 */
export const KEPT_CONNECTIONS = 3;

/** How long a connection beyond the kept ones may sit idle before it is closed. */
const IDLE_CONNECTION_MS = 10_000;

/** How long a connection to a PostgreSQL server may take to open. */
const CONNECT_DEADLINE_MS = 10_000;

/**
 * Run on each new connection. PostgreSQL's default random_page_cost (4) prices a page read out of
 * order as a seek on a spinning disk; the product's tables are read from memory or SSD, and at 4
 * the planner read all 100,000 contacts to count a name that 8% of them have (110 ms) rather than
 * the matches the trigram index finds (13 ms, bench/contention). 1.1 is PostgreSQL's usual advice
 * for such storage; a server set lower by its administrator keeps its own value.
 */
const PLANNER_COSTS = `SELECT set_config('random_page_cost', '1.1', false) WHERE current_setting('random_page_cost')::float8 > 1.1`;

export type DatabaseTarget = { url: string } | { embeddedDir: string };

export interface Database {
  kind: 'server' | 'embedded';
  /** The server's URL (kind 'server'), for the connections of their own that leadership and live events hold. */
  url?: string;
  sequelize: Sequelize;
  sql: Sql;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Run the migrations (default true). */
  migrate?: boolean;
  log?: (line: string) => void;
  /** How long a server connection beyond KEPT_CONNECTIONS may sit idle (IDLE_CONNECTION_MS). */
  idleConnectionMs?: number;
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let sequelize: Sequelize;
  const common = {
    dialect: 'postgres' as const,
    logging: false as const,
    timezone: 'UTC',
    define: { timestamps: false },
  };
  if ('url' in target) {
    // A connection attempt has a deadline: a server that never answers (a dropped packet, a
    // firewall) fails the attempt, and the start is tried again (live-chat-startup), not stuck.
    sequelize = new Sequelize(target.url, {
      ...common,
      pool: { max: SERVER_POOL, min: KEPT_CONNECTIONS, idle: options.idleConnectionMs ?? IDLE_CONNECTION_MS },
      dialectOptions: { connectionTimeoutMillis: CONNECT_DEADLINE_MS },
    });
  } else {
    // Loaded only here: with a server URL, PGlite's code is never loaded (a few MB of RSS less).
    const { startEmbeddedPostgres } = await import('./embedded-postgres');
    embedded = await startEmbeddedPostgres(target.embeddedDir);
    sequelize = new Sequelize({
      ...common,
      host: embedded.socketDir,
      port: embedded.port,
      database: 'postgres',
      username: 'postgres',
      pool: { max: 1, min: 0, idle: 60000 },
    });
  }
  sequelize.addHook('afterConnect', async (connection) => {
    // PGlite has one session for every connection made to it: the statements an earlier
    // connection prepared (sql.ts, prepared()) are still there, and this one would prepare them
    // again under the same names. A server's new connection has none.
    if (embedded) await (connection as { query(text: string): Promise<unknown> }).query('DEALLOCATE ALL');
    await (connection as { query(text: string): Promise<unknown> }).query(PLANNER_COSTS);
  });
  const gate = prioritiseUrgentWork(sequelize, embedded ? 1 : SERVER_POOL);
  const close = async () => {
    gate.close(new Error('the database is closed'));
    try {
      await sequelize.close();
    } finally {
      await embedded?.stop();
    }
  };
  try {
    await sequelize.authenticate();
    if (options.migrate !== false) {
      await migrate(sequelize, { lock: embedded === undefined, log: options.log });
    }
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return { kind: embedded ? 'embedded' : 'server', url: 'url' in target ? target.url : undefined, sequelize, sql: new Sql(sequelize), close };
}
