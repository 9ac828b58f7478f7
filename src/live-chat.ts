// The product's core, free of Node-RED: the database and the services on it, and the HTTP API
// that serves them. The session-store node owns one; tests start one directly.
import type express from 'express';
import { openDatabase, type Database, type DatabaseTarget } from './db/database';
import { Store } from './store/store';
import { Operators } from './auth/operators';
import { Credentials, type EnvironmentCredentials } from './credentials/credential-service';
import { CredentialVerifier } from './credentials/verify';
import { Fernet } from './crypto/fernet';
import { createApi } from './http/api';
import { type Logger, consoleLogger } from './logger';
import { LiveChatEvents } from './events';
import { CurrentContacts } from './live-chat/current-contacts';
import { LineClients } from './line/line-clients';
import { type LineDeadlines, longestSendMs, type TelegramDeadlines } from './config/deadlines';
import { errorText } from './util/error-text';
import type { ContactRow } from './store/contacts';
import { EMBEDDED_MAX_BATCH, LineWebhookIngest, type WebhookInboxOptions } from './line/webhook-ingest';
import { LineSender } from './line/line-sender';
import { Handoff } from './live-chat/handoff';
import { ChatSessions } from './live-chat/chat-sessions';
import { OperatorMessages } from './live-chat/operator-messages';
import { Conversations } from './live-chat/conversations';
import { ChatTimeline } from './live-chat/chat-timeline';
import { CannedResponses } from './live-chat/canned-responses';
import { Analytics } from './analytics/analytics-service';
import { ContactDetails } from './live-chat/contact-details';
import { Exports } from './live-chat/exports';
import { RealtimeHub } from './realtime/realtime-hub';
import { InstanceLink, type InstanceLinkTimings } from './realtime/instance-link';
import { TelegramAlerts } from './telegram/telegram-alerts';
import { parseTrustProxy, type ProxyTrust } from './http/trusted-proxy';
import { Leadership } from './db/leadership';
import { DEFAULT_UPKEEP_INTERVAL_MS, EMBEDDED_QUIET_MS, TableUpkeep } from './db/table-upkeep';
import { DEFAULT_MEDIA, type MediaOptions } from './media/media-options';
import { IncomingMedia } from './media/incoming-media';
import { OutgoingMedia } from './media/outgoing-media';
import { QueueUpdates } from './live-chat/queue-updates';
import { TypingIndicator } from './live-chat/typing-indicator';

