// The one way the code talks SQL: parameterised text ($1, $2 …) on a sequelize connection,
// optionally inside a transaction. Table modules (src/store) are built on a Queryable.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export type SqlParam = string | number | boolean | Date | null | object;

export interface Queryable {
  rows<T>(text: string, params?: SqlParam[]): Promise<T[]>;
  row<T>(text: string, params?: SqlParam[]): Promise<T | undefined>;
  /** Runs a statement and answers how many rows it touched. */
  exec(text: string, params?: SqlParam[]): Promise<number>;
}

function toBind(params: SqlParam[] | undefined): unknown[] | undefined {
  if (!params) return undefined;
  // pg sends plain objects as JSON only when they are strings; JSONB values are serialised here.
  return params.map((p) => (p !== null && typeof p === 'object' && !(p instanceof Date) ? JSON.stringify(p) : p));
}

export class Sql implements Queryable {
  constructor(
    readonly sequelize: Sequelize,
    private readonly transactionHandle?: Transaction,
  ) {}

  async rows<T>(text: string, params?: SqlParam[]): Promise<T[]> {
    return (await this.sequelize.query(text, {
      bind: toBind(params),
      type: QueryTypes.SELECT,
      transaction: this.transactionHandle,
      raw: true,
    })) as T[];
  }

  async row<T>(text: string, params?: SqlParam[]): Promise<T | undefined> {
    const found = await this.rows<T>(text, params);
    return found[0];
  }

  async exec(text: string, params?: SqlParam[]): Promise<number> {
    const [, result] = (await this.sequelize.query(text, {
      bind: toBind(params),
      transaction: this.transactionHandle,
      raw: true,
    })) as [unknown, { rowCount?: number } | number];
    if (typeof result === 'number') return result;
    return result?.rowCount ?? 0;
  }

  get inTransaction(): boolean {
    return this.transactionHandle !== undefined;
  }

  /**
   * Runs `work` in one transaction (or inside the current one). Every query of the work must go
   * through the Sql it is given: the embedded database has a single connection, so a query on
   * the outer Sql would wait for ever behind the open transaction.
   */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.transactionHandle) return work(this);
    return this.sequelize.transaction((t) => work(new Sql(this.sequelize, t)));
  }
}

/** True when `err` is PostgreSQL's unique violation, of the named constraint if one is given. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const cause = (err as { parent?: { code?: string; constraint?: string } })?.parent ?? (err as { code?: string; constraint?: string });
  return cause?.code === '23505' && (constraint === undefined || cause.constraint === constraint);
}
