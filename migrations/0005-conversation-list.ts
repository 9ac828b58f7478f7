// The inbox list at 100,000 contacts: each contact carries its conversation's latest session,
// last message and latest activity, so that a tab is one walk down an index in the order it shows
// and a cursor page costs what the first does. Triggers on inserts into messages and
// chat_sessions keep these columns true in this one place, whichever write path inserts. A
// session's status is not copied: claiming or closing would then lock the contact after the
// session, the reverse of the webhook's order (contact, then session), and could deadlock with
// it; the open sessions are few and their own index serves the WAITING and ACTIVE tabs.
// Search (ILIKE '%q%' on name and LINE id) uses trigram indexes where pg_trgm is available
// (PostgreSQL's contrib, and PGlite with the extension loaded); without it search still works,
// walking the list in order.
import type { QueryInterface } from 'sequelize';

/** Fills the conversation columns from the tables; also used by the benchmark's seeder. */
export const BACKFILL_CONVERSATION_COLUMNS = `
UPDATE contacts c SET conv_last_message_id = lm.id, conv_last_message_at = lm.created_at
FROM (SELECT DISTINCT ON (contact_id) contact_id, id, created_at FROM messages WHERE sender <> 'SYSTEM'
      ORDER BY contact_id, created_at DESC, id DESC) lm
WHERE lm.contact_id = c.id;
UPDATE contacts c SET conv_session_id = s.id, conv_session_started_at = s.started_at
FROM (SELECT DISTINCT ON (contact_id) contact_id, id, started_at FROM chat_sessions ORDER BY contact_id, id DESC) s
WHERE s.contact_id = c.id;
`;

const up_ = `
ALTER TABLE contacts
  ADD COLUMN conv_last_message_id    INTEGER,
  ADD COLUMN conv_last_message_at    TIMESTAMPTZ,
  ADD COLUMN conv_session_id         INTEGER,
  ADD COLUMN conv_session_started_at TIMESTAMPTZ,
  -- The list's sort key: NULL for a contact that never talked (not in the list).
  ADD COLUMN conv_activity_at        TIMESTAMPTZ GENERATED ALWAYS AS (GREATEST(conv_last_message_at, conv_session_started_at)) STORED;

-- The last message of a conversation is the newest that is not the system's own text (the
-- greeting and closing would otherwise hide what the user asked).
CREATE FUNCTION contacts_track_last_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts SET conv_last_message_id = NEW.id, conv_last_message_at = NEW.created_at
  WHERE id = NEW.contact_id
    AND (conv_last_message_at IS NULL OR (NEW.created_at, NEW.id) > (conv_last_message_at, conv_last_message_id));
  RETURN NULL;
END $$;
CREATE TRIGGER messages_track_conversation AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.sender <> 'SYSTEM') EXECUTE FUNCTION contacts_track_last_message();

-- The latest session is the one with the highest id (an open session is always the latest:
-- a contact has at most one, and a new one opens only when none is).
CREATE FUNCTION contacts_track_latest_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts SET conv_session_id = NEW.id, conv_session_started_at = NEW.started_at
  WHERE id = NEW.contact_id AND (conv_session_id IS NULL OR NEW.id > conv_session_id);
  RETURN NULL;
END $$;
CREATE TRIGGER chat_sessions_track_conversation AFTER INSERT ON chat_sessions
  FOR EACH ROW EXECUTE FUNCTION contacts_track_latest_session();

${BACKFILL_CONVERSATION_COLUMNS}

-- ALL, BOT and CLOSED walk one of these backwards from the newest activity.
CREATE INDEX contacts_conversations_idx ON contacts (conv_activity_at, id) WHERE conv_activity_at IS NOT NULL;
CREATE INDEX contacts_conversations_mode_idx ON contacts (chat_mode, conv_activity_at, id) WHERE conv_activity_at IS NOT NULL;
CREATE INDEX contacts_conversations_sessions_idx ON contacts (conv_activity_at, id) WHERE conv_session_id IS NOT NULL;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX contacts_display_name_trgm_idx ON contacts USING gin (display_name gin_trgm_ops);
    CREATE INDEX contacts_line_user_id_trgm_idx ON contacts USING gin (line_user_id gin_trgm_ops);
  END IF;
END $$;
`;

const down_ = `
DROP INDEX IF EXISTS contacts_display_name_trgm_idx;
DROP INDEX IF EXISTS contacts_line_user_id_trgm_idx;
DROP TRIGGER chat_sessions_track_conversation ON chat_sessions;
DROP TRIGGER messages_track_conversation ON messages;
DROP FUNCTION contacts_track_latest_session();
DROP FUNCTION contacts_track_last_message();
ALTER TABLE contacts DROP COLUMN conv_activity_at, DROP COLUMN conv_last_message_id, DROP COLUMN conv_last_message_at,
  DROP COLUMN conv_session_id, DROP COLUMN conv_session_started_at;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
