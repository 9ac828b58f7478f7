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
import { type LineDeadlines, longestSendMs } from './line/line-deadlines';
import { errorText } from './util/error-text';
import { EMBEDDED_MAX_BATCH, LineWebhookIngest, type WebhookInboxOptions } from './line/webhook-ingest';
import { LineSender } from './line/line-sender';
import { Handoff } from './live-chat/handoff';
import { ChatSessions } from './live-chat/chat-sessions';
import { OperatorMessages } from './live-chat/operator-messages';
import { Conversations } from './live-chat/conversations';
import { Analytics } from './analytics/analytics-service';
import { ContactDetails } from './live-chat/contact-details';
import { Exports } from './live-chat/exports';
import { RealtimeHub } from './realtime/realtime-hub';
import { InstanceLink } from './realtime/instance-link';
import { TelegramAlerts } from './telegram/telegram-alerts';
import { parseTrustProxy, type ProxyTrust } from './http/trusted-proxy';
import { Leadership } from './db/leadership';

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
  /** How often idle chats are looked for to close (default 30 s; 0 = never); only the leading instance looks. */
  sweepIntervalMs?: number;
  /**
   * The reverse proxy whose X-Forwarded-For/-Proto/-Host are believed, as express's `trust proxy`
   * takes it ("loopback", "10.0.0.1", a hop count); unset = none (the headers are ignored).
   */
  trustProxy?: string;
  /** How often a follower instance tries to lead, and the leader checks its lock (see db/leadership). */
  leadershipIntervalMs?: number;
  /** The webhook inbox's queue, batches and recovery pass (see DEFAULT_WEBHOOK_INBOX). */
  webhookInbox?: Partial<WebhookInboxOptions>;
  log?: Logger;
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
    this.lineWebhook = new LineWebhookIngest(this.store, this.lineClients, this.credentials, this.events, log, {
      ...(db.kind === 'embedded' ? { maxBatch: EMBEDDED_MAX_BATCH } : {}),
      ...options.webhookInbox,
    });
    this.contacts = new CurrentContacts(this.store, this.events);
    this.handoff = new Handoff(this.store, this.lineSender, this.credentials, this.events, log);
    this.sessions = new ChatSessions(this.store, this.lineSender, this.credentials, this.events, log);
    this.operatorMessages = new OperatorMessages(this.store, this.sessions, this.lineSender, this.credentials, this.events);
    this.conversations = new Conversations(this.store, this.lineClients, this.credentials, this.events, log);
    this.analytics = new Analytics(this.store);
    this.contactDetails = new ContactDetails(this.store, this.events);
    this.exports = new Exports(this.store);
    this.realtime = new RealtimeHub(this.store, this.conversations, this.events, log, new InstanceLink(db.kind === 'server' ? db.url : undefined, log));
    const adminUrl = options.adminUrl;
    const telegramOptions = {
      get adminUrl() {
        return typeof adminUrl === 'function' ? adminUrl() : adminUrl;
      },
      apiRoot: options.telegramApiRoot,
    };
    this.telegram = new TelegramAlerts(this.store, this.credentials, log, telegramOptions);
    this.leadership = new Leadership({ url: db.kind === 'server' ? db.url : undefined, intervalMs: options.leadershipIntervalMs, log });
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
      // Events stored but never processed (a crash, a full queue) are processed from now on.
      app.lineWebhook.start();
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
   * key: LINE drops a push it already took). One conditional UPDATE, so with several instances
   * starting each message is marked once.
   */
  private async failInterruptedSends(): Promise<void> {
    const olderThanMs = longestSendMs(this.lineClients.deadlines) + INTERRUPTED_SEND_MARGIN_MS;
    const failed = await this.store.messages.failInterruptedSends(olderThanMs, 'Interrupted by a restart before LINE answered; Retry sends it again');
    if (failed > 0) this.log.warn(`${failed} message(s) left PENDING by a stopped process marked FAILED (Retry sends them)`);
  }

  /**
   * Closes idle chats now and then, on the leading instance only (each chat would be closed once
   * anyway; this keeps the other instances from reading the same chats for nothing).
   */
  private startSweeping(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.sweepTimer = setInterval(() => {
      if (!this.leadership.isLeader) return;
      this.sweeping ??= this.sessions
        .closeIdle()
        .then(
          () => undefined,
          (err: unknown) => this.log.error(`closing idle chats failed: ${errorText(err)}`),
        )
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
    await this.leadership.close();
    await this.lineWebhook.stop();
    await this.sweeping;
    await this.conversations.settled();
  }

  async close(): Promise<void> {
    await this.realtime.close();
    await this.stop();
    await this.db.close();
  }
}
