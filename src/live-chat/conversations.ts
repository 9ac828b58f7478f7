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
import { type LineClients, lineErrorText } from '../line/line-clients';
import { badRequest, notFound } from '../http/errors';
import { MAX_ID } from '../http/validation';
import { type ChatTimeline, timelineJson, timelineOperatorIds } from './chat-timeline';
import { contactJson, conversationJson, messageJson, type OperatorRef, sessionJson } from './conversation-json';

export interface ListRequest {
  filter: ConversationFilter;
  q?: string;
  /** Only chats with this label. */
  labelId?: number;
  limit: number;
  cursor?: string;
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
    const { rows, total } = await this.store.conversations.list({
      filter: request.filter,
      q: request.q,
      labelId: request.labelId,
      limit: request.limit + 1,
      after: request.cursor === undefined ? undefined : readCursor(request.cursor),
      operatorId: operator.id,
    });
    const page = rows.slice(0, request.limit);
    const counts = await this.store.conversations.openCounts();
    const last = page[page.length - 1];
    return {
      conversations: page.map(conversationJson),
      total,
      waiting_count: counts.waiting,
      active_count: counts.active,
      next_cursor: rows.length > request.limit && last ? `${last.activity_us}_${last.contact_id}` : null,
    };
  }

  /** The contact, its open session, a page of messages (newest first) and the timeline beside it; marks them read. */
  async detail(lineUserId: string, operator: OperatorView, page: { limit: number; before?: number }) {
    const contact = await this.store.contacts.byLineUserId(lineUserId);
    if (!contact) throw notFound('Conversation');
    const [rows, session] = await Promise.all([
      this.store.messages.pageForContact(contact.id, page.limit + 1, page.before),
      this.store.chatSessions.openFor(contact.id),
    ]);
    const messages = rows.slice(0, page.limit);
    const timeline = await this.timeline.forPage(contact.id, messages, rows.length > page.limit, page.before);
    const operators = await this.operatorRefs([...messages.map((m) => m.operator_id), session?.operator_id ?? null, ...timeline.flatMap(timelineOperatorIds)]);
    if (page.before === undefined) await this.markRead(contact, operator);
    return {
      contact: contactJson(contact),
      session: session ? sessionJson(session, operators.get(session.operator_id!)) : null,
      messages: messages.map((m) => messageJson(m, operators.get(m.operator_id!))),
      next_cursor: rows.length > page.limit ? String(messages[messages.length - 1].id) : null,
      /** Notes and changes of hands in the same span as the messages, oldest first. */
      timeline: timeline.map((entry) => timelineJson(entry, operators)),
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
