// Issue 9: two indexes of contacts that no query reads, written at every user message. 0001 made
// them for the conversation list, which has ordered by conv_activity_at (its own indexes, 0005)
// since; nothing orders or filters contacts by last_message_at any more. A user's message writes
// a new version of its contact that is not heap-only (its activity orders the inbox), so every
// index of contacts takes an entry each time: these two were 5–7 µs of the 55 µs such an update
// costs (10,000 updates of 1,000 contacts on PostgreSQL).
import type { QueryInterface } from 'sequelize';

const up_ = `
DROP INDEX contacts_activity_idx;
DROP INDEX contacts_chat_mode_idx;
`;

const down_ = `
CREATE INDEX contacts_activity_idx ON contacts (last_message_at DESC NULLS LAST, id DESC);
CREATE INDEX contacts_chat_mode_idx ON contacts (chat_mode, last_message_at DESC NULLS LAST);
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
