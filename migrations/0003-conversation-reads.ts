// What each operator has read: the inbox's unread counts are the user's messages after the
// operator's last read one, per conversation.
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE conversation_reads (
      operator_id          INTEGER     NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      contact_id           INTEGER     NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      last_read_message_id INTEGER     NOT NULL,
      read_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (operator_id, contact_id)
    );
    CREATE INDEX messages_contact_incoming_idx ON messages (contact_id, id) WHERE direction = 'IN';
    CREATE INDEX messages_retry_key_idx ON messages (retry_key) WHERE retry_key IS NOT NULL;
  `);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`DROP INDEX messages_retry_key_idx; DROP INDEX messages_contact_incoming_idx; DROP TABLE conversation_reads;`);
}
