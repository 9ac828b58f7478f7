// Issue 12, the queue estimate: the waits of recently claimed sessions (claimed_at - started_at),
// newest claim first, read on every handoff and queue sweep. Only sessions claimed inside business
// hours count: a wait through the night says nothing about the wait at 10 a.m.
import type { QueryInterface } from 'sequelize';

const up_ = `
CREATE INDEX chat_sessions_claimed_idx ON chat_sessions (claimed_at) WHERE claimed_at IS NOT NULL AND NOT after_hours;
`;

const down_ = `
DROP INDEX chat_sessions_claimed_idx;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
