// One LiveChat's live inbox: the operators' connected sockets, and the core's events turned into
// what each of them needs to update its view without fetching everything again. The changes of
// the other instances on the same database arrive through the InstanceLink and are turned into
// updates for this instance's sockets the same way (read here, batched here, sent to local rooms).
import { randomBytes } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import type { LiveChatEvents, LiveChatEventMap } from '../events';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { ConversationUpdates } from '../store/conversations';
import type { OperatorView } from '../auth/operators';
import type { OperatorRef } from '../live-chat/conversation-json';
import { conversationJson, messageJson, sessionJson } from '../live-chat/conversation-json';
import { timelineJson, timelineOperatorIds } from '../live-chat/chat-timeline';
import { inBackground } from '../util/urgency';
import { catalogJson, detailsJson } from '../live-chat/contact-details';
import { readSettings } from '../live-chat/live-chat-settings';
import type { ConversationPayload, ServerToClientEvents, Update, UpdatePayloads } from './realtime-events';
import type { InstanceLink, RemoteChange } from './instance-link';

export type OperatorSocket = Socket<Record<string, never>, ServerToClientEvents>;

/** Conversation updates for one contact within this window go out once. */
export const CONVERSATION_DEBOUNCE_MS = 50;
/**
 * Updates leave at most once per this window, together: a socket gets one packet (one write) for
 * all of them. The first update after a quiet window leaves at once.
 */
export const UPDATE_BATCH_MS = 25;
/** A batch this long leaves without waiting for its window. */
const UPDATE_BATCH_MAX = 500;
/** Conversations whose rows are read in one statement (a flush of more takes several). */
const CONVERSATIONS_PER_READ = 200;

export interface OperatorNames {
  operatorRefs(ids: (number | null)[]): Promise<Map<number, OperatorRef>>;
}

/** An update waiting for its batch: for every socket, or one operator's. */
interface Outgoing {
  operatorId?: number;
  update: Update;
}

interface PendingConversation {
  contactId: number;
  /** The conversation changed for everyone; else only these operators read it. */
  everyone: boolean;
  readers: Set<number>;
}

let hubCount = 0;

/**
 * The core's events that change what every operator sees (each counts towards a hub's live mark).
 * Not 'read': it changes only the reader's own unread count, of the chat the reader just opened.
 */
const HEARD = ['message', 'contact', 'session', 'timeline', 'details', 'catalog'] as const;

type Listener<K extends keyof LiveChatEventMap> = (...args: LiveChatEventMap[K]) => void;

export class RealtimeHub {
  private readonly sockets = new Map<number, Set<OperatorSocket>>();
  private readonly pending = new Map<number, PendingConversation>();
  private flushTimer?: NodeJS.Timeout;
  /** A flush waits in the conversations' lane: it takes whatever is pending when it starts. */
  private flushQueued = false;
  /** Message and session updates, in the order they happened (PENDING before SENT). */
  private readonly orderedUpdates: UpdateLane;
  /**
   * Conversation rows, in their own lane: their reads do not hold up the messages, and one
   * flush's rows never overtake the previous flush's.
   */
  private readonly conversationUpdates: UpdateLane;
  private readonly outgoing: Outgoing[] = [];
  private sendTimer?: NodeJS.Timeout;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** The sockets' namespace, for sending to rooms; rooms named after this hub, so another hub on it is not reached. */
  private namespace?: OperatorSocket['nsp'];
  private readonly roomPrefix = `live-inbox-${++hubCount}`;
  /** This hub's own part of its live marks: a mark of another instance (or hub) never matches one of this. */
  private readonly markPrefix = randomBytes(6).toString('hex');
  /** Changes heard so far (this core's events and the other instances'), whether or not anyone listened. */
  private changesHeard = 0;
  private readonly everyoneRoom = `${this.roomPrefix}:operators`;

  constructor(
    private readonly store: Store,
    private readonly names: OperatorNames,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    /** The other instances on the database (none on the embedded one). */
    private readonly link?: InstanceLink,
    private readonly debounceMs = CONVERSATION_DEBOUNCE_MS,
    private readonly batchMs = UPDATE_BATCH_MS,
  ) {
    this.orderedUpdates = new UpdateLane(log);
    this.conversationUpdates = new UpdateLane(log);
    events.on('message', this.onMessage);
    events.on('contact', this.onContact);
    events.on('session', this.onSession);
    events.on('read', this.onRead);
    events.on('timeline', this.onTimeline);
    events.on('details', this.onDetails);
    events.on('catalog', this.onCatalog);
    for (const name of HEARD) events.on(name, this.onChange);
  }

