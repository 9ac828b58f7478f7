// Messages to a user from the inbox or a flow (seed §4.3 send_message): checked, counted in the
// session when an operator sends them, stored first, pushed with a retry key; a message that
// finally fails stays in the history as FAILED and can be sent again under the same key.
import type { Store } from '../store/store';
import type { ChatSessionRow } from '../store/chat-sessions';
import type { MessageMedia } from '../store/messages';
import type { OperatorView } from '../auth/operators';
import type { Credentials } from '../credentials/credential-service';
import { type LineSender, type OutgoingContent, type SendResult, refuseUnfollowed, toLineMessages } from '../line/line-sender';
import { conflict, notFound } from '../http/errors';
import type { Actor, ChatSessions } from './chat-sessions';

export interface SendOptions {
  /** LINE credential id or name; the default one when absent. */
  credential?: string;
  /** The stored upload the (single) message carries (OutgoingMedia). */
  media?: MessageMedia;
}

export class OperatorMessages {
  constructor(
    private readonly store: Store,
    private readonly sessions: ChatSessions,
    private readonly lineSender: LineSender,
    private readonly credentials: Credentials,
  ) {}

  /**
   * An operator's message goes in the contact's open session: answering a WAITING chat claims it;
   * an ACTIVE one is the holder's (or an admin's) to answer. Without an operator (a flow on its
   * own) it is the system's (SYSTEM) in the open session, uncounted, or else the bot's (BOT).
   */
  async send(lineUserId: string, operator: Actor, content: OutgoingContent[], options: SendOptions = {}): Promise<SendResult> {
    const messages = toLineMessages(content);
    const contact = await this.sessions.contact(lineUserId);
    // Before the session is claimed or counted: nothing changes for a send LINE cannot deliver.
    refuseUnfollowed(contact);
    const token = await this.channelAccessToken(options.credential);
    if (!operator) {
      const open = await this.store.chatSessions.openFor(contact.id);
      return this.lineSender.sendToContact({
        contact,
        messages,
        sender: open ? 'SYSTEM' : 'BOT',
        sessionId: open?.id ?? null,
        channelAccessToken: token,
      });
    }
    const session = await this.sessionToAnswer(contact.id, operator);
    await this.store.chatSessions.countMessages(session.id, messages.length, true);
    return this.lineSender.sendToContact({
      contact,
      messages,
      sender: 'OPERATOR',
      operatorId: operator.id,
      sessionId: session.id,
      channelAccessToken: token,
      media: options.media,
    });
  }

  /** Sends a FAILED message again (with the others pushed together with it). */
  async retry(lineUserId: string, messageId: number, operator: OperatorView): Promise<SendResult> {
    const contact = await this.sessions.contact(lineUserId);
    const message = await this.store.messages.byId(messageId);
    if (!message || message.contact_id !== contact.id) throw notFound('Message');
    if (message.direction !== 'OUT' || !message.retry_key) throw conflict('Only messages sent to the user can be sent again', undefined, 'not_retryable');
    if (message.delivery_status !== 'FAILED') throw conflict(`This message is ${message.delivery_status}, not FAILED`, undefined, 'not_retryable');
    const session = message.session_id ? await this.store.chatSessions.byId(message.session_id) : undefined;
    if (session) await this.sessions.mayAct(session, operator);
    const group = (await this.store.messages.byRetryKey(message.retry_key)).filter((m) => m.delivery_status === 'FAILED');
    return this.lineSender.resend({ contact, messages: group, channelAccessToken: await this.channelAccessToken() });
  }

  private async sessionToAnswer(contactId: number, operator: OperatorView): Promise<ChatSessionRow> {
    const open = await this.store.chatSessions.openFor(contactId);
    if (!open) throw conflict('This chat is with the bot; switch it to HUMAN before answering', undefined, 'bot_mode');
    if (open.status === 'WAITING') {
      // Answering claims the chat; if someone else claimed it first, the rules below apply.
      const contact = (await this.store.contacts.byId(contactId))!;
      const claimed = await this.sessions.handOver(contact, open, operator.id, operator.id);
      if (claimed) return claimed;
      const now = await this.store.chatSessions.byId(open.id);
      if (now?.status !== 'ACTIVE') throw conflict('This chat was closed meanwhile', undefined, 'closed_meanwhile');
      if (now.operator_id !== operator.id && operator.role !== 'admin') throw await this.sessions.heldBy(now);
      return now;
    }
    await this.sessions.mayAct(open, operator);
    return open;
  }

  private async channelAccessToken(credential?: string): Promise<string> {
    const line = await this.credentials.resolve('LINE', credential?.trim() || undefined);
    return line.secrets.channel_access_token ?? '';
  }
}
