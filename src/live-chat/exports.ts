// Exports (issue 11): one chat's transcript as text or CSV, and the friends list as CSV. Both
// are written as they are read, a page at a time, waiting for the client to take each page
// (nothing holds all rows in memory).
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Store } from '../store/store';
import type { ContactRow, FriendStatus } from '../store/contacts';
import type { MessageRow } from '../store/messages';
import { CSV_BOM, csvRow } from '../util/csv';
import { notFound } from '../http/errors';
import { readSettings } from './live-chat-settings';
import { previewText } from './conversation-json';

export const EXPORT_PAGE = 500;
export type TranscriptFormat = 'text' | 'csv';

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
}

/** "2026-11-30 19:05:02" in the zone the analytics use (the shop's). */
function localTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(at);
}

export class Exports {
  constructor(private readonly store: Store) {}

  /** The contact of a transcript, or 404 (checked before any byte is sent). */
  async contact(lineUserId: string): Promise<ContactRow> {
    const contact = await this.store.contacts.byLineUserId(lineUserId);
    if (!contact) throw notFound('Conversation');
    return contact;
  }

  /** Every message of the chat, oldest first. */
  async transcript(contact: ContactRow, format: TranscriptFormat, out: Writable): Promise<void> {
    const { time_zone: zone } = await readSettings(this.store.settings);
    const names = new Map<number, string>();
    if (format === 'csv') {
      await write(out, CSV_BOM + csvRow(['id', 'time_utc', `time_${zone}`, 'direction', 'sender', 'operator', 'type', 'text', 'delivery_status']));
    } else {
      // A user whose profile LINE never gave is known by their LINE ID alone.
      await write(out, `${contact.display_name ? `${contact.display_name} (${contact.line_user_id})` : contact.line_user_id}\n\n`);
    }
    let after: number | undefined;
    for (;;) {
      const page = await this.store.messages.pageForContactAfter(contact.id, EXPORT_PAGE, after);
      if (page.length === 0) break;
      const wanted = [...new Set(page.map((m) => m.operator_id).filter((id): id is number => id !== null && !names.has(id)))];
      if (wanted.length) for (const o of await this.store.operators.byIds(wanted)) names.set(o.id, o.display_name || o.username);
      let chunk = '';
      for (const m of page) chunk += format === 'csv' ? this.csvLine(m, names, zone) : this.textLine(m, contact, names, zone);
      await write(out, chunk);
      if (out.destroyed) return;
      after = page[page.length - 1].id;
      if (page.length < EXPORT_PAGE) break;
    }
  }

  private who(m: MessageRow, contact: ContactRow, names: Map<number, string>): string {
    if (m.sender === 'USER') return contact.display_name || contact.line_user_id;
    if (m.sender === 'OPERATOR') return m.operator_id === null ? 'OPERATOR' : `OPERATOR ${names.get(m.operator_id) ?? m.operator_id}`;
    return m.sender;
  }

  private textLine(m: MessageRow, contact: ContactRow, names: Map<number, string>, zone: string): string {
    const text = previewText(m.message_type, m.content ?? {}).replace(/\r?\n/g, '\n    ');
    const failed = m.delivery_status === 'FAILED' ? ' [not delivered]' : '';
    return `[${localTime(m.created_at, zone)}] ${this.who(m, contact, names)}: ${text}${failed}\n`;
  }

  private csvLine(m: MessageRow, names: Map<number, string>, zone: string): string {
    return csvRow([
      m.id,
      m.created_at,
      localTime(m.created_at, zone),
      m.direction,
      m.sender,
      m.operator_id === null ? '' : (names.get(m.operator_id) ?? String(m.operator_id)),
      m.message_type,
      previewText(m.message_type, m.content ?? {}),
      m.delivery_status,
    ]);
  }

  /** The friends (newest first, as the Friends page lists them) with their details and labels. */
  async friends(filter: { status?: FriendStatus; q?: string }, out: Writable): Promise<void> {
    const [fields, labels] = await Promise.all([this.store.contactFields.list(), this.store.labels.list()]);
    const labelNames = new Map(labels.map((l) => [l.id, l.name]));
    await write(
      out,
      CSV_BOM +
        csvRow([
          'line_user_id',
          'display_name',
          'friend_status',
          'friend_since',
          'chat_mode',
          'last_message_at',
          'labels',
          'note',
          ...fields.map((f) => f.name),
        ]),
    );
    let beforeId: number | undefined;
    for (;;) {
      const page = await this.store.contacts.listFriends({ ...filter, limit: EXPORT_PAGE, beforeId });
      if (page.length === 0) break;
      const values = await this.store.contactFields.valuesFor(page.map((c) => c.id));
      const byContact = new Map<number, Map<number, string>>();
      for (const v of values) {
        const own = byContact.get(v.contact_id) ?? new Map<number, string>();
        own.set(v.field_id, v.value);
        byContact.set(v.contact_id, own);
      }
      let chunk = '';
      for (const c of page) {
        chunk += csvRow([
          c.line_user_id,
          c.display_name,
          c.friend_status,
          c.friend_since,
          c.chat_mode,
          c.last_message_at,
          (c.label_ids ?? [])
            .map((id) => labelNames.get(id))
            .filter(Boolean)
            .join('; '),
          c.note,
          ...fields.map((f) => byContact.get(c.id)?.get(f.id) ?? ''),
        ]);
      }
      await write(out, chunk);
      if (out.destroyed) return;
      beforeId = page[page.length - 1].id;
      if (page.length < EXPORT_PAGE) break;
    }
  }
}
