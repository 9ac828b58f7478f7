// The actions on a conversation (seed §4.2 LiveChatService), from the inbox or from a flow
// (live-chat-action): claim, assign and transfer (written on the chat's timeline), close and the
// manual BOT/HUMAN switch, with who may do what, and the system's own closing of idle chats and
// announcing of long waits. Every change is one conditional UPDATE in the database, so racing
// operators (or instances) get one winner.
import type { Store } from '../store/store';
import type { ContactRow, ChatMode } from '../store/contacts';
import type { ChatSessionRow, ClosedBy } from '../store/chat-sessions';
import type { OperatorView } from '../auth/operators';
import type { LiveChatEvents } from '../events';
import type { Logger } from '../logger';
import type { Credentials } from '../credentials/credential-service';
import type { LineSender } from '../line/line-sender';
import { operatorView } from '../auth/operators';
import { HttpError, badRequest, conflict, notFound } from '../http/errors';
import { type LiveChatSettings, readSettings } from './live-chat-settings';
import { csatQuestion, csatQuestionKey } from './csat';
import { lineErrorText } from '../line/line-clients';
import { closeSession, handOver, openSession } from './session-transitions';
import { sendSessionText, type TextOutcome } from './session-text';
import { openedAt } from './business-hours';
import type { OperatorRef } from './conversation-json';

/**
 * Who acts: an operator (the inbox, or a flow naming one), or null for the system itself (a flow
 * acting on its own), which may act in any chat, as an admin may.
 */
export type Actor = OperatorView | null;

export interface CloseOptions {
  /** Sent to the user as the operator's (the system's when no operator acts); '' sends nothing; absent sends the closing_message setting. */
  message?: string;
  /** LINE credential id or name for the closing message; the default one when absent. */
  credential?: string;
}

export interface SessionActionResult {
  contact: ContactRow;
  session: ChatSessionRow | null;
  /** false when nothing changed (closing a closed chat, claiming one's own). */
  changed: boolean;
  closingMessage?: TextOutcome;
}

export class ChatSessions {
  constructor(
    private readonly store: Store,
    private readonly lineSender: LineSender,
    private readonly credentials: Credentials,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    /** The clock idle chats are judged by (tests set it). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async contact(lineUserId: string): Promise<ContactRow> {
    const contact = await this.store.contacts.byLineUserId(lineUserId);
    if (!contact) throw notFound('Conversation');
    return contact;
  }

  /** WAITING -> ACTIVE for `operator`; 409 naming the owner when someone else holds it. */
  async claim(lineUserId: string, operator: OperatorView): Promise<SessionActionResult> {
    const contact = await this.contact(lineUserId);
    const open = await this.store.chatSessions.openFor(contact.id);
    if (!open) throw conflict('This chat has no open session to claim; switch it to HUMAN first', undefined, 'no_open_session');
    const claimed = open.status === 'WAITING' ? await this.handOver(contact, open, operator.id, operator.id) : undefined;
    if (claimed) return { contact, session: claimed, changed: true };
    const now = await this.store.chatSessions.byId(open.id);
    if (now?.status === 'ACTIVE' && now.operator_id === operator.id) return { contact, session: now, changed: false };
    if (now?.status === 'ACTIVE') throw await this.heldBy(now);
    throw conflict('This chat was closed meanwhile', undefined, 'closed_meanwhile');
  }

  /**
   * Gives the open session to `operator` (a flow's or an admin's act): a WAITING one is claimed
   * for them, an ACTIVE one held by someone else is handed over ('reassigned'). 409 when the chat
   * has no open session or the operator is not active.
   */
  async assign(lineUserId: string, operator: OperatorView): Promise<SessionActionResult> {
    if (!operator.active) throw conflict(`${operator.display_name} (${operator.username}) is not an active operator`);
    const contact = await this.contact(lineUserId);
    // A claim or close by someone else may land in between: then look again.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const open = await this.store.chatSessions.openFor(contact.id);
      if (!open) throw conflict('This chat has no open session to assign; switch it to HUMAN first', undefined, 'no_open_session');
      if (open.status === 'ACTIVE' && open.operator_id === operator.id) return { contact, session: open, changed: false };
      const taken = await this.handOver(contact, open, operator.id, null);
      if (taken) return { contact, session: taken, changed: true };
    }
    throw conflict('This chat kept changing while it was being assigned; try again');
  }

