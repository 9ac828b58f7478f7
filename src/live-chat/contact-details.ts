// Contact details and labels (issue 11): the custom fields and labels admins define, a
// contact's note, field values and labels as operators edit them, each checked here (`{error,
// field}`), and the live events that bring the change to the other operators.
import type { Store } from '../store/store';
import type { LiveChatEvents } from '../events';
import type { OperatorView } from '../auth/operators';
import type { ContactRow } from '../store/contacts';
import { CONTACT_FIELD_TYPES, type ContactFieldRow, type ContactFieldType } from '../store/contact-fields';
import type { LabelRow } from '../store/labels';
import { badRequest, conflict, notFound } from '../http/errors';
import { type Body, MAX_ID, noNul, oneOf, optionalString } from '../http/validation';

export const MAX_NOTE_LENGTH = 2000;
export const MAX_VALUE_LENGTH = 500;
const MAX_FIELDS = 50;
const MAX_LABELS = 100;

export function fieldJson(field: ContactFieldRow) {
  return { id: field.id, name: field.name, type: field.field_type, position: field.position };
}

export function labelJson(label: LabelRow) {
  return { id: label.id, name: label.name, color: label.color };
}

/** A value of a field's type, normalised, or a 400 naming `field`. */
export function checkValue(type: ContactFieldType, raw: string, field: string): string {
  const value = raw.trim();
  if (value.length > MAX_VALUE_LENGTH) throw badRequest(`${field} must be at most ${MAX_VALUE_LENGTH} characters`, field);
  switch (type) {
    case 'phone': {
      const digits = value.replace(/\D/g, '').length;
      if (!/^\+?[\d\s().-]+$/.test(value) || digits < 6 || digits > 15) {
        throw badRequest(`${field} must be a phone number (6 to 15 digits; spaces, dashes, brackets and a leading + allowed)`, field);
      }
      return value;
    }
    case 'email':
      if (value.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value)) throw badRequest(`${field} must be an email address`, field);
      return value;
    case 'number':
      if (!/^-?\d{1,15}(\.\d{1,6})?$/.test(value)) throw badRequest(`${field} must be a number`, field);
      return value;
    case 'text':
      return value;
  }
}

/** #rrggbb, lower-cased. */
function checkColor(value: unknown): string {
  if (typeof value !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(value)) throw badRequest('color must be a colour as #rrggbb', 'color');
  return value.toLowerCase();
}

function checkPosition(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10000) {
    throw badRequest('position must be a whole number from 0 to 10000', 'position');
  }
  return value;
}

/** A contact's details as the API answers them (also the live update's payload). */
export async function detailsJson(store: Store, contact: ContactRow) {
  const [fields, values] = await Promise.all([store.contactFields.list(), store.contactFields.valuesFor([contact.id])]);
  const byField = new Map(values.map((v) => [v.field_id, v.value]));
  const editor = contact.details_updated_by === null ? undefined : (await store.operators.byIds([contact.details_updated_by]))[0];
  return {
    line_user_id: contact.line_user_id,
    note: contact.note,
    fields: fields.map((f) => ({ ...fieldJson(f), value: byField.get(f.id) ?? null })),
    labels: contact.label_ids ?? [],
    updated_at: contact.details_updated_at,
    updated_by: editor ? { id: editor.id, username: editor.username, display_name: editor.display_name } : null,
  };
}

/** The fields and labels admins defined (the live update after a change in Settings). */
export async function catalogJson(store: Store) {
  const [fields, labels] = await Promise.all([store.contactFields.list(), store.labels.list()]);
  return { fields: fields.map(fieldJson), labels: labels.map(labelJson) };
}

export class ContactDetails {
  constructor(
    private readonly store: Store,
    private readonly events: LiveChatEvents,
  ) {}

  // ---- what admins define ----

  async fields() {
    return (await this.store.contactFields.list()).map(fieldJson);
  }

  async createField(body: Body) {
    const name = optionalString(body, 'name', { max: 100 });
    if (!name) throw badRequest('name is required', 'name');
    const type = oneOf<ContactFieldType>(body.type, CONTACT_FIELD_TYPES, 'type');
    const position = checkPosition(body.position);
    const field = await this.store.transaction(async (tx) => {
      if ((await tx.contactFields.list()).length >= MAX_FIELDS) throw badRequest(`At most ${MAX_FIELDS} fields`, 'name');
      if (await tx.contactFields.byName(name)) throw conflict(`A field named ${name} exists already`);
      return tx.contactFields.create({ name, field_type: type, position: position ?? (await tx.contactFields.nextPosition()) });
    });
    this.events.emit('catalog');
    return fieldJson(field);
  }

  async updateField(id: number, body: Body) {
    const name = optionalString(body, 'name', { max: 100 });
    const type = body.type === undefined ? undefined : oneOf<ContactFieldType>(body.type, CONTACT_FIELD_TYPES, 'type');
    const position = checkPosition(body.position);
    const field = await this.store.transaction(async (tx) => {
      const other = name ? await tx.contactFields.byName(name) : undefined;
      if (other && other.id !== id) throw conflict(`A field named ${name} exists already`);
      return tx.contactFields.update(id, { name, field_type: type, position });
    });
    if (!field) throw notFound('Field');
    this.events.emit('catalog');
    return fieldJson(field);
  }

