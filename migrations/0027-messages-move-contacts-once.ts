// Issue 9: a statement that stores messages moves each of their contacts once, in one UPDATE.
// 0005/0014's trigger ran for each row: an UPDATE of the contact per message, run by PL/pgSQL
// one at a time, and a contact with several messages in the statement rewritten once for each
// (a new version, an entry in each of its indexes). The webhook stores a batch of events' messages,
// and the bot's answers are stored in batches, in one statement each: now the statement's rows
// (its transition table) move their contacts together, each to its newest message (by created_at,
// then id) and, for a user's message, its last_message_at as before. System messages (a session's
// greeting and closing words) still move nothing.
import type { QueryInterface } from 'sequelize';
import { USER_MESSAGE_MOVES_CONTACT } from './0014-user-message-moves-contact';

const up_ = `
CREATE FUNCTION contacts_track_last_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts c SET
    conv_last_message_id = CASE WHEN c.conv_last_message_at IS NULL OR (n.created_at, n.id) > (c.conv_last_message_at, c.conv_last_message_id)
      THEN n.id ELSE c.conv_last_message_id END,
    conv_last_message_at = CASE WHEN c.conv_last_message_at IS NULL OR (n.created_at, n.id) > (c.conv_last_message_at, c.conv_last_message_id)
      THEN n.created_at ELSE c.conv_last_message_at END,
    last_message_at = CASE WHEN n.incoming_at IS NULL THEN c.last_message_at ELSE GREATEST(c.last_message_at, n.incoming_at) END,
    updated_at = CASE WHEN n.incoming_at IS NULL THEN c.updated_at ELSE now() END
  FROM (
    -- Each contact's newest message of the statement, and its newest from the user.
    SELECT DISTINCT ON (contact_id) contact_id, id, created_at,
      max(created_at) FILTER (WHERE direction = 'IN') OVER (PARTITION BY contact_id) AS incoming_at
    FROM inserted WHERE sender <> 'SYSTEM'
    ORDER BY contact_id, created_at DESC, id DESC
  ) n
  WHERE c.id = n.contact_id
    AND (c.conv_last_message_at IS NULL OR (n.created_at, n.id) > (c.conv_last_message_at, c.conv_last_message_id)
         OR (n.incoming_at IS NOT NULL AND (c.last_message_at IS NULL OR c.last_message_at < n.incoming_at)));
  RETURN NULL;
END $$;
DROP TRIGGER messages_track_conversation ON messages;
DROP FUNCTION contacts_track_last_message();
CREATE TRIGGER messages_track_conversations AFTER INSERT ON messages
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION contacts_track_last_messages();
`;

// 0014's trigger, as it was.
const down_ = `${USER_MESSAGE_MOVES_CONTACT}
DROP TRIGGER messages_track_conversations ON messages;
DROP FUNCTION contacts_track_last_messages();
CREATE TRIGGER messages_track_conversation AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.sender <> 'SYSTEM') EXECUTE FUNCTION contacts_track_last_message();
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
