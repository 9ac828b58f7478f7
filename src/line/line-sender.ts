// Sending to a contact. The messages are stored first (PENDING), so nothing is lost whatever
// LINE does; then they go by reply token while it is fresh and unused, else by push with an
// X-Line-Retry-Key (the same key on every retry, so LINE runs the push at most once), and are
// marked SENT or FAILED with the reason.
//
// Standby-mode events (another channel owns the chat) send nothing and store nothing: the
// result says SKIPPED. Any failed reply falls back to push: a duplicate is better than a loss.
//
// Concurrent sends share statements (StatementBatchers): the PENDING rows of the sends called
// while one insert is in flight go in the next one, in call order (so a contact's ids follow the
// order its sends were called), and so do their SENT/FAILED marks. A batch that fails is redone
// one send at a time, so a bad send fails alone. On a transaction's Store nothing is shared.
//
// A send with a sendKey (a session's greeting, a bot answer to one webhook event) happens once:
// a second attempt finds the stored rows and sends nothing when they were SENT, else (a crash
// mid-call left them PENDING, or they FAILED) pushes them under their own retry key.
import crypto from 'node:crypto';
import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import type { Store } from '../store/store';
import type { ContactRow } from '../store/contacts';
import {
  type DeliveryState,
  type DeliveryUpdate,
  type MessageRow,
  type MessageSender,
  type MessagesTable,
  type OutgoingMessage,
  withDelivery,
} from '../store/messages';
import type { LiveChatEvents } from '../events';
import type { Logger } from '../logger';
import { badRequest } from '../http/errors';
import { StatementBatcher } from '../util/statement-batcher';
import { type LineClients, lineErrorText } from './line-clients';
import { withAttemptLimit, withinBudget } from './line-deadlines';

export const MAX_MESSAGES_PER_SEND = 5;
export const MAX_TEXT_LENGTH = 5000;
/** LINE honours a reply token for about a minute; past this age we push instead. */
export const REPLY_TOKEN_MAX_AGE_MS = 50_000;
export const PUSH_ATTEMPTS = 3;
/** The most message rows one shared insert or delivery mark carries. */
export const MAX_ROWS_PER_STATEMENT = 500;

export type OutgoingContent = string | { type: string; [key: string]: unknown };

export interface SendRequest {
  contact: ContactRow;
  /** Text strings or LINE message objects, 1 to 5. */
  messages: OutgoingContent | OutgoingContent[];
  replyToken?: string | null;
  /** When the event carrying the reply token was received (ms since the epoch). */
  receivedAt?: number;
  /**
   * LINE's timestamp of the event this answers (ms since the epoch): the messages are stored at
   * it, so the chat shows them after that event and before what the user sent next, however late
   * the answer was made (a bot's reply stored after the user's next message would otherwise come
   * last, and be the waiting chat's preview). Absent: now.
   */
  eventTimestamp?: number;
  /** The event's mode: 'standby' sends nothing. */
  mode?: string;
  sender: Exclude<MessageSender, 'USER'>;
  operatorId?: number | null;
  sessionId?: number | null;
  channelAccessToken: string;
  /** Sent once under this key (messages.send_key), whoever tries again (see above). */
  sendKey?: string;
}

export interface SendResult {
  status: 'SENT' | 'FAILED' | 'SKIPPED';
  via: 'reply' | 'push' | null;
  messages: MessageRow[];
  error?: string;
  /** A keyed send that was sent before: nothing went out this time. */
  sentBefore?: true;
}

export interface LineSenderOptions {
  /** Waits before the 2nd, 3rd … push attempt. */
  retryDelaysMs?: number[];
}

/** The time an answer is stored at: its event's, when that is a plausible past instant. */
function answeredAt(eventTimestamp: number | undefined): string | null {
  if (eventTimestamp === undefined || !Number.isFinite(eventTimestamp) || eventTimestamp <= 0 || eventTimestamp > Date.now()) return null;
  return new Date(eventTimestamp).toISOString();
}

export class LineSender {
  /** Reply tokens already spent, until they would have expired anyway. */
  private readonly spentReplyTokens = new Map<string, number>();
  private readonly retryDelaysMs: number[];
  /** Stores PENDING rows (shared with concurrent sends on the pool), answered in order. */
  private readonly storeOutgoing: (messages: OutgoingMessage[]) => Promise<MessageRow[]>;
  /** Records delivery outcomes (shared likewise), answered in order. */
  private readonly markDelivery: (updates: DeliveryUpdate[]) => Promise<(DeliveryState | null)[]>;
  private readonly table: MessagesTable;

