// Live events across instances go through socket.io's PostgreSQL adapter (LISTEN/NOTIFY). A
// NOTIFY payload is limited to 8000 bytes: a bigger message is stored here and only its id is
// notified; each instance deletes the rows older than 30 s (the adapter's cleanup). The adapter's
// own schema (its README), under its default table name. Unused on the embedded database.
import type { QueryInterface } from 'sequelize';

const up_ = `
CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT NOW(),
  payload bytea
);
`;

const down_ = `DROP TABLE IF EXISTS socket_io_attachments;`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
