// SQL for the operators table: the staff who log in to the inbox.
import type { Queryable } from '../db/sql';
import { pgIntArray } from './pg-arrays';

export type OperatorRole = 'admin' | 'operator';

export interface OperatorRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: OperatorRole;
  active: boolean;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface OperatorChanges {
  display_name?: string;
  password_hash?: string;
  role?: OperatorRole;
  active?: boolean;
}

export class OperatorsTable {
  constructor(private readonly q: Queryable) {}

  list(): Promise<OperatorRow[]> {
    return this.q.rows<OperatorRow>(`SELECT * FROM operators ORDER BY id`);
  }

  byId(id: number): Promise<OperatorRow | undefined> {
    return this.q.row<OperatorRow>(`SELECT * FROM operators WHERE id = $1`, [id]);
  }

  byIds(ids: number[]): Promise<OperatorRow[]> {
    return this.q.rows<OperatorRow>(`SELECT * FROM operators WHERE id = ANY($1::int[])`, [pgIntArray(ids)]);
  }

  byUsername(username: string): Promise<OperatorRow | undefined> {
    return this.q.row<OperatorRow>(`SELECT * FROM operators WHERE lower(username) = lower($1)`, [username]);
  }

  async insert(values: { username: string; display_name: string; password_hash: string; role: OperatorRole }): Promise<OperatorRow> {
    return (await this.q.row<OperatorRow>(`INSERT INTO operators (username, display_name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING *`, [
      values.username,
      values.display_name,
      values.password_hash,
      values.role,
    ]))!;
  }

  async update(id: number, changes: OperatorChanges): Promise<OperatorRow | undefined> {
    const columns = Object.keys(changes) as (keyof OperatorChanges)[];
    if (columns.length === 0) return this.byId(id);
    const sets = columns.map((c, i) => `${c} = $${i + 2}`);
    return this.q.row<OperatorRow>(`UPDATE operators SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`, [
      id,
      ...columns.map((c) => changes[c] as string | boolean),
    ]);
  }

  async touchLogin(id: number): Promise<void> {
    await this.q.exec(`UPDATE operators SET last_login_at = now() WHERE id = $1`, [id]);
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.q.row<{ n: number }>(`SELECT count(*)::int AS n FROM operators WHERE role = 'admin' AND active`);
    return row!.n;
  }

  async count(): Promise<number> {
    const row = await this.q.row<{ n: number }>(`SELECT count(*)::int AS n FROM operators`);
    return row!.n;
  }
}
