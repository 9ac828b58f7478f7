// Issue 12, the service level. A session remembers whether it opened outside business hours (the
// after-hours figures and the away message) and the last queue place the user was told (at most
// one queue message per interval, and only when the place changed). A rating (CSAT) belongs to
// one session: asked when it closes, answered whenever the user taps, hours later too, so it is
// found by its session, never by "the user's latest chat".
import type { QueryInterface } from 'sequelize';

const up_ = `
ALTER TABLE chat_sessions
  ADD COLUMN after_hours BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN queue_told_at TIMESTAMPTZ,
  ADD COLUMN queue_told_position INTEGER;

CREATE TABLE session_ratings (
  session_id   INTEGER     PRIMARY KEY REFERENCES chat_sessions(id),
  contact_id   INTEGER     NOT NULL REFERENCES contacts(id),
  -- Who held the chat when it closed (null: never claimed).
  operator_id  INTEGER     REFERENCES operators(id),
  asked_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  score        SMALLINT    CHECK (score BETWEEN 1 AND 5),
  rated_at     TIMESTAMPTZ,
  comment      TEXT,
  commented_at TIMESTAMPTZ
);
-- The analytics read ratings by when they were given, per operator.
CREATE INDEX session_ratings_rated_idx ON session_ratings (rated_at) WHERE score IS NOT NULL;
CREATE INDEX session_ratings_operator_idx ON session_ratings (operator_id, rated_at) WHERE score IS NOT NULL;
-- A user's ratings still waiting for a comment (the next text may be that comment).
CREATE INDEX session_ratings_contact_idx ON session_ratings (contact_id, asked_at DESC);
`;

const down_ = `
DROP TABLE session_ratings;
ALTER TABLE chat_sessions DROP COLUMN queue_told_position, DROP COLUMN queue_told_at, DROP COLUMN after_hours;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
