// SQL for the messages table: every message in and out of a 1:1 chat, with its delivery state.
import { isUniqueViolation, prepared, type Queryable } from '../db/sql';
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
  /** When the latest attempt to deliver it began (migration 0012); null for incoming messages. */
  attempt_started_at: Date | null;
  /** On the first row of a send that replied: the SHA-256 of its reply token, claimed by this send alone (0012). */
  reply_token_hash: string | null;
  /** What the inbox shows of the message's image, video, audio or file (migration 0016); null until fetched. */
  media: MessageMedia | null;
  created_at: Date;
}

/** The media of a message, as the inbox gets it: the key names it at …/live-chat/media/<key>. */
export interface MessageMedia {
  key: string;
  status: 'STORED' | 'GONE' | 'TOO_LARGE' | 'FAILED';
  content_type: string | null;
  byte_size: number | null;
  file_name: string | null;
  /** A small JPEG at …/media/<key>/preview (images). */
  preview: boolean;
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
  /**
   * The send's reply token (hashed), on its first message: stored only when no other send has
   * claimed it (answered null otherwise), so the send may use the token only when it comes back.
   */
  reply_token_hash?: string | null;
  /** An operator's upload the message carries (migration 0016). */
  media?: MessageMedia | null;
  /** Stored once under this key (messages.send_key); none: stored every time. */
  send_key?: string | null;
}

/** One send's messages; with a sendKey it is stored once (see insertSends). */
export interface OutgoingSend {
  messages: OutgoingMessage[];
  sendKey?: string;
  /** The contact's LINE user id: the sends' rows go in the store's lock order (see insertSends). */
  lineUserId: string;
}

/** What insertSends() did with one send. */
export interface StoredSend {
  /** False: a keyed send stored before; `rows` are the stored ones and nothing was inserted. */
  inserted: boolean;
  rows: MessageRow[];
}

/**
 * The rows of outgoing messages as they are inserted: PENDING, their attempt starting now, and a
 * reply token's claim kept only for its first claimant (in this statement, and before it: the
 * unique index settles two statements at once, the second failing).
 */
const OUTGOING_ROWS = `
  SELECT m.contact_id, 'OUT', m.sender, m.operator_id, m.session_id, m.message_type, m.content, 'PENDING', m.retry_key, m.send_key, m.media, COALESCE(m.created_at, now()), now(),
    CASE WHEN m.reply_token_hash IS NOT NULL
          AND row_number() OVER (PARTITION BY m.reply_token_hash ORDER BY m.n) = 1
          AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.reply_token_hash = m.reply_token_hash)
         THEN m.reply_token_hash END
  FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
    AS (contact_id int, sender text, operator_id int, session_id int, message_type text, content jsonb, retry_key uuid, send_key text,
        media jsonb, created_at timestamptz, reply_token_hash text))
    WITH ORDINALITY AS m(contact_id, sender, operator_id, session_id, message_type, content, retry_key, send_key, media, created_at, reply_token_hash, n)
  ORDER BY n`;
const OUTGOING_COLUMNS = `contact_id, direction, sender, operator_id, session_id, message_type, content,
  delivery_status, retry_key, send_key, media, created_at, attempt_started_at, reply_token_hash`;
/**
 * Every column of messages, in the table's order: what prepared statements answer, since they may
 * not answer `*` (sql.ts, prepared()). A test holds it to the migrated table.
 */
export const MESSAGE_COLUMNS = `id, contact_id, session_id, direction, sender, operator_id, message_type, content, line_message_id,
  webhook_event_id, mark_as_read_token, delivery_status, retry_key, delivery_attempts, delivery_error, created_at, send_key,
  attempt_started_at, reply_token_hash, media`;
