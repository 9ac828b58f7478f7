// The handoff (seed §2, §6): a user asks for a human, so the contact goes to HUMAN, a WAITING
// session opens, and the greeting goes out by reply token. The database allows one open session
// per contact, so racing triggers (two events in one webhook, two instances) open one session
// and greet once; the losers learn that a session is open already.
//
// The session keeps the webhook event that opened it, so the same event run again (emitted again
// after a crash: msg.line.redelivery) finds its own session and completes what was not done; the
// greeting is sent once per session (its send key), whoever tries again.
//
// Outside business hours the session still opens WAITING (operators on duty may answer), marked
// after_hours, and the away message naming the next opening goes instead of the greeting, under
// the same send key: one or the other, once per session.
import type { Store } from '../store/store';
import type { ContactRow } from '../store/contacts';
import type { ChatSessionRow } from '../store/chat-sessions';
import type { MessageRow } from '../store/messages';
import type { LiveChatEvents } from '../events';
import type { Logger } from '../logger';
import type { Credentials } from '../credentials/credential-service';
import type { LineSender } from '../line/line-sender';
import { sendSessionText, type TextOutcome } from './session-text';
import { type KeywordMatchMode, readSettings } from './live-chat-settings';
import { isHandoffPostback, matchesKeyword } from './keyword-match';
import { openSession } from './session-transitions';
import { isOpenAt, nextOpening } from './business-hours';
import { awayText } from './away-message';
import type { QueueUpdates } from './queue-updates';
import { errorText } from '../util/error-text';

/** How many of the user's last messages go with a handoff (for the Telegram alert). */
export const RECENT_MESSAGES = 3;

export interface TriggerInput {
  /** The LINE webhook event (msg.payload). */
  event: unknown;
  /** msg.handoff: any flow may ask for a handoff. */
  handoff?: unknown;
  /** The node's own keywords and mode, else the stored settings. */
  keywords?: readonly string[];
  matchMode?: KeywordMatchMode;
}

export interface HandoffRequest {
  contact: ContactRow;
  replyToken?: string | null;
  receivedAt?: number;
  /** LINE's timestamp of the event that asked: the greeting is placed right after it in the chat. */
  eventTimestamp?: number;
  mode?: string;
  /** The user's message that asked (stored already): it joins the session and is counted. */
  triggerMessageId?: number | null;
  /** The node's own greeting, else the stored setting. */
  greeting?: string;
  /** LINE credential id or name, else the default one. */
  lineCredential?: string;
  /** The webhook event that asked (msg.line.webhookEventId): its session is its own on a re-run. */
  webhookEventId?: string;
  /** The event was emitted before (msg.line.redelivery): a session it opened and that closed since is not opened again. */
  redelivery?: boolean;
}

/** A session opened for the request; `resumed`: opened earlier by the same event, run again. */
export interface OpenedHandoff {
  outcome: 'opened';
  session: ChatSessionRow;
  contact: ContactRow;
  recentMessages: MessageRow[];
  resumed?: true;
}

export type OpenResult = OpenedHandoff | { outcome: 'already-open'; session: ChatSessionRow; contact: ContactRow };

/** Whether the team is open now and, when not, when it opens next. */
export interface OpenNow {
  open_now: boolean;
  next_opening: string | null;
}

export type HandoffResult = (OpenedHandoff & { greeting: TextOutcome }) | { outcome: 'already-open'; session: ChatSessionRow; contact: ContactRow };

