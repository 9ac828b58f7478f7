// SQL for the messages table: every message in and out of a 1:1 chat, with its delivery state.
import type { Queryable } from '../db/sql';
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
  /** The key of a send that must happen once (migration 0008), e.g. greeting:<session id>. */
  send_key: string | null;
  created_at: Date;
}

/** A message found by a search, with whose chat it is in. */
export interface MessageSearchRow extends MessageRow {
  line_user_id: string;
  display_name: string | null;
  picture_url: string | null;
}

/** What a delivery attempt changes of a message. */
export type DeliveryState = Pick<MessageRow, 'id' | 'delivery_status' | 'delivery_attempts' | 'delivery_error' | 'line_message_id'>;

/** What markDelivery() sets of one message. */
export interface DeliveryUpdate {
  id: number;
  status: 'SENT' | 'FAILED' | 'PENDING';
  attempts: number;
  error: string | null;
  /** LINE's id of the sent message; null keeps the one stored. */
  line_message_id: string | null;
}

/** The rows with the delivery states given (those without one are left out), in the rows' order. */
export function withDelivery(rows: MessageRow[], states: (DeliveryState | null)[]): MessageRow[] {
  const byId = new Map(states.flatMap((state) => (state ? [[state.id, state] as const] : [])));
  return rows.flatMap((row) => {
    const state = byId.get(row.id);
    return state ? [{ ...row, ...state }] : [];
  });
}

export interface IncomingMessage {
  contact_id: number;
  /** The contact's open session, if any. */
  session_id: number | null;
  message_type: string;
  content: Record<string, unknown>;
  line_message_id: string;
  webhook_event_id: string;
  mark_as_read_token: string | null;
  created_at: Date;
}

export interface OutgoingMessage {
  /** Where it sorts in the chat (ISO time); null: now. */
  created_at?: string | null;
  contact_id: number;
  sender: MessageSender;
  operator_id: number | null;
  session_id: number | null;
  message_type: string;
  content: Record<string, unknown>;
  retry_key: string;
}

/** How many of the newest text messages a search reads before it asks the trigram index. */
const RECENT_SEARCH_WINDOW = 5000;

export class MessagesTable {
  constructor(private readonly q: Queryable) {}

