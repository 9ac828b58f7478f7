// The LINE webhook's core, a durable inbox. accept() runs while LINE waits for its answer (2 s):
// it checks the signature and the envelope and stores the new events (webhook_events), and the
// 200 means "stored". The stores of concurrent requests share statements (a StatementBatcher).
// The events then go to an in-memory queue worked one batch at a time after the answer: one
// transaction per batch claims the rows and records what they mean (contacts, friend events,
// messages), set-based for plain messages; right after the commit come the live events, then
// (one batch after the other) the profile look-ups and the msgs for the line-webhook node.
// Events stored but never processed (a crash, a full queue, a failed batch) are found by the
// recovery pass, on start and every few seconds, and processed by the same code, by whichever
// instance claims them: each one exactly once.
//
// Recorded is not done: an event's msgs then run through the flow (handoff, greeting, alert, the
// bot), and the event is done when that work is (FlowWork counts it; the host's message hooks
// tell it). The claim starts a lease on the flow's work; an event whose lease runs out first (a
// crash, a SIGTERM, a node that never finishes) is taken again by the recovery pass of any
// instance with a line-webhook of its credential, and its msgs go out again, marked
// msg.line.redelivery; after maxFlowAttempts emissions it is given up, with an error logged.
// The nodes make their side effects once per event or session (keys in the database).
//
// stop() drains: new webhooks are answered 503 (LINE delivers them again), those already storing
// their events finish storing them, what is queued is recorded, and the flow's work in progress
// gets up to drainMs to finish.
//
// Group and room events are stored in webhook_events and emitted with their source, but make no
// contact and no message row: the inbox and its handoff are for 1:1 chats only.
//
// A CSAT answer (a rating postback, and the comment text after it: live-chat/csat.ts) is
// consumed here, in the recording transaction, which also marks its flow done: it is never
// emitted, so it never reaches the bot nor opens a handoff, and is recorded once like any event.
// Its acknowledgement (the comment prompt or the thanks) goes by the event's reply token after
// the commit, under a send key.
import { validateSignature } from './line-sdk';
import type { Store } from '../store/store';
import type { ContactProfile, ContactRow, FriendStatus } from '../store/contacts';
import type { MessageRow } from '../store/messages';
import type { FriendEventType } from '../store/friend-events';
import type { WebhookEventInsert, WebhookEventRow } from '../store/webhook-events';
import type { LiveChatEvents } from '../events';
import type { Credentials } from '../credentials/credential-service';
import { closeSession, type SessionChangeResult } from '../live-chat/session-transitions';
import type { Logger } from '../logger';
import { StatementBatcher } from '../util/statement-batcher';
import { BatchQueue } from '../util/batch-queue';
import { FlowWork } from './flow-work';
import { type LineClients, lineErrorText } from './line-clients';
import type { LineSender } from './line-sender';
import { type LiveChatSettings, readSettings } from '../live-chat/live-chat-settings';
import { type CsatRecorded, findComments, readCsatPostback, recordComment, recordRating } from '../live-chat/csat';
import { type LineSource, type LineWebhookEvent, readEnvelope } from './webhook-envelope';
/** A profile fetched within this long is not fetched again. */
export const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a batch's msgs wait for its profile look-ups (a slow LINE delays the bot, never stops it). */
export const PROFILE_WAIT_MS = 1000;

export interface WebhookInboxOptions {
  /**
   * Events waiting in memory for processing. Each holds its parsed body (a few KB), so this
   * bounds memory under a burst; past it the answer waits for room (roomWaitMs) and then the
   * events are left to the recovery pass, stored and unclaimed. A few thousand is several
   * seconds of the most this machine ingests, far more than a healthy queue ever holds.
   */
  maxQueued: number;
  /** The longest a webhook's answer waits for room in a full queue. */
  roomWaitMs: number;
  /**
   * Events per processing transaction. On the embedded database (one connection) every query
   * of the inbox waits behind a running batch, so its batches are kept short.
   */
  maxBatch: number;
  /** Events stored in one statement (concurrent requests together). */
  maxInsert: number;
  /** How often stored but unprocessed events are looked for (0: only on start). */
  recoveryIntervalMs: number;
  /** How old an unprocessed event must be before the recovery pass takes it (the in-memory path has its chance first). */
  recoveryMinAgeMs: number;
  /** How long an emission owns an event's flow work before the recovery pass may emit it again. */
  flowLeaseMs: number;
  /** Emissions of one event before its flow is given up (an error is logged). */
  maxFlowAttempts: number;
  /** The longest stop() waits for the queue and the flow's work in progress. */
  drainMs: number;
}