export interface LiveChatOptions {
  database: DatabaseTarget;
  /**
   * The inbox's public base URL, for links in alerts (the chat is <adminUrl>/admin/live-chat?user=…);
   * a function when it is worked out as each link is made (the server's port may come later).
   */
  adminUrl: string | (() => string);
  /** Creates the first admin operator when there is none. */
  bootstrapAdmin?: { username: string; password: string };
  /** The Fernet key stored credentials are encrypted with (see resolveEncryptionKey). */
  encryptionKey: string;
  /** LINE_* / TELEGRAM_* credentials that become their provider's default when it has none. */
  environmentCredentials?: EnvironmentCredentials;
  lineApiBaseUrl?: string;
  lineDataApiBaseUrl?: string;
  /** Waits between push attempts (tests shorten them). */
  linePushRetryDelaysMs?: number[];
  /** Time limits of LINE calls: each request's, a reply's, a push's and any other call's total (see DEFAULT_LINE_DEADLINES). */
  lineDeadlines?: Partial<LineDeadlines>;
  telegramApiRoot?: string;
  /** Time limits of a Telegram alert: each request's and all attempts' together (see DEFAULT_TELEGRAM_DEADLINES). */
  telegramDeadlines?: Partial<TelegramDeadlines>;
  /**
   * How often idle chats are looked for to close, by the leading instance only, and sends a
   * stopped process left PENDING, by every instance (default 30 s; 0 = never, sends on start only).
   */
  sweepIntervalMs?: number;
  /**
   * The reverse proxy whose X-Forwarded-For/-Proto/-Host are believed, as express's `trust proxy`
   * takes it ("loopback", "10.0.0.1", a hop count); unset = none (the headers are ignored).
   */
  trustProxy?: string;
  /** How often a follower instance tries to lead, and the leader checks its lock (see db/leadership). */
  leadershipIntervalMs?: number;
  /**
   * How often the leader vacuums the tables that need it where the database does not (the
   * embedded one; a server with autovacuum off; see db/table-upkeep). Default 60 s; 0 = never.
   */
  upkeepIntervalMs?: number;
  /** The webhook inbox's queue, batches and recovery pass (see DEFAULT_WEBHOOK_INBOX). */
  webhookInbox?: Partial<WebhookInboxOptions>;
  /** Media size limits, fetch retries and how long public links last (see DEFAULT_MEDIA). */
  media?: Partial<MediaOptions>;
  /** When an instance alone on its PostgreSQL database stops telling others its live changes (tests shorten it; see InstanceLink). */
  instanceLink?: Partial<InstanceLinkTimings>;
  /** How long after asking LINE for a chat's typing animation it is asked again (tests shorten it; see TypingIndicator). */
  typingRenewMs?: number;
  log?: Logger;
  /** The clock business hours and idle chats are judged by (tests set it); the system's by default. */
  clock?: () => Date;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;
/** Past the longest send, before a PENDING message counts as interrupted (clocks, slow commits). */
export const INTERRUPTED_SEND_MARGIN_MS = 60_000;

export class LiveChat {
  readonly store: Store;
  readonly operators: Operators;
  /** What changed, for the live inbox. */
  readonly events = new LiveChatEvents();
  readonly lineClients: LineClients;
  readonly lineWebhook: LineWebhookIngest;
  readonly lineSender: LineSender;
  readonly credentials: Credentials;
  /** A msg's contact as it is now, for the nodes after the webhook. */
  readonly contacts: CurrentContacts;
  /** Starting a handoff from a LINE event. */
  readonly handoff: Handoff;
  /** Claim, close, the BOT/HUMAN switch and the closing of idle chats. */
  readonly sessions: ChatSessions;
  readonly operatorMessages: OperatorMessages;
  /** The inbox's reads: the conversation list and one conversation's history. */
  readonly conversations: Conversations;
  /** Internal notes, and the chat's changes of hands, beside its messages. */
  readonly timeline: ChatTimeline;
  /** The replies the admins keep for every operator. */
  readonly cannedResponses: CannedResponses;
  readonly analytics: Analytics;
  /** Contact details and labels, and the fields and labels admins define. */
  readonly contactDetails: ContactDetails;
  /** Transcript and friends-list downloads. */
  readonly exports: Exports;
  /** The operators' live sockets and the updates they get (see realtime/socket-server). */
  readonly realtime: RealtimeHub;
  /** The Telegram admin alert of a handoff, and the reminders of chats nobody claimed. */
  readonly telegram: TelegramAlerts;
  /** Whom X-Forwarded-* headers are believed from (LiveChatOptions.trustProxy). */
  readonly proxyTrust: ProxyTrust;
  /** Whether this instance does the work done once across instances (idle sweeps, the scheduled roll-up). */
  readonly leadership: Leadership;
  private readonly upkeep: TableUpkeep;
  readonly mediaOptions: MediaOptions;
  /** Users' images, videos, audio and files, fetched from LINE after the webhook's 200. */
  readonly incomingMedia: IncomingMedia;
  /** Images and files operators send from their computer. */
  readonly outgoingMedia: OutgoingMedia;
  /** Waiting users told their place in the queue (issue 12). */
  readonly queue: QueueUpdates;
  /** LINE's loading animation while an operator types (issue 12). */
  readonly typing: TypingIndicator;
  /** The clock business hours, idle chats and queue updates are judged by. */
  private readonly clock: () => Date;
  private apiRouter?: express.Router;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  private constructor(
    readonly db: Database,
    readonly options: LiveChatOptions,
    readonly log: Logger,
  ) {
    this.proxyTrust = parseTrustProxy(options.trustProxy);
    this.store = new Store(db.sql);
    this.operators = new Operators(this.store);
    this.lineClients = new LineClients(
      { apiBaseUrl: options.lineApiBaseUrl, dataApiBaseUrl: options.lineDataApiBaseUrl },
      options.lineDeadlines,
      options.linePushRetryDelaysMs,
    );
    this.lineSender = new LineSender(this.store, this.lineClients, this.events, log, { retryDelaysMs: options.linePushRetryDelaysMs });
    this.credentials = new Credentials(
      this.store,
      new Fernet(options.encryptionKey),
      new CredentialVerifier({
        lineApiBaseUrl: options.lineApiBaseUrl,
        telegramApiRoot: options.telegramApiRoot,
        timeoutMs: this.lineClients.deadlines.attemptMs,
      }),
      log,
    );
    this.lineWebhook = new LineWebhookIngest(this.store, this.lineClients, this.lineSender, this.credentials, this.events, log, {
      ...(db.kind === 'embedded' ? { maxBatch: EMBEDDED_MAX_BATCH } : {}),
      ...options.webhookInbox,
    });
    this.contacts = new CurrentContacts(this.store, this.events);
    const clock = options.clock ?? (() => new Date());
    this.clock = clock;
    this.queue = new QueueUpdates(this.store, this.lineSender, this.credentials, log);
    this.handoff = new Handoff(this.store, this.lineSender, this.credentials, this.events, log, this.queue, clock);
    this.sessions = new ChatSessions(this.store, this.lineSender, this.credentials, this.events, log, clock);
    this.typing = new TypingIndicator(this.store, this.sessions, this.lineClients, this.credentials, log, options.typingRenewMs);
    this.operatorMessages = new OperatorMessages(this.store, this.sessions, this.lineSender, this.credentials);
    this.timeline = new ChatTimeline(this.store, this.events);
    this.cannedResponses = new CannedResponses(this.store);
    this.conversations = new Conversations(this.store, this.lineClients, this.credentials, this.events, log, this.timeline);
    this.analytics = new Analytics(this.store);
    this.contactDetails = new ContactDetails(this.store, this.events);
    this.exports = new Exports(this.store);
    this.realtime = new RealtimeHub(
      this.store,
      this.conversations,
      this.events,
      log,
      new InstanceLink(db.kind === 'server' ? db.url : undefined, log, options.instanceLink),
    );
    const adminUrl = options.adminUrl;
    const telegramOptions = {
      get adminUrl() {
        return typeof adminUrl === 'function' ? adminUrl() : adminUrl;
      },
      apiRoot: options.telegramApiRoot,
      timeoutMs: options.telegramDeadlines?.attemptMs,
      budgetMs: options.telegramDeadlines?.budgetMs,
      now: clock,
    };
    this.telegram = new TelegramAlerts(this.store, this.credentials, log, telegramOptions);
    this.mediaOptions = { ...DEFAULT_MEDIA, ...options.media };
    this.incomingMedia = new IncomingMedia(this.store, this.lineClients, this.credentials, this.events, log, this.mediaOptions);
    this.outgoingMedia = new OutgoingMedia(this.store, this.sessions, this.operatorMessages, this.mediaOptions, () => telegramOptions.adminUrl);
    this.leadership = new Leadership({ url: db.kind === 'server' ? db.url : undefined, intervalMs: options.leadershipIntervalMs, log });
    this.upkeep = new TableUpkeep(db.sql, {
      kind: db.kind,
      url: db.url,
      leading: () => this.leadership.isLeader,
      quiet: () => this.lineWebhook.quietForMs() >= EMBEDDED_QUIET_MS,
      log,
    });
  }

