// The tables, each behind the module that owns its SQL, on one connection or one transaction.
//
// The lock order, which every transaction follows so that two of them never wait for each other
// (a webhook's unfollow and an operator's close of the same chat deadlocked when one took the
// session first and the other the contact):
//   1. contacts (several: in line_user_id order; a transaction about a session locks its
//      contact first, ContactsTable.lock, even when it only means to change the session),
//   2. chat_sessions (several: in id order),
//   3. messages, then the rest (friend_events, webhook_events' claims are taken before all of
//      these and touch only their own rows).
// A deadlock or serialization failure that slips through anyway is retried by Sql.transaction.
import type { Sql } from '../db/sql';
import { AuthTokensTable } from './auth-tokens';
import { CannedResponsesTable } from './canned-responses';
import { ChatTimelineTable } from './chat-timeline';
import { ChatSessionsTable } from './chat-sessions';
import { ChatAnalyticsTable } from './chat-analytics';
import { ContactsTable } from './contacts';
import { ConversationReadsTable } from './conversation-reads';
import { ConversationsView } from './conversations';
import { FriendEventsTable } from './friend-events';
import { LoginFailuresTable } from './login-failures';
import { MessagesTable } from './messages';
import { MediaTable } from './media';
import { CredentialsTable } from './credentials';
import { OperatorsTable } from './operators';
import { SessionAnalyticsQueries } from './session-analytics';
import { SettingsTable } from './settings';
import { WebhookEventsTable } from './webhook-events';
import { ContactFieldsTable } from './contact-fields';
import { LabelsTable } from './labels';
import { SessionRatingsTable } from './session-ratings';

export class Store {
  readonly operators: OperatorsTable;
  readonly authTokens: AuthTokensTable;
  readonly loginFailures: LoginFailuresTable;
  readonly settings: SettingsTable;
  readonly contacts: ContactsTable;
  readonly messages: MessagesTable;
  /** The bytes of media messages both ways (migration 0016). */
  readonly media: MediaTable;
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
  readonly cannedResponses: CannedResponsesTable;
  readonly chatTimeline: ChatTimelineTable;
  /** Custom contact fields and their values. */
  readonly contactFields: ContactFieldsTable;
  readonly labels: LabelsTable;
  /** The CSAT question of each closed session and the user's answer (issue 12). */
  readonly sessionRatings: SessionRatingsTable;

  constructor(readonly sql: Sql) {
    this.operators = new OperatorsTable(sql);
    this.authTokens = new AuthTokensTable(sql);
    this.loginFailures = new LoginFailuresTable(sql);
    this.settings = new SettingsTable(sql);
    this.contacts = new ContactsTable(sql);
    this.messages = new MessagesTable(sql);
    this.media = new MediaTable(sql);
    this.friendEvents = new FriendEventsTable(sql);
    this.webhookEvents = new WebhookEventsTable(sql);
    this.credentials = new CredentialsTable(sql);
    this.chatSessions = new ChatSessionsTable(sql);
    this.conversationReads = new ConversationReadsTable(sql);
    this.conversations = new ConversationsView(sql);
    this.chatAnalytics = new ChatAnalyticsTable(sql);
    this.sessionAnalytics = new SessionAnalyticsQueries(sql);
    this.cannedResponses = new CannedResponsesTable(sql);
    this.chatTimeline = new ChatTimelineTable(sql);
    this.contactFields = new ContactFieldsTable(sql);
    this.labels = new LabelsTable(sql);
    this.sessionRatings = new SessionRatingsTable(sql);
  }

  /** Runs `work` on a Store whose every table shares one transaction. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => work(tx === this.sql ? this : new Store(tx)));
  }
}