export const DEFAULT_WEBHOOK_INBOX: WebhookInboxOptions = {
  maxQueued: 5000,
  roomWaitMs: 1000,
  maxBatch: 500,
  maxInsert: 500,
  recoveryIntervalMs: 5000,
  recoveryMinAgeMs: 10_000,
  flowLeaseMs: 30_000,
  maxFlowAttempts: 3,
  drainMs: 5000,
};
/** The embedded database's batches: an inbox query waits at most one of these. */
export const EMBEDDED_MAX_BATCH = 50;

/** The receiving line-webhook's side of a request. */
export interface WebhookRoute {
  /** The LINE credential (id or name) the webhook used; blank or null: the default one. */
  credential?: string | null;
  /** Its channel access token (for the profile look-ups), known to the route already. */
  channelAccessToken?: string;
}

/** A newly stored event. */
export interface AcceptedEvent {
  event: LineWebhookEvent;
  destination: string;
  /** When it was stored (the reply token's age counts from here). */
  receivedAt: number;
}

export type AcceptResult =
  | {
      outcome: 'accepted';
      events: AcceptedEvent[];
      duplicates: number;
      /**
       * The outputs of this request's events once processed here, in LINE's order; never
       * rejects. An event left to the recovery pass (a full queue, a failed batch) is not in
       * it: its msg goes to the line-webhook registered for the credential when it is processed.
       */
      processed: Promise<LineEventOutput[]>;
    }
  | { outcome: 'bad-signature'; reason: string }
  | { outcome: 'bad-request'; reason: string }
  /** Stopping: nothing is stored (LINE delivers the body again later). */
  | { outcome: 'unavailable'; reason: string };

/** What the line-webhook node emits for one event: msg.payload, msg.contact, msg.line. */
export interface LineEventOutput {
  payload: LineWebhookEvent;
  contact: ContactRow | null;
  line: LineEventContext;
  /** The stored message of a 1:1 message event (not emitted by the node; for the core's callers). */
  message: MessageRow | null;
}

export interface LineEventContext {
  replyToken: string | null;
  webhookEventId: string;
  destination: string;
  mode: string;
  source: LineSource | null;
  /** When the event was received, in ms since the epoch. */
  receivedAt: number;
  /** LINE's timestamp of the event (ms since the epoch): an answer to it is placed there in the chat. */
  timestamp?: number;
  messageId?: string;
  markAsReadToken?: string;
  /** Emitted before (the flow's work did not finish in time): its side effects may be done already. */
  redelivery?: true;
}

/** Where a line-webhook node takes the msgs of events processed for its credential. */
export type WebhookSink = (outputs: LineEventOutput[]) => void;

/** A stored event on its way through processing. */
interface InboxEvent extends AcceptedEvent {
  rowId: number;
  credential: string | null;
  channelAccessToken?: string;
  /** The request waiting for its output; none for an event the recovery pass found. */
  done?: (output: LineEventOutput | null) => void;
}

/** One event as its batch's transaction recorded it. */
interface RecordedEvent {
  item: InboxEvent;
  contact: ContactRow | null;
  message: MessageRow | null;
  /** A CSAT answer, consumed here (not emitted); what it stored, if anything. */
  csat?: { recorded?: CsatRecorded };
}

/** What a batch's transaction recorded, for the work after its commit. */
interface RecordedBatch {
  events: RecordedEvent[];
  /** Events not processed here (claimed elsewhere, or left for the recovery pass). */
  skipped: InboxEvent[];
  changedContacts: Map<number, ContactRow>;
  closedSessions: SessionChangeResult[];
}

export class LineWebhookIngest {
  private readonly options: WebhookInboxOptions;
  private readonly inserts: StatementBatcher<WebhookEventInsert, { id: number; received_at: Date } | null>;
  /** Fetched profiles recorded together: a batch of new users' look-ups end at about the same time. */
  private readonly profileUpdates: StatementBatcher<{ id: number; profile: ContactProfile }, ContactRow | undefined>;
  private readonly queue: BatchQueue<InboxEvent>;
  /** The inserts of accepts that passed the stopped check: the drain waits for them. */
  private readonly storing = new Set<Promise<unknown>>();
  /** Row ids queued or in a batch here, which the recovery pass leaves alone. */
  private readonly inMemory = new Set<number>();
  private readonly sinks = new Map<string, WebhookSink[]>();
  private readonly unroutedLogged = new Set<string>();
  private afterCommits: Promise<void> = Promise.resolve();
  private recoveryTimer?: NodeJS.Timeout;
  private recovering?: Promise<void>;
  private stopped = false;
  private stopping?: Promise<boolean>;
  /** When a request last stored events (performance.now()); none yet: -Infinity. */
  private lastStoredAt = Number.NEGATIVE_INFINITY;
  /** The flow's work of the events emitted here (the host's message hooks count it). */
  readonly flowWork: FlowWork;

