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
// A statement is text, or for the fixed statements of the hot paths a prepared one (prepared()).
import { createHash } from 'node:crypto';
import type { Sequelize, Transaction } from 'sequelize';

export type SqlParam = string | number | boolean | Date | null | object;

/**
 * A statement each connection parses once and runs by name, its plan kept (PLAN_LIFETIME_MS):
 * made by prepared(), for the fixed statements every webhook event runs. Planning them took
 * about a third of their time in the embedded database (README, "Where ingest's time goes").
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** A statement's text, or the text prepared (see prepared()). */
export type Statement = string | PreparedStatement;

export interface Queryable {
  rows<T>(statement: Statement, params?: SqlParam[]): Promise<T[]>;
  row<T>(statement: Statement, params?: SqlParam[]): Promise<T | undefined>;
  /** Runs a statement and answers how many rows it touched. */
  exec(statement: Statement, params?: SqlParam[]): Promise<number>;
}

/** The SQL of a statement. */
export function statementText(statement: Statement): string {
  return typeof statement === 'string' ? statement : statement.text;
}

/**
 * `*` in what a statement answers (`SELECT *`, `RETURNING *`, `t.*`): a prepared statement must
 * name its columns, because PostgreSQL refuses to run one whose result's columns changed since it
 * was prepared ("cached plan must not change result type"), as they would when a migration run by
 * another instance adds a column.
 */
const ANSWERS_ANY_COLUMNS = /(?:\bSELECT|\bRETURNING|,)\s*\*|\w\.\*/i;

/**
 * How long a connection keeps the plans it made: the first prepared statement run on it after
 * that discards them all (DISCARD PLANS, which PL/pgSQL's plans follow), and they are made again
 * for the tables as they are then. PostgreSQL keeps a prepared statement's generic plan until an
 * ANALYZE of one of its tables invalidates it, and one made on a new install's empty tables
 * scanned `contacts` and `messages` whole as they grew (README, "Where ingest's time goes").
 */
export const PLAN_LIFETIME_MS = 10_000;

/**
 * `text` as a statement every connection prepares once (by a name drawn from the text, so the
 * same text is one statement wherever it is written) and then runs without parsing it again;
 * after five runs PostgreSQL keeps one plan for every parameter value, for PLAN_LIFETIME_MS.
 * Only for fixed texts whose best plan does not depend on the parameters' values (inserts,
 * updates by key): a text built per call would leave a statement behind on the connection for
 * each variant.
 */
export function prepared(text: string): PreparedStatement {
  if (ANSWERS_ANY_COLUMNS.test(text)) throw new Error(`a prepared statement must name the columns it answers, not *: ${text}`);
  return { name: `llc_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
}

/** What this module uses of a `pg` Client (the package ships no types). */
interface PgResult {
  rows: unknown[];
  rowCount: number | null;
}
interface PgConnection {
  /** When this connection's plans were last discarded (or its first prepared statement run). */
  plansSince?: number;
  query(query: string | { name: string; text: string; values?: unknown[] }, values?: unknown[]): Promise<PgResult | PgResult[]>;
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
    /** PLAN_LIFETIME_MS; a test shortens or lengthens it. */
    private readonly planLifetimeMs = PLAN_LIFETIME_MS,
  ) {}

  async rows<T>(statement: Statement, params?: SqlParam[]): Promise<T[]> {
    const result = await this.run(statement, params);
    if (!Array.isArray(result)) return result.rows as T[];
    // Several statements in one text (no parameters): sequelize answered every row of them all.
    return result.flatMap((r) => r.rows ?? []) as T[];
  }

  async row<T>(statement: Statement, params?: SqlParam[]): Promise<T | undefined> {
    const found = await this.rows<T>(statement, params);
    return found[0];
  }

  async exec(statement: Statement, params?: SqlParam[]): Promise<number> {
    const result = await this.run(statement, params);
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
        return await this.sequelize.transaction((t) => work(new Sql(this.sequelize, t, this.planLifetimeMs)));
      } catch (err) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isTransientConflict(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, conflictWaitMs(attempt)));
      }
    }
  }

  private async run(statement: Statement, params: SqlParam[] | undefined): Promise<PgResult | PgResult[]> {
    const values = toValues(params);
    const text = statementText(statement);
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
      if (typeof statement !== 'string') {
        await this.renewOldPlans(connection);
        return await connection.query({ name: statement.name, text, values });
      }
      return await (values ? connection.query(text, values) : connection.query(text));
    } catch (err) {
      throw this.databaseError(connection, err as Error & { code?: string; sql?: string; parameters?: unknown }, text, values);
    } finally {
      if (!transaction) internals.connectionManager.releaseConnection(connection);
    }
  }

  /** Discards the connection's plans once they are older than the plan lifetime (PLAN_LIFETIME_MS). */
  private async renewOldPlans(connection: PgConnection): Promise<void> {
    const now = Date.now();
    if (connection.plansSince === undefined) {
      connection.plansSince = now;
    } else if (now - connection.plansSince >= this.planLifetimeMs) {
      connection.plansSince = now;
      await connection.query('DISCARD PLANS');
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
