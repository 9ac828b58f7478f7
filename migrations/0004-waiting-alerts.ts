// The longest wait already announced for a WAITING session (live-chat-event's "waits too long"),
// kept with the session so that each threshold is announced once, whichever Node-RED instance
// looks and whether or not it restarted in between.
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`ALTER TABLE chat_sessions ADD COLUMN waiting_alerted_minutes INTEGER`);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`ALTER TABLE chat_sessions DROP COLUMN waiting_alerted_minutes`);
}
