// Media, both ways (issue 11): the bytes of the images, videos, audio and files users send (fetched
// from LINE's content API after the webhook's 200) and of those operators upload, stored once in
// the database (every instance serves them; one backup holds them with the chats).
//
// media_key names an item to operators: random (two v4 UUIDs, 244 random bits), never an id.
// public_key names an operator's upload to LINE (which fetches it without a login) until
// public_until. A user's media message makes its row in the same statement as the message, by
// the trigger below, so no message is ever stored without its fetch to do: the row is PENDING
// until fetched (a crash mid-fetch leaves the lease to run out, and any instance takes it again).
// messages.media is what the inbox shows of it ({key, status, content_type, byte_size, …}),
// set when the fetch ends.
import type { QueryInterface } from 'sequelize';

const up_ = `
CREATE TABLE media (
  media_key        TEXT PRIMARY KEY DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
  direction        VARCHAR(3)  NOT NULL,
  message_id       INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  contact_id       INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
  line_message_id  TEXT,
  webhook_event_id VARCHAR(64),
  status           VARCHAR(16) NOT NULL,
  content_type     TEXT,
  file_name        TEXT,
  byte_size        INTEGER,
  data             BYTEA,
  preview          BYTEA,
  attempts         INTEGER NOT NULL DEFAULT 0,
  lease_until      TIMESTAMPTZ,
  error            TEXT,
  public_key       TEXT UNIQUE,
  public_until     TIMESTAMPTZ,
  operator_id      INTEGER REFERENCES operators(id) ON DELETE SET NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX media_fetch_pending_idx ON media (lease_until) WHERE status = 'PENDING';
CREATE INDEX media_message_idx ON media (message_id);

ALTER TABLE messages ADD COLUMN media JSONB;

CREATE FUNCTION media_for_incoming_message() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO media (direction, message_id, contact_id, line_message_id, webhook_event_id, status, file_name, created_at)
  VALUES ('IN', NEW.id, NEW.contact_id,
          NEW.line_message_id, NEW.webhook_event_id, 'PENDING', NEW.content->>'fileName', now());
  RETURN NULL;
END
$fn$;

-- Only content LINE holds: an image, video or audio sent from another provider's URL is shown from there.
CREATE TRIGGER messages_incoming_media AFTER INSERT ON messages FOR EACH ROW
  WHEN (NEW.direction = 'IN' AND NEW.line_message_id IS NOT NULL
        AND NEW.message_type IN ('image', 'video', 'audio', 'file')
        AND COALESCE(NEW.content->'contentProvider'->>'type', 'line') = 'line')
  EXECUTE FUNCTION media_for_incoming_message();
`;

const down_ = `
DROP TRIGGER messages_incoming_media ON messages;
DROP FUNCTION media_for_incoming_message();
ALTER TABLE messages DROP COLUMN media;
DROP TABLE media;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