export class Handoff {
  constructor(
    private readonly store: Store,
    private readonly lineSender: LineSender,
    private readonly credentials: Credentials,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    private readonly queue: QueueUpdates,
    /** The clock business hours are judged by (tests set it). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Is the team open now (business_hours in time_zone), and when does it open next (an ISO time;
   * null when open now, or never)? The shape the API, msg.businessHours and the events share.
   */
  async businessHours(): Promise<OpenNow> {
    const { business_hours, time_zone } = await readSettings(this.store.settings);
    const now = this.now();
    const open = isOpenAt(business_hours, time_zone, now);
    return { open_now: open, next_opening: open ? null : (nextOpening(business_hours, time_zone, now)?.toISOString() ?? null) };
  }

  /** Does this msg ask for a human: msg.handoff === true, the handoff postback, or a keyword? */
  async isTrigger(input: TriggerInput): Promise<boolean> {
    const event = input.event as
      | { type?: string; source?: { type?: string }; message?: { type?: string; text?: unknown }; postback?: { data?: unknown } }
      | undefined;
    // Groups and rooms have no contact to hand over (the inbox is for 1:1 chats).
    if (event?.source?.type !== undefined && event.source.type !== 'user') return false;
    if (input.handoff === true) return true;
    if (event?.type === 'postback') return isHandoffPostback(event.postback?.data);
    if (event?.type !== 'message' || event.message?.type !== 'text' || typeof event.message.text !== 'string') return false;
    const settings = input.keywords?.length && input.matchMode ? undefined : await readSettings(this.store.settings);
    const keywords = input.keywords?.length ? input.keywords : settings!.handoff_keywords;
    return matchesKeyword(event.message.text, keywords, input.matchMode ?? settings!.handoff_match_mode);
  }

  /** Opens the session and greets: open() and then greet(). */
  async start(request: HandoffRequest): Promise<HandoffResult> {
    const opened = await this.open(request);
    if (opened.outcome !== 'opened') return opened;
    return { ...opened, greeting: await this.greet(request, opened) };
  }

  /**
   * The session this request's event opened before (a re-run of the event, the contact in HUMAN
   * mode already), still open; undefined when there is none.
   */
  async resume(request: HandoffRequest): Promise<OpenedHandoff | undefined> {
    if (!request.webhookEventId) return undefined;
    const open = await this.store.chatSessions.openFor(request.contact.id);
    if (!open || open.trigger_event_id !== request.webhookEventId) return undefined;
    return this.resumed(open, (await this.store.contacts.byId(request.contact.id)) ?? request.contact);
  }

  /** Did this webhook event open the contact's open session (its handoff, run again, is to be finished)? */
  async openedBy(contactId: number, webhookEventId: string): Promise<boolean> {
    const open = await this.store.chatSessions.openFor(contactId);
    return open !== undefined && open.trigger_event_id === webhookEventId;
  }

  private async resumed(session: ChatSessionRow, contact: ContactRow): Promise<OpenedHandoff> {
    return { outcome: 'opened', session, contact, recentMessages: await this.store.messages.recentIncoming(contact.id, RECENT_MESSAGES), resumed: true };
  }

  /** HUMAN mode and a WAITING session (the greeting is greet()'s): one open session per contact. */
  async open(request: HandoffRequest, attempt = 1): Promise<OpenResult> {
    const triggerId = request.triggerMessageId ?? null;
    if (request.redelivery && request.webhookEventId) {
      const before = await this.store.chatSessions.openedByEvent(request.contact.line_user_id, request.webhookEventId);
      // Handed over, then closed already: this event's handoff is behind it.
      if (before && before.status === 'CLOSED') return { outcome: 'already-open', session: before, contact: request.contact };
    }
    const afterHours = !(await this.businessHours()).open_now;
    const opened = await this.store.transaction(async (tx) => {
      const result = await openSession(tx, request.contact, request.webhookEventId ?? null, afterHours);
      if (!result) return undefined;
      result.session = await joinSession(tx, result.session, triggerId);
      return result;
    });
    if (!opened) {
      const contact = (await this.store.contacts.byId(request.contact.id)) ?? request.contact;
      const open = await this.store.chatSessions.openFor(contact.id);
      // Closed again in between: there is nothing open to report, so try again.
      if (!open) {
        if (attempt >= 3) throw new Error(`the chat of ${contact.line_user_id} keeps opening and closing; handoff not started`);
        return this.open({ ...request, contact }, attempt + 1);
      }
      if (request.webhookEventId && open.trigger_event_id === request.webhookEventId) {
        return this.resumed(open, contact);
      }
      // A trigger that raced the winner (two keywords in one webhook) still belongs to the session.
      const session = await this.store.transaction((tx) => joinSession(tx, open, triggerId));
      return { outcome: 'already-open', session, contact };
    }

    this.events.emit('contact', { contact: opened.contact });
    this.events.emit('session', { ...opened, change: 'opened' });
    const recentMessages = await this.store.messages.recentIncoming(opened.contact.id, RECENT_MESSAGES);
    return { outcome: 'opened', ...opened, recentMessages };
  }

  /**
   * The session's greeting (the away message, if it opened after hours), stored as a SYSTEM
   * message, once per session (a second call finds it and sends nothing, or pushes it under its
   * retry key when its outcome was unknown); a failure is reported, never undoes the handoff.
   * The user's place in the queue, when they are to be told it (QueueUpdates.onHandoff; never
   * after hours), goes in the same send, after the greeting.
   */
  async greet(request: HandoffRequest, { contact, session }: Pick<OpenedHandoff, 'contact' | 'session'>): Promise<TextOutcome> {
    const settings = await readSettings(this.store.settings);
    let text = request.greeting?.trim() || settings.handoff_greeting;
    if (session.after_hours) {
      if (!settings.away_message) return { status: 'SKIPPED', via: null, messages: [] };
      const now = this.now();
      text = awayText(settings.away_message, nextOpening(settings.business_hours, settings.time_zone, now), settings.time_zone, now);
    }
    const queue = request.mode === 'standby' || session.after_hours ? undefined : await this.queuePlace(session);
    return sendSessionText(this.lineSender, this.credentials, this.log, {
      what: session.after_hours ? 'away message' : 'handoff greeting',
      contact,
      text: queue ? [text, queue] : text,
      credential: request.lineCredential,
      replyToken: request.replyToken,
      receivedAt: request.receivedAt,
      eventTimestamp: request.eventTimestamp,
      mode: request.mode,
      sender: 'SYSTEM',
      sessionId: session.id,
      sendKey: `greeting:${session.id}`,
    });
  }

  /** The queue message for the greeting's send; a failure to work it out costs only that message. */
  private async queuePlace(session: ChatSessionRow): Promise<string | undefined> {
    try {
      return await this.queue.onHandoff(session, this.now());
    } catch (err) {
      this.log.warn(`the queue place of session ${session.id} not told: ${errorText(err)}`);
      return undefined;
    }
  }
}

/**
 * Puts the user's messages that were stored before their session into it (the trigger, and those
 * right behind it: MessagesTable.attachToSession), counting each once.
 */
async function joinSession(tx: Store, session: ChatSessionRow, messageId: number | null): Promise<ChatSessionRow> {
  if (!messageId) return session;
  // The contact first (the store's lock order), so a close of this chat waits or is waited for.
  await tx.contacts.lock(session.contact_id);
  const attached = await tx.messages.attachToSession(messageId, session.id);
  if (attached === 0) return session;
  return (await tx.chatSessions.countMessages(session.id, attached, false)) ?? session;
}
