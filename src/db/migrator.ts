// Runs the migrations in migrations/ with umzug. On a PostgreSQL server several instances may
// start at once, so the run holds an advisory lock on a connection of its own; the embedded
// database belongs to one process and needs none.
import fs from 'node:fs';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import type * as UmzugModule from 'umzug';

/** Arbitrary, fixed: the key of the advisory lock that serialises migration runs. */
const MIGRATION_LOCK_KEY = 0x4c4c4301;

const MIGRATIONS_DIR = path.join(__dirname, '..', '..', 'migrations');
/** Where umzug records the migrations run, one row per file name. */
const MIGRATIONS_TABLE = 'schema_migrations';

export function createMigrator(sequelize: Sequelize, log?: (line: string) => void) {
  // Loaded only when a migration is to run: umzug brings its command line along (180 modules,
  // 0.1 s of every start on a slow VM, bench/memory-start), and a restart mostly has none to run.
  const { Umzug } = require('umzug') as typeof UmzugModule;
  return new Umzug({
    // The files migrationFiles() lists.
    migrations: { glob: ['*.js', { cwd: MIGRATIONS_DIR }] },
    context: sequelize.getQueryInterface(),
    storage: migrationRecords(sequelize),
    logger: log
      ? {
          info: (m: Record<string, unknown>) => log(`migration ${String(m.event)}: ${String(m.name)}`),
          warn: (m: Record<string, unknown>) => log(`migration warning: ${JSON.stringify(m)}`),
          error: (m: Record<string, unknown>) => log(`migration error: ${JSON.stringify(m)}`),
          debug: () => undefined,
        }
      : undefined,
  });
}

/**
 * umzug's record of the migrations run, in plain statements. Its SequelizeStorage made its table
 * again (CREATE TABLE IF NOT EXISTS, then read back the columns and the indexes) before every
 * migration it recorded: three more statements for each, 0.17 s of a first start's 0.5 s of
 * migrations (a 2-core VM, bench/memory-start). The table is the one SequelizeStorage made.
 */
function migrationRecords(sequelize: Sequelize): UmzugModule.UmzugStorage {
  return {
    async executed() {
      await sequelize.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name VARCHAR(255) NOT NULL PRIMARY KEY)`);
      const rows = await sequelize.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`, { type: QueryTypes.SELECT });
      return rows.map((row) => row.name);
    },
    async logMigration({ name }) {
      await sequelize.query(`INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES ($1)`, { bind: [name] });
    },
    async unlogMigration({ name }) {
      await sequelize.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = $1`, { bind: [name] });
    },
  };
}

/** The migrations shipped, by name (umzug's name for each is its file name). */
export function migrationFiles(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.js'))
    .sort();
}

/** The shipped migrations the database has not run yet, in order: on a new database, all. */
export async function pendingMigrations(sequelize: Sequelize): Promise<string[]> {
  const [table] = await sequelize.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, {
    bind: [MIGRATIONS_TABLE],
    type: QueryTypes.SELECT,
  });
  const run = table.present ? await sequelize.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`, { type: QueryTypes.SELECT }) : [];
  const done = new Set(run.map((row) => row.name));
  return migrationFiles().filter((name) => !done.has(name));
}

export async function migrate(sequelize: Sequelize, options: { lock: boolean; log?: (line: string) => void }) {
  // Read without the lock: migrations are only ever added, so none pending now stays so, and a
  // restart neither loads umzug nor waits for another instance's run.
  if ((await pendingMigrations(sequelize)).length === 0) return;
  const migrator = createMigrator(sequelize, options.log);
  if (!options.lock) {
    await migrator.up();
    return;
  }
  const pool = sequelize.connectionManager as unknown as { getConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
  // A dedicated connection from the pool holds the session lock for the whole run; the
  // migrations themselves use the other connections.
  const connection = (await pool.getConnection()) as { query(text: string, values?: unknown[]): Promise<unknown> };
  try {
    await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrator.up();
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await pool.releaseConnection(connection);
  }
}
