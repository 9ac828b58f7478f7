// What the webhook's 200 promises is the flow's work too (handoff, greeting, alert, the bot's
// answer), not only the database's: an event is done when every msg of it has left the flow.
//
// webhook_events: flow_done_at marks that; flow_lease_until is how long the instance that emitted
// the event's msgs still owns it (past it, any instance's recovery pass emits them again, a
// conditional UPDATE deciding who); flow_attempts counts the emissions, so an event whose flow
// never finishes is given up after a few. The recovery pass's look-up ("recorded, flow not done,
// lease expired") is served by a partial index holding only such rows, whatever the table's size.
// Rows recorded before this release had their flow run (or lost) long ago: they are marked done,
// or the pass would emit old events again (the bot answering old messages), as 0006 did.
//
// messages.send_key: a send that must happen once (a session's greeting, a bot answer to one
// event) carries a key, unique, so a second attempt finds the stored message and does not send
// it again (or sends it under its own X-Line-Retry-Key when its outcome is unknown).
//
// chat_sessions: the event whose handoff opened the session (a re-run of that event completes
// the handoff instead of finding "already open"), and the Telegram alert of the session, sent
// once: taken with a lease before the call (a crash mid-call frees it later), marked after it.
import type { QueryInterface } from 'sequelize';

const up_ = `
ALTER TABLE webhook_events
  ADD COLUMN flow_done_at TIMESTAMPTZ,
  ADD COLUMN flow_lease_until TIMESTAMPTZ,
  ADD COLUMN flow_attempts INTEGER NOT NULL DEFAULT 0;
UPDATE webhook_events SET flow_done_at = processed_at WHERE processed_at IS NOT NULL;
CREATE INDEX webhook_events_flow_pending_idx ON webhook_events (flow_lease_until)
  WHERE processed_at IS NOT NULL AND flow_done_at IS NULL;

ALTER TABLE messages ADD COLUMN send_key TEXT;
CREATE UNIQUE INDEX messages_send_key_key ON messages (send_key) WHERE send_key IS NOT NULL;

ALTER TABLE chat_sessions
  ADD COLUMN trigger_event_id VARCHAR(64),
  ADD COLUMN alert_sent_at TIMESTAMPTZ,
  ADD COLUMN alert_lease_until TIMESTAMPTZ;
`;

const down_ = `
ALTER TABLE chat_sessions DROP COLUMN alert_lease_until, DROP COLUMN alert_sent_at, DROP COLUMN trigger_event_id;
DROP INDEX messages_send_key_key;
ALTER TABLE messages DROP COLUMN send_key;
DROP INDEX webhook_events_flow_pending_idx;
ALTER TABLE webhook_events DROP COLUMN flow_attempts, DROP COLUMN flow_lease_until, DROP COLUMN flow_done_at;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