  constructor(
    private readonly store: Store,
    private readonly clients: LineClients,
    private readonly lineSender: LineSender,
    private readonly credentials: Credentials,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    options: Partial<WebhookInboxOptions> = {},
  ) {
    this.options = { ...DEFAULT_WEBHOOK_INBOX, ...options };
    this.inserts = new StatementBatcher((rows) => this.store.webhookEvents.insertNew(rows), { maxBatch: this.options.maxInsert, isolateFailures: true });
    this.profileUpdates = new StatementBatcher((updates) => this.store.contacts.setProfiles(updates), {
      maxBatch: this.options.maxInsert,
      isolateFailures: true,
    });
    this.queue = new BatchQueue((batch) => this.processBatch(batch), { maxQueued: this.options.maxQueued, maxBatch: this.options.maxBatch });
    this.flowWork = new FlowWork((ids) => this.store.webhookEvents.markFlowDone(ids), log);
  }

  /** Starts the recovery pass: now, and every recoveryIntervalMs. */
  start(): void {
    this.recoverSoon();
    if (this.options.recoveryIntervalMs > 0) {
      this.recoveryTimer = setInterval(() => this.recoverSoon(), this.options.recoveryIntervalMs);
      this.recoveryTimer.unref();
    }
  }

  /**
   * Stops taking webhooks (answered 503) and the recovery pass, records what is queued here and
   * waits up to drainMs for the flow's work in progress; what is left, the recovery pass of the
   * next start (or another instance) finishes. Answers whether everything finished. Called again
   * (the host's shutdown, then the store's close), it answers the same drain.
   */
  stop(): Promise<boolean> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<boolean> {
    const deadline = Date.now() + this.options.drainMs;
    this.stopped = true;
    clearInterval(this.recoveryTimer);
    // Requests past the stopped check store their events before the store may close (else
    // their insert fails on a closed database: a 500 in the middle of a redeploy), within drainMs.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.storing]), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
    clearTimeout(timer);
    await this.recovering;
    await this.idle();
    const drained = await this.flowWork.idle(Math.max(0, deadline - Date.now()));
    if (!drained) this.log.warn(`stopping with the flow's work of ${this.flowWork.inFlight} LINE webhook event(s) unfinished: the recovery pass finishes it`);
    this.flowWork.close();
    return drained;
  }

