// The tables, each behind the module that owns its SQL, on one connection or one transaction.
import type { Sql } from '../db/sql';
import { AuthTokensTable } from './auth-tokens';
import { ChatSessionsTable } from './chat-sessions';
import { ChatAnalyticsTable } from './chat-analytics';
import { ContactsTable } from './contacts';
import { ConversationReadsTable } from './conversation-reads';
import { ConversationsView } from './conversations';
import { FriendEventsTable } from './friend-events';
import { LoginFailuresTable } from './login-failures';
import { MessagesTable } from './messages';
import { CredentialsTable } from './credentials';
import { OperatorsTable } from './operators';
import { SessionAnalyticsQueries } from './session-analytics';
import { SettingsTable } from './settings';
import { WebhookEventsTable } from './webhook-events';

export class Store {
  readonly operators: OperatorsTable;
  readonly authTokens: AuthTokensTable;
  readonly loginFailures: LoginFailuresTable;
  readonly settings: SettingsTable;
  readonly contacts: ContactsTable;
  readonly messages: MessagesTable;
  readonly friendEvents: FriendEventsTable;
  readonly webhookEvents: WebhookEventsTable;
  readonly credentials: CredentialsTable;
  readonly chatSessions: ChatSessionsTable;
  readonly conversationReads: ConversationReadsTable;
  /** The inbox's read model over several tables. */
  readonly conversations: ConversationsView;
  readonly chatAnalytics: ChatAnalyticsTable;
  /** Read-only analytics over sessions, messages and operators. */
  readonly sessionAnalytics: SessionAnalyticsQueries;

  constructor(readonly sql: Sql) {
    this.operators = new OperatorsTable(sql);
    this.authTokens = new AuthTokensTable(sql);
    this.loginFailures = new LoginFailuresTable(sql);
    this.settings = new SettingsTable(sql);
    this.contacts = new ContactsTable(sql);
    this.messages = new MessagesTable(sql);
    this.friendEvents = new FriendEventsTable(sql);
    this.webhookEvents = new WebhookEventsTable(sql);
    this.credentials = new CredentialsTable(sql);
    this.chatSessions = new ChatSessionsTable(sql);
    this.conversationReads = new ConversationReadsTable(sql);
    this.conversations = new ConversationsView(sql);
    this.chatAnalytics = new ChatAnalyticsTable(sql);
    this.sessionAnalytics = new SessionAnalyticsQueries(sql);
  }

  /** Runs `work` on a Store whose every table shares one transaction. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => work(tx === this.sql ? this : new Store(tx)));
  }
}
