// The chat's timeline besides its messages (issue 11): internal notes operators leave each other,
// which are stored and shown, never sent to LINE, and the chat's changes of hands (written by
// ChatSessions.handOver). Shown in the history by time; a page of it spans a page of messages.
import type { Store } from '../store/store';
import type { TimelineRow } from '../store/chat-timeline';
import type { OperatorView } from '../auth/operators';
import type { LiveChatEvents } from '../events';
import { badRequest, notFound } from '../http/errors';
import { noNul } from '../http/validation';
import type { OperatorRef } from './conversation-json';

export const MAX_NOTE_LENGTH = 2000;

export function timelineJson(row: TimelineRow, operators: Map<number, OperatorRef>) {
  const ref = (id: number | null) => (id === null ? null : (operators.get(id) ?? { id, username: null, display_name: null }));
  return {
    id: row.id,
    kind: row.kind,
    session_id: row.session_id,
    operator: ref(row.operator_id),
    from_operator: ref(row.from_operator_id),
    to_operator: ref(row.to_operator_id),
    text: row.text,
    ...(row.kind === 'rated' ? { score: row.score } : {}),
    created_at: row.created_at,
  };
}

/** The operator ids an entry names. */
export function timelineOperatorIds(row: TimelineRow): (number | null)[] {
  return [row.operator_id, row.from_operator_id, row.to_operator_id];
}

/** A note's text from a request: 400 (field `field`) when blank or too long. */
export function noteText(value: unknown, field: string, required: boolean): string | null {
  if (value === undefined || value === null || (!required && value === '')) {
    if (required) throw badRequest(`${field} is required`, field);
    return null;
  }
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`, field);
  noNul(value, field);
  const text = value.trim();
  if (text === '') {
    if (required) throw badRequest(`${field} must not be blank`, field);
    return null;
  }
  if (text.length > MAX_NOTE_LENGTH) throw badRequest(`${field} must be at most ${MAX_NOTE_LENGTH} characters`, field);
  return text;
}

export class ChatTimeline {
  constructor(
    private readonly store: Store,
    private readonly events: LiveChatEvents,
  ) {}

  /** An internal note in the chat (any operator may leave one): stored and announced, never sent to LINE. */
  async note(lineUserId: string, operator: OperatorView, text: string): Promise<TimelineRow> {
    const contact = await this.store.contacts.byLineUserId(lineUserId);
    if (!contact) throw notFound('Conversation');
    const open = await this.store.chatSessions.openFor(contact.id);
    const entry = await this.store.chatTimeline.insert({
      contact_id: contact.id,
      session_id: open?.id ?? null,
      kind: 'note',
      operator_id: operator.id,
      from_operator_id: null,
      to_operator_id: null,
      text,
    });
    this.events.emit('timeline', { entry, contact });
    return entry;
  }

  /**
   * The entries beside a page of messages (newest first, as the history pages them), so that
   * pages side by side share none and miss none: from the page's oldest message when older pages
   * follow (or from the message a newer page was asked after; else from the start) until its
   * newest message when newer pages follow (or the message an older page was asked before; else
   * until now).
   */
  async forPage(
    contactId: number,
    page: { created_at: Date }[],
    span: { older: boolean; newer: boolean; before?: number; after?: number },
  ): Promise<TimelineRow[]> {
    const timeOf = async (id: number) => (await this.store.messages.byId(id))?.created_at ?? null;
    const from = span.after !== undefined ? await timeOf(span.after) : span.older && page.length > 0 ? page[page.length - 1].created_at : null;
    const until = span.before !== undefined ? await timeOf(span.before) : span.newer && page.length > 0 ? page[0].created_at : null;
    return this.store.chatTimeline.between(contactId, from, until);
  }
}
