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
// order its sends were called), keyed sends (below) and others alike, and so do their SENT/FAILED
// marks. A batch that fails is redone one send at a time, so a bad send fails alone. On a
// transaction's Store nothing is shared.
//
// Each attempt is on the rows before LINE is called: the retry key of a push, and for a reply
// its token (hashed, on the send's first row, claimed by one send only: the unique index of
// messages.reply_token_hash) and its time. So a send with a sendKey (a session's greeting, a bot
// answer to one webhook event) happens once, even when a crash cut it short after LINE carried
// it out: its second attempt finds the stored rows and sends nothing when they were SENT; else,
// when they had claimed the very reply token it comes with (the same event run again) and that
// token is still fresh, it replies with it again, and LINE's "Invalid reply token" then means this
// send spent it: delivered. Otherwise it pushes under the rows' own retry key (LINE answers 409
// to one it took). What is left: a reply carried out by a process that died, whose re-run comes
// after the token's 50 s, is pushed again (LINE keeps no record of replies to ask).
import crypto from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { HTTPFetchError } from './line-sdk';
import type { Store } from '../store/store';
import type { ContactRow } from '../store/contacts';
import {
  type DeliveryState,
  type DeliveryUpdate,
  type MessageRow,
  type MessageMedia,
  type MessageSender,
  type MessagesTable,
  type OutgoingSend,
  type StoredSend,
  withDelivery,
} from '../store/messages';
import type { LiveChatEvents } from '../events';
import type { Logger } from '../logger';
import { badRequest, conflict } from '../http/errors';
import { StatementBatcher } from '../util/statement-batcher';
import { type LineClients, lineErrorText } from './line-clients';
import { withAttemptLimit, withinBudget } from './line-deadlines';