  /**
   * The inbox's transfer: the holder of the chat (or an admin, or anyone while it is WAITING)
   * hands it to another active operator, with an optional note on the timeline; an admin naming
   * themselves takes it over. Of two transfers at once one wins: the other gets 409, as does
   * one from an operator who no longer holds the chat.
   */
  async transfer(lineUserId: string, by: OperatorView, toOperatorId: number, note: string | null): Promise<SessionActionResult> {
    const target = await this.store.operators.byId(toOperatorId);
    if (!target?.active) throw badRequest('operator_id must be an active operator', 'operator_id');
    const contact = await this.contact(lineUserId);
    const open = await this.store.chatSessions.openFor(contact.id);
    if (!open) throw conflict('This chat has no open session to transfer; switch it to HUMAN first');
    if (open.status === 'ACTIVE' && open.operator_id === toOperatorId) throw await this.heldBy(open);
    if (open.status === 'ACTIVE' && open.operator_id !== by.id && by.role !== 'admin') throw await this.heldBy(open);
    const taken = await this.handOver(contact, open, toOperatorId, by.id, note);
    if (taken) return { contact, session: taken, changed: true };
    const now = await this.store.chatSessions.byId(open.id);
    if (now?.status === 'ACTIVE') throw await this.heldBy(now);
    throw conflict('This chat was closed meanwhile');
  }

  /**
   * Gives the open session to an operator (claimed while WAITING, else moved from its holder),
   * written on the timeline and announced; undefined when it changed meanwhile.
   */
  async handOver(contact: ContactRow, open: ChatSessionRow, toOperatorId: number, byOperatorId: number | null, note: string | null = null) {
    const done = await this.store.transaction((tx) => handOver(tx, open, toOperatorId, byOperatorId, note));
    if (!done) return undefined;
    this.events.emit('session', { session: done.session, contact, change: open.status === 'WAITING' ? 'claimed' : 'reassigned' });
    this.events.emit('timeline', { entry: done.entry, contact });
    return done.session;
  }

  /** The operator a flow names, by id or username; 404 when there is none. */
  async operator(ref: number | string): Promise<OperatorView> {
    const text = String(ref).trim();
    const row = /^\d+$/.test(text) ? await this.store.operators.byId(Number(text)) : text ? await this.store.operators.byUsername(text) : undefined;
    if (!row) throw notFound(`Operator "${text}"`);
    return operatorView(row);
  }

  /**
   * Closes the open session (closed_by OPERATOR, or SYSTEM when the system acts) and hands the
   * user back to the bot. Closing a closed chat changes nothing and is not an error.
   */
  async close(lineUserId: string, by: Actor, options: CloseOptions = {}): Promise<SessionActionResult> {
    const contact = await this.contact(lineUserId);
    const open = await this.store.chatSessions.openFor(contact.id);
    if (!open) {
      const back = contact.chat_mode === 'HUMAN' ? await this.setMode(contact, 'BOT') : contact;
      return { contact: back, session: null, changed: back !== contact };
    }
    await this.mayAct(open, by);
    const settings = await readSettings(this.store.settings);
    const ownMessage = options.message !== undefined;
    const closing = { text: ownMessage ? options.message! : settings.closing_message, operatorId: ownMessage ? (by?.id ?? null) : null };
    const closed = await this.closeAndAnnounce(open, by ? 'OPERATOR' : 'SYSTEM', { settings, closing });
    if (!closed) return { contact: (await this.store.contacts.byId(contact.id))!, session: (await this.store.chatSessions.byId(open.id))!, changed: false };

    const closingMessage = closing.text.trim()
      ? await this.sendClosing(closed.contact, closed.session, closing.text, closing.operatorId, options.credential)
      : undefined;
    if (closed.ratingAsked) await this.askRating(closed.contact, closed.session, settings, options.credential);
    return { contact: closed.contact, session: closed.session, changed: true, ...(closingMessage ? { closingMessage } : {}) };
  }

