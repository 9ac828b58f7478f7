// The handoff (seed §2, §6): a user asks for a human, so the contact goes to HUMAN, a WAITING
// session opens, and the greeting goes out by reply token. The database allows one open session
// per contact, so racing triggers (two events in one webhook, two instances) open one session
// and greet once; the losers learn that a session is open already.
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
  mode?: string;
  /** The user's message that asked (stored already): it joins the session and is counted. */
  triggerMessageId?: number | null;
  /** The node's own greeting, else the stored setting. */
  greeting?: string;
  /** LINE credential id or name, else the default one. */
  lineCredential?: string;
}

export type HandoffResult =
  | { outcome: 'opened'; session: ChatSessionRow; contact: ContactRow; greeting: TextOutcome; recentMessages: MessageRow[] }
  | { outcome: 'already-open'; session: ChatSessionRow; contact: ContactRow };

export class Handoff {
  constructor(
    private readonly store: Store,
    private readonly lineSender: LineSender,
    private readonly credentials: Credentials,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
  ) {}

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

  async start(request: HandoffRequest, attempt = 1): Promise<HandoffResult> {
    const triggerId = request.triggerMessageId ?? null;
    const opened = await this.store.transaction(async (tx) => {
      const result = await openSession(tx, request.contact);
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
        return this.start({ ...request, contact }, attempt + 1);
      }
      // A trigger that raced the winner (two keywords in one webhook) still belongs to the session.
      const session = await this.store.transaction((tx) => joinSession(tx, open, triggerId));
      return { outcome: 'already-open', session, contact };
    }

    this.events.emit('contact', { contact: opened.contact });
    this.events.emit('session', { ...opened, change: 'opened' });
    const greeting = await this.greet(request, opened.contact, opened.session);
    const recentMessages = await this.store.messages.recentIncoming(opened.contact.id, RECENT_MESSAGES);
    return { outcome: 'opened', ...opened, greeting, recentMessages };
  }

  /** The greeting, stored as a SYSTEM message; a failure is reported, never undoes the handoff. */
  private async greet(request: HandoffRequest, contact: ContactRow, session: ChatSessionRow): Promise<TextOutcome> {
    const text = request.greeting?.trim() || (await readSettings(this.store.settings)).handoff_greeting;
    return sendSessionText(this.lineSender, this.credentials, this.log, {
      what: 'handoff greeting',
      contact,
      text,
      credential: request.lineCredential,
      replyToken: request.replyToken,
      receivedAt: request.receivedAt,
      mode: request.mode,
      sender: 'SYSTEM',
      sessionId: session.id,
    });
  }
}

/** Puts the user's message that was stored before its session into it, counting it once. */
async function joinSession(tx: Store, session: ChatSessionRow, messageId: number | null): Promise<ChatSessionRow> {
  if (!messageId) return session;
  // The contact first (the store's lock order), so a close of this chat waits or is waited for.
  await tx.contacts.lock(session.contact_id);
  if (!(await tx.messages.attachToSession(messageId, session.id))) return session;
  return (await tx.chatSessions.countMessages(session.id, 1, false)) ?? session;
}