  async deleteField(id: number): Promise<void> {
    const contacts = await this.store.transaction(async (tx) => {
      const had = await tx.contactFields.delete(id);
      if (had) await tx.contacts.refreshDetailsSearch(had);
      return had;
    });
    if (!contacts) throw notFound('Field');
    this.events.emit('catalog');
  }

  async labels() {
    return (await this.store.labels.list()).map(labelJson);
  }

  async createLabel(body: Body) {
    const name = optionalString(body, 'name', { max: 50 });
    if (!name) throw badRequest('name is required', 'name');
    const color = checkColor(body.color);
    const label = await this.store.transaction(async (tx) => {
      if ((await tx.labels.list()).length >= MAX_LABELS) throw badRequest(`At most ${MAX_LABELS} labels`, 'name');
      if (await tx.labels.byName(name)) throw conflict(`A label named ${name} exists already`);
      return tx.labels.create({ name, color });
    });
    this.events.emit('catalog');
    return labelJson(label);
  }

  async updateLabel(id: number, body: Body) {
    const name = optionalString(body, 'name', { max: 50 });
    const color = body.color === undefined ? undefined : checkColor(body.color);
    const label = await this.store.transaction(async (tx) => {
      const other = name ? await tx.labels.byName(name) : undefined;
      if (other && other.id !== id) throw conflict(`A label named ${name} exists already`);
      return tx.labels.update(id, { name, color });
    });
    if (!label) throw notFound('Label');
    this.events.emit('catalog');
    return labelJson(label);
  }

  /**
   * Deletes the label and takes it off every chat. Only the catalog goes out live, not each chat
   * (a label may be on tens of thousands): the inbox shows no label the catalog lacks.
   */
  async deleteLabel(id: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (!(await tx.labels.byId(id))) throw notFound('Label');
      await tx.contacts.dropLabel(id);
      await tx.labels.delete(id);
    });
    this.events.emit('catalog');
  }

  // ---- one contact's ----

  /** The contact's note, every field (filled or not) and its labels. */
  async of(lineUserId: string) {
    const contact = await this.contact(lineUserId);
    return detailsJson(this.store, contact);
  }

  /**
   * Changes the note (`note`: a text, '' or null clears it) and field values (`fields`: {id:
   * value}, '' or null clears one); all or nothing.
   */
  async update(lineUserId: string, body: Body, operator: OperatorView) {
    const note = body.note;
    if (note !== undefined && note !== null && typeof note !== 'string') throw badRequest('note must be a text', 'note');
    if (typeof note === 'string') {
      noNul(note, 'note');
      if (note.length > MAX_NOTE_LENGTH) throw badRequest(`note must be at most ${MAX_NOTE_LENGTH} characters`, 'note');
    }
    const rawFields = body.fields;
    if (rawFields !== undefined && (rawFields === null || typeof rawFields !== 'object' || Array.isArray(rawFields))) {
      throw badRequest('fields must be an object of field id to value', 'fields');
    }
    const defined = new Map((await this.store.contactFields.list()).map((f) => [f.id, f]));
    const values = new Map<number, string | null>();
    for (const [key, raw] of Object.entries((rawFields ?? {}) as Record<string, unknown>)) {
      const name = `fields.${key}`;
      const id = /^\d{1,10}$/.test(key) ? Number(key) : 0;
      const field = id >= 1 && id <= MAX_ID ? defined.get(id) : undefined;
      if (!field) throw badRequest(`${key} is not a contact field`, name);
      if (raw !== null && typeof raw !== 'string') throw badRequest(`${name} must be a text`, name);
      values.set(id, raw === null || raw.trim() === '' ? null : checkValue(field.field_type, raw, name));
    }
    const found = await this.contact(lineUserId);
    const contact = await this.store.transaction(async (tx) => {
      await tx.contacts.lock(found.id);
      if (values.size) await tx.contactFields.setValues(found.id, values);
      const cleanNote = typeof note === 'string' && note.trim() !== '' ? note.trim() : null;
      await tx.contacts.detailsChanged(found.id, operator.id, note === undefined ? undefined : cleanNote);
      await tx.contacts.refreshDetailsSearch([found.id]);
      return (await tx.contacts.byId(found.id))!;
    });
    this.events.emit('details', { contact });
    return detailsJson(this.store, contact);
  }

  /** Puts a label on the contact (and its chat), or takes it off. */
  async setLabel(lineUserId: string, labelId: number, on: boolean) {
    const found = await this.contact(lineUserId);
    if (!(await this.store.labels.byId(labelId))) throw notFound('Label');
    const changed = on ? await this.store.contacts.addLabel(found.id, labelId) : await this.store.contacts.removeLabel(found.id, labelId);
    if (changed) this.events.emit('details', { contact: changed });
    return { changed: !!changed, labels: (changed ?? found).label_ids ?? [] };
  }

  private async contact(lineUserId: string): Promise<ContactRow> {
    const contact = await this.store.contacts.byLineUserId(lineUserId);
    if (!contact) throw notFound('Contact');
    return contact;
  }
}