  /**
   * Serves the sockets of `io` (the socket.io server of this core's path): links it to the other
   * instances, before any socket of it joins a room. Again for the same `io`: nothing.
   */
  serve(io: Server): void {
    if (this.closed) return;
    this.namespace = io.sockets as unknown as OperatorSocket['nsp'];
    this.link?.attach(io, this.onRemote);
  }

  /** Stops serving `io` (closed by its owner): unlinks it from the other instances. */
  async unserve(io: Server): Promise<void> {
    if (this.namespace === (io.sockets as unknown)) await this.link?.close();
  }

  /**
   * Where this hub's live updates stand. A page read under one mark, and a socket that joined under
   * the same, missed nothing in between; under another, something changed that the socket may not
   * have heard of, and the page is read again (the inbox reads its list before its socket joins).
   * Changes are counted as they are heard: with no socket connected nothing is sent, yet a page read
   * then is just as stale.
   */
  liveMark(): string {
    return `${this.markPrefix}.${this.changesHeard}`;
  }

  /** Takes an authenticated operator's socket: it gets every update from now on, then `hello` (with the mark it joined under). */
  async add(socket: OperatorSocket, operator: OperatorView): Promise<void> {
    // A core that closed meanwhile: drop the transport, so the client reconnects to the next one.
    if (this.closed) return void socket.conn.close();
    let own = this.sockets.get(operator.id);
    if (!own) {
      own = new Set();
      this.sockets.set(operator.id, own);
    }
    own.add(socket);
    // Rooms let socket.io encode an update once for every socket that gets it.
    this.namespace ??= socket.nsp;
    socket.join([this.everyoneRoom, this.operatorRoom(operator.id)]);
    const liveMark = this.liveMark();
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
        live_mark: liveMark,
      });
    } catch (err) {
      this.log.error(`live inbox: greeting ${operator.username} failed: ${(err as Error).message}`);
      socket.conn.close();
    }
  }

  /** Stops listening and drops every socket's transport (their clients reconnect on their own). */
  async close(): Promise<void> {
    this.closed = true;
    await this.link?.close();
    this.events.off('message', this.onMessage);
    this.events.off('contact', this.onContact);
    this.events.off('session', this.onSession);
    this.events.off('read', this.onRead);
    this.events.off('timeline', this.onTimeline);
    this.events.off('details', this.onDetails);
    this.events.off('catalog', this.onCatalog);
    for (const name of HEARD) this.events.off(name, this.onChange);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending.clear();
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    this.outgoing.length = 0;
    for (const own of this.sockets.values()) for (const socket of own) socket.conn.close();
    this.sockets.clear();
    await Promise.all([this.orderedUpdates.close(), this.conversationUpdates.close()]);
  }

  private readonly onMessage: Listener<'message'> = ({ message, contact }) => {
    this.link?.publish({ kind: 'message', messageId: message.id, contactId: contact.id, lineUserId: contact.line_user_id });
    if (!this.listening()) return;
    this.orderedUpdates.enqueue('message', async () => {
      const names = await this.names.operatorRefs([message.operator_id]);
      this.send(['message', { line_user_id: contact.line_user_id, message: messageJson(message, names.get(message.operator_id!)) }]);
    });
    this.conversationChanged(contact.id);
  };

  private readonly onContact: Listener<'contact'> = ({ contact }) => {
    this.link?.publish({ kind: 'conversation', contactId: contact.id });
    if (this.listening()) this.conversationChanged(contact.id);
  };

  private readonly onSession: Listener<'session'> = ({ session, contact, change }) => {
    this.link?.publish({ kind: 'session', sessionId: session.id, contactId: contact.id, lineUserId: contact.line_user_id, change });
    if (!this.listening()) return;
    this.orderedUpdates.enqueue('session', async () => {
      const names = await this.names.operatorRefs([session.operator_id]);
      this.send(['session', { line_user_id: contact.line_user_id, change, session: sessionJson(session, names.get(session.operator_id!)) }]);
    });
    this.conversationChanged(contact.id);
  };

  /** A note or a change of hands: in order with the messages and sessions; the list row does not change. */
  private readonly onTimeline: Listener<'timeline'> = ({ entry, contact }) => {
    this.link?.publish({ kind: 'timeline', entryId: entry.id, contactId: contact.id, lineUserId: contact.line_user_id });
    if (!this.listening()) return;
    this.orderedUpdates.enqueue('timeline', async () => {
      const names = await this.names.operatorRefs(timelineOperatorIds(entry));
      this.send(['timeline', { line_user_id: contact.line_user_id, entry: timelineJson(entry, names) }]);
    });
  };

  private readonly onRead: Listener<'read'> = ({ operatorId, contact }) => {
    this.link?.publish({ kind: 'conversation', contactId: contact.id, reader: operatorId });
    if (this.listening()) this.conversationChanged(contact.id, operatorId);
  };

  private readonly onDetails: Listener<'details'> = ({ contact }) => {
    this.link?.publish({ kind: 'details', contactId: contact.id });
    if (this.listening()) this.detailsChanged(contact.id);
  };

  private readonly onCatalog: Listener<'catalog'> = () => {
    this.link?.publish({ kind: 'catalog' });
    if (this.listening()) this.catalogChanged();
  };

  /** A contact's details as they are now, to everyone; its list row too (labels). */
  private detailsChanged(contactId: number): void {
    this.orderedUpdates.enqueue('details', async () => {
      const contact = await this.store.contacts.byId(contactId);
      if (contact) this.send(['contact_details', await detailsJson(this.store, contact)]);
    });
    this.conversationChanged(contactId);
  }

  private catalogChanged(): void {
    this.orderedUpdates.enqueue('catalog', async () => this.send(['contact_catalog', await catalogJson(this.store)]));
  }

  /** One of this core's changes heard (HEARD), for the live mark. */
  private readonly onChange = (): void => {
    this.changesHeard++;
  };

  /**
   * What changed on another instance, for this instance's sockets: the rows are read here (as
   * they are now: a message's later state is as good as the one it was sent in), in the order
   * the changes came.
   */
  private readonly onRemote = (changes: RemoteChange[]): void => {
    this.changesHeard++;
    if (!this.listening()) return;
    for (const change of changes) {
      if (change.kind === 'details') {
        this.detailsChanged(change.contactId);
        continue;
      }
      if (change.kind === 'catalog') {
        this.catalogChanged();
        continue;
      }
      if (change.kind === 'message') {
        this.orderedUpdates.enqueue('message', async () => {
          const message = await this.store.messages.byId(change.messageId);
          if (!message) return;
          const names = await this.names.operatorRefs([message.operator_id]);
          this.send(['message', { line_user_id: change.lineUserId, message: messageJson(message, names.get(message.operator_id!)) }]);
        });
      } else if (change.kind === 'session') {
        this.orderedUpdates.enqueue('session', async () => {
          const session = await this.store.chatSessions.byId(change.sessionId);
          if (!session) return;
          const names = await this.names.operatorRefs([session.operator_id]);
          this.send(['session', { line_user_id: change.lineUserId, change: change.change, session: sessionJson(session, names.get(session.operator_id!)) }]);
        });
      } else if (change.kind === 'timeline') {
        this.orderedUpdates.enqueue('timeline', async () => {
          const entry = await this.store.chatTimeline.byId(change.entryId);
          if (!entry) return;
          const names = await this.names.operatorRefs(timelineOperatorIds(entry));
          this.send(['timeline', { line_user_id: change.lineUserId, entry: timelineJson(entry, names) }]);
        });
        continue;
      }
      this.conversationChanged(change.contactId, change.kind === 'conversation' ? change.reader : undefined);
    }
  };

  /** Nobody connected: nothing to compute. */
  private listening(): boolean {
    return !this.closed && this.sockets.size > 0;
  }

  /**
   * Collects the changes to conversations for a moment: a webhook with 5 events costs one update,
   * and every conversation changed meanwhile goes out in one flush.
   */
  private conversationChanged(contactId: number, reader?: number): void {
    let pending = this.pending.get(contactId);
    if (!pending) {
      pending = { contactId, everyone: false, readers: new Set() };
      this.pending.set(contactId, pending);
    }
    if (reader === undefined) pending.everyone = true;
    else pending.readers.add(reader);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      // While reads run, changes gather into the one flush queued behind them: under load the
      // flushes grow, not the queue.
      if (this.flushQueued) return;
      this.flushQueued = true;
      this.conversationUpdates.enqueue('conversation', () => {
        this.flushQueued = false;
        const entries = [...this.pending.values()];
        this.pending.clear();
        return this.sendConversations(entries);
      });
    }, this.debounceMs);
  }

  /**
   * Every changed conversation's row, each recipient's unread count and the open counts in one
   * read, then their rows queued together (one batch).
   */
  private async sendConversations(entries: PendingConversation[]): Promise<void> {
    for (let i = 0; i < entries.length; i += CONVERSATIONS_PER_READ) {
      const wanted = entries
        .slice(i, i + CONVERSATIONS_PER_READ)
        .map((entry) => ({
          contactId: entry.contactId,
          operatorIds: entry.everyone ? [...this.sockets.keys()] : [...entry.readers].filter((id) => this.sockets.has(id)),
        }))
        .filter((w) => w.operatorIds.length > 0);
      if (wanted.length === 0) continue;
      let read: ConversationUpdates;
      try {
        read = await this.store.conversations.forReaders(wanted, (await readSettings(this.store.settings)).unread_bot_messages);
      } catch (err) {
        this.log.error(`live inbox: sending conversation updates failed: ${(err as Error).message}`);
        continue;
      }
      for (const { contactId, operatorIds } of wanted) {
        const found = read.rows.get(contactId);
        // A contact that never talked is not in the list either (a follow alone, say).
        if (!found || (found.row.last_message_id === null && found.row.session_id === null)) continue;
        // Operators with the same unread count share one payload, so their batches can be encoded once.
        const byUnread = new Map<number, ConversationPayload>();
        for (const operatorId of operatorIds) {
          const unreadCount = found.unread.get(operatorId) ?? 0;
          let payload = byUnread.get(unreadCount);
          if (!payload) {
            payload = {
              conversation: conversationJson({ ...found.row, unread_count: unreadCount }),
              waiting_count: read.counts.waiting,
              active_count: read.counts.active,
            };
            byUnread.set(unreadCount, payload);
          }
          this.send(['conversation', payload], operatorId);
        }
      }
    }
  }

  /** Queues an update for every socket, or for one operator's, for the next batch. */
  private send(update: Update, operatorId?: number): void {
    if (this.closed || (operatorId !== undefined && !this.sockets.has(operatorId))) return;
    this.outgoing.push({ operatorId, update });
    if (this.outgoing.length >= UPDATE_BATCH_MAX) this.sendBatch();
    else this.sendTimer ??= setTimeout(() => this.sendBatch(), Math.max(0, this.lastSentAt + this.batchMs - performance.now()));
  }

  /**
   * Every socket gets what was queued for everyone and for its operator, in order, in one packet.
   * Operators whose batches hold the same payloads share one emit to their rooms: socket.io
   * encodes it once for all their sockets.
   */
  private sendBatch(): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    this.lastSentAt = performance.now();
    const batch = this.outgoing.splice(0);
    if (!this.namespace || batch.length === 0) return;
    // Local: the other instances' sockets get their updates from their own hubs.
    const local = this.namespace.local;
    if (batch.every((item) => item.operatorId === undefined)) {
      local.to(this.everyoneRoom).emit(
        'updates',
        batch.map((item) => item.update),
      );
      return;
    }
    const payloadIds = new Map<UpdatePayloads[keyof UpdatePayloads], number>();
    const groups = new Map<string, { rooms: string[]; updates: Update[] }>();
    for (const operatorId of this.sockets.keys()) {
      const updates = batch.filter((item) => item.operatorId === undefined || item.operatorId === operatorId).map((item) => item.update);
      if (updates.length === 0) continue;
      const key = updates
        .map(([, payload]) => {
          const known = payloadIds.get(payload);
          if (known !== undefined) return known;
          payloadIds.set(payload, payloadIds.size);
          return payloadIds.size - 1;
        })
        .join(',');
      const group = groups.get(key);
      if (group) group.rooms.push(this.operatorRoom(operatorId));
      else groups.set(key, { rooms: [this.operatorRoom(operatorId)], updates });
    }
    for (const { rooms, updates } of groups.values()) local.to(rooms).emit('updates', updates);
  }

  private operatorRoom(operatorId: number): string {
    return `${this.roomPrefix}:operator:${operatorId}`;
  }
}

/**
 * Updates that leave one after the other: a list worked off by one loop, not a chain of promises
 * (a long chain makes every await in it slow). Work must not throw: a failure is logged, and the
 * client catches up on reconnect.
 */
class UpdateLane {
  private readonly tasks: { what: string; work: () => Promise<void> }[] = [];
  private draining?: Promise<void>;
  private closed = false;

  constructor(private readonly log: Logger) {}

  enqueue(what: string, work: () => Promise<void>): void {
    if (this.closed) return;
    this.tasks.push({ what, work });
    // Live updates go out after what caused them: never ahead of an operator's request.
    this.draining ??= inBackground(() => this.drain());
  }

  /** Drops what is queued and waits for the update being sent. */
  async close(): Promise<void> {
    this.closed = true;
    this.tasks.length = 0;
    await this.draining;
  }

  /** Marked done in the same step that finds the list empty, so no task is left behind. */
  private async drain(): Promise<void> {
    // Yield first: `draining` is set before the loop can finish.
    await null;
    try {
      for (let task = this.tasks.shift(); task && !this.closed; task = this.tasks.shift()) {
        try {
          await task.work();
        } catch (err) {
          this.log.error(`live inbox: sending a ${task.what} update failed: ${(err as Error).message}`);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