  byId(id: number): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(`SELECT * FROM messages WHERE id = $1`, [id]);
  }

  /** Stores a user's message; undefined when that LINE message is already stored. */
  insertIncoming(m: IncomingMessage): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(
      `INSERT INTO messages (contact_id, session_id, direction, sender, message_type, content, line_message_id,
         webhook_event_id, mark_as_read_token, delivery_status, created_at)
       VALUES ($1, $8, 'IN', 'USER', $2, $3, $4, $5, $6, 'RECEIVED', $7)
       ON CONFLICT (line_message_id) WHERE direction = 'IN' DO NOTHING
       RETURNING *`,
      [m.contact_id, m.message_type, m.content, m.line_message_id, m.webhook_event_id, m.mark_as_read_token, m.created_at, m.session_id],
    );
  }

  /**
   * Stores a user's message in the contact's open session if there is one (answered in its
   * session_id), in one statement; undefined when that LINE message is already stored.
   */
  insertIncomingIntoOpenSession(m: Omit<IncomingMessage, 'session_id'>): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(
      `INSERT INTO messages (contact_id, session_id, direction, sender, message_type, content, line_message_id,
         webhook_event_id, mark_as_read_token, delivery_status, created_at)
       VALUES ($1, (SELECT id FROM chat_sessions WHERE contact_id = $1 AND status <> 'CLOSED'), 'IN', 'USER', $2, $3, $4, $5, $6, 'RECEIVED', $7)
       ON CONFLICT (line_message_id) WHERE direction = 'IN' DO NOTHING
       RETURNING *`,
      [m.contact_id, m.message_type, m.content, m.line_message_id, m.webhook_event_id, m.mark_as_read_token, m.created_at],
    );
  }

  /**
   * insertIncomingIntoOpenSession() for many messages in one statement, inserted in the given
   * order (ids follow it); answers the stored rows by line_message_id (one already stored is
   * not among them).
   */
  async insertIncomingManyIntoOpenSessions(ms: Omit<IncomingMessage, 'session_id'>[]): Promise<Map<string, MessageRow>> {
    if (ms.length === 0) return new Map();
    const rows = await this.q.rows<MessageRow>(
      `INSERT INTO messages (contact_id, session_id, direction, sender, message_type, content, line_message_id,
         webhook_event_id, mark_as_read_token, delivery_status, created_at)
       SELECT m.contact_id, (SELECT s.id FROM chat_sessions s WHERE s.contact_id = m.contact_id AND s.status <> 'CLOSED'),
         'IN', 'USER', m.message_type, m.content, m.line_message_id, m.webhook_event_id, m.mark_as_read_token, 'RECEIVED', m.created_at
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS (contact_id int, message_type text, content jsonb, line_message_id text, webhook_event_id text,
             mark_as_read_token text, created_at timestamptz))
         WITH ORDINALITY AS m(contact_id, message_type, content, line_message_id, webhook_event_id, mark_as_read_token, created_at, n)
       ORDER BY n
       ON CONFLICT (line_message_id) WHERE direction = 'IN' DO NOTHING
       RETURNING *`,
      [ms.map((m) => ({ ...m, created_at: m.created_at.toISOString() }))],
    );
    return new Map(rows.map((r) => [r.line_message_id!, r]));
  }

  /**
   * Stores outgoing messages as PENDING, in order (ids follow it; several sends' messages in one
   * statement), before anything is sent; answers the rows in the same order.
   */
  async insertOutgoing(messages: OutgoingMessage[]): Promise<MessageRow[]> {
    if (messages.length === 0) return [];
    const rows = await this.q.rows<MessageRow>(
      `INSERT INTO messages (contact_id, direction, sender, operator_id, session_id, message_type, content,
         delivery_status, retry_key, created_at)
       SELECT m.contact_id, 'OUT', m.sender, m.operator_id, m.session_id, m.message_type, m.content, 'PENDING', m.retry_key, COALESCE(m.created_at, now())
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS (contact_id int, sender text, operator_id int, session_id int, message_type text, content jsonb, retry_key uuid, created_at timestamptz))
         WITH ORDINALITY AS m(contact_id, sender, operator_id, session_id, message_type, content, retry_key, created_at, n)
       ORDER BY n
       RETURNING *`,
      [messages],
    );
    // The ids were drawn in the input's order; RETURNING's own order is not promised.
    return rows.sort((a, b) => a.id - b.id);
  }

  /**
   * Stores one send's PENDING rows under `sendKey` (the first row's key; the others' are
   * `<key>#2` …), unless that send was stored already: then nothing is inserted and the stored
   * rows are answered, `inserted: false`, for the caller to send no second time.
   */
  async insertOutgoingOnce(messages: OutgoingMessage[], sendKey: string): Promise<{ inserted: boolean; rows: MessageRow[] }> {
    const keys = messages.map((_, i) => (i === 0 ? sendKey : `${sendKey}#${i + 1}`));
    const rows = await this.q.rows<MessageRow>(
      `INSERT INTO messages (contact_id, direction, sender, operator_id, session_id, message_type, content,
         delivery_status, retry_key, send_key, created_at)
       SELECT m.contact_id, 'OUT', m.sender, m.operator_id, m.session_id, m.message_type, m.content, 'PENDING', m.retry_key, m.send_key,
         COALESCE(m.created_at, now())
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS (contact_id int, sender text, operator_id int, session_id int, message_type text, content jsonb, retry_key uuid, send_key text,
             created_at timestamptz))
         WITH ORDINALITY AS m(contact_id, sender, operator_id, session_id, message_type, content, retry_key, send_key, created_at, n)
       ORDER BY n
       ON CONFLICT (send_key) WHERE send_key IS NOT NULL DO NOTHING
       RETURNING *`,
      [messages.map((m, i) => ({ ...m, send_key: keys[i] }))],
    );
    if (rows.length > 0) return { inserted: true, rows: rows.sort((a, b) => a.id - b.id) };
    const stored = await this.q.rows<MessageRow>(`SELECT * FROM messages WHERE send_key = ANY($1::text[]) ORDER BY id`, [pgTextArray(keys)]);
    return { inserted: false, rows: stored };
  }

  /**
   * Marks the outcome of delivery attempts, each message its own (several sends' in one
   * statement; the ids must be distinct). Answers the columns it changed, in the order of
   * `updates`, null for a message no longer there (the sender holds the rest of the rows: the
   * content is not read back each time).
   */
  async markDelivery(updates: DeliveryUpdate[]): Promise<(DeliveryState | null)[]> {
    if (updates.length === 0) return [];
    const rows = await this.q.rows<DeliveryState>(
      `UPDATE messages AS m SET delivery_status = u.status, delivery_attempts = u.attempts, delivery_error = u.error,
         line_message_id = COALESCE(u.line_message_id, m.line_message_id)
       FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[]) AS u(id, status, attempts, error, line_message_id)
       WHERE m.id = u.id
       RETURNING m.id, m.delivery_status, m.delivery_attempts, m.delivery_error, m.line_message_id`,
      [
        pgIntArray(updates.map((u) => u.id)),
        pgTextArray(updates.map((u) => u.status)),
        pgIntArray(updates.map((u) => u.attempts)),
        pgTextArray(updates.map((u) => u.error)),
        pgTextArray(updates.map((u) => u.line_message_id)),
      ],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return updates.map((u) => byId.get(u.id) ?? null);
  }

  /**
   * Outgoing messages PENDING for longer than `olderThanMs` become FAILED with `error`; answers
   * how many. The WHERE makes each a single claim however many instances run it; the partial
   * index on undelivered messages (0001) finds the PENDING ones without reading the rest.
   */
  async failInterruptedSends(olderThanMs: number, error: string): Promise<number> {
    const rows = await this.q.rows<{ id: number }>(
      `UPDATE messages SET delivery_status = 'FAILED', delivery_error = $2
       WHERE delivery_status = 'PENDING' AND direction = 'OUT' AND created_at < now() - make_interval(secs => $1::double precision / 1000)
       RETURNING id`,
      [olderThanMs, error],
    );
    return rows.length;
  }

  /** The user's message LINE gave this id. */
  incomingByLineMessageId(lineMessageId: string): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(`SELECT * FROM messages WHERE line_message_id = $1 AND direction = 'IN'`, [lineMessageId]);
  }

  /**
   * Puts a user's message that arrived before its session (the handoff's trigger) into that
   * session; undefined when it is in a session already or is not this contact's.
   */
  attachToSession(id: number, sessionId: number): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(
      `UPDATE messages SET session_id = $2
       WHERE id = $1 AND session_id IS NULL AND direction = 'IN'
         AND contact_id = (SELECT contact_id FROM chat_sessions WHERE id = $2)
       RETURNING *`,
      [id, sessionId],
    );
  }

  /** A page of the contact's history, newest first; `beforeId` continues after that message. */
  pageForContact(contactId: number, limit: number, beforeId?: number): Promise<MessageRow[]> {
    return beforeId === undefined
      ? this.q.rows<MessageRow>(`SELECT * FROM messages WHERE contact_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [contactId, limit])
      : this.q.rows<MessageRow>(
          `SELECT * FROM messages WHERE contact_id = $1
           AND (created_at, id) < (SELECT created_at, id FROM messages WHERE id = $3 AND contact_id = $1)
         ORDER BY created_at DESC, id DESC LIMIT $2`,
          [contactId, limit, beforeId],
        );
  }

  /**
   * A page of the contact's history newer than message `afterId`, newest first (the page just
   * above `afterId`: its oldest `limit` newer messages).
   */
  async newerForContact(contactId: number, limit: number, afterId: number): Promise<MessageRow[]> {
    const rows = await this.q.rows<MessageRow>(
      `SELECT * FROM messages WHERE contact_id = $1
         AND (created_at, id) > (SELECT created_at, id FROM messages WHERE id = $3 AND contact_id = $1)
       ORDER BY created_at, id LIMIT $2`,
      [contactId, limit, afterId],
    );
    return rows.reverse();
  }

  /**
   * Text messages whose text holds `text` (any case), newest first, each with its contact's
   * name: the inbox's search of the history; `beforeId` continues after that message. A common
   * text is found among the newest messages (a walk down messages_created_idx, bounded); only
   * when those do not fill the page does migration 0019's trigram index find the rest, then
   * sorting few rows. (The trigram index alone sorts every match: seconds for a text in a sixth
   * of a million messages; the walk alone reads everything for a rare one.)
   */
  async searchText(text: string, limit: number, beforeId?: number): Promise<MessageSearchRow[]> {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const params: (string | number)[] = [pattern, limit];
    if (beforeId !== undefined) params.push(beforeId);
    const after = beforeId === undefined ? '' : `AND (m.created_at, m.id) < (SELECT created_at, id FROM messages WHERE id = $3)`;
    const select = (from: string) => `
      SELECT m.*, c.line_user_id, c.display_name, c.picture_url
      FROM ${from} JOIN contacts c ON c.id = m.contact_id
      WHERE m.message_type = 'text' AND m.content->>'text' ILIKE $1 ${after}
      ORDER BY m.created_at DESC, m.id DESC LIMIT $2`;
    const recent = await this.q.rows<MessageSearchRow>(
      select(`(SELECT * FROM messages m WHERE m.message_type = 'text' ${after} ORDER BY m.created_at DESC, m.id DESC LIMIT ${RECENT_SEARCH_WINDOW}) m`),
      params,
    );
    if (recent.length >= limit) return recent;
    return this.q.rows<MessageSearchRow>(select('messages m'), params);
  }

  /** The user's last `limit` messages, oldest first (the context a handoff alert shows). */
  async recentIncoming(contactId: number, limit: number): Promise<MessageRow[]> {
    const rows = await this.q.rows<MessageRow>(`SELECT * FROM messages WHERE contact_id = $1 AND direction = 'IN' ORDER BY created_at DESC, id DESC LIMIT $2`, [
      contactId,
      limit,
    ]);
    return rows.reverse();
  }

  /** The messages sent together under one retry key, in order. */
  byRetryKey(retryKey: string): Promise<MessageRow[]> {
    return this.q.rows<MessageRow>(`SELECT * FROM messages WHERE retry_key = $1 ORDER BY id`, [retryKey]);
  }

  /**
   * Takes the newest mark-as-read token of the contact's messages and clears it and every older
   * one (a token marks all before it as read) in one statement, so that of several readers at
   * once only one tells LINE.
   */
  takeMarkAsReadToken(contactId: number): Promise<{ id: number; token: string } | undefined> {
    return this.q.row(
      `WITH newest AS (
         SELECT id, created_at, mark_as_read_token FROM messages
         WHERE contact_id = $1 AND direction = 'IN' AND mark_as_read_token IS NOT NULL
         ORDER BY created_at DESC, id DESC LIMIT 1)
       UPDATE messages AS m SET mark_as_read_token = NULL FROM newest
       WHERE m.contact_id = $1 AND m.direction = 'IN' AND m.mark_as_read_token IS NOT NULL
         AND (m.created_at, m.id) <= (newest.created_at, newest.id)
       RETURNING newest.id, newest.mark_as_read_token AS token`,
      [contactId],
    );
  }
}
