// Runs the migrations in migrations/ with umzug. On a PostgreSQL server several instances may
// start at once, so the run holds an advisory lock on a connection of its own; the embedded
// database belongs to one process and needs none.
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';

/** Arbitrary, fixed: the key of the advisory lock that serialises migration runs. */
const MIGRATION_LOCK_KEY = 0x4c4c4301;

export function createMigrator(sequelize: Sequelize, log?: (line: string) => void) {
  return new Umzug({
    migrations: {
      glob: ['*.js', { cwd: path.join(__dirname, '..', '..', 'migrations') }],
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
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

export async function migrate(sequelize: Sequelize, options: { lock: boolean; log?: (line: string) => void }) {
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
