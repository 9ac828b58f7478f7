// SQL for the canned_responses table: the replies the admins keep for every operator (migration 0017).
import type { Queryable } from '../db/sql';

export interface CannedResponseRow {
  id: number;
  title: string;
  /** Typed after `/` in the composer; unique regardless of case. */
  shortcut: string;
  /** One LINE message object (a text is {type: 'text', text}); may hold {displayName}/{operatorName}. */
  message: Record<string, unknown>;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface CannedResponseValues {
  title: string;
  shortcut: string;
  message: Record<string, unknown>;
}

/** The most canned responses kept: the picker lists them all, so the list stays one page. */
export const MAX_CANNED_RESPONSES = 500;

export class CannedResponsesTable {
  constructor(private readonly q: Queryable) {}

  list(): Promise<CannedResponseRow[]> {
    return this.q.rows<CannedResponseRow>(`SELECT * FROM canned_responses ORDER BY lower(title), id LIMIT $1`, [MAX_CANNED_RESPONSES]);
  }

  byId(id: number): Promise<CannedResponseRow | undefined> {
    return this.q.row<CannedResponseRow>(`SELECT * FROM canned_responses WHERE id = $1`, [id]);
  }

  async count(): Promise<number> {
    return (await this.q.row<{ n: number }>(`SELECT count(*)::int AS n FROM canned_responses`))!.n;
  }

  /** undefined when the shortcut is taken (any case). */
  insert(values: CannedResponseValues, createdBy: number): Promise<CannedResponseRow | undefined> {
    return this.q.row<CannedResponseRow>(
      `INSERT INTO canned_responses (title, shortcut, message, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (lower(shortcut)) DO NOTHING RETURNING *`,
      [values.title, values.shortcut, values.message, createdBy],
    );
  }

  /** undefined when there is no such row; a shortcut taken by another row fails with the unique violation (23505). */
  update(id: number, values: CannedResponseValues): Promise<CannedResponseRow | undefined> {
    return this.q.row<CannedResponseRow>(`UPDATE canned_responses SET title = $2, shortcut = $3, message = $4, updated_at = now() WHERE id = $1 RETURNING *`, [
      id,
      values.title,
      values.shortcut,
      values.message,
    ]);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.q.row(`DELETE FROM canned_responses WHERE id = $1 RETURNING id`, [id])) !== undefined;
  }
}
