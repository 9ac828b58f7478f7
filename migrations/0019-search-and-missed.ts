// Issue 11. Missed chats are listed from a partial index of their sessions. Search of the message history: a trigram GIN index over each text message's text,
// for ILIKE '%words%'. pg_trgm splits text into words at what is not a letter or digit and Thai
// letters and marks are letters to it (PostgreSQL in C.UTF-8 and PGlite alike), so a Thai
// sentence without spaces is one long word and any three characters of it are indexed. Searches
// are of three characters or more (pg_trgm extracts nothing shorter from a pattern). Only text
// messages carry text, so the index is partial; where pg_trgm is missing (see 0005) search still
// works, reading the messages.
import type { QueryInterface } from 'sequelize';

const up_ = `
-- The inbox's Missed tab: sessions the system closed that nobody had claimed.
CREATE INDEX chat_sessions_missed_idx ON chat_sessions (contact_id) WHERE closed_by = 'SYSTEM' AND claimed_at IS NULL;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX messages_text_trgm_idx ON messages USING gin ((content->>'text') gin_trgm_ops) WHERE message_type = 'text';
  END IF;
END $$;
`;

const down_ = `
DROP INDEX IF EXISTS messages_text_trgm_idx;
DROP INDEX chat_sessions_missed_idx;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