  constructor(
    store: Store,
    private readonly clients: LineClients,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    options: LineSenderOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 2000];
    const table = store.messages;
    this.table = table;
    if (store.sql.inTransaction) {
      // A transaction's statements are its own: batching would mix in other callers' rows.
      this.storeOutgoing = (messages) => table.insertOutgoing(messages);
      this.markDelivery = (updates) => table.markDelivery(updates);
    } else {
      const inserts = new StatementBatcher((messages: OutgoingMessage[]) => table.insertOutgoing(messages), {
        maxBatch: MAX_ROWS_PER_STATEMENT,
        isolateFailures: true,
      });
      const marks = new StatementBatcher((updates: DeliveryUpdate[]) => markInRounds(table, updates), {
        maxBatch: MAX_ROWS_PER_STATEMENT,
        isolateFailures: true,
      });
      this.storeOutgoing = (messages) => inserts.submit(messages);
      this.markDelivery = (updates) => marks.submit(updates);
    }
  }

  async sendToContact(request: SendRequest): Promise<SendResult> {
    const messages = toLineMessages(request.messages);
    if (request.mode === 'standby')
      return { status: 'SKIPPED', via: null, messages: [], error: 'The event is in standby mode: another channel answers this chat' };

    const retryKey = crypto.randomUUID();
    const outgoing = messages.map((m) => ({
      contact_id: request.contact.id,
      sender: request.sender,
      operator_id: request.operatorId ?? null,
      session_id: request.sessionId ?? null,
      message_type: m.type,
      content: m,
      retry_key: retryKey,
      created_at: answeredAt(request.eventTimestamp),
    }));
    const client = this.clients.messaging(request.channelAccessToken);
    let stored: MessageRow[];
    if (request.sendKey) {
      const once = await this.table.insertOutgoingOnce(outgoing, request.sendKey);
      if (!once.inserted) return this.sendStoredAgain(once.rows, request.contact, client);
      stored = once.rows;
    } else stored = await this.storeOutgoing(outgoing);
    this.announce(stored, request.contact);

    if (request.replyToken && this.takeReplyToken(request.replyToken, request.receivedAt)) {
      try {
        const answer = await withAttemptLimit(this.clients.deadlines.replyMs, () => client.replyMessage({ replyToken: request.replyToken!, messages }));
        return this.finish(stored, request.contact, 'reply', { status: 'SENT', attempts: 1, lineMessageIds: sentIds(answer.sentMessages) });
      } catch (err) {
        this.log.warn(`reply to ${request.contact.line_user_id} failed, pushing instead: ${lineErrorText(err)}`);
      }
    }

    return this.push(stored, request.contact, messages, retryKey, client, 0);
  }

  /**
   * Sends again messages that finally failed, under the retry key they were first pushed with:
   * if LINE did take an earlier attempt after all, it answers 409 and nothing goes out twice.
   */
  async resend(request: { contact: ContactRow; messages: MessageRow[]; channelAccessToken: string }): Promise<SendResult> {
    const rows = [...request.messages].sort((a, b) => a.id - b.id);
    const retryKey = rows[0]?.retry_key;
    if (!retryKey || rows.some((m) => m.retry_key !== retryKey || m.delivery_status !== 'FAILED')) {
      throw new Error('Only messages that failed, sent together under one retry key, can be sent again');
    }
    const previousAttempts = Math.max(...rows.map((m) => m.delivery_attempts));
    const pending = withDelivery(
      rows,
      await this.markDelivery(rows.map((m) => ({ id: m.id, status: 'PENDING', attempts: previousAttempts, error: null, line_message_id: null }))),
    );
    this.announce(pending, request.contact);
    const messages = rows.map((m) => m.content as unknown as messagingApi.Message);
    return this.push(pending, request.contact, messages, retryKey, this.clients.messaging(request.channelAccessToken), previousAttempts);
  }

  /**
   * A keyed send found stored: nothing more when it was SENT; else its outcome is unknown (a
   * crash mid-call) or it failed, so it is pushed under its own retry key (LINE runs it at most once).
   */
  private async sendStoredAgain(rows: MessageRow[], contact: ContactRow, client: messagingApi.MessagingApiClient): Promise<SendResult> {
    const retryKey = rows[0]?.retry_key;
    if (rows.every((m) => m.delivery_status === 'SENT') || !retryKey) return { status: 'SENT', via: null, messages: rows, sentBefore: true };
    const messages = rows.map((m) => m.content as unknown as messagingApi.Message);
    return this.push(rows, contact, messages, retryKey, client, Math.max(...rows.map((m) => m.delivery_attempts)));
  }

  /**
   * Push with up to PUSH_ATTEMPTS tries, the same retry key on each, all within the push budget
   * (each try has its time limit; LINE's Retry-After is waited out when the budget allows).
   */
  private async push(
    rows: MessageRow[],
    contact: ContactRow,
    messages: messagingApi.Message[],
    retryKey: string,
    client: messagingApi.MessagingApiClient,
    attemptsBefore: number,
  ): Promise<SendResult> {
    const { attemptMs, pushBudgetMs } = this.clients.deadlines;
    const plan = { budgetMs: pushBudgetMs, attemptMs, maxAttempts: PUSH_ATTEMPTS, delaysMs: this.retryDelaysMs };
    const outcome = await withinBudget(plan, async () => {
      try {
        return await client.pushMessage({ to: contact.line_user_id, messages }, retryKey);
      } catch (err) {
        // 409: a previous attempt with this key was accepted already.
        if (err instanceof HTTPFetchError && err.status === 409) return undefined;
        throw err;
      }
    });
    const total = attemptsBefore + outcome.attempts;
    if (outcome.ok) return this.finish(rows, contact, 'push', { status: 'SENT', attempts: total, lineMessageIds: sentIds(outcome.value?.sentMessages) });
    const error = lineErrorText(outcome.error);
    this.log.warn(`push to ${contact.line_user_id} failed after ${outcome.attempts} attempt(s): ${error}`);
    return this.finish(rows, contact, 'push', { status: 'FAILED', attempts: total, error });
  }

  /** True when the token is fresh enough and unused; it is spent from here on. */
  private takeReplyToken(token: string, receivedAt: number | undefined): boolean {
    const now = Date.now();
    // Kept in the order they were spent, all with the same lifetime: the expired ones are first.
    for (const [t, expiry] of this.spentReplyTokens) {
      if (expiry >= now) break;
      this.spentReplyTokens.delete(t);
    }
    if (receivedAt !== undefined && now - receivedAt > REPLY_TOKEN_MAX_AGE_MS) return false;
    if (this.spentReplyTokens.has(token)) return false;
    this.spentReplyTokens.set(token, now + 2 * 60_000);
    return true;
  }

  private async finish(
    stored: MessageRow[],
    contact: ContactRow,
    via: 'reply' | 'push',
    outcome: { status: 'SENT' | 'FAILED'; attempts: number; error?: string; lineMessageIds?: (string | null)[] },
  ): Promise<SendResult> {
    const rows = withDelivery(
      stored,
      await this.markDelivery(
        stored.map((m, i) => ({
          id: m.id,
          status: outcome.status,
          attempts: outcome.attempts,
          error: outcome.error ?? null,
          line_message_id: outcome.lineMessageIds?.[i] ?? null,
        })),
      ),
    );
    rows.sort((a, b) => a.id - b.id);
    this.announce(rows, contact);
    return { status: outcome.status, via, messages: rows, ...(outcome.error ? { error: outcome.error } : {}) };
  }

  private announce(rows: MessageRow[], contact: ContactRow): void {
    for (const message of rows) this.events.emit('message', { message, contact });
  }
}