  /**
   * The manual switch: HUMAN opens a WAITING session, BOT closes the open one (by OPERATOR, or
   * SYSTEM when the system acts). Unlike close() it sends the user nothing: it only moves the
   * chat between bot and inbox.
   */
  async switchMode(lineUserId: string, mode: ChatMode, by: Actor): Promise<SessionActionResult> {
    const contact = await this.contact(lineUserId);
    if (mode === 'BOT') {
      const open = await this.store.chatSessions.openFor(contact.id);
      if (!open) {
        const back = contact.chat_mode === 'BOT' ? contact : await this.setMode(contact, 'BOT');
        return { contact: back, session: null, changed: back !== contact };
      }
      await this.mayAct(open, by);
      const closed = await this.closeAndAnnounce(open, by ? 'OPERATOR' : 'SYSTEM');
      return closed
        ? { contact: closed.contact, session: closed.session, changed: true }
        : { contact: (await this.store.contacts.byId(contact.id))!, session: null, changed: false };
    }
    const opened = await this.store.transaction((tx) => openSession(tx, contact));
    if (!opened) {
      const open = await this.store.chatSessions.openFor(contact.id);
      const now = (await this.store.contacts.byId(contact.id))!;
      return { contact: now, session: open ?? null, changed: false };
    }
    this.events.emit('contact', { contact: opened.contact });
    this.events.emit('session', { ...opened, change: 'opened' });
    return { ...opened, changed: true };
  }

  /**
   * Closes (closed_by SYSTEM) every session idle for auto_close_minutes and tells the user: one
   * never claimed is missed, and gets missed_message (the team could not answer in time).
   * Safe on several instances: each session is closed, and its user told, once.
   *
   * Only open time counts (business hours): while closed nothing is closed, and the idle clock
   * restarts when it opens, so a chat quiet overnight closes auto_close_minutes after opening at
   * the earliest, and only if still quiet by then.
   */
  async closeIdle(now = this.now()): Promise<ChatSessionRow[]> {
    const settings = await readSettings(this.store.settings);
    if (settings.auto_close_minutes <= 0) return [];
    const cutoff = new Date(now.getTime() - settings.auto_close_minutes * 60_000);
    // Every session's idle time began at the opening at the latest: none is idle long enough yet.
    const opened = openedAt(settings.business_hours, settings.time_zone, now);
    if (opened === null || opened > cutoff) return [];
    const idle = await this.store.chatSessions.idleSince(cutoff);
    const closedNow: ChatSessionRow[] = [];
    for (const session of idle) {
      const text = session.claimed_at === null ? settings.missed_message : settings.auto_close_message;
      const closed = await this.closeAndAnnounce(session, 'SYSTEM', { settings, closing: { text, operatorId: null } });
      if (!closed) continue;
      closedNow.push(closed.session);
      if (text) await this.sendClosing(closed.contact, closed.session, text, null);
      if (closed.ratingAsked) await this.askRating(closed.contact, closed.session, settings);
    }
    return closedNow;
  }

  /**
   * Announces (event 'waiting') the sessions WAITING for `minutes` or longer whose wait was not
   * announced yet. Safe on several instances and across restarts: each session is announced once
   * per threshold, by the instance that took it.
   */
  async announceLongWaits(minutes: number, now = new Date()): Promise<ChatSessionRow[]> {
    if (!Number.isInteger(minutes) || minutes < 1) throw new Error(`the waiting threshold must be a whole number of minutes, at least 1 (not ${minutes})`);
    const taken = await this.store.chatSessions.takeLongWaits(minutes, new Date(now.getTime() - minutes * 60_000));
    const sessions: ChatSessionRow[] = [];
    for (const { alerted_before, ...session } of taken) {
      const contact = await this.store.contacts.byId(session.contact_id);
      if (contact) this.events.emit('waiting', { session, contact, minutes, alertedBefore: alerted_before });
      sessions.push(session);
    }
    return sessions;
  }

  /** Only the holder of an ACTIVE session, an admin or the system may act in it; 403 naming the holder. */
  async mayAct(session: ChatSessionRow, operator: Actor): Promise<void> {
    if (!operator || session.status !== 'ACTIVE' || session.operator_id === operator.id || operator.role === 'admin') return;
    const holder = await this.holder(session);
    throw new HttpError(403, `${holder?.display_name ?? 'Another operator'} is handling this chat`, undefined, { operator: holder }, 'held_by_other');
  }

  /** The 409 a claim loser gets, naming the operator who holds the chat. */
  async heldBy(session: ChatSessionRow): Promise<HttpError> {
    const holder = await this.holder(session);
    return conflict(`${holder?.display_name ?? 'Another operator'} has claimed this chat already`, { operator: holder }, 'already_claimed');
  }

