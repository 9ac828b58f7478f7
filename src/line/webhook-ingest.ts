// The LINE webhook's core. accept() runs while LINE waits for its answer (2 s): it checks the
// signature and the envelope and stores every new event, with its contact, friend event and
// message, in ONE transaction, so a 200 means "stored". process() runs after the answer: the
// slow work (profile look-ups) and what the line-webhook node emits.
//
// Group and room events are stored in webhook_events and emitted with their source, but make no
// contact and no message row: the inbox and its handoff are for 1:1 chats only.
import { validateSignature } from '@line/bot-sdk';
import type { Store } from '../store/store';
import type { ContactRow, FriendStatus } from '../store/contacts';
import type { MessageRow } from '../store/messages';
import type { FriendEventType } from '../store/friend-events';
import type { WebhookEventInsert } from '../store/webhook-events';
import type { LiveChatEvents } from '../events';
import { closeSession, type SessionChangeResult } from '../live-chat/session-transitions';
import type { Logger } from '../logger';
import { type LineClients, lineErrorText } from './line-clients';
import { type LineSource, type LineWebhookEvent, readEnvelope } from './webhook-envelope';

/** A profile fetched within this long is not fetched again. */
export const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;

/** A newly stored event, as accept() hands it to process(). */
export interface AcceptedEvent {
  event: LineWebhookEvent;
  destination: string;
  /** When this instance received it (the reply token's age counts from here). */
  receivedAt: number;
  /** The 1:1 contact; null for group and room sources and events without a user. */
  contact: ContactRow | null;
  message: MessageRow | null;
}

export type AcceptResult =
  | { outcome: 'accepted'; events: AcceptedEvent[]; duplicates: number }
  | { outcome: 'bad-signature'; reason: string }
  | { outcome: 'bad-request'; reason: string };

/** What the line-webhook node emits for one event: msg.payload, msg.contact, msg.line. */
export interface LineEventOutput {
  payload: LineWebhookEvent;
  contact: ContactRow | null;
  line: LineEventContext;
}

export interface LineEventContext {
  replyToken: string | null;
  webhookEventId: string;
  destination: string;
  mode: string;
  source: LineSource | null;
  /** When the event was received, in ms since the epoch. */
  receivedAt: number;
  messageId?: string;
  markAsReadToken?: string;
}

export class LineWebhookIngest {
  constructor(
    private readonly store: Store,
    private readonly clients: LineClients,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
  ) {}

  async accept(rawBody: Buffer, signature: string | undefined, channelSecret: string): Promise<AcceptResult> {
    if (!signature) return { outcome: 'bad-signature', reason: 'x-line-signature is missing' };
    if (!validateSignature(rawBody, channelSecret, signature)) return { outcome: 'bad-signature', reason: 'x-line-signature does not match the body' };
    const reading = readEnvelope(rawBody);
    if (!reading.ok) return { outcome: 'bad-request', reason: reading.reason };
    const { destination, events } = reading.envelope;
    if (events.length === 0) return { outcome: 'accepted', events: [], duplicates: 0 };

    const receivedAt = Date.now();
    const changedContacts = new Map<number, ContactRow>();
    const closedSessions: SessionChangeResult[] = [];
    const accepted = await this.store.transaction(async (tx) => {
      const fresh = await tx.webhookEvents.insertNew(events.map((e) => webhookEventRow(e, destination)));
      const out: AcceptedEvent[] = [];
      for (const event of events) {
        // delete: the same id twice in one body is handled once
        if (!fresh.delete(event.webhookEventId)) continue;
        out.push(await this.record(tx, event, destination, receivedAt, changedContacts, closedSessions));
      }
      return out;
    });

    for (const contact of changedContacts.values()) this.events.emit('contact', { contact });
    for (const closed of closedSessions) this.events.emit('session', { ...closed, change: 'closed' });
    for (const a of accepted) {
      if (a.message && a.contact) this.events.emit('message', { message: a.message, contact: changedContacts.get(a.contact.id) ?? a.contact });
    }
    return { outcome: 'accepted', events: accepted, duplicates: events.length - accepted.length };
  }

