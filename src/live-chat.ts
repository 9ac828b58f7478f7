// The product's core, free of Node-RED: the database and the services on it, and the HTTP API
// that serves them. The session-store node owns one; tests start one directly.
import type express from 'express';
import { openDatabase, Database, DatabaseTarget } from './db/database';
import { Store } from './store/store';
import { Operators } from './auth/operators';
import { Credentials, EnvironmentCredentials } from './credentials/credential-service';
import { CredentialVerifier } from './credentials/verify';
import { Fernet } from './crypto/fernet';
import { createApi } from './http/api';
import { Logger, consoleLogger } from './logger';
import { LiveChatEvents } from './events';
import { LineClients } from './line/line-clients';
import { LineWebhookIngest } from './line/webhook-ingest';
import { LineSender } from './line/line-sender';
import { Analytics } from './analytics/analytics-service';

export interface LiveChatOptions {
  database: DatabaseTarget;
  /** Public base URL of the inbox, for links in alerts. */
  adminUrl: string;
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
  telegramApiRoot?: string;
  log?: Logger;
}

export class LiveChat {
  readonly store: Store;
  readonly operators: Operators;
  /** What changed, for the live inbox. */
  readonly events = new LiveChatEvents();
  readonly lineClients: LineClients;
  readonly lineWebhook: LineWebhookIngest;
  readonly lineSender: LineSender;
  readonly credentials: Credentials;
  readonly analytics: Analytics;
  private apiRouter?: express.Router;

  private constructor(
    readonly db: Database,
    readonly options: LiveChatOptions,
    readonly log: Logger,
  ) {
    this.store = new Store(db.sql);
    this.operators = new Operators(this.store);
    this.lineClients = new LineClients({ apiBaseUrl: options.lineApiBaseUrl, dataApiBaseUrl: options.lineDataApiBaseUrl });
    this.lineWebhook = new LineWebhookIngest(this.store, this.lineClients, this.events, log);
    this.lineSender = new LineSender(this.store, this.lineClients, this.events, log, { retryDelaysMs: options.linePushRetryDelaysMs });
    this.credentials = new Credentials(
      this.store,
      new Fernet(options.encryptionKey),
      new CredentialVerifier({ lineApiBaseUrl: options.lineApiBaseUrl, telegramApiRoot: options.telegramApiRoot }),
      log,
    );
    this.analytics = new Analytics(this.store);
  }

  static async start(options: LiveChatOptions): Promise<LiveChat> {
    const log = options.log ?? consoleLogger;
    const db = await openDatabase(options.database, { log: (line) => log.info(line) });
    return LiveChat.on(db, options);
  }

  /** The core on a database that is already open and migrated (closing the core closes it). */
  static async on(db: Database, options: LiveChatOptions): Promise<LiveChat> {
    const log = options.log ?? consoleLogger;
    let app: LiveChat;
    try {
      app = new LiveChat(db, options, log);
      if (options.bootstrapAdmin && (await app.operators.ensureBootstrapAdmin(options.bootstrapAdmin.username, options.bootstrapAdmin.password))) {
        log.info(`created the first admin operator "${options.bootstrapAdmin.username}"`);
      }
      if (options.environmentCredentials) await app.credentials.seedFromEnvironment(options.environmentCredentials);
    } catch (err) {
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

  async close(): Promise<void> {
    await this.db.close();
  }
}