  private async holder(session: ChatSessionRow): Promise<OperatorRef | null> {
    const row = session.operator_id === null ? undefined : await this.store.operators.byId(session.operator_id);
    return row ? { id: row.id, username: row.username, display_name: row.display_name } : null;
  }

  /**
   * Closes the session in one transaction with what the user is to be told (`followUp`), stored
   * PENDING and sent once it has committed (sendClosing, askRating): the closing words, and the
   * CSAT question with its rating row when csat_enabled and an operator held it (a chat nobody
   * claimed is not rated); ratingAsked says the question is due. A crash after the commit leaves them to
   * the sweep of interrupted sends: shown FAILED, and Retry sends them.
   */
  private async closeAndAnnounce(
    open: ChatSessionRow,
    closedBy: ClosedBy,
    followUp?: { settings: Readonly<LiveChatSettings>; closing: { text: string; operatorId: number | null } },
  ) {
    const closed = await this.store.transaction(async (tx) => {
      const done = await closeSession(tx, open, closedBy);
      if (!done) return undefined;
      const { session, contact } = done;
      if (followUp?.closing.text.trim()) {
        const { text, operatorId } = followUp.closing;
        await this.lineSender.storeInTransaction(tx, {
          contact,
          messages: text,
          sender: operatorId === null ? 'SYSTEM' : 'OPERATOR',
          operatorId,
          sessionId: session.id,
          sendKey: closingKey(session.id),
        });
      }
      const asked = followUp?.settings.csat_enabled === true && session.operator_id !== null && session.claimed_at !== null;
      const rating = asked
        ? await tx.sessionRatings.ask({ session_id: session.id, contact_id: session.contact_id, operator_id: session.operator_id })
        : undefined;
      if (rating && followUp) {
        await this.lineSender.storeInTransaction(tx, {
          contact,
          messages: [csatQuestion(followUp.settings, session.id)],
          sender: 'SYSTEM',
          sessionId: session.id,
          sendKey: csatQuestionKey(session.id),
        });
      }
      return { ...done, ratingAsked: rating !== undefined };
    });
    if (closed) {
      this.events.emit('contact', { contact: closed.contact });
      this.events.emit('session', { ...closed, change: 'closed' });
    }
    return closed;
  }

  private async setMode(contact: ContactRow, mode: ChatMode): Promise<ContactRow> {
    const updated = (await this.store.contacts.setChatMode(contact.id, mode)) ?? contact;
    this.events.emit('contact', { contact: updated });
    return updated;
  }

  /**
   * The CSAT question, after the closing message, as the system's (once per session: its send
   * key). A failure is logged and kept as a FAILED message, like the closing message's.
   */
  private async askRating(contact: ContactRow, session: ChatSessionRow, settings: Readonly<LiveChatSettings>, credential?: string): Promise<void> {
    try {
      const line = await this.credentials.resolve('LINE', credential?.trim() || undefined);
      await this.lineSender.sendToContact({
        contact,
        messages: [csatQuestion(settings, session.id)],
        sender: 'SYSTEM',
        sessionId: session.id,
        sendKey: csatQuestionKey(session.id),
        channelAccessToken: line.secrets.channel_access_token ?? '',
      });
    } catch (err) {
      this.log.warn(`CSAT question to ${contact.line_user_id} not sent: ${lineErrorText(err)}`);
    }
  }

  /**
   * A closing message: the operator's own (operatorId set, counted in the session like any of
   * their messages) or the system's (not counted). A failure is logged and kept as a FAILED
   * message; it never reopens the chat.
   */
  private async sendClosing(contact: ContactRow, session: ChatSessionRow, text: string, operatorId: number | null, credential?: string): Promise<TextOutcome> {
    const outcome = await sendSessionText(this.lineSender, this.credentials, this.log, {
      what: 'closing message',
      contact,
      text,
      credential,
      sender: operatorId === null ? 'SYSTEM' : 'OPERATOR',
      operatorId,
      sessionId: session.id,
      sendKey: closingKey(session.id),
    });
    // An operator's own closing words are part of the conversation (once stored, sent or not).
    if (operatorId !== null && 'messages' in outcome && outcome.messages.length > 0) {
      await this.store.chatSessions.countMessages(session.id, outcome.messages.length, true);
    }
    return outcome;
  }
}

/** A session's closing words are sent once, under this key (stored with the close, sent after it). */
const closingKey = (sessionId: number) => `closing:${sessionId}`;
