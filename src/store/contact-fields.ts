// SQL for contact_fields (the custom fields admins define) and contact_field_values (what
// operators fill in for a contact). The joined search text on the contact is contacts.ts's.
import type { Queryable } from '../db/sql';
import { pgIntArray } from './pg-arrays';

export type ContactFieldType = 'text' | 'phone' | 'email' | 'number';
export const CONTACT_FIELD_TYPES: readonly ContactFieldType[] = ['text', 'phone', 'email', 'number'];

export interface ContactFieldRow {
  id: number;
  name: string;
  field_type: ContactFieldType;
  position: number;
  created_at: Date;
}

export interface ContactFieldValueRow {
  contact_id: number;
  field_id: number;
  value: string;
}

export class ContactFieldsTable {
  constructor(private readonly q: Queryable) {}

  /** Every field, in the order admins gave them. */
  list(): Promise<ContactFieldRow[]> {
    return this.q.rows<ContactFieldRow>(`SELECT * FROM contact_fields ORDER BY position, id`);
  }

  byId(id: number): Promise<ContactFieldRow | undefined> {
    return this.q.row<ContactFieldRow>(`SELECT * FROM contact_fields WHERE id = $1`, [id]);
  }

  byName(name: string): Promise<ContactFieldRow | undefined> {
    return this.q.row<ContactFieldRow>(`SELECT * FROM contact_fields WHERE lower(name) = lower($1)`, [name]);
  }

  create(field: { name: string; field_type: ContactFieldType; position: number }): Promise<ContactFieldRow> {
    return this.q.row<ContactFieldRow>(`INSERT INTO contact_fields (name, field_type, position) VALUES ($1, $2, $3) RETURNING *`, [
      field.name,
      field.field_type,
      field.position,
    ]) as Promise<ContactFieldRow>;
  }

  update(id: number, changes: { name?: string; field_type?: ContactFieldType; position?: number }): Promise<ContactFieldRow | undefined> {
    return this.q.row<ContactFieldRow>(
      `UPDATE contact_fields SET name = COALESCE($2, name), field_type = COALESCE($3, field_type), position = COALESCE($4, position)
       WHERE id = $1 RETURNING *`,
      [id, changes.name ?? null, changes.field_type ?? null, changes.position ?? null],
    );
  }

  /** Deletes the field and its values; answers the contacts that had one (their search text changes), or undefined if no such field. */
  async delete(id: number): Promise<number[] | undefined> {
    const had = await this.q.rows<{ contact_id: number }>(`SELECT contact_id FROM contact_field_values WHERE field_id = $1`, [id]);
    const deleted = await this.q.exec(`DELETE FROM contact_fields WHERE id = $1`, [id]);
    return deleted ? had.map((r) => r.contact_id) : undefined;
  }

  /** The next position at the end of the list. */
  async nextPosition(): Promise<number> {
    return (await this.q.row<{ next: number }>(`SELECT COALESCE(max(position), 0) + 1 AS next FROM contact_fields`))!.next;
  }

  /** The filled values of the given contacts. */
  valuesFor(contactIds: number[]): Promise<ContactFieldValueRow[]> {
    if (contactIds.length === 0) return Promise.resolve([]);
    return this.q.rows<ContactFieldValueRow>(`SELECT contact_id, field_id, value FROM contact_field_values WHERE contact_id = ANY($1::int[])`, [
      pgIntArray(contactIds),
    ]);
  }

  /** Sets (a text) or clears (null) each given field's value of one contact. */
  async setValues(contactId: number, values: Map<number, string | null>): Promise<void> {
    const set = [...values].filter(([, v]) => v !== null) as [number, string][];
    const cleared = [...values].filter(([, v]) => v === null).map(([id]) => id);
    if (cleared.length) {
      await this.q.exec(`DELETE FROM contact_field_values WHERE contact_id = $1 AND field_id = ANY($2::int[])`, [contactId, pgIntArray(cleared)]);
    }
    if (set.length) {
      await this.q.exec(
        `INSERT INTO contact_field_values (contact_id, field_id, value)
         SELECT $1, v.field_id, v.value FROM jsonb_to_recordset($2::jsonb) AS v(field_id int, value text)
         ON CONFLICT (contact_id, field_id) DO UPDATE SET value = EXCLUDED.value`,
        [contactId, JSON.stringify(set.map(([field_id, value]) => ({ field_id, value })))],
      );
    }
  }
}