export const MAX_MESSAGES_PER_SEND = 5;
export const MAX_TEXT_LENGTH = 5000;
/** LINE honours a reply token for about a minute; past this age we push instead. */
export const REPLY_TOKEN_MAX_AGE_MS = 50_000;
export const PUSH_ATTEMPTS = 3;
/** The most message rows one shared delivery mark carries. */
export const MAX_ROWS_PER_STATEMENT = 500;
/** The most sends one shared insert carries (each up to MAX_MESSAGES_PER_SEND rows). */
const MAX_SENDS_PER_STATEMENT = MAX_ROWS_PER_STATEMENT / MAX_MESSAGES_PER_SEND;

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
  /** The stored image or file the (single) message carries (an operator's upload), for the inbox. */
  media?: MessageMedia;
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
  private readonly retryDelaysMs: number[];
  /** Stores a send's PENDING rows (sharing the statement with concurrent sends on the pool). */
  private readonly storeSend: (send: OutgoingSend) => Promise<StoredSend>;
  /** Records delivery outcomes (shared likewise), answered in order. */
  private readonly markDelivery: (updates: DeliveryUpdate[]) => Promise<(DeliveryState | null)[]>;

  constructor(
    store: Store,
    private readonly clients: LineClients,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    options: LineSenderOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 2000];
    const table = store.messages;
    if (store.sql.inTransaction) {
      // A transaction's statements are its own: batching would mix in other callers' rows.
      this.storeSend = async (send) => (await table.insertSends([send]))[0];
      this.markDelivery = (updates) => table.markDelivery(updates);
    } else {
      const inserts = new StatementBatcher((sends: OutgoingSend[]) => table.insertSends(sends), {
        maxBatch: MAX_SENDS_PER_STATEMENT,
        isolateFailures: true,
      });
      const marks = new StatementBatcher((updates: DeliveryUpdate[]) => markInRounds(table, updates), {
        maxBatch: MAX_ROWS_PER_STATEMENT,
        isolateFailures: true,
      });
      this.storeSend = async (send) => (await inserts.submit([send]))[0];
      this.markDelivery = (updates) => marks.submit(updates);
    }
  }

  async sendToContact(request: SendRequest): Promise<SendResult> {
    const messages = toLineMessages(request.messages);
    if (request.mode === 'standby')
      return { status: 'SKIPPED', via: null, messages: [], error: 'The event is in standby mode: another channel answers this chat' };

    const retryKey = crypto.randomUUID();
    const replyToken = request.replyToken && isFresh(request.receivedAt) ? request.replyToken : null;
    // A reply answers an event the user just sent; a push needs them still a friend.
    if (!replyToken) refuseUnfollowed(request.contact);
    const tokenHash = replyToken ? hashReplyToken(replyToken) : null;
    const outgoing = outgoingRows(request, messages, retryKey, tokenHash);
    const client = this.clients.messaging(request.channelAccessToken);
    const once = await this.storeSend({ messages: outgoing, sendKey: request.sendKey, lineUserId: request.contact.line_user_id });
    if (!once.inserted) return this.sendStoredAgain(once.rows, request, client);
    const stored = once.rows;
    this.announce(stored, request.contact);

    // The token is this send's only when the database gave it the claim (no other send used it).
    if (replyToken && stored[0]?.reply_token_hash === tokenHash) return this.replyElsePush(stored, request.contact, messages, replyToken, client, false);
    return this.push(stored, request.contact, messages, retryKey, client, 0);
  }

  /**
   * Stores a keyed push's PENDING rows in the caller's transaction, with the change they go with
   * (a chat closed and its closing words): sendToContact with the same key, once that transaction
   * has committed, sends them. A crash in between leaves them to the sweep of interrupted sends
   * (FAILED, shown, Retry sends them), never lost. Nothing is stored for a user who could not get
   * a push (sendToContact refuses it as before).
   */
  async storeInTransaction(tx: Store, request: Omit<SendRequest, 'channelAccessToken' | 'replyToken'> & { sendKey: string }): Promise<void> {
    if (request.contact.friend_status !== 'ACTIVE' || request.mode === 'standby') return;
    const rows = outgoingRows(request, toLineMessages(request.messages), crypto.randomUUID(), null);
    await tx.messages.insertSends([{ messages: rows, sendKey: request.sendKey, lineUserId: request.contact.line_user_id }]);
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
    refuseUnfollowed(request.contact);
    const previousAttempts = Math.max(...rows.map((m) => m.delivery_attempts));
    const pending = await this.markPendingAgain(rows, request.contact, previousAttempts);
    return this.push(pending, request.contact, storedContent(rows), retryKey, this.clients.messaging(request.channelAccessToken), previousAttempts);
  }

  /**
   * A keyed send found stored: nothing more when it was SENT. Else its outcome is unknown (a
   * crash mid-call, or the sweep of interrupted sends made it FAILED) or it failed: sent again
   * by the way that cannot deliver it twice (see the top of this file).
   */
  private async sendStoredAgain(rows: MessageRow[], request: SendRequest, client: messagingApi.MessagingApiClient): Promise<SendResult> {
    const retryKey = rows[0]?.retry_key;
    if (rows.every((m) => m.delivery_status === 'SENT') || !retryKey) return { status: 'SENT', via: null, messages: rows, sentBefore: true };
    const attemptsBefore = Math.max(...rows.map((m) => m.delivery_attempts));
    const pending = await this.markPendingAgain(rows, request.contact, attemptsBefore);
    const messages = storedContent(rows);
    // A reply cut short (no attempt recorded as over) with the token this run has too, still fresh.
    const token = request.replyToken;
    if (token && attemptsBefore === 0 && rows[0].reply_token_hash === hashReplyToken(token) && isFresh(request.receivedAt)) {
      return this.replyElsePush(pending, request.contact, messages, token, client, true);
    }
    return this.push(pending, request.contact, messages, retryKey, client, attemptsBefore);
  }

  /** The rows PENDING again, their new attempt starting now (the sweep of interrupted sends leaves them alone meanwhile). */
  private async markPendingAgain(rows: MessageRow[], contact: ContactRow, attempts: number): Promise<MessageRow[]> {
    const pending = withDelivery(
      rows,
      await this.markDelivery(rows.map((m) => ({ id: m.id, status: 'PENDING', attempts, error: null, line_message_id: null }))),
    );
    this.announce(pending, contact);
    return pending;
  }

  /**
   * One attempt by reply token (it is single-use: never tried twice in one run), else the push.
   * `claimedBefore`: these rows claimed this token in an earlier run whose reply was cut short,
   * so LINE's "Invalid reply token" means that run spent it on them: delivered. A reply that
   * failed is counted as an attempt on the rows before the push, so that a run after a crash
   * mid-push pushes (under the key) rather than replying again.
   */
  private async replyElsePush(
    rows: MessageRow[],
    contact: ContactRow,
    messages: messagingApi.Message[],
    replyToken: string,
    client: messagingApi.MessagingApiClient,
    claimedBefore: boolean,
  ): Promise<SendResult> {
    // The reply is the rows' first attempt (a run with one over before pushes).
    const attempts = 1;
    let sent: { sentMessages?: { id: string }[] } | undefined;
    try {
      sent = await withAttemptLimit(this.clients.deadlines.replyMs, () => client.replyMessage({ replyToken, messages }));
    } catch (err) {
      if (claimedBefore && isSpentReplyToken(err)) {
        this.log.info(`the reply to ${contact.line_user_id} cut short by a stop had reached LINE (its token is spent): not sent again`);
        return this.finish(rows, contact, 'reply', { status: 'SENT', attempts });
      }
      this.log.warn(`reply to ${contact.line_user_id} failed, pushing instead: ${lineErrorText(err)}`);
    }
    // Outside the try: a failure to record the delivery is not a failed reply (pushing would send it twice).
    if (sent) return this.finish(rows, contact, 'reply', { status: 'SENT', attempts, lineMessageIds: sentIds(sent.sentMessages) });
    const pending = await this.markPendingAgain(rows, contact, attempts);
    return this.push(pending, contact, messages, rows[0].retry_key!, client, attempts);
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

/**
 * Pushing to a user who unfollowed or blocked the account is refused before LINE is called (it
 * would fail, or count against the quota): 409 contact_unfollowed. Reads the contact row at hand.
 */
export function refuseUnfollowed(contact: Pick<ContactRow, 'friend_status' | 'line_user_id'>): void {
  if (contact.friend_status === 'ACTIVE') return;
  throw conflict(
    `${contact.line_user_id} has ${contact.friend_status === 'BLOCKED' ? 'blocked' : 'unfollowed'} the account: LINE cannot deliver to them`,
    { friend_status: contact.friend_status },
    'contact_unfollowed',
  );
}

/** A send's rows as they are stored: PENDING under one retry key, the reply token's claim on the first. */
function outgoingRows(
  request: Pick<SendRequest, 'contact' | 'sender' | 'operatorId' | 'sessionId' | 'media' | 'eventTimestamp'>,
  messages: messagingApi.Message[],
  retryKey: string,
  tokenHash: string | null,
) {
  return messages.map((m, i) => ({
    contact_id: request.contact.id,
    sender: request.sender,
    operator_id: request.operatorId ?? null,
    session_id: request.sessionId ?? null,
    message_type: m.type,
    content: m,
    retry_key: retryKey,
    reply_token_hash: i === 0 ? tokenHash : null,
    media: request.media ?? null,
    created_at: answeredAt(request.eventTimestamp),
  }));
}

/** A reply token is used only this soon after its event was received (no time known: fresh). */
function isFresh(receivedAt: number | undefined): boolean {
  return receivedAt === undefined || Date.now() - receivedAt <= REPLY_TOKEN_MAX_AGE_MS;
}

/** What messages.reply_token_hash holds of a token (the token itself is a credential of sorts: not stored). */
export function hashReplyToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

/** LINE's answer to a reply token already used (or expired): 400 "Invalid reply token". */
function isSpentReplyToken(err: unknown): boolean {
  if (!(err instanceof HTTPFetchError) || err.status !== 400) return false;
  try {
    return /invalid reply token/i.test(String((JSON.parse(err.body) as { message?: unknown }).message));
  } catch {
    return false;
  }
}

/** What stored rows say, as LINE messages (a send's second attempt sends what the first stored). */
function storedContent(rows: MessageRow[]): messagingApi.Message[] {
  return rows.map((m) => m.content as unknown as messagingApi.Message);
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
