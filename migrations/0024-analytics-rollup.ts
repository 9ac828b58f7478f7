// Issue 12, what the manager sees. The daily roll-up keeps sums and counts (never averages) so
// that any range of days combines exactly, and the dashboard reads finished days from here
// instead of the sessions and messages. A day is rolled up in one time zone (read back only in
// that zone) and remembers how many of its sessions were still open then (such a day is read
// live until rolled up again). JSON arrays: sessions_by_hour, claimed_by_hour and
// first_response_seconds_by_hour have 24 entries (local hours), ratings_by_score 5 (scores 1-5).
import type { QueryInterface } from 'sequelize';

const up_ = `
ALTER TABLE chat_analytics
  ADD COLUMN time_zone                      TEXT,
  ADD COLUMN open_sessions                  INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN closed_sessions                INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN claimed_sessions               INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN first_response_seconds         NUMERIC   NOT NULL DEFAULT 0,
  ADD COLUMN first_reply_count              INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN first_reply_seconds            NUMERIC   NOT NULL DEFAULT 0,
  ADD COLUMN resolution_count               INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN resolution_seconds             NUMERIC   NOT NULL DEFAULT 0,
  ADD COLUMN session_messages               BIGINT    NOT NULL DEFAULT 0,
  ADD COLUMN resolved_sessions              INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN rated_sessions                 INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN missed_sessions                INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN abandoned_sessions             INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN after_hours_sessions           INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN sessions_by_hour               JSONB     NOT NULL DEFAULT '[]',
  ADD COLUMN claimed_by_hour                JSONB     NOT NULL DEFAULT '[]',
  ADD COLUMN first_response_seconds_by_hour JSONB     NOT NULL DEFAULT '[]',
  ADD COLUMN replies                        INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN reply_seconds                  NUMERIC   NOT NULL DEFAULT 0,
  ADD COLUMN ratings_by_score               JSONB     NOT NULL DEFAULT '[]',
  ADD COLUMN conversations                  INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN contained_conversations        INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN follows                        INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN unfollows                      INTEGER   NOT NULL DEFAULT 0,
  ADD COLUMN refollows                      INTEGER   NOT NULL DEFAULT 0;
-- Rows rolled up before this migration have no sums: they are read as not rolled up (live).
`;

const down_ = `
ALTER TABLE chat_analytics
  DROP COLUMN time_zone, DROP COLUMN open_sessions, DROP COLUMN closed_sessions, DROP COLUMN claimed_sessions,
  DROP COLUMN first_response_seconds, DROP COLUMN first_reply_count, DROP COLUMN first_reply_seconds,
  DROP COLUMN resolution_count, DROP COLUMN resolution_seconds, DROP COLUMN session_messages,
  DROP COLUMN resolved_sessions, DROP COLUMN rated_sessions, DROP COLUMN missed_sessions,
  DROP COLUMN abandoned_sessions, DROP COLUMN after_hours_sessions, DROP COLUMN sessions_by_hour,
  DROP COLUMN claimed_by_hour, DROP COLUMN first_response_seconds_by_hour, DROP COLUMN replies,
  DROP COLUMN reply_seconds, DROP COLUMN ratings_by_score, DROP COLUMN conversations,
  DROP COLUMN contained_conversations, DROP COLUMN follows, DROP COLUMN unfollows, DROP COLUMN refollows;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
