// SQL for the messages table: every message in and out of a 1:1 chat, with its delivery state.
import { Queryable } from '../db/sql';
import { pgIntArray, pgTextArray } from './pg-arrays';

export type MessageDirection = 'IN' | 'OUT';
export type MessageSender = 'USER' | 'BOT' | 'OPERATOR' | 'SYSTEM';
export type DeliveryStatus = 'RECEIVED' | 'PENDING' | 'SENT' | 'FAILED';

export interface MessageRow {
  id: number;
  contact_id: number;
  session_id: number | null;
  direction: MessageDirection;
  sender: MessageSender;
  operator_id: number | null;
  message_type: string;
  /** The LINE message object, as received or as sent. */
  content: Record<string, unknown>;
  line_message_id: string | null;
  webhook_event_id: string | null;
  mark_as_read_token: string | null;
  delivery_status: DeliveryStatus;
  retry_key: string | null;
  delivery_attempts: number;
  delivery_error: string | null;
  created_at: Date;
}

export interface IncomingMessage {
  contact_id: number;
  message_type: string;
  content: Record<string, unknown>;
  line_message_id: string;
  webhook_event_id: string;
  mark_as_read_token: string | null;
  created_at: Date;
}

export interface OutgoingMessage {
  contact_id: number;
  sender: MessageSender;
  operator_id: number | null;
  session_id: number | null;
  message_type: string;
  content: Record<string, unknown>;
  retry_key: string;
}

export class MessagesTable {
  constructor(private readonly q: Queryable) {}

  byId(id: number): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(`SELECT * FROM messages WHERE id = $1`, [id]);
  }

  /** Stores a user's message; undefined when that LINE message is already stored. */
  insertIncoming(m: IncomingMessage): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(
      `INSERT INTO messages (contact_id, direction, sender, message_type, content, line_message_id,
         webhook_event_id, mark_as_read_token, delivery_status, created_at)
       VALUES ($1, 'IN', 'USER', $2, $3, $4, $5, $6, 'RECEIVED', $7)
       ON CONFLICT (line_message_id) WHERE direction = 'IN' DO NOTHING
       RETURNING *`,
      [m.contact_id, m.message_type, m.content, m.line_message_id, m.webhook_event_id, m.mark_as_read_token, m.created_at],
    );
  }

  /** Stores outgoing messages as PENDING, in order, before anything is sent. */
  async insertOutgoing(messages: OutgoingMessage[]): Promise<MessageRow[]> {
    return this.q.rows<MessageRow>(
      `INSERT INTO messages (contact_id, direction, sender, operator_id, session_id, message_type, content,
         delivery_status, retry_key)
       SELECT m.contact_id, 'OUT', m.sender, m.operator_id, m.session_id, m.message_type, m.content, 'PENDING', m.retry_key
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS (contact_id int, sender text, operator_id int, session_id int, message_type text, content jsonb, retry_key uuid))
         WITH ORDINALITY AS m(contact_id, sender, operator_id, session_id, message_type, content, retry_key, n)
       ORDER BY n
       RETURNING *`,
      [messages],
    );
  }

  /** Marks the outcome of one delivery attempt for the given messages. */
  markDelivery(ids: number[], outcome: { status: 'SENT' | 'FAILED' | 'PENDING'; attempts: number; error?: string | null; lineMessageIds?: (string | null)[] }): Promise<MessageRow[]> {
    return this.q.rows<MessageRow>(
      `UPDATE messages AS m SET delivery_status = $2, delivery_attempts = $3, delivery_error = $4,
         line_message_id = COALESCE(u.line_message_id, m.line_message_id)
       FROM unnest($1::int[], $5::text[]) AS u(id, line_message_id)
       WHERE m.id = u.id
       RETURNING m.*`,
      [pgIntArray(ids), outcome.status, outcome.attempts, outcome.error ?? null, pgTextArray(ids.map((_, i) => outcome.lineMessageIds?.[i] ?? null))],
    );
  }
}