// Every webhook event's messages run these.
const INSERT_INCOMING_INTO_OPEN_SESSIONS = prepared(
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
     RETURNING ${MESSAGE_COLUMNS}`,
);
const INSERT_OUTGOING = prepared(
  `INSERT INTO messages (${OUTGOING_COLUMNS}) ${OUTGOING_ROWS} ON CONFLICT (send_key) WHERE send_key IS NOT NULL DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
);
const MARK_DELIVERY = prepared(
  `UPDATE messages AS m SET delivery_status = u.status, delivery_attempts = u.attempts, delivery_error = u.error,
       line_message_id = COALESCE(u.line_message_id, m.line_message_id),
       attempt_started_at = CASE WHEN u.status = 'PENDING' THEN now() ELSE m.attempt_started_at END
     FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[]) AS u(id, status, attempts, error, line_message_id)
     WHERE m.id = u.id
     RETURNING m.id, m.delivery_status, m.delivery_attempts, m.delivery_error, m.line_message_id`,
);
/** Two sends claimed one reply token at the same moment: the statement of the second is run again, and finds it taken. */
const REPLY_TOKEN_CLAIM = 'messages_reply_token_key';
/** How many of the newest text messages a search reads before it asks the trigram index. */
const RECENT_SEARCH_WINDOW = 5000;

