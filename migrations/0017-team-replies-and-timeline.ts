// Issue 11, the team's inbox: canned responses the admins keep for everyone (one LINE message
// each, found by title or shortcut), and the chat timeline's own entries besides the messages:
// internal notes (never sent to LINE) and who took or handed over the chat. A chat's entries are
// read by time, next to its page of messages (the contact's index).
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE canned_responses (
      id          SERIAL       PRIMARY KEY,
      title       VARCHAR(100) NOT NULL,
      shortcut    VARCHAR(32)  NOT NULL,
      message     JSONB        NOT NULL,
      created_by  INTEGER      REFERENCES operators(id),
      created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
      updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX canned_responses_shortcut_key ON canned_responses (lower(shortcut));

    CREATE TABLE chat_timeline (
      id               SERIAL      PRIMARY KEY,
      contact_id       INTEGER     NOT NULL REFERENCES contacts(id),
      session_id       INTEGER     REFERENCES chat_sessions(id),
      kind             VARCHAR(16) NOT NULL CHECK (kind IN ('note', 'claimed', 'reassigned')),
      operator_id      INTEGER     REFERENCES operators(id),
      from_operator_id INTEGER     REFERENCES operators(id),
      to_operator_id   INTEGER     REFERENCES operators(id),
      text             TEXT,
      created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX chat_timeline_contact_idx ON chat_timeline (contact_id, created_at, id);
  `);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`DROP TABLE chat_timeline; DROP TABLE canned_responses;`);
}
