// The little of `pg` the benchmarks use directly (the package ships no types and @types/pg is not
// a dependency; the product reaches pg through sequelize).
declare module 'pg' {
  export interface QueryResult<R = Record<string, unknown>> {
    rows: R[];
    rowCount: number | null;
  }
  interface Queryable {
    query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  }
  export interface PoolClient extends Queryable {
    release(err?: Error): void;
  }
  export class Pool implements Queryable {
    constructor(config: { connectionString: string; max?: number });
    query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
    connect(): Promise<PoolClient>;
    end(): Promise<void>;
  }
  export class Client implements Queryable {
    constructor(config: { connectionString: string });
    query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
    connect(): Promise<void>;
    end(): Promise<void>;
  }
}
