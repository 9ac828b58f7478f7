// SQL for the login_failures table: the login throttle's counts, shared by every instance.
import type { Queryable } from '../db/sql';
import { pgTextArray } from './pg-arrays';

export interface LoginFailureRow {
  key: string;
  failures: number;
  /** Milliseconds since the last failure, by the database's clock (the same for every instance). */
  age_ms: number;
}

export class LoginFailuresTable {
  constructor(private readonly q: Queryable) {}

  /** The counts of these keys whose last failure is within `windowMs`. */
  current(keys: string[], windowMs: number): Promise<LoginFailureRow[]> {
    return this.q.rows<LoginFailureRow>(
      `SELECT key, failures, (extract(epoch FROM now() - last_failed_at) * 1000)::float8 AS age_ms
         FROM login_failures
        WHERE key = ANY($1::text[]) AND last_failed_at > now() - $2::int * interval '1 millisecond'`,
      [pgTextArray(keys), windowMs],
    );
  }

  /** One more failure for each key; a count whose last failure is older than `windowMs` starts again. */
  async failed(keys: string[], windowMs: number): Promise<void> {
    await this.q.exec(
      `INSERT INTO login_failures AS f (key, failures, last_failed_at)
       SELECT DISTINCT k, 1, now() FROM unnest($1::text[]) k
       ON CONFLICT (key) DO UPDATE
          SET failures = CASE WHEN f.last_failed_at > now() - $2::int * interval '1 millisecond' THEN f.failures + 1 ELSE 1 END,
              last_failed_at = now()`,
      [pgTextArray(keys), windowMs],
    );
  }

  async clear(keys: string[]): Promise<void> {
    await this.q.exec(`DELETE FROM login_failures WHERE key = ANY($1::text[])`, [pgTextArray(keys)]);
  }

  /** Forgets counts older than `windowMs` (by the index on last_failed_at). */
  prune(windowMs: number): Promise<number> {
    return this.q.exec(`DELETE FROM login_failures WHERE last_failed_at <= now() - $1::int * interval '1 millisecond'`, [windowMs]);
  }
}
