// SQL for the auth_tokens table: API tokens, kept only as their SHA-256 so a database dump
// does not hand out live sessions.
import type { Queryable } from '../db/sql';
import type { OperatorRow } from './operators';

/** What a token opens: the inbox's API and socket, or the Node-RED editor (the standalone product's). */
export type TokenScope = 'inbox' | 'editor';

export class AuthTokensTable {
  constructor(private readonly q: Queryable) {}

  async insert(tokenHash: string, operatorId: number, expiresAt: Date, scope: TokenScope = 'inbox'): Promise<void> {
    await this.q.exec(`INSERT INTO auth_tokens (token_hash, operator_id, expires_at, scope) VALUES ($1, $2, $3, $4)`, [
      tokenHash,
      operatorId,
      expiresAt,
      scope,
    ]);
  }

  /** The active operator a live token of this scope belongs to. */
  operatorFor(tokenHash: string, scope: TokenScope = 'inbox'): Promise<OperatorRow | undefined> {
    return this.q.row<OperatorRow>(
      `SELECT o.* FROM auth_tokens t JOIN operators o ON o.id = t.operator_id
        WHERE t.token_hash = $1 AND t.scope = $2 AND t.expires_at > now() AND o.active`,
      [tokenHash, scope],
    );
  }

  async remove(tokenHash: string): Promise<void> {
    await this.q.exec(`DELETE FROM auth_tokens WHERE token_hash = $1`, [tokenHash]);
  }

  async removeForOperator(operatorId: number): Promise<void> {
    await this.q.exec(`DELETE FROM auth_tokens WHERE operator_id = $1`, [operatorId]);
  }

  async removeExpired(): Promise<number> {
    return this.q.exec(`DELETE FROM auth_tokens WHERE expires_at <= now()`);
  }
}
