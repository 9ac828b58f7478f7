// A send's attempt is recorded before LINE is called, so that after a crash its re-run can tell
// what LINE may already have carried out.
//
// messages.attempt_started_at: when the latest attempt of an outgoing message began (stored, or
// made PENDING again by Retry or a re-run). A message PENDING far longer than any send takes was
// left by a stopped process: the periodic sweep finds it by this time, not by created_at (an old
// message being retried now is not interrupted).
//
// messages.reply_token_hash: on the first row of a send that replied, the SHA-256 of the reply
// token it used. Unique: a token is claimed by one send only, so when a re-run of that send
// replies with the same token and LINE answers "Invalid reply token", the token was spent by this
// very send: it was delivered, and is not pushed a second time.
import type { QueryInterface } from 'sequelize';

const up_ = `
ALTER TABLE messages
  ADD COLUMN attempt_started_at TIMESTAMPTZ,
  ADD COLUMN reply_token_hash TEXT;
UPDATE messages SET attempt_started_at = created_at WHERE delivery_status = 'PENDING';
CREATE UNIQUE INDEX messages_reply_token_key ON messages (reply_token_hash) WHERE reply_token_hash IS NOT NULL;
`;

const down_ = `
DROP INDEX messages_reply_token_key;
ALTER TABLE messages DROP COLUMN reply_token_hash, DROP COLUMN attempt_started_at;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
