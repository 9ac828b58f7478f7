// SQL for the conversation_reads table: how far each operator has read each conversation.
import type { Queryable } from '../db/sql';
import { pgIntArray } from './pg-arrays';

export class ConversationReadsTable {
  constructor(private readonly q: Queryable) {}

  /** Moves the operator's read mark forward to `messageId` (never back). */
  async markRead(operatorId: number, contactId: number, messageId: number): Promise<void> {
    await this.q.exec(
      `INSERT INTO conversation_reads (operator_id, contact_id, last_read_message_id) VALUES ($1, $2, $3)
       ON CONFLICT (operator_id, contact_id) DO UPDATE
         SET last_read_message_id = GREATEST(conversation_reads.last_read_message_id, EXCLUDED.last_read_message_id), read_at = now()`,
      [operatorId, contactId, messageId],
    );
  }

  /** The user's messages each operator has not read yet in this conversation. */
  async unreadCounts(contactId: number, operatorIds: number[]): Promise<Map<number, number>> {
    const rows = await this.q.rows<{ operator_id: number; unread: number }>(
      `SELECT o.id AS operator_id,
         (SELECT count(*)::int FROM messages m
          WHERE m.contact_id = $1 AND m.direction = 'IN'
            AND m.id > COALESCE((SELECT r.last_read_message_id FROM conversation_reads r WHERE r.operator_id = o.id AND r.contact_id = $1), 0)
         ) AS unread
       FROM unnest($2::int[]) AS o(id)`,
      [contactId, pgIntArray(operatorIds)],
    );
    return new Map(rows.map((r) => [r.operator_id, r.unread]));
  }
}
