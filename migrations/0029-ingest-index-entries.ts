// Issue 9: index entries every ingested event paid for and no query needed.
// - webhook_events_received_idx: nothing reads webhook_events by received_at but the recovery
//   pass, which uses webhook_events_pending_idx (its rows not yet processed). Each event's three
//   versions (stored, processed, flow done; none is heap-only) each added an entry.
// - messages_session_idx held every message, and most have no session (the bot's conversations):
//   every user message, bot reply and delivery mark added a NULL entry. Every lookup by session is
//   an equality (`m.session_id = s.id`), which only a non-NULL session matches, so the index now
//   holds those alone.
// - messages_text_trgm_idx (0019) took every text message's trigrams twice when it was sent: once
//   stored PENDING, again at its delivery mark (a new version of the row: its delivery_status and
//   line_message_id are indexed). The trigrams were two thirds of the mark's cost. A message is
//   PENDING only while LINE answers (a crashed send is marked FAILED by the sweep), so the index
//   leaves PENDING messages out; the history search finds those few through
//   messages_undelivered_idx (MessagesTable.searchText).
import type { QueryInterface } from 'sequelize';

const up_ = `
DROP INDEX webhook_events_received_idx;
CREATE INDEX messages_in_session_idx ON messages (session_id) WHERE session_id IS NOT NULL;
DROP INDEX messages_session_idx;
ALTER INDEX messages_in_session_idx RENAME TO messages_session_idx;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    DROP INDEX IF EXISTS messages_text_trgm_idx;
    CREATE INDEX messages_text_trgm_idx ON messages USING gin ((content->>'text') gin_trgm_ops)
      WHERE message_type = 'text' AND delivery_status <> 'PENDING';
  END IF;
END $$;
`;

const down_ = `
CREATE INDEX webhook_events_received_idx ON webhook_events (received_at);
CREATE INDEX messages_every_session_idx ON messages (session_id);
DROP INDEX messages_session_idx;
ALTER INDEX messages_every_session_idx RENAME TO messages_session_idx;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    DROP INDEX IF EXISTS messages_text_trgm_idx;
    CREATE INDEX messages_text_trgm_idx ON messages USING gin ((content->>'text') gin_trgm_ops) WHERE message_type = 'text';
  END IF;
END $$;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