/** How many of a user's newest messages a mark-as-read looks at for a token (takeMarkAsReadToken). */
export const MARK_AS_READ_WINDOW = 100;

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
    const rows = await this.q.rows<MessageRow>(INSERT_INCOMING_INTO_OPEN_SESSIONS, [ms.map((m) => ({ ...m, created_at: m.created_at.toISOString() }))]);
    return new Map(rows.map((r) => [r.line_message_id!, r]));
  }

  /**
   * Stores outgoing messages as PENDING, in order (ids follow it; several sends' messages in one
   * statement), before anything is sent; answers the rows stored, in the same order. A message
   * whose send_key is stored already (or earlier in `messages`) is not stored, nor answered.
   */
  async insertOutgoing(messages: OutgoingMessage[]): Promise<MessageRow[]> {
    if (messages.length === 0) return [];
    const insert = () => this.q.rows<MessageRow>(INSERT_OUTGOING, [messages]);
    let rows: MessageRow[];
    try {
      rows = await insert();
    } catch (err) {
      if (!isUniqueViolation(err, REPLY_TOKEN_CLAIM)) throw err;
      rows = await insert();
    }
    // The ids were drawn in the input's order; RETURNING's own order is not promised.
    return rows.sort((a, b) => a.id - b.id);
  }

  /**
   * Stores several sends' PENDING rows in one statement, in order. A send with a sendKey is
   * stored once: its rows are keyed `<key>`, `<key>#2` …, and when that send was stored already
   * (before, or by an earlier send here) nothing is inserted for it and the stored rows are
   * answered, `inserted: false`, for the caller to send no second time.
   */
  async insertSends(sends: OutgoingSend[]): Promise<StoredSend[]> {
    // Each row's insert updates its contact (the conversation columns, 0005), so the rows go in
    // line_user_id order, the store's lock order (store.ts): a shared insert then never waits
    // for a webhook's transaction that waits for it. The sort is stable: a contact's sends keep
    // their order (and their ids follow it).
    const order = sends.map((_, i) => i).sort((a, b) => compareText(sends[a].lineUserId, sends[b].lineUserId) || a - b);
    const keyed = order.map((at) =>
      sends[at].messages.map((m, i) => {
        const { sendKey } = sends[at];
        return { ...m, send_key: sendKey === undefined ? null : i === 0 ? sendKey : `${sendKey}#${i + 1}` };
      }),
    );
    const rows = await this.insertOutgoing(keyed.flat());
    // The rows stored come in the input's order, those not stored left out: walk both together.
    let next = 0;
    const results = keyed.map((messages) => {
      const stored: MessageRow[] = [];
      for (const m of messages) {
        const row = rows[next];
        if (row && (row.send_key ?? null) === m.send_key) {
          stored.push(row);
          next++;
        }
      }
      return { inserted: stored.length > 0, rows: stored };
    });
    // Keyed sends stored before (rare: a redelivered event) are read back, in one statement.
    const again = keyed.filter((messages, i) => !results[i].inserted && messages.length > 0 && messages[0].send_key !== null);
    if (again.length > 0) {
      const storedRows = await this.q.rows<MessageRow>(`SELECT * FROM messages WHERE send_key = ANY($1::text[]) ORDER BY id`, [
        pgTextArray(again.flatMap((messages) => messages.map((m) => m.send_key!))),
      ]);
      const byKey = new Map(storedRows.map((r) => [r.send_key!, r]));
      for (const [i, messages] of keyed.entries()) {
        if (results[i].inserted || messages[0]?.send_key == null) continue;
        results[i].rows = messages.flatMap((m) => byKey.get(m.send_key!) ?? []).sort((a, b) => a.id - b.id);
      }
    }
    const answers = new Array<StoredSend>(sends.length);
    order.forEach((at, i) => {
      answers[at] = results[i];
    });
    return answers;
  }

  /**
   * Marks the outcome of delivery attempts, each message its own (several sends' in one
   * statement; the ids must be distinct). Answers the columns it changed, in the order of
   * `updates`, null for a message no longer there (the sender holds the rest of the rows: the
   * content is not read back each time).
   */
  async markDelivery(updates: DeliveryUpdate[]): Promise<(DeliveryState | null)[]> {
    if (updates.length === 0) return [];
    const rows = await this.q.rows<DeliveryState>(MARK_DELIVERY, [
      pgIntArray(updates.map((u) => u.id)),
      pgTextArray(updates.map((u) => u.status)),
      pgIntArray(updates.map((u) => u.attempts)),
      pgTextArray(updates.map((u) => u.error)),
      pgTextArray(updates.map((u) => u.line_message_id)),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return updates.map((u) => byId.get(u.id) ?? null);
  }

  /**
   * Outgoing messages whose attempt has been PENDING for longer than `olderThanMs` become FAILED
   * with `error`; answers them. The WHERE makes each a single claim however many instances run
   * it; the partial index on undelivered messages (0001) finds the PENDING ones without reading
   * the rest.
   */
  failInterruptedSends(olderThanMs: number, error: string): Promise<MessageRow[]> {
    return this.q.rows<MessageRow>(
      `UPDATE messages SET delivery_status = 'FAILED', delivery_error = $2
       WHERE delivery_status = 'PENDING' AND direction = 'OUT'
         AND COALESCE(attempt_started_at, created_at) < now() - make_interval(secs => $1::double precision / 1000)
       RETURNING *`,
      [olderThanMs, error],
    );
  }

  /** Sets what the inbox shows of the message's media; the row as it is now. */
  setMedia(id: number, media: MessageMedia): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(`UPDATE messages SET media = $2 WHERE id = $1 RETURNING *`, [id, media]);
  }

  /** The user's message LINE gave this id. */
  incomingByLineMessageId(lineMessageId: string): Promise<MessageRow | undefined> {
    return this.q.row<MessageRow>(`SELECT * FROM messages WHERE line_message_id = $1 AND direction = 'IN'`, [lineMessageId]);
  }

  /**
   * Puts the user's messages that arrived before their session into it: the handoff's trigger
   * (`triggerId`), and the contact's later ones in no session (sent right behind the keyword,
   * stored before the session opened), unless another session of the contact began after the
   * trigger (a trigger emitted again long after: what came between was another chat). Answers
   * how many it put in; none when the trigger is not this session's contact's.
   */
  async attachToSession(triggerId: number, sessionId: number): Promise<number> {
    const attached = await this.q.row<{ n: number }>(
      `WITH session AS (SELECT id, contact_id, line_user_id FROM chat_sessions WHERE id = $2),
       trigger AS (
         SELECT m.id, m.created_at FROM messages m, session s WHERE m.id = $1 AND m.contact_id = s.contact_id AND m.direction = 'IN'),
       moved AS (
         UPDATE messages m SET session_id = s.id FROM session s, trigger t
         WHERE m.contact_id = s.contact_id AND m.direction = 'IN' AND m.session_id IS NULL
           AND m.id >= t.id AND (m.id = t.id OR NOT EXISTS (
             -- chat_sessions_line_user_idx (line_user_id, started_at DESC)
             SELECT 1 FROM chat_sessions o WHERE o.line_user_id = s.line_user_id AND o.started_at >= t.created_at AND o.id <> s.id))
         RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
      [triggerId, sessionId],
    );
    return attached?.n ?? 0;
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

  /** A contact's messages oldest first, `limit` of them after message `afterId` (an export's pages). */
  pageForContactAfter(contactId: number, limit: number, afterId?: number): Promise<MessageRow[]> {
    return afterId === undefined
      ? this.q.rows<MessageRow>(`SELECT * FROM messages WHERE contact_id = $1 ORDER BY created_at, id LIMIT $2`, [contactId, limit])
      : this.q.rows<MessageRow>(
          `SELECT * FROM messages WHERE contact_id = $1
           AND (created_at, id) > (SELECT created_at, id FROM messages WHERE id = $3 AND contact_id = $1)
         ORDER BY created_at, id LIMIT $2`,
          [contactId, limit, afterId],
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
   * when those do not fill the page does the trigram index find the rest, then sorting few rows.
   * (The trigram index alone sorts every match: seconds for a text in a sixth of a million
   * messages; the walk alone reads everything for a rare one.) That index leaves out messages
   * still PENDING (migration 0029), found through messages_undelivered_idx instead.
   */
  async searchText(text: string, limit: number, beforeId?: number): Promise<MessageSearchRow[]> {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const params: (string | number)[] = [pattern, limit];
    if (beforeId !== undefined) params.push(beforeId);
    const after = beforeId === undefined ? '' : `AND (m.created_at, m.id) < (SELECT created_at, id FROM messages WHERE id = $3)`;
    const textHolds = `m.message_type = 'text' AND m.content->>'text' ILIKE $1`;
    // `from` yields the candidate rows as m; `where` is what they must still pass.
    const select = (from: string, where: string) => `
      SELECT m.*, c.line_user_id, c.display_name, c.picture_url
      FROM ${from} JOIN contacts c ON c.id = m.contact_id ${where}
      ORDER BY m.created_at DESC, m.id DESC LIMIT $2`;
    const recent = await this.q.rows<MessageSearchRow>(
      select(
        `(SELECT * FROM messages m WHERE m.message_type = 'text' ${after} ORDER BY m.created_at DESC, m.id DESC LIMIT ${RECENT_SEARCH_WINDOW}) m`,
        `WHERE ${textHolds}`,
      ),
      params,
    );
    if (recent.length >= limit) return recent;
    const matching = (status: string) => `SELECT * FROM messages m WHERE ${textHolds} AND m.delivery_status ${status} ${after}`;
    return this.q.rows<MessageSearchRow>(select(`(${matching("<> 'PENDING'")} UNION ALL ${matching("= 'PENDING'")}) m`, ''), params);
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
   * Takes the newest mark-as-read token of the contact's newest MARK_AS_READ_WINDOW messages and
   * clears it and every older one among them (a token marks all before it as read) in one
   * statement, so that of several readers at once only one tells LINE (the last condition is
   * checked again on a row another reader changed meanwhile). Only the newest are looked at: every
   * token before the last one taken was cleared with it, so with none left the search read the
   * user's whole history each time a chat was opened. Should older ones be left, the newest
   * marks them read in LINE all the same.
   */
  takeMarkAsReadToken(contactId: number): Promise<{ id: number; token: string } | undefined> {
    return this.q.row(
      `WITH recent AS (
         SELECT id, created_at, mark_as_read_token FROM messages
         WHERE contact_id = $1 AND direction = 'IN'
         ORDER BY created_at DESC, id DESC LIMIT ${MARK_AS_READ_WINDOW}),
       newest AS (
         SELECT id, created_at, mark_as_read_token FROM recent WHERE mark_as_read_token IS NOT NULL
         ORDER BY created_at DESC, id DESC LIMIT 1)
       UPDATE messages AS m SET mark_as_read_token = NULL FROM newest
       WHERE m.id IN (SELECT id FROM recent WHERE mark_as_read_token IS NOT NULL)
         AND (m.created_at, m.id) <= (newest.created_at, newest.id) AND m.mark_as_read_token IS NOT NULL
       RETURNING newest.id, newest.mark_as_read_token AS token`,
      [contactId],
    );
  }
}

/** Code-point order, as the lock order's line_user_id order (LINE user ids are ASCII). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
