// Reading the inbox: the conversation list (seed appendix shape) and one conversation with its
// history. Opening a conversation marks it read for the operator, and in LINE too when LINE gave
// a mark-as-read token (the user then sees "Read").
import type { Store } from '../store/store';
import type { OperatorView } from '../auth/operators';
import type { LiveChatEvents } from '../events';
import type { Logger } from '../logger';
import type { Credentials } from '../credentials/credential-service';
import type { ConversationFilter } from '../store/conversations';
import type { ContactRow } from '../store/contacts';
import type { MessageRow } from '../store/messages';
import { type LineClients, lineErrorText } from '../line/line-clients';
import { badRequest, notFound } from '../http/errors';
import { MAX_ID } from '../http/validation';
import { type ChatTimeline, timelineJson, timelineOperatorIds } from './chat-timeline';
import { readSettings } from './live-chat-settings';
import { contactJson, conversationJson, messageJson, type OperatorRef, sessionJson } from './conversation-json';

export interface ListRequest {
  filter: ConversationFilter;
  q?: string;
  /** Only chats with this label. */
  labelId?: number;
  limit: number;
  cursor?: string;
}

export interface MessagePage {
  limit: number;
  before?: number;
  after?: number;
  around?: number;
}

/** Characters of context kept on each side of a search hit. */
const SNIPPET_CONTEXT = 40;

/** The part of `text` around the first case-insensitive match of `q` (ILIKE's match, in JS). */
export function snippet(text: string, q: string): { before: string; match: string; after: string } {
  const at = text.toLowerCase().indexOf(q.toLowerCase());
  if (at < 0) return { before: '', match: '', after: text.slice(0, 2 * SNIPPET_CONTEXT) };
  const end = at + q.length;
  const start = Math.max(0, at - SNIPPET_CONTEXT);
  const stop = Math.min(text.length, end + SNIPPET_CONTEXT);
  return {
    before: (start > 0 ? '…' : '') + text.slice(start, at),
    match: text.slice(at, end),
    after: text.slice(end, stop) + (stop < text.length ? '…' : ''),
  };
}

export class Conversations {
  /** Mark-as-read calls to LINE still under way. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly clients: LineClients,
    private readonly credentials: Credentials,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    private readonly timeline: ChatTimeline,
  ) {}

  async list(request: ListRequest, operator: OperatorView) {
    const { rows, total, counts } = await this.store.conversations.list({
      filter: request.filter,
      q: request.q,
      labelId: request.labelId,
      limit: request.limit + 1,
      after: request.cursor === undefined ? undefined : readCursor(request.cursor),
      operatorId: operator.id,
      botTraffic: (await readSettings(this.store.settings)).unread_bot_messages,
    });
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      conversations: page.map(conversationJson),
      total,
      waiting_count: counts.waiting,
      active_count: counts.active,
      next_cursor: rows.length > request.limit && last ? `${last.activity_us}_${last.contact_id}` : null,
    };
  }

  /**
   * The contact, its open session and a page of messages (newest first): the newest, or those
   * `before` or `after` a message, or `around` one (a search hit: it and up to half the page on
   * each side). `next_cursor` pages older, `newer_cursor` newer; a page that holds the newest
   * message marks the chat read. Beside them, the timeline (notes, changes of hands) of the same span.
   */
  async detail(lineUserId: string, operator: OperatorView, page: MessagePage) {
    const contact = await this.store.contacts.byLineUserId(lineUserId);
    if (!contact) throw notFound('Conversation');
    const [{ messages, older, newer }, session] = await Promise.all([this.messagePage(contact.id, page), this.store.chatSessions.openFor(contact.id)]);
    const timeline = await this.timeline.forPage(contact.id, messages, { older, newer, before: page.before, after: page.after });
    const operators = await this.operatorRefs([...messages.map((m) => m.operator_id), session?.operator_id ?? null, ...timeline.flatMap(timelineOperatorIds)]);
    if (page.before === undefined && !newer) await this.markRead(contact, operator);
    return {
      contact: contactJson(contact),
      session: session ? sessionJson(session, operators.get(session.operator_id!)) : null,
      messages: messages.map((m) => messageJson(m, operators.get(m.operator_id!))),
      next_cursor: older && messages.length ? String(messages[messages.length - 1].id) : null,
      newer_cursor: newer && messages.length ? String(messages[0].id) : null,
      /** Notes and changes of hands in the same span as the messages, oldest first. */
      timeline: timeline.map((entry) => timelineJson(entry, operators)),
    };
  }