  /** Stores what one new event means for its 1:1 contact. */
  private async record(
    tx: Store,
    event: LineWebhookEvent,
    destination: string,
    receivedAt: number,
    changed: Map<number, ContactRow>,
    closedSessions: SessionChangeResult[],
  ): Promise<AcceptedEvent> {
    const accepted: AcceptedEvent = { event, destination, receivedAt, contact: null, message: null };
    const userId = event.source?.type === 'user' ? event.source.userId : undefined;
    if (!userId) return accepted;

    const at = new Date(event.timestamp);
    const isMessage = event.type === 'message' && event.message !== undefined;
    // A message moves last_message_at in the same statement.
    const seen = await tx.contacts.ensure(userId, isMessage ? at : undefined);
    let contact = seen.contact;
    if (seen.created || isMessage) changed.set(contact.id, contact);

    if (event.type === 'follow' || event.type === 'unfollow') {
      const latest = await tx.friendEvents.latestFor(userId);
      const eventType: FriendEventType =
        event.type === 'unfollow'
          ? 'UNFOLLOW'
          : event.follow?.isUnblocked === true || contact.friend_status !== 'ACTIVE' || latest?.event_type === 'UNFOLLOW'
            ? 'REFOLLOW'
            : 'FOLLOW';
      await tx.friendEvents.insert({
        contact_id: contact.id,
        line_user_id: userId,
        event_type: eventType,
        source: 'WEBHOOK',
        webhook_event_id: event.webhookEventId,
        created_at: at,
      });
      // A late redelivery of an older event goes into the history but does not turn the status
      // back, nor end a chat the user started after it.
      const isNewest = !latest || latest.created_at.getTime() <= at.getTime();
      if (isNewest) {
        const status: FriendStatus = eventType === 'UNFOLLOW' ? 'UNFOLLOWED' : 'ACTIVE';
        contact = (await tx.contacts.setFriendStatus(contact.id, status, eventType === 'UNFOLLOW' ? undefined : at)) ?? contact;
        changed.set(contact.id, contact);
      }
      // A user who leaves ends their chat with a human: nobody can answer them any more.
      const open = eventType === 'UNFOLLOW' && isNewest ? await tx.chatSessions.openFor(contact.id) : undefined;
      const closed = open && (await closeSession(tx, open.id, 'USER'));
      if (closed) {
        closedSessions.push(closed);
        contact = closed.contact;
        changed.set(contact.id, contact);
      }
    }

    if (isMessage && event.message) {
      const { id, type, markAsReadToken } = event.message;
      accepted.message =
        (await tx.messages.insertIncomingIntoOpenSession({
          contact_id: contact.id,
          message_type: type,
          content: event.message,
          line_message_id: id,
          webhook_event_id: event.webhookEventId,
          mark_as_read_token: markAsReadToken ?? null,
          created_at: at,
        })) ?? null;
      // In a session with a human, the user's messages count towards it (message_count).
      const sessionId = accepted.message?.session_id;
      if (sessionId) await tx.chatSessions.countMessages(sessionId, 1, false);
    }
    accepted.contact = contact;
    return accepted;
  }

  /**
   * The work after the answer: fills missing or stale profiles (a failing profile API is logged
   * and never drops an event), marks the events processed, and answers what to emit.
   */
  async process(accepted: AcceptedEvent[], channelAccessToken: string): Promise<LineEventOutput[]> {
    const refreshed = new Map<string, ContactRow>();
    const stale = new Map<string, ContactRow>();
    for (const { contact } of accepted) {
      if (contact && !(contact.profile_fetched_at && Date.now() - contact.profile_fetched_at.getTime() < PROFILE_TTL_MS)) {
        stale.set(contact.line_user_id, contact);
      }
    }
    await Promise.all(
      [...stale.values()].map(async (contact) => {
        const updated = await this.refreshProfile(contact, channelAccessToken);
        if (updated) refreshed.set(updated.line_user_id, updated);
      }),
    );

    try {
      await this.store.webhookEvents.markProcessed(accepted.map((a) => a.event.webhookEventId));
    } catch (err) {
      this.log.error(`could not mark webhook events processed: ${lineErrorText(err)}`);
    }

    return accepted.map(({ event, destination, receivedAt, contact }) => ({
      payload: event,
      contact: contact ? (refreshed.get(contact.line_user_id) ?? contact) : null,
      line: {
        replyToken: event.replyToken ?? null,
        webhookEventId: event.webhookEventId,
        destination,
        mode: event.mode ?? 'active',
        source: event.source ?? null,
        receivedAt,
        ...(event.message ? { messageId: event.message.id } : {}),
        ...(event.message?.markAsReadToken ? { markAsReadToken: event.message.markAsReadToken } : {}),
      },
    }));
  }

  private async refreshProfile(contact: ContactRow, channelAccessToken: string): Promise<ContactRow | undefined> {
    try {
      const profile = await this.clients.messaging(channelAccessToken).getProfile(contact.line_user_id);
      const updated = await this.store.contacts.setProfile(contact.id, {
        display_name: profile.displayName ?? null,
        picture_url: profile.pictureUrl ?? null,
        status_message: profile.statusMessage ?? null,
        language: profile.language ?? null,
      });
      if (updated) this.events.emit('contact', { contact: updated });
      return updated;
    } catch (err) {
      this.log.warn(`LINE profile of ${contact.line_user_id} not fetched: ${lineErrorText(err)}`);
      return undefined;
    }
  }
}

function webhookEventRow(event: LineWebhookEvent, destination: string): WebhookEventInsert {
  const source = event.source;
  return {
    webhook_event_id: event.webhookEventId,
    destination,
    event_type: event.type.slice(0, 40),
    mode: event.mode?.slice(0, 16) ?? null,
    source_type: source?.type ?? null,
    source_id: source?.groupId ?? source?.roomId ?? source?.userId ?? null,
    line_user_id: source?.userId ?? null,
    payload: event,
    is_redelivery: event.deliveryContext?.isRedelivery === true,
    event_time: new Date(event.timestamp).toISOString(),
  };
}
