// Issue 9: an operator's unread count of a conversation, by default, counts the user's messages to
// the team (in a session) after the operator's last read one (src/store/conversations.ts). The
// only index by contact held every incoming message, the bot's traffic too, so a count read the
// row of each to see whether it was in a session: a user with a long history, a conversation an
// operator never opened, and every live update of it read thousands of rows for each operator
// online (2,000 messages, 5 conversations, 50 operators: 250 ms a batch of updates on
// PostgreSQL). This index holds the team's messages alone; the count stops at 100 besides.
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(
    `CREATE INDEX messages_contact_team_incoming_idx ON messages (contact_id, id) WHERE direction = 'IN' AND session_id IS NOT NULL`,
  );
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`DROP INDEX messages_contact_team_incoming_idx`);
}
