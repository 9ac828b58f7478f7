// One LiveChat's live inbox: the operators' connected sockets, and the core's events turned into
// what each of them needs to update its view without fetching everything again.
import type { Socket } from 'socket.io';
import type { LiveChatEvents, LiveChatEventMap } from '../events';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { OperatorView } from '../auth/operators';
import type { OperatorRef } from '../live-chat/conversation-json';
import { conversationJson, messageJson, sessionJson } from '../live-chat/conversation-json';
import type { ServerToClientEvents } from './realtime-events';

export type OperatorSocket = Socket<Record<string, never>, ServerToClientEvents>;

/** Conversation updates for one contact within this window go out once. */
export const CONVERSATION_DEBOUNCE_MS = 50;

export interface OperatorNames {
  operatorRefs(ids: (number | null)[]): Promise<Map<number, OperatorRef>>;
}

interface PendingConversation {
  contactId: number;
  /** The conversation changed for everyone; else only these operators read it. */
  everyone: boolean;
  readers: Set<number>;
}

type Listener<K extends keyof LiveChatEventMap> = (...args: LiveChatEventMap[K]) => void;

export class RealtimeHub {
  private readonly sockets = new Map<number, Set<OperatorSocket>>();
  private readonly pending = new Map<number, PendingConversation>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** One queue, so that updates leave in the order they happened (PENDING before SENT). */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly names: OperatorNames,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    private readonly debounceMs = CONVERSATION_DEBOUNCE_MS,
  ) {
    events.on('message', this.onMessage);
    events.on('contact', this.onContact);
    events.on('session', this.onSession);
    events.on('read', this.onRead);
  }

  /** Takes an authenticated operator's socket: it gets every update from now on, then `hello`. */
  async add(socket: OperatorSocket, operator: OperatorView): Promise<void> {
    // A core that closed meanwhile: drop the transport, so the client reconnects to the next one.
    if (this.closed) return void socket.conn.close();
    let own = this.sockets.get(operator.id);
    if (!own) {
      own = new Set();
      this.sockets.set(operator.id, own);
    }
    own.add(socket);
    socket.on('disconnect', () => {
      own.delete(socket);
      if (own.size === 0 && this.sockets.get(operator.id) === own) this.sockets.delete(operator.id);
    });
    try {
      const counts = await this.store.conversations.openCounts();
      socket.emit('hello', {
        operator: { id: operator.id, username: operator.username, display_name: operator.display_name, role: operator.role },
        waiting_count: counts.waiting,
        active_count: counts.active,
      });
    } catch (err) {
      this.log.error(`live inbox: greeting ${operator.username} failed: ${(err as Error).message}`);
      socket.conn.close();
    }
  }

  /** Stops listening and drops every socket's transport (their clients reconnect on their own). */
  async close(): Promise<void> {
    this.closed = true;
    this.events.off('message', this.onMessage);
    this.events.off('contact', this.onContact);
    this.events.off('session', this.onSession);
    this.events.off('read', this.onRead);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
    for (const own of this.sockets.values()) for (const socket of own) socket.conn.close();
    this.sockets.clear();
    await this.queue;
  }

  private readonly onMessage: Listener<'message'> = ({ message, contact }) => {
    if (!this.listening()) return;
    this.enqueue('message', async () => {
      const names = await this.names.operatorRefs([message.operator_id]);
      this.broadcast('message', { line_user_id: contact.line_user_id, message: messageJson(message, names.get(message.operator_id!)) });
    });
    this.conversationChanged(contact.id);
  };

  private readonly onContact: Listener<'contact'> = ({ contact }) => {
    if (this.listening()) this.conversationChanged(contact.id);
  };

  private readonly onSession: Listener<'session'> = ({ session, contact, change }) => {
    if (!this.listening()) return;
    this.enqueue('session', async () => {
      const names = await this.names.operatorRefs([session.operator_id]);
      this.broadcast('session', { line_user_id: contact.line_user_id, change, session: sessionJson(session, names.get(session.operator_id!)) });
    });
    this.conversationChanged(contact.id);
  };

  private readonly onRead: Listener<'read'> = ({ operatorId, contact }) => {
    if (this.listening()) this.conversationChanged(contact.id, operatorId);
  };

  /** Nobody connected: nothing to compute. */
  private listening(): boolean {
    return !this.closed && this.sockets.size > 0;
  }

  /** Collects the changes to one conversation for a moment: a webhook with 5 events costs one update. */
  private conversationChanged(contactId: number, reader?: number): void {
    let pending = this.pending.get(contactId);
    if (!pending) {
      pending = { contactId, everyone: false, readers: new Set() };
      const entry: PendingConversation = pending;
      this.pending.set(contactId, entry);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.pending.delete(contactId);
        this.enqueue('conversation', () => this.sendConversation(entry));
      }, this.debounceMs);
      this.timers.add(timer);
    }
    if (reader === undefined) pending.everyone = true;
    else pending.readers.add(reader);
  }

  /** The row once, every recipient's unread count in one query, the open counts once. */
  private async sendConversation(pending: PendingConversation): Promise<void> {
    const recipients = pending.everyone ? [...this.sockets.keys()] : [...pending.readers].filter((id) => this.sockets.has(id));
    if (recipients.length === 0) return;
    const row = await this.store.conversations.one(pending.contactId, recipients[0]);
    // A contact that never talked is not in the list either (a follow alone, say).
    if (!row || (row.last_message_id === null && row.session_id === null)) return;
    const unread = await this.store.conversationReads.unreadCounts(pending.contactId, recipients);
    const counts = await this.store.conversations.openCounts();
    for (const operatorId of recipients) {
      this.emitTo(operatorId, 'conversation', {
        conversation: conversationJson({ ...row, unread_count: unread.get(operatorId) ?? row.unread_count }),
        waiting_count: counts.waiting,
        active_count: counts.active,
      });
    }
  }

  /** Listeners must not throw: a failed update is logged, and the client catches up on reconnect. */
  private enqueue(what: string, work: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : work()))
      .catch((err: Error) => this.log.error(`live inbox: sending a ${what} update failed: ${err.message}`));
  }

  private broadcast<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    for (const operatorId of this.sockets.keys()) this.emitTo(operatorId, event, payload);
  }

  private emitTo<E extends keyof ServerToClientEvents>(operatorId: number, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    for (const socket of this.sockets.get(operatorId) ?? []) socket.emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }
}