/** Checks and normalises what to send: strings become text messages. */
export function toLineMessages(input: OutgoingContent | OutgoingContent[]): messagingApi.Message[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0 || list.length > MAX_MESSAGES_PER_SEND) {
    throw badRequest(`Send 1 to ${MAX_MESSAGES_PER_SEND} messages at a time, not ${list.length}`, 'messages');
  }
  return list.map((item, i) => {
    const message = typeof item === 'string' ? { type: 'text', text: item } : item;
    if (message === null || typeof message !== 'object' || Array.isArray(message) || typeof message.type !== 'string') {
      throw badRequest(`messages[${i}] must be a text or a LINE message object with a type`, 'messages');
    }
    if (message.type === 'text') {
      const text = (message as { text?: unknown }).text;
      if (typeof text !== 'string' || text.trim() === '') throw badRequest(`messages[${i}] has no text`, 'messages');
      if (text.length > MAX_TEXT_LENGTH) throw badRequest(`messages[${i}] is ${text.length} characters; LINE takes at most ${MAX_TEXT_LENGTH}`, 'messages');
    }
    return message as messagingApi.Message;
  });
}

/**
 * markDelivery() for several sends at once. A message marked twice among them (two resends of it
 * racing) is marked again in a later statement, so the later call's outcome is the one kept, as
 * it would be one statement per call.
 */
async function markInRounds(table: MessagesTable, updates: DeliveryUpdate[]): Promise<(DeliveryState | null)[]> {
  const states = new Array<DeliveryState | null>(updates.length).fill(null);
  let rest = updates.map((update, at) => ({ update, at }));
  while (rest.length > 0) {
    const ids = new Set<number>();
    const now: typeof rest = [];
    const later: typeof rest = [];
    for (const entry of rest) {
      if (ids.has(entry.update.id)) later.push(entry);
      else {
        ids.add(entry.update.id);
        now.push(entry);
      }
    }
    const marked = await table.markDelivery(now.map((e) => e.update));
    now.forEach((entry, i) => {
      states[entry.at] = marked[i];
    });
    rest = later;
  }
  return states;
}

function sentIds(sent: { id: string }[] | undefined): (string | null)[] {
  return (sent ?? []).map((m) => m.id ?? null);
}