  static async start(options: LiveChatOptions): Promise<LiveChat> {
    const log = options.log ?? consoleLogger;
    const db = await openDatabase(options.database, { log: (line) => log.info(line) });
    return LiveChat.on(db, options);
  }

  /** The core on a database that is already open and migrated (closing the core closes it). */
  static async on(db: Database, options: LiveChatOptions): Promise<LiveChat> {
    const log = options.log ?? consoleLogger;
    let app: LiveChat | undefined;
    try {
      app = new LiveChat(db, options, log);
      if (options.bootstrapAdmin && (await app.operators.ensureBootstrapAdmin(options.bootstrapAdmin.username, options.bootstrapAdmin.password))) {
        log.info(`created the first admin operator "${options.bootstrapAdmin.username}"`);
      }
      if (options.environmentCredentials) await app.credentials.seedFromEnvironment(options.environmentCredentials);
      await app.failInterruptedSends();
      // A lone instance leads from its start; a second one follows until the first stops.
      await app.leadership.start();
      app.startSweeping(options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
      app.upkeep.start(options.upkeepIntervalMs ?? DEFAULT_UPKEEP_INTERVAL_MS);
      // Events stored but never processed (a crash, a full queue) are processed from now on.
      app.lineWebhook.start();
      app.incomingMedia.start();
    } catch (err) {
      await app?.leadership.close();
      await db.close();
      throw err;
    }
    return app;
  }

  /** The REST API (mount it at /api/v1). */
  api(): express.Router {
    this.apiRouter ??= createApi(this);
    return this.apiRouter;
  }

  /**
   * Messages still PENDING long after any send would have ended were being sent when a process
   * stopped (a crash, kill -9): they become FAILED, so the inbox offers Retry (under their retry
   * key: LINE drops a push it already took), and a keyed send run again sends them once (see
   * LineSender). One conditional UPDATE, so with several instances each message is marked once.
   * Run on start and with every sweep.
   */
  private async failInterruptedSends(): Promise<void> {
    const olderThanMs = longestSendMs(this.lineClients.deadlines) + INTERRUPTED_SEND_MARGIN_MS;
    const failed = await this.store.messages.failInterruptedSends(
      olderThanMs,
      'Interrupted: the process sending it stopped before LINE answered; Retry sends it again',
    );
    if (failed.length === 0) return;
    this.log.warn(`${failed.length} message(s) left PENDING by a stopped process marked FAILED (Retry sends them)`);
    const contacts = new Map<number, ContactRow | undefined>();
    for (const message of failed) {
      if (!contacts.has(message.contact_id)) contacts.set(message.contact_id, await this.store.contacts.byId(message.contact_id));
      const contact = contacts.get(message.contact_id);
      if (contact) this.events.emit('message', { message, contact });
    }
  }

  /**
   * Closes idle chats and tells waiting users their new place in the queue now and then, on the
   * leading instance only (each chat would be closed, and each place told, once anyway; this
   * keeps the other instances from reading the same chats for nothing), and fails the sends a
   * stopped process left PENDING, on every instance (each row is claimed once).
   */
  private startSweeping(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= Promise.all([
        this.leadership.isLeader
          ? this.sessions.closeIdle().catch((err: unknown) => this.log.error(`closing idle chats failed: ${errorText(err)}`))
          : undefined,
        this.leadership.isLeader
          ? this.queue.sweep(this.clock()).catch((err: unknown) => this.log.error(`telling waiting users their place failed: ${errorText(err)}`))
          : undefined,
        this.failInterruptedSends().catch((err: unknown) => this.log.error(`marking interrupted sends failed: ${errorText(err)}`)),
      ])
        .then(() => undefined)
        .finally(() => (this.sweeping = undefined));
    }, intervalMs);
    this.sweepTimer.unref();
  }

  /**
   * Stops the background work (idle sweeps, webhook events queued here, LINE read marks) and
   * waits for it; the database stays open.
   */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.upkeep.stop();
    await this.leadership.close();
    await this.lineWebhook.stop();
    await this.incomingMedia.stop();
    await this.sweeping;
    await this.conversations.settled();
    await this.typing.settled();
  }

  async close(): Promise<void> {
    await this.realtime.close();
    await this.stop();
    await this.db.close();
  }
}
