// Node CPU per SQL statement: the product's Sql (statements on the pool's own pg connection)
// against the same statement through sequelize.query (as Sql ran it before) and against bare
// pg on the same connection (the floor), interleaved in rounds in one process so that the
// machine's noise falls on all three alike. On the embedded database PGlite runs in this
// process, so its CPU is in every figure (the ratios shrink).
import { QueryTypes } from 'sequelize';
import { type Database, openDatabase } from '../src/db/database';
import type { SqlParam } from '../src/db/sql';
import { runAlone } from './context';
import { scratchDatabase } from './servers';
import type { BenchContext, BenchDatabase, BenchRow } from './types';

type Path = 'sql' | 'sequelize' | 'pg';
const PATHS: Path[] = ['pg', 'sequelize', 'sql'];
const CONCURRENCY = 8;
const CONTACTS = 200;

/** Statements like the ingest's: an upsert that answers the row, a read by key. */
const UPSERT = `INSERT INTO contacts (line_user_id, last_message_at) VALUES ($1, $2)
  ON CONFLICT (line_user_id) DO UPDATE SET last_message_at = GREATEST(contacts.last_message_at, EXCLUDED.last_message_at), updated_at = now()
  RETURNING *`;
const READ = `SELECT * FROM contacts WHERE id = $1`;

interface PgConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}
interface Pool {
  getConnection(options: { type: 'write' }): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): void;
}

function runner(db: Database, path: Path): (text: string, params: SqlParam[]) => Promise<unknown> {
  if (path === 'sql') return (text, params) => db.sql.rows(text, params);
  if (path === 'sequelize') {
    return (text, params) =>
      db.sequelize.query(text, {
        bind: params.map((p) => (p !== null && typeof p === 'object' && !(p instanceof Date) ? JSON.stringify(p) : p)),
        type: QueryTypes.SELECT,
        raw: true,
      });
  }
  const pool = (db.sequelize as unknown as { connectionManager: Pool }).connectionManager;
  return async (text, params) => {
    const connection = await pool.getConnection({ type: 'write' });
    try {
      return (await connection.query(text, params)).rows;
    } finally {
      pool.releaseConnection(connection);
    }
  };
}

/** BEGIN, the statement, COMMIT on one pool connection, sent by hand. */
function bareTransaction(db: Database): (text: string, params: SqlParam[]) => Promise<unknown> {
  const pool = (db.sequelize as unknown as { connectionManager: Pool }).connectionManager;
  return async (text, params) => {
    const connection = await pool.getConnection({ type: 'write' });
    try {
      await connection.query('BEGIN');
      try {
        const { rows } = await connection.query(text, params);
        await connection.query('COMMIT');
        return rows;
      } catch (err) {
        await connection.query('ROLLBACK');
        throw err;
      }
    } finally {
      pool.releaseConnection(connection);
    }
  };
}

/**
 * `count` statements (upsert and read alternately, or upserts only), CONCURRENCY at a time;
 * answers this process's CPU µs.
 */
async function load(run: (text: string, params: SqlParam[]) => Promise<unknown>, count: number, ids: number[], upsertsOnly = false): Promise<number> {
  let next = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const n = next++;
        if (upsertsOnly || n % 2 === 0) await run(UPSERT, [`Ubench${n % CONTACTS}`, new Date()]);
        else await run(READ, [ids[n % ids.length]]);
      }
    }),
  );
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

async function measure(ctx: BenchContext, database: BenchDatabase): Promise<BenchRow[]> {
  const db =
    database === 'postgres'
      ? await openDatabase({ url: await scratchDatabase(ctx.postgresUrl, 'sql') })
      : await openDatabase({ embeddedDir: `${ctx.workDir}/sql-embedded` });
  try {
    const ids: number[] = [];
    for (let i = 0; i < CONTACTS; i++) ids.push((await db.sql.row<{ id: number }>(UPSERT, [`Ubench${i}`, new Date()]))!.id);
    const perRound = ctx.quick ? 1000 : 4000;
    const rounds = ctx.quick ? 4 : 8;
    const cpu: Record<Path, number> = { pg: 0, sequelize: 0, sql: 0 };
    for (const path of PATHS) await load(runner(db, path), 200, ids); // warm-up
    for (let round = 0; round < rounds; round++) {
      // a different order each round, so no path always runs just after another's garbage
      for (let i = 0; i < PATHS.length; i++) {
        const path = PATHS[(i + round) % PATHS.length];
        cpu[path] += await load(runner(db, path), perRound, ids);
      }
    }
    // A transaction of one upsert: sequelize's transaction manager (what Sql.transaction uses)
    // beside BEGIN/COMMIT sent on a pool connection by hand.
    const transactions = { sequelize: 0, pg: 0 };
    const perTransactionRound = perRound / 4;
    for (let round = 0; round < rounds; round++) {
      transactions.sequelize += await load((text, params) => db.sql.transaction((tx) => tx.rows(text, params)), perTransactionRound, ids, true);
      transactions.pg += await load(bareTransaction(db), perTransactionRound, ids, true);
    }
    const perTransaction = (which: 'sequelize' | 'pg') => transactions[which] / (rounds * perTransactionRound);
    const perStatement = (path: Path) => cpu[path] / (rounds * perRound);
    ctx.log(
      `sql ${database}: µs per statement: pg ${perStatement('pg').toFixed(0)}, sequelize ${perStatement('sequelize').toFixed(0)}, Sql ${perStatement('sql').toFixed(0)}; ` +
        `per one-upsert transaction: sequelize ${perTransaction('sequelize').toFixed(0)}, by hand ${perTransaction('pg').toFixed(0)}`,
    );
    const us = (path: Path) => `${perStatement(path).toFixed(0)} µs`;
    return [
      { figure: 'node CPU per SQL statement, bare pg on the pool connection (floor)', database, value: us('pg') },
      { figure: 'node CPU per SQL statement, through sequelize.query (before)', database, value: us('sequelize') },
      {
        figure: 'node CPU per SQL statement, Sql (the product)',
        database,
        value: `${us('sql')} (${(perStatement('sql') / perStatement('sequelize')).toFixed(2)}× sequelize.query, ${(perStatement('sql') / perStatement('pg')).toFixed(2)}× bare pg)`,
      },
      {
        figure: 'node CPU per transaction of one upsert, sequelize-managed (Sql.transaction) / BEGIN+COMMIT by hand on pg',
        database,
        value: `${perTransaction('sequelize').toFixed(0)} µs / ${perTransaction('pg').toFixed(0)} µs (${(perTransaction('sequelize') / perTransaction('pg')).toFixed(2)}×)`,
      },
    ];
  } finally {
    await db.close();
  }
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const database of ctx.databases) rows.push(...(await measure(ctx, database)));
  return rows;
}

if (require.main === module) runAlone(run);