  /** Resolves once nothing waits in memory and every processed batch's msgs are out. */
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.afterCommits;
  }

  /**
   * Sends the msgs of events the recovery pass processes for `credential` (blank: the default)
   * to `sink`; a request's own events go back to the request. Answers the unregistration.
   */
  registerSink(credential: string | null | undefined, sink: WebhookSink): () => void {
    const key = credentialKey(credential);
    const list = this.sinks.get(key) ?? [];
    list.push(sink);
    this.sinks.set(key, list);
    return () => {
      const now = this.sinks.get(key)?.filter((s) => s !== sink) ?? [];
      if (now.length > 0) this.sinks.set(key, now);
      else this.sinks.delete(key);
    };
  }

  /** How long since a webhook request last stored events (Infinity: never, in this process). */
  quietForMs(): number {
    return performance.now() - this.lastStoredAt;
  }

  async accept(rawBody: Buffer, signature: string | undefined, channelSecret: string, route: WebhookRoute = {}): Promise<AcceptResult> {
    if (this.stopped) return { outcome: 'unavailable', reason: 'The LINE webhook is stopping' };
    if (!signature) return { outcome: 'bad-signature', reason: 'x-line-signature is missing' };
    if (!validateSignature(rawBody, channelSecret, signature)) return { outcome: 'bad-signature', reason: 'x-line-signature does not match the body' };
    const reading = readEnvelope(rawBody);
    if (!reading.ok) return { outcome: 'bad-request', reason: reading.reason };
    const { destination, events, cleaned } = reading.envelope;
    if (cleaned)
      this.log.warn(`LINE webhook event(s) ${cleaned.join(', ')} had text that cannot be stored (NUL, half a surrogate pair): stored with U+FFFD instead`);
    if (events.length === 0) return { outcome: 'accepted', events: [], duplicates: 0, processed: Promise.resolve([]) };

    const credential = route.credential?.trim() || null;
    this.lastStoredAt = performance.now();
    const storing = this.inserts.submit(events.map((e) => webhookEventRow(e, destination, credential)));
    this.storing.add(storing);
    let stored: Awaited<typeof storing>;
    try {
      stored = await storing;
    } finally {
      this.storing.delete(storing);
    }
    const fresh: InboxEvent[] = [];
    for (const [i, row] of stored.entries()) {
      if (row) {
        fresh.push({
          event: events[i],
          destination,
          receivedAt: row.received_at.getTime(),
          rowId: row.id,
          credential,
          channelAccessToken: route.channelAccessToken,
        });
      }
    }
    const processed = this.collectOutputs(fresh);
    for (const item of fresh) this.inMemory.add(item.rowId);
    if (!(await this.queue.offer(fresh, this.options.roomWaitMs))) {
      // Stored and unclaimed: the recovery pass processes them when there is room.
      for (const item of fresh) {
        this.inMemory.delete(item.rowId);
        item.done?.(null);
      }
      this.log.warn(`the webhook queue is full: ${fresh.length} event(s) stored for the recovery pass`);
    }
    const accepted = fresh.map(({ event, destination: d, receivedAt }) => ({ event, destination: d, receivedAt }));
    return { outcome: 'accepted', events: accepted, duplicates: events.length - fresh.length, processed };
  }

  /**
   * Gives each event a `done` that collects its output; resolves with them all, in order. The
   * request emits them as it gets them (the host's message hooks count them from there); they
   * stop counting as the emission's own after that.
   */
  private collectOutputs(items: InboxEvent[]): Promise<LineEventOutput[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const outputs: (LineEventOutput | null)[] = new Array(items.length).fill(null);
      let remaining = items.length;
      for (const [i, item] of items.entries()) {
        item.done = (output) => {
          outputs[i] = output;
          item.done = undefined;
          if (--remaining === 0) {
            const all = outputs.filter((o): o is LineEventOutput => o !== null);
            resolve(all);
            setImmediate(() => {
              for (const o of all) this.flowWork.leave(o.line.webhookEventId);
            });
          }
        };
      }
    });
  }

  /** Looks for stored but unprocessed events now (also what the timer does). */
  recoverNow(): Promise<void> {
    this.recovering ??= this.recover()
      .catch((err: Error) => this.log.error(`the webhook recovery pass failed: ${err.message}`))
      .finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private recoverSoon(): void {
    if (!this.stopped) void this.recoverNow();
  }

  private async recover(): Promise<void> {
    await this.recoverUnprocessed();
    await this.recoverFlows();
  }

  private async recoverUnprocessed(): Promise<void> {
    for (;;) {
      const room = this.options.maxQueued - this.queue.size;
      if (this.stopped || room <= 0) return;
      const rows = await this.store.webhookEvents.unprocessed(this.options.recoveryMinAgeMs, room);
      const found = rows.filter((r) => !this.inMemory.has(r.id)).map(recoveredEvent);
      if (found.length === 0) return;
      for (const item of found) this.inMemory.add(item.rowId);
      this.log.info(`the webhook recovery pass took ${found.length} stored event(s) to process`);
      if (!(await this.queue.offer(found, 0))) {
        for (const item of found) this.inMemory.delete(item.rowId);
        return;
      }
      // More may wait than fitted: once these are through, look again.
      if (rows.length < room) return;
      await this.queue.idle();
    }
  }

  /**
   * Emits again the events recorded for a credential with a line-webhook here whose flow did not
   * finish within its lease; gives up those emitted maxFlowAttempts times already.
   */
  private async recoverFlows(): Promise<void> {
    const { flowLeaseMs, maxFlowAttempts, maxBatch } = this.options;
    for (;;) {
      if (this.stopped || this.sinks.size === 0) return;
      const rows = await this.store.webhookEvents.takeExpiredFlows([...this.sinks.keys()], flowLeaseMs, maxBatch);
      if (rows.length === 0) return;
      const outputs = new Map<string, LineEventOutput[]>();
      for (const row of rows) {
        const id = row.webhook_event_id;
        if (row.flow_attempts > maxFlowAttempts) {
          const why = `its flow did not finish after ${maxFlowAttempts} emission(s) of ${flowLeaseMs} ms each (a node that never calls done?)`;
          this.log.error(`LINE webhook event ${id} given up: ${why}`);
          this.flowWork.forget(id);
          await this.store.webhookEvents.giveUpFlow(row.id, why);
          continue;
        }
        const output = await this.storedOutput(row);
        const key = credentialKey(row.credential_ref);
        outputs.set(key, [...(outputs.get(key) ?? []), output]);
      }
      for (const [key, list] of outputs) {
        this.log.info(`the webhook recovery pass emits ${list.length} LINE webhook event(s) again: their flow did not finish in time`);
        this.emitTo(key, list);
      }
      if (rows.length < maxBatch) return;
    }
  }

  /** A recorded event's msg as first emitted, with the contact as it is now, marked as a redelivery. */
  private async storedOutput(row: WebhookEventRow): Promise<LineEventOutput> {
    const item = recoveredEvent(row);
    const contact = row.line_user_id && row.source_type === 'user' ? ((await this.store.contacts.byLineUserId(row.line_user_id)) ?? null) : null;
    const messageId = item.event.type === 'message' ? item.event.message?.id : undefined;
    const message = contact && messageId ? ((await this.store.messages.incomingByLineMessageId(messageId)) ?? null) : null;
    const output = eventOutput(item, contact, message);
    output.line.redelivery = true;
    return output;
  }

  /**
   * Hands msgs to the line-webhook of their credential, counted as the flow's work until the host
   * has sent them on (its message hooks count them from there, in this same tick).
   */
  private emitTo(key: string, outputs: LineEventOutput[]): void {
    const sink = this.sinks.get(key)?.[0];
    if (!sink) return;
    for (const output of outputs) this.flowWork.enter(output.line.webhookEventId);
    try {
      sink(outputs);
    } finally {
      for (const output of outputs) this.flowWork.leave(output.line.webhookEventId);
    }
  }

  /** One batch: recorded in one transaction, then its after-commit work, overlapping the next batch's. */
  private async processBatch(batch: InboxEvent[]): Promise<void> {
    const recorded = await this.recordBatch(batch);
    for (const item of batch) this.inMemory.delete(item.rowId);
    // The live inbox hears of the batch at once: not after the previous batch's profile look-ups
    // and msgs (its after-commit work), which held every live update up by a round of them.
    this.emitLive(recorded);
    const previous = this.afterCommits;
    this.afterCommits = previous.then(() => this.afterCommit(recorded));
    // At most one batch's after-commit work runs beside the next batch's transaction.
    await previous;
  }

  /**
   * Claims and records the batch in one transaction; never rejects. A failed batch is tried
   * event by event, so one event that cannot be recorded holds up no other.
   */
  private async recordBatch(batch: InboxEvent[]): Promise<RecordedBatch> {
    try {
      // Read before the transaction: the embedded database's one connection is the transaction's.
      const settings = await readSettings(this.store.settings);
      return await this.store.transaction((tx) => this.record(tx, settings, batch));
    } catch (err) {
      if (batch.length > 1) {
        const parts: RecordedBatch[] = [];
        for (const item of batch) parts.push(await this.recordBatch([item]));
        return mergeRecorded(parts);
      }
      const [item] = batch;
      const text = err instanceof Error ? err.message : String(err);
      if (isDataError(err)) {
        // Not going to work next time either: kept with why, and not tried again.
        this.log.error(`LINE webhook event ${item.event.webhookEventId} could not be recorded, given up: ${text}`);
        await this.store.webhookEvents.markFailed(item.rowId, text.slice(0, 1000)).catch(() => undefined);
      } else {
        this.log.error(`LINE webhook event ${item.event.webhookEventId} could not be recorded, left for the recovery pass: ${text}`);
      }
      return { events: [], skipped: [item], changedContacts: new Map(), closedSessions: [] };
    }
  }

  private async record(tx: Store, settings: Readonly<LiveChatSettings>, batch: InboxEvent[]): Promise<RecordedBatch> {
    const claimed = await tx.webhookEvents.claim(
      batch.map((i) => i.rowId),
      this.options.flowLeaseMs,
    );
    const mine = batch.filter((i) => claimed.has(i.rowId));
    const recorded: RecordedBatch = {
      events: mine.map((item): RecordedEvent => ({ item, contact: null, message: null })),
      skipped: batch.filter((i) => !claimed.has(i.rowId)),
      changedContacts: new Map(),
      closedSessions: [],
    };

    // A user's plain messages are recorded set-based, for all such users at once; a user with
    // any other event in the batch has all theirs recorded one by one, in LINE's order, so that
    // (say) an unfollow after a message closes the chat the message went into.
    const oneByOne = new Set<string>();
    for (const { event } of mine) {
      const user = userOf(event);
      if (user && !isPlainMessage(event)) oneByOne.add(user);
    }
    const plain = recorded.events.filter(({ item }) => {
      const user = userOf(item.event);
      return user !== undefined && !oneByOne.has(user);
    });
    if (plain.length > 0) {
      const contacts = await tx.contacts.ensureMany(plain.map(({ item }) => userOf(item.event)!));
      for (const { contact } of contacts.values()) recorded.changedContacts.set(contact.id, contact);
      const comments = await findComments(
        tx,
        settings,
        plain.map(({ item: { event } }) => commentCandidate(contacts.get(userOf(event)!)!.contact, event)),
        new Date(),
      );
      const messages = await tx.messages.insertIncomingManyIntoOpenSessions(
        plain.map(({ item: { event } }) => ({
          contact_id: contacts.get(userOf(event)!)!.contact.id,
          message_type: event.message!.type,
          content: event.message!,
          line_message_id: event.message!.id,
          webhook_event_id: event.webhookEventId,
          mark_as_read_token: event.message!.markAsReadToken ?? null,
          created_at: new Date(event.timestamp),
        })),
      );
      // In a session with a human, the user's messages count towards it (message_count).
      const counts = new Map<number, number>();
      for (const entry of plain) {
        entry.contact = contacts.get(userOf(entry.item.event)!)!.contact;
        entry.message = messages.get(entry.item.event.message!.id) ?? null;
        if (entry.message) movedBy(entry.contact, entry.message);
        const sessionId = entry.message?.session_id;
        if (sessionId) counts.set(sessionId, (counts.get(sessionId) ?? 0) + 1);
      }
      await tx.chatSessions.countUserMessages(counts);
      for (const [i, rating] of comments) {
        const { event } = plain[i].item;
        const recordedComment = await recordComment(tx, settings, rating, String(event.message!.text), new Date(event.timestamp));
        if (recordedComment) plain[i].csat = { recorded: recordedComment };
      }
    }
    for (const entry of recorded.events) {
      const user = userOf(entry.item.event);
      if (user && oneByOne.has(user)) {
        Object.assign(entry, await this.recordOne(tx, settings, entry.item.event, user, recorded.changedContacts, recorded.closedSessions));
      }
    }
    // Consumed, so done: the recovery pass never emits them.
    await tx.webhookEvents.markFlowDone(recorded.events.filter((e) => e.csat).map((e) => e.item.event.webhookEventId));
    return recorded;
  }

  /** Stores what one event means for its 1:1 contact (the rarer kinds: friend events, postbacks …). */
  private async recordOne(
    tx: Store,
    settings: Readonly<LiveChatSettings>,
    event: LineWebhookEvent,
    userId: string,
    changed: Map<number, ContactRow>,
    closedSessions: SessionChangeResult[],
  ): Promise<Omit<RecordedEvent, 'item'>> {
    const at = new Date(event.timestamp);
    const isMessage = event.type === 'message' && event.message !== undefined;
    const seen = await tx.contacts.ensure(userId);
    let contact = seen.contact;
    let message: MessageRow | null = null;
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
      const closed = open && (await closeSession(tx, open, 'USER'));
      if (closed) {
        closedSessions.push(closed);
        contact = closed.contact;
        changed.set(contact.id, contact);
      }
    }

    if (event.type === 'postback') {
      const answer = readCsatPostback((event.postback as { data?: unknown } | undefined)?.data);
      // Ours (csat:…): consumed; stored when it answers a question of this user's not answered yet.
      if (answer === null) this.log.warn(`LINE webhook event ${event.webhookEventId}: a malformed CSAT postback, ignored`);
      if (answer !== undefined) return { contact, message, csat: { recorded: answer ? await recordRating(tx, settings, contact, answer, at) : undefined } };
    }

    let comment: CsatRecorded | undefined;
    if (isMessage && event.message) {
      const found = await findComments(tx, settings, [commentCandidate(contact, event)], new Date());
      const rating = found.get(0);
      if (rating) comment = await recordComment(tx, settings, rating, String(event.message.text), at);
    }

    if (isMessage && event.message) {
      const { id, type, markAsReadToken } = event.message;
      message =
        (await tx.messages.insertIncomingIntoOpenSession({
          contact_id: contact.id,
          message_type: type,
          content: event.message,
          line_message_id: id,
          webhook_event_id: event.webhookEventId,
          mark_as_read_token: markAsReadToken ?? null,
          created_at: at,
        })) ?? null;
      if (message) movedBy(contact, message);
      // In a session with a human, the user's messages count towards it (message_count).
      const sessionId = message?.session_id;
      if (sessionId) await tx.chatSessions.countMessages(sessionId, 1, false);
    }
    return { contact, message, ...(comment ? { csat: { recorded: comment } } : {}) };
  }

  /** Right after a batch's commit: the live events of what it recorded. */
  private emitLive(recorded: RecordedBatch): void {
    try {
      const { changedContacts } = recorded;
      for (const contact of changedContacts.values()) this.events.emit('contact', { contact });
      for (const closed of recorded.closedSessions) this.events.emit('session', { ...closed, change: 'closed' });
      for (const { message, contact, csat } of recorded.events) {
        if (message && contact) this.events.emit('message', { message, contact: changedContacts.get(contact.id) ?? contact });
        if (csat?.recorded && contact) this.events.emit('timeline', { entry: csat.recorded.entry, contact: changedContacts.get(contact.id) ?? contact });
      }
    } catch (err) {
      this.log.error(`telling the live inbox of recorded LINE webhook events failed: ${(err as Error).message}`);
    }
  }

  /**
   * After a batch's commit and its live events (emitLive), in the order of the batches: missing
   * or stale profiles filled (waiting at most PROFILE_WAIT_MS; a failing profile API is logged
   * and never drops an event), and the msgs, to the requests that brought the events or to the
   * sink of their credential. Never rejects.
   */
  private async afterCommit(recorded: RecordedBatch): Promise<void> {
    try {
      for (const item of recorded.skipped) item.done?.(null);
      const { changedContacts } = recorded;
      const refreshed = await this.refreshProfiles(recorded);

      const unrouted = new Map<string, LineEventOutput[]>();
      const acknowledgements: Promise<void>[] = [];
      for (const { item, contact, message, csat } of recorded.events) {
        if (csat) {
          item.done?.(null);
          if (csat.recorded?.reply && contact) acknowledgements.push(this.acknowledgeCsat(item, contact, csat.recorded));
          continue;
        }
        const current = contact ? (refreshed.get(contact.line_user_id) ?? changedContacts.get(contact.id) ?? contact) : null;
        const output = eventOutput(item, current, message);
        if (item.done) {
          // Counted until the request has emitted it (see collectOutputs).
          this.flowWork.enter(output.line.webhookEventId);
          item.done(output);
        } else {
          const key = credentialKey(item.credential);
          unrouted.set(key, [...(unrouted.get(key) ?? []), output]);
        }
      }
      for (const [key, outputs] of unrouted) {
        if (this.sinks.has(key)) this.emitTo(key, outputs);
        else if (!this.unroutedLogged.has(key)) {
          this.unroutedLogged.add(key);
          this.log.warn(
            `recorded ${outputs.length} stored LINE webhook event(s), but no line-webhook node of credential "${key || '(default)'}" is here to emit them (the recovery pass emits them once one is)`,
          );
        }
      }
      await Promise.all(acknowledgements);
    } catch (err) {
      this.log.error(`the work after recording LINE webhook events failed: ${(err as Error).message}`);
    }
  }

  /** The comment prompt or the thanks after a CSAT answer, by its reply token (once: the send key); never rejects. */
  private async acknowledgeCsat(item: InboxEvent, contact: ContactRow, recorded: CsatRecorded): Promise<void> {
    const reply = recorded.reply!;
    try {
      const token = await this.accessToken(item);
      if (!token) return;
      await this.lineSender.sendToContact({
        contact,
        messages: reply.text,
        replyToken: item.event.replyToken,
        receivedAt: item.receivedAt,
        // Stored now (not at the tap): after the rating's timeline entry, as the user sees it.
        mode: item.event.mode,
        sender: 'SYSTEM',
        sessionId: reply.sessionId,
        sendKey: reply.sendKey,
        channelAccessToken: token,
      });
    } catch (err) {
      this.log.warn(`the CSAT acknowledgement to ${contact.line_user_id} was not sent: ${lineErrorText(err)}`);
    }
  }

  private async refreshProfiles(recorded: RecordedBatch): Promise<Map<string, ContactRow>> {
    const refreshed = new Map<string, ContactRow>();
    const stale = new Map<string, { contact: ContactRow; item: InboxEvent }>();
    for (const { item, contact } of recorded.events) {
      if (contact && !stale.has(contact.line_user_id) && !(contact.profile_fetched_at && Date.now() - contact.profile_fetched_at.getTime() < PROFILE_TTL_MS)) {
        stale.set(contact.line_user_id, { contact, item });
      }
    }
    if (stale.size === 0) return refreshed;
    const lookups = Promise.all(
      [...stale.values()].map(async ({ contact, item }) => {
        const token = await this.accessToken(item);
        const updated = token ? await this.refreshProfile(contact, token) : undefined;
        if (updated) refreshed.set(updated.line_user_id, updated);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([lookups, new Promise((resolve) => (timer = setTimeout(resolve, PROFILE_WAIT_MS)))]);
    clearTimeout(timer);
    // Copied: a look-up that ends later changes the contact (and tells the inbox), not these msgs.
    return new Map(refreshed);
  }

  private async accessToken(item: InboxEvent): Promise<string | undefined> {
    if (item.channelAccessToken) return item.channelAccessToken;
    try {
      return (await this.credentials.resolve('LINE', item.credential ?? undefined)).secrets.channel_access_token;
    } catch (err) {
      this.log.warn(`no LINE credential "${item.credential ?? '(default)'}" for a profile look-up: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async refreshProfile(contact: ContactRow, channelAccessToken: string): Promise<ContactRow | undefined> {
    try {
      const client = this.clients.messaging(channelAccessToken);
      const outcome = await this.clients.call(() => client.getProfile(contact.line_user_id));
      if (!outcome.ok) throw outcome.error;
      const profile = outcome.value;
      const [updated] = await this.profileUpdates.submit([
        {
          id: contact.id,
          profile: {
            display_name: profile.displayName ?? null,
            picture_url: profile.pictureUrl ?? null,
            status_message: profile.statusMessage ?? null,
            language: profile.language ?? null,
          },
        },
      ]);
      if (updated) this.events.emit('contact', { contact: updated });
      return updated;
    } catch (err) {
      this.log.warn(`LINE profile of ${contact.line_user_id} not fetched: ${lineErrorText(err)}`);
      return undefined;
    }
  }
}

/**
 * The contact as a user's message stored just now left it: its insert moved last_message_at
 * (migration 0014), after the row in hand was read.
 */
function movedBy(contact: ContactRow, message: MessageRow): void {
  if (!contact.last_message_at || contact.last_message_at < message.created_at) contact.last_message_at = message.created_at;
}

function credentialKey(credential: string | null | undefined): string {
  return credential?.trim() ?? '';
}

function userOf(event: LineWebhookEvent): string | undefined {
  return event.source?.type === 'user' ? event.source.userId : undefined;
}

/** A text message, as the CSAT comment finder reads it; other events are not comments. */
function commentCandidate(contact: ContactRow, event: LineWebhookEvent) {
  const text = event.type === 'message' && event.message?.type === 'text' ? event.message.text : undefined;
  return typeof text === 'string' ? { contact, text } : undefined;
}

function isPlainMessage(event: LineWebhookEvent): boolean {
  return event.type === 'message' && event.message !== undefined;
}

/** PostgreSQL's data exceptions and integrity violations: the event itself is the problem. */
function isDataError(err: unknown): boolean {
  const code = (err as { parent?: { code?: string } })?.parent?.code ?? (err as { code?: string })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

function mergeRecorded(parts: RecordedBatch[]): RecordedBatch {
  const merged: RecordedBatch = { events: [], skipped: [], changedContacts: new Map(), closedSessions: [] };
  for (const part of parts) {
    merged.events.push(...part.events);
    merged.skipped.push(...part.skipped);
    for (const [id, contact] of part.changedContacts) merged.changedContacts.set(id, contact);
    merged.closedSessions.push(...part.closedSessions);
  }
  return merged;
}

function recoveredEvent(row: WebhookEventRow): InboxEvent {
  return {
    event: row.payload as LineWebhookEvent,
    destination: row.destination ?? '',
    receivedAt: row.received_at.getTime(),
    rowId: row.id,
    credential: row.credential_ref,
  };
}

function eventOutput(item: InboxEvent, contact: ContactRow | null, message: MessageRow | null): LineEventOutput {
  const { event, destination, receivedAt } = item;
  return {
    payload: event,
    contact,
    message,
    line: {
      replyToken: event.replyToken ?? null,
      webhookEventId: event.webhookEventId,
      destination,
      mode: event.mode ?? 'active',
      source: event.source ?? null,
      receivedAt,
      timestamp: event.timestamp,
      ...(event.message ? { messageId: event.message.id } : {}),
      ...(event.message?.markAsReadToken ? { markAsReadToken: event.message.markAsReadToken } : {}),
    },
  };
}

/** The webhook_events row of an event as LINE sent it, received by the webhook of `credential`. */
export function webhookEventRow(event: LineWebhookEvent, destination: string, credential: string | null): WebhookEventInsert {
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
    credential_ref: credential,
  };
}
