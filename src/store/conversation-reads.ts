// SQL for the conversation_reads table: how far each operator has read each conversation.
import type { Queryable } from '../db/sql';

export class ConversationReadsTable {
  constructor(private readonly q: Queryable) {}

  /**
   * Moves the operator's read mark forward (never back) to the contact's newest message from the
   * user, in one statement; false when the user has sent nothing.
   */
  async markNewestRead(operatorId: number, contactId: number): Promise<boolean> {
    const marked = await this.q.exec(
      `INSERT INTO conversation_reads (operator_id, contact_id, last_read_message_id)
       SELECT $1, $2, max(id) FROM messages WHERE contact_id = $2 AND direction = 'IN' HAVING max(id) IS NOT NULL
       ON CONFLICT (operator_id, contact_id) DO UPDATE
         SET last_read_message_id = GREATEST(conversation_reads.last_read_message_id, EXCLUDED.last_read_message_id), read_at = now()`,
      [operatorId, contactId],
    );
    return marked > 0;
  }
}
