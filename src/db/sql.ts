// The one way the code talks SQL: parameterised text ($1, $2 …) on a connection of sequelize's
// pool, optionally inside a sequelize transaction. Table modules (src/store) are built on a
// Queryable.
//
// Sequelize stays the pool, the transaction manager and the migrator, but the statements run on
// the pool's own `pg` connection: its per-query machinery (hooks, bind re-parsing, a stack
// captured per query, result post-processing) cost more CPU than the statement itself. What
// sequelize did that callers see is kept: its type parsers (set on the connection when it is
// made), NUL characters in string parameters sent as `\0`, and its error classes
// (UniqueConstraintError and co, with `parent` the pg error) made by its own formatError.
import type { Sequelize, Transaction } from 'sequelize';

export type SqlParam = string | number | boolean | Date | null | object;

export interface Queryable {
  rows<T>(text: string, params?: SqlParam[]): Promise<T[]>;
  row<T>(text: string, params?: SqlParam[]): Promise<T | undefined>;
  /** Runs a statement and answers how many rows it touched. */
  exec(text: string, params?: SqlParam[]): Promise<number>;
}

/** What this module uses of a `pg` Client (the package ships no types). */
interface PgResult {
  rows: unknown[];
  rowCount: number | null;
}
interface PgConnection {
  query(text: string, values?: unknown[]): Promise<PgResult | PgResult[]>;
  _invalid?: boolean;
}

/** The parts of sequelize that its typings do not show. */
interface SequelizeInternals {
  connectionManager: {
    getConnection(options: { type: 'read' | 'write' }): Promise<PgConnection>;
    releaseConnection(connection: PgConnection): void;
  };
  dialect: {
    Query: new (connection: PgConnection, sequelize: Sequelize, options: object) => { formatError(err: Error): Error };
  };
}
interface TransactionInternals {
  connection: PgConnection;
  finished?: string;
  id: string;
}

const WRITE = { type: 'write' } as const;

function toValues(params: SqlParam[] | undefined): unknown[] | undefined {
  if (!params || params.length === 0) return undefined;
  const values = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (typeof p === 'string') {
      // PostgreSQL refuses NUL in text; sequelize sent it as the two characters \0, and so do we.
      values[i] = p.includes('\0') ? p.replace(/\0/g, '\\0') : p;
    } else if (p !== null && typeof p === 'object' && !(p instanceof Date) && !Buffer.isBuffer(p)) {
      // pg sends plain objects as JSON only when they are strings; JSONB values are serialised here
      // (a Buffer is a BYTEA value, which pg sends as it is).
      values[i] = JSON.stringify(p);
    } else {
      values[i] = p;
    }
  }
  return values;
}

/** Connection-level failures after which sequelize's pool must not hand the connection out again. */
function breaksConnection(err: { code?: string; message?: string }): boolean {
  const message = String(err.message);
  return (
    err.code === 'ECONNRESET' ||
    message === 'Query read timeout' ||
    /Unable to set non-blocking to true|SSL SYSCALL error: EOF detected|Local: Authentication failure/i.test(message)
  );
}

export class Sql implements Queryable {
  constructor(
    readonly sequelize: Sequelize,
    private readonly transactionHandle?: Transaction,
  ) {}

  async rows<T>(text: string, params?: SqlParam[]): Promise<T[]> {
    const result = await this.run(text, params);
    if (!Array.isArray(result)) return result.rows as T[];
    // Several statements in one text (no parameters): sequelize answered every row of them all.
    return result.flatMap((r) => r.rows ?? []) as T[];
  }

  async row<T>(text: string, params?: SqlParam[]): Promise<T | undefined> {
    const found = await this.rows<T>(text, params);
    return found[0];
  }

  async exec(text: string, params?: SqlParam[]): Promise<number> {
    const result = await this.run(text, params);
    if (!Array.isArray(result)) return result.rowCount ?? 0;
    return result.reduce((n, r) => n + (Number.isFinite(r.rowCount) ? (r.rowCount as number) : 0), 0);
  }

  get inTransaction(): boolean {
    return this.transactionHandle !== undefined;
  }

  /**
   * Runs `work` in one transaction (or inside the current one). Every query of the work must go
   * through the Sql it is given: the embedded database has a single connection, so a query on
   * the outer Sql would wait for ever behind the open transaction.
   *
   * A deadlock or serialization failure rolls the whole transaction back and runs `work` again
   * (a few times, after a short random wait): `work` must only change the database, and say
   * what it did in its answer, so that running it again is safe. The tables' lock order
   * (src/store/store.ts) keeps such failures rare; this makes the rare one invisible.
   */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.transactionHandle) return work(this);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sequelize.transaction((t) => work(new Sql(this.sequelize, t)));
      } catch (err) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isTransientConflict(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, conflictWaitMs(attempt)));
      }
    }
  }

  private async run(text: string, params: SqlParam[] | undefined): Promise<PgResult | PgResult[]> {
    const values = toValues(params);
    const internals = this.sequelize as unknown as SequelizeInternals;
    const transaction = this.transactionHandle as unknown as TransactionInternals | undefined;
    let connection: PgConnection;
    if (transaction) {
      if (transaction.finished) {
        throw new Error(`${transaction.finished} has been called on this transaction(${transaction.id}), you can no longer use it`);
      }
      connection = transaction.connection;
    } else {
      connection = await internals.connectionManager.getConnection(WRITE);
    }
    try {
      return await (values ? connection.query(text, values) : connection.query(text));
    } catch (err) {
      throw this.databaseError(connection, err as Error & { code?: string; sql?: string; parameters?: unknown }, text, values);
    } finally {
      if (!transaction) internals.connectionManager.releaseConnection(connection);
    }
  }

  /** The error sequelize would have thrown (its classes, `parent` the pg error): callers test those. */
  private databaseError(
    connection: PgConnection,
    err: Error & { code?: string; sql?: string; parameters?: unknown },
    text: string,
    values: unknown[] | undefined,
  ): Error {
    if (breaksConnection(err)) connection._invalid = true;
    err.sql = text;
    err.parameters = values;
    const { Query } = (this.sequelize as unknown as SequelizeInternals).dialect;
    try {
      return new Query(connection, this.sequelize, { logging: false }).formatError(err);
    } catch (formatted) {
      // formatError throws some kinds (UnknownConstraintError) rather than answering them
      return formatted as Error;
    }
  }
}

/** How many times a transaction is run when it keeps losing a deadlock or serialization conflict. */
export const TRANSACTION_ATTEMPTS = 5;

/** A random wait, growing with the attempt (5–20 ms, then 10–40 ms …), so that the two losers do not meet again. */
function conflictWaitMs(attempt: number): number {
  return 5 * 2 ** (attempt - 1) * (1 + Math.random() * 3);
}

/** Deadlock detected (40P01) or serialization failure (40001): the transaction may succeed if run again. */
export function isTransientConflict(err: unknown): boolean {
  const code = (err as { parent?: { code?: string } })?.parent?.code ?? (err as { code?: string })?.code;
  return code === '40P01' || code === '40001';
}

/** True when `err` is PostgreSQL's unique violation, of the named constraint if one is given. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const cause = (err as { parent?: { code?: string; constraint?: string } })?.parent ?? (err as { code?: string; constraint?: string });
  return cause?.code === '23505' && (constraint === undefined || cause.constraint === constraint);
}
