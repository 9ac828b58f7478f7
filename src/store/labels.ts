// SQL for labels: the names and colours admins define. Which contacts carry one is the
// contact's own label_ids (contacts.ts).
import type { Queryable } from '../db/sql';

export interface LabelRow {
  id: number;
  name: string;
  color: string;
  created_at: Date;
}

export class LabelsTable {
  constructor(private readonly q: Queryable) {}

  /** Every label, by name. */
  list(): Promise<LabelRow[]> {
    return this.q.rows<LabelRow>(`SELECT * FROM labels ORDER BY lower(name), id`);
  }

  byId(id: number): Promise<LabelRow | undefined> {
    return this.q.row<LabelRow>(`SELECT * FROM labels WHERE id = $1`, [id]);
  }

  byName(name: string): Promise<LabelRow | undefined> {
    return this.q.row<LabelRow>(`SELECT * FROM labels WHERE lower(name) = lower($1)`, [name]);
  }

  create(label: { name: string; color: string }): Promise<LabelRow> {
    return this.q.row<LabelRow>(`INSERT INTO labels (name, color) VALUES ($1, $2) RETURNING *`, [label.name, label.color]) as Promise<LabelRow>;
  }

  update(id: number, changes: { name?: string; color?: string }): Promise<LabelRow | undefined> {
    return this.q.row<LabelRow>(`UPDATE labels SET name = COALESCE($2, name), color = COALESCE($3, color) WHERE id = $1 RETURNING *`, [
      id,
      changes.name ?? null,
      changes.color ?? null,
    ]);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.q.exec(`DELETE FROM labels WHERE id = $1`, [id])) > 0;
  }
}
