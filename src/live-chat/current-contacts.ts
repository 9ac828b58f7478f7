// The nodes after the webhook (chat-mode-router, handoff) need a msg's contact as it is now: an
// operator may have taken the chat over since the webhook stored it. Every change this core makes
// to a contact goes out as a 'contact' event, so a row that is the last one this core saw of that
// contact, seen moments ago, is current without reading it again; anything else is read. Another
// instance on the same database is not heard: its change counts here after CONTACT_FRESH_MS at
// the latest (the read closed no race anyway: a takeover can land just after it).
import type { LiveChatEvents } from '../events';
import type { ContactRow } from '../store/contacts';
import type { Store } from '../store/store';

/** How long a row this core saw counts as current. */
export const CONTACT_FRESH_MS = 2000;
/** Contacts remembered at most (the oldest are forgotten, and read again when they come). */
const MAX_REMEMBERED = 10_000;

interface SeenRow {
  updatedAt: number;
  chatMode: ContactRow['chat_mode'];
  seenAt: number;
}

export class CurrentContacts {
  private readonly seen = new Map<number, SeenRow>();

  constructor(
    private readonly store: Store,
    events: LiveChatEvents,
  ) {
    events.on('contact', ({ contact }) => this.note(contact));
  }

  /** The contact as it is now: `known` itself when it is the latest row seen moments ago. */
  async current(known: ContactRow): Promise<ContactRow> {
    const seen = this.seen.get(known.id);
    const fresh =
      seen !== undefined &&
      Date.now() - seen.seenAt < CONTACT_FRESH_MS &&
      seen.chatMode === known.chat_mode &&
      seen.updatedAt === new Date(known.updated_at).getTime();
    if (fresh) return known;
    return (await (known.id ? this.store.contacts.byId(known.id) : this.store.contacts.byLineUserId(known.line_user_id))) ?? known;
  }

  private note(contact: ContactRow): void {
    // Re-inserted so that the map stays in the order rows were seen, the oldest first.
    this.seen.delete(contact.id);
    this.seen.set(contact.id, { updatedAt: new Date(contact.updated_at).getTime(), chatMode: contact.chat_mode, seenAt: Date.now() });
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
  }
}
