// The first schema: the seed's tables (§3) with what a running system needs besides.
// All times are timestamptz, stored in UTC.
import type { QueryInterface } from 'sequelize';

const createSchema = `
CREATE TABLE operators (
  id            SERIAL PRIMARY KEY,
  username      VARCHAR(64)  NOT NULL,
  display_name  VARCHAR(100) NOT NULL,
  password_hash TEXT         NOT NULL,
  role          VARCHAR(16)  NOT NULL DEFAULT 'operator' CHECK (role IN ('admin', 'operator')),
  active        BOOLEAN      NOT NULL DEFAULT TRUE,
  last_login_at TIMESTAMPTZ,
  created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX operators_username_key ON operators (lower(username));

CREATE TABLE auth_tokens (
  token_hash   CHAR(64)    PRIMARY KEY,
  operator_id  INTEGER     NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_tokens_operator_idx ON auth_tokens (operator_id);
CREATE INDEX auth_tokens_expires_idx ON auth_tokens (expires_at);

CREATE TABLE contacts (
  id                 SERIAL PRIMARY KEY,
  line_user_id       VARCHAR(64)  NOT NULL UNIQUE,
  display_name       VARCHAR(255),
  picture_url        TEXT,
  status_message     TEXT,
  language           VARCHAR(16),
  chat_mode          VARCHAR(8)   NOT NULL DEFAULT 'BOT' CHECK (chat_mode IN ('BOT', 'HUMAN')),
  friend_status      VARCHAR(16)  NOT NULL DEFAULT 'ACTIVE' CHECK (friend_status IN ('ACTIVE', 'BLOCKED', 'UNFOLLOWED')),
  friend_since       TIMESTAMPTZ,
  last_message_at    TIMESTAMPTZ,
  profile_fetched_at TIMESTAMPTZ,
  created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX contacts_activity_idx ON contacts (last_message_at DESC NULLS LAST, id DESC);
CREATE INDEX contacts_friend_status_idx ON contacts (friend_status, id DESC);
CREATE INDEX contacts_chat_mode_idx ON contacts (chat_mode, last_message_at DESC NULLS LAST);

CREATE TABLE chat_sessions (
  id                SERIAL PRIMARY KEY,
  contact_id        INTEGER     NOT NULL REFERENCES contacts(id),
  line_user_id      VARCHAR(64) NOT NULL,
  operator_id       INTEGER     REFERENCES operators(id),
  status            VARCHAR(16) NOT NULL DEFAULT 'WAITING' CHECK (status IN ('WAITING', 'ACTIVE', 'CLOSED')),
  started_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  claimed_at        TIMESTAMPTZ,
  closed_at         TIMESTAMPTZ,
  first_response_at TIMESTAMPTZ,
  message_count     INTEGER     NOT NULL DEFAULT 0,
  closed_by         VARCHAR(16) CHECK (closed_by IN ('OPERATOR', 'SYSTEM', 'USER')),
  reminded_at       TIMESTAMPTZ
);
-- At most one open (WAITING or ACTIVE) session per contact, whoever tries to open a second.
CREATE UNIQUE INDEX chat_sessions_one_open_key ON chat_sessions (contact_id) WHERE status <> 'CLOSED';
CREATE INDEX chat_sessions_line_user_idx ON chat_sessions (line_user_id, started_at DESC);
CREATE INDEX chat_sessions_status_idx ON chat_sessions (status, started_at);
CREATE INDEX chat_sessions_operator_idx ON chat_sessions (operator_id, started_at);
CREATE INDEX chat_sessions_started_idx ON chat_sessions (started_at);

CREATE TABLE messages (
  id                 SERIAL PRIMARY KEY,
  contact_id         INTEGER     NOT NULL REFERENCES contacts(id),
  session_id         INTEGER     REFERENCES chat_sessions(id),
  direction          VARCHAR(3)  NOT NULL CHECK (direction IN ('IN', 'OUT')),
  sender             VARCHAR(10) NOT NULL CHECK (sender IN ('USER', 'BOT', 'OPERATOR', 'SYSTEM')),
  operator_id        INTEGER     REFERENCES operators(id),
  message_type       VARCHAR(32) NOT NULL,
  content            JSONB       NOT NULL,
  line_message_id    VARCHAR(64),
  webhook_event_id   VARCHAR(64),
  mark_as_read_token TEXT,
  delivery_status    VARCHAR(16) NOT NULL DEFAULT 'RECEIVED'
                     CHECK (delivery_status IN ('RECEIVED', 'PENDING', 'SENT', 'FAILED')),
  retry_key          UUID,
  delivery_attempts  INTEGER     NOT NULL DEFAULT 0,
  delivery_error     TEXT,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX messages_contact_created_idx ON messages (contact_id, created_at DESC, id DESC);
CREATE INDEX messages_session_idx ON messages (session_id);
CREATE INDEX messages_created_idx ON messages (created_at);
CREATE UNIQUE INDEX messages_incoming_line_id_key ON messages (line_message_id) WHERE direction = 'IN';
CREATE INDEX messages_undelivered_idx ON messages (delivery_status) WHERE delivery_status IN ('PENDING', 'FAILED');

CREATE TABLE friend_events (
  id               SERIAL PRIMARY KEY,
  contact_id       INTEGER     REFERENCES contacts(id),
  line_user_id     VARCHAR(64) NOT NULL,
  event_type       VARCHAR(20) NOT NULL CHECK (event_type IN ('FOLLOW', 'UNFOLLOW', 'REFOLLOW')),
  source           VARCHAR(20) NOT NULL DEFAULT 'WEBHOOK' CHECK (source IN ('WEBHOOK', 'MANUAL')),
  webhook_event_id VARCHAR(64),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX friend_events_line_user_idx ON friend_events (line_user_id, created_at);
CREATE INDEX friend_events_created_idx ON friend_events (created_at);

CREATE TABLE webhook_events (
  id               SERIAL PRIMARY KEY,
  webhook_event_id VARCHAR(64) NOT NULL UNIQUE,
  destination      VARCHAR(64),
  event_type       VARCHAR(40) NOT NULL,
  mode             VARCHAR(16),
  source_type      VARCHAR(16),
  source_id        VARCHAR(64),
  line_user_id     VARCHAR(64),
  payload          JSONB       NOT NULL,
  is_redelivery    BOOLEAN     NOT NULL DEFAULT FALSE,
  event_time       TIMESTAMPTZ,
  received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  processed_at     TIMESTAMPTZ,
  processing_error TEXT
);
CREATE INDEX webhook_events_pending_idx ON webhook_events (received_at) WHERE processed_at IS NULL;
CREATE INDEX webhook_events_received_idx ON webhook_events (received_at);

CREATE TABLE chat_analytics (
  id                          SERIAL PRIMARY KEY,
  date                        DATE        NOT NULL,
  operator_id                 INTEGER     REFERENCES operators(id),
  total_sessions              INTEGER     NOT NULL DEFAULT 0,
  avg_response_time_seconds   INTEGER,
  avg_resolution_time_seconds INTEGER,
  total_messages_sent         INTEGER     NOT NULL DEFAULT 0,
  updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- The row with no operator is the whole day; NULLS NOT DISTINCT keeps it unique too.
  CONSTRAINT chat_analytics_date_operator_key UNIQUE NULLS NOT DISTINCT (date, operator_id)
);
CREATE INDEX chat_analytics_date_idx ON chat_analytics (date);

CREATE TABLE credentials (
  id          SERIAL PRIMARY KEY,
  name        VARCHAR(100) NOT NULL,
  provider    VARCHAR(50)  NOT NULL CHECK (provider IN ('LINE', 'TELEGRAM', 'N8N', 'GOOGLE_SHEETS', 'CUSTOM')),
  credentials TEXT         NOT NULL,
  metadata    JSONB        NOT NULL DEFAULT '{}'::jsonb,
  is_active   BOOLEAN      NOT NULL DEFAULT FALSE,
  is_default  BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX credentials_one_default_key ON credentials (provider) WHERE is_default;
CREATE INDEX credentials_provider_idx ON credentials (provider, id);
CREATE INDEX credentials_active_idx ON credentials (is_active);

CREATE TABLE settings (
  key        VARCHAR(100) PRIMARY KEY,
  value      JSONB        NOT NULL,
  updated_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
`;

const dropSchema = `
DROP TABLE settings, credentials, chat_analytics, webhook_events, friend_events, messages,
  chat_sessions, contacts, auth_tokens, operators;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(createSchema);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(dropSchema);
}