  /** One page of a contact's messages, newest first, and whether there are older and newer ones. */
  private async messagePage(contactId: number, page: MessagePage): Promise<{ messages: MessageRow[]; older: boolean; newer: boolean }> {
    const messages = this.store.messages;
    if (page.around !== undefined) {
      const target = await messages.byId(page.around);
      if (!target || target.contact_id !== contactId) throw notFound('Message');
      const half = Math.max(1, Math.floor(page.limit / 2));
      const [before, after] = await Promise.all([
        messages.pageForContact(contactId, half + 1, target.id),
        messages.newerForContact(contactId, half + 1, target.id),
      ]);
      return { messages: [...after.slice(-half), target, ...before.slice(0, half)], older: before.length > half, newer: after.length > half };
    }
    if (page.after !== undefined) {
      const rows = await messages.newerForContact(contactId, page.limit + 1, page.after);
      return { messages: rows.slice(-page.limit), older: true, newer: rows.length > page.limit };
    }
    const rows = await messages.pageForContact(contactId, page.limit + 1, page.before);
    return { messages: rows.slice(0, page.limit), older: rows.length > page.limit, newer: false };
  }

  /**
   * Text messages holding `text`, newest first, each with its chat and a snippet around the
   * first match (`before`, `match`, `after`) for the inbox's search results.
   */
  async searchMessages(text: string, page: { limit: number; before?: number }) {
    const rows = await this.store.messages.searchText(text, page.limit + 1, page.before);
    const hits = rows.slice(0, page.limit);
    return {
      results: hits.map((row) => ({
        message: { id: row.id, direction: row.direction, sender: row.sender, created_at: row.created_at },
        conversation: { line_user_id: row.line_user_id, display_name: row.display_name, picture_url: row.picture_url },
        snippet: snippet(String(row.content.text ?? ''), text),
      })),
      next_cursor: rows.length > page.limit ? String(hits[hits.length - 1].id) : null,
    };
  }

  /** Names for operator ids, for the messages and sessions that carry only the id. */
  async operatorRefs(ids: (number | null)[]): Promise<Map<number, OperatorRef>> {
    const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
    const rows = wanted.length ? await this.store.operators.byIds(wanted) : [];
    return new Map(rows.map((row) => [row.id, { id: row.id, username: row.username, display_name: row.display_name }]));
  }

  /** Resolves once the LINE calls started by earlier reads have finished (for shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async markRead(contact: ContactRow, operator: OperatorView): Promise<void> {
    if (!(await this.store.conversationReads.markNewestRead(operator.id, contact.id))) return;
    this.events.emit('read', { operatorId: operator.id, contact });
    // The user sees "Read" in LINE; the inbox does not wait for it.
    const work = this.markReadInLine(contact.id, contact.line_user_id).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /**
   * Best effort: the inbox works the same when LINE refuses (the user just sees no "Read" until
   * the next message is read). The token is taken before LINE is called, so it is used once.
   */
  private async markReadInLine(contactId: number, lineUserId: string): Promise<void> {
    try {
      const taken = await this.store.messages.takeMarkAsReadToken(contactId);
      if (!taken) return;
      const credential = await this.credentials.resolve('LINE');
      const client = this.clients.messaging(credential.secrets.channel_access_token ?? '');
      const outcome = await this.clients.call(() => client.markMessagesAsReadByToken({ markAsReadToken: taken.token }));
      if (!outcome.ok) throw outcome.error;
    } catch (err) {
      this.log.warn(`could not mark the chat of ${lineUserId} read in LINE: ${lineErrorText(err)}`);
    }
  }
}

/** Microseconds from 1970 to the last instant of year 9999: a later cursor is not one of ours. */
const MAX_ACTIVITY_US = 253402300799999999n;

function readCursor(cursor: string): { activityUs: string; contactId: number } {
  const match = /^(\d{1,18})_(\d{1,10})$/.exec(cursor);
  const contactId = Number(match?.[2]);
  if (!match || BigInt(match[1]) > MAX_ACTIVITY_US || contactId < 1 || contactId > MAX_ID) {
    throw badRequest('cursor is not one this API gave out', 'cursor');
  }
  return { activityUs: match[1], contactId };
}
