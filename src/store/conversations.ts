// The inbox's read model: each contact with its latest session, its last message and what the
// reading operator has not read yet. Reads across contacts, chat_sessions, messages, operators
// and conversation_reads; the writes stay in those tables' own modules.
import type { Queryable, SqlParam } from '../db/sql';
import type { ChatMode, FriendStatus } from './contacts';
import type { ClosedBy, SessionStatus } from './chat-sessions';
import type { MessageDirection, MessageSender } from './messages';
import { contactSearch, countSearched, searchedContacts } from './contact-search';
import { pgIntArray } from './pg-arrays';

export type ConversationFilter = 'ALL' | 'WAITING' | 'ACTIVE' | 'BOT' | 'CLOSED' | 'MISSED';
export const CONVERSATION_FILTERS: readonly ConversationFilter[] = ['ALL', 'WAITING', 'ACTIVE', 'BOT', 'CLOSED', 'MISSED'];

export interface ConversationRow {
  contact_id: number;
  line_user_id: string;
  display_name: string | null;
  picture_url: string | null;
  friend_status: FriendStatus;
  chat_mode: ChatMode;
  session_id: number | null;
  session_status: SessionStatus | null;
  session_started_at: Date | null;
  session_claimed_at: Date | null;
  session_closed_by: ClosedBy | null;
  operator_id: number | null;
  operator_username: string | null;
  operator_display_name: string | null;
  last_message_id: number | null;
  last_message_type: string | null;
  last_message_content: Record<string, unknown> | null;
  last_message_direction: MessageDirection | null;
  last_message_sender: MessageSender | null;
  last_message_at: Date | null;
  unread_count: number;
  /** The contact's labels (migration 0018); null when none. */
  label_ids: number[] | null;
  /** Keyset position: latest activity in microseconds since the epoch, as text. */
  activity_us: string;
}

export interface ConversationQuery {
  filter: ConversationFilter;
  /** Part of the display name, LINE user id, note or a custom field's value. */
  q?: string;
  /** Only conversations whose contact carries this label. */
  labelId?: number;
  limit: number;
  /** Continue after this position (from a previous page's last row). */
  after?: { activityUs: string; contactId: number };
  /** Whose unread counts. */
  operatorId: number;
  /** Count the user's messages the bot handled as unread too (the unread_bot_messages setting). */
  botTraffic: boolean;
}

/**
 * An unread count stops here (the inbox shows "99+"): every list row and every live update
 * counts for each operator, and a long history an operator never opened would otherwise be read
 * whole each time (migration 0031).
 */
export const UNREAD_COUNT_CAP = 100;

/**
 * How many of the user's messages in conversation `c` the operator `operator` (an SQL expression)
 * has not read, up to UNREAD_COUNT_CAP: those to the team (in a session; migration 0031's index),
 * and with `botTraffic` also those the bot handled (the unread_bot_messages setting; 0003's). The
 * bound is written on (contact_id, id), those indexes' columns: as `id > …` alone, with the LIMIT
 * the planner may walk every message by id from the last read one in the hope of finding the
 * contact's soon (it did where few contacts had long histories).
 */
const unreadBy = (operator: string, botTraffic: boolean) => `(SELECT count(*)::int FROM (SELECT FROM messages u
      WHERE u.contact_id = c.id AND u.direction = 'IN' ${botTraffic ? '' : 'AND u.session_id IS NOT NULL'}
        AND (u.contact_id, u.id) > (c.id, COALESCE((SELECT r.last_read_message_id FROM conversation_reads r WHERE r.operator_id = ${operator} AND r.contact_id = c.id), 0))
      LIMIT ${UNREAD_COUNT_CAP}) unread)`;

// A conversation's row for each contact in `contacts` (a subquery that picks and orders the
// contacts), with `unread` for its unread count(s) ($1, the reading operator, by default). The
// latest session, last message (the newest that is not the system's greeting or closing, which
// would hide what the user asked: seed appendix) and activity are kept on the contact by
// migration 0005's triggers, so a page joins by primary key.
const conversationRows = (contacts: string, botTraffic: boolean, unread = `${unreadBy('$1', botTraffic)} AS unread_count`) => `
  SELECT c.id AS contact_id, c.line_user_id, c.display_name, c.picture_url, c.friend_status, c.chat_mode, c.label_ids,
    s.id AS session_id, s.status AS session_status, s.started_at AS session_started_at, s.claimed_at AS session_claimed_at, s.closed_by AS session_closed_by,
    s.operator_id, o.username AS operator_username, o.display_name AS operator_display_name,
    lm.id AS last_message_id, lm.message_type AS last_message_type, lm.content AS last_message_content,
    lm.direction AS last_message_direction, lm.sender AS last_message_sender, lm.created_at AS last_message_at,
    ${unread},
    (extract(epoch FROM c.conv_activity_at) * 1000000)::bigint::text AS activity_us
  FROM (${contacts}) c
  LEFT JOIN chat_sessions s ON s.id = c.conv_session_id
  LEFT JOIN messages lm ON lm.id = c.conv_last_message_id
  LEFT JOIN operators o ON o.id = s.operator_id`;

const OPEN_COUNTS = `SELECT count(*) FILTER (WHERE status = 'WAITING')::int AS waiting, count(*) FILTER (WHERE status = 'ACTIVE')::int AS active
  FROM chat_sessions WHERE status <> 'CLOSED'`;

/** Conversations read for live updates: each row, its readers' unread counts, and the open counts once. */
export interface ConversationUpdates {
  /** By contact id; a contact that does not exist is missing. */
  rows: Map<number, { row: Omit<ConversationRow, 'unread_count'>; unread: Map<number, number> }>;
  counts: { waiting: number; active: number };
}

// Conditions on contacts, each served by an index: ALL, BOT and CLOSED walk migration 0005's
// indexes on contacts (CLOSED: a latest session, and no open one); WAITING and ACTIVE start from
// the few open sessions (chat_sessions_status_idx) and sort those, MISSED likewise from its own.
const FILTERS: Record<ConversationFilter, string> = {
  ALL: 'TRUE',
  WAITING: `id IN (SELECT contact_id FROM chat_sessions WHERE status = 'WAITING')`,
  ACTIVE: `id IN (SELECT contact_id FROM chat_sessions WHERE status = 'ACTIVE')`,
  BOT: `chat_mode = 'BOT'`,
  CLOSED: `conv_session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM chat_sessions o WHERE o.contact_id = contacts.id AND o.status <> 'CLOSED')`,
  // The latest session closed by the system, never claimed: the contacts of such sessions
  // (migration 0019's partial index), then whether it is their latest.
  MISSED: `id IN (SELECT contact_id FROM chat_sessions WHERE closed_by = 'SYSTEM' AND claimed_at IS NULL)
    AND EXISTS (SELECT 1 FROM chat_sessions m WHERE m.id = contacts.conv_session_id AND m.closed_by = 'SYSTEM' AND m.claimed_at IS NULL)`,
};

export class ConversationsView {
  constructor(private readonly q: Queryable) {}

  /** One page, newest activity first, how many match in all, and the open counts. */
  async list(query: ConversationQuery): Promise<{ rows: ConversationRow[]; total: number; counts: { waiting: number; active: number } }> {
    const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    // One or two characters, too short for trigrams: the grams of names and details (migration
    // 0025, stored on contact_search by 0032).
    const short = query.q !== undefined && pattern !== undefined && [...query.q].length <= 2 ? query.q : undefined;
    const search = short ?? pattern;
    /** The search's and the label's conditions on contact_search, whose parameters start at `$n`. */
    const searched = (n: number) => [
      ...(search === undefined ? [] : [short === undefined ? contactSearch.anyTextLike(n) : contactSearch.hasGram(n)]),
      ...(query.labelId === undefined ? [] : [contactSearch.labelled(search === undefined ? n : n + 1)]),
    ];
    /** The conditions for the tab, the label and the search, whose parameters start at `$n`. */
    const matching = (n: number) => {
      const conditions = searched(n);
      return [
        'conv_activity_at IS NOT NULL',
        FILTERS[query.filter],
        ...(conditions.length === 0 ? [] : [searchedContacts([contactSearch.talked, ...conditions])]),
      ];
    };
    // CLOSED unsearched, counted as two index-only counts rather than an anti-join over them all:
    // every open session is its contact's latest.
    const count =
      query.filter === 'CLOSED' && pattern === undefined && query.labelId === undefined
        ? `SELECT ((SELECT count(*) FROM contacts WHERE conv_session_id IS NOT NULL)
             - (SELECT count(*) FROM chat_sessions WHERE status <> 'CLOSED'))::int AS total`
        : // The whole list searched or labelled: from contact_search alone (talked: in the list).
          query.filter === 'ALL' && (pattern !== undefined || query.labelId !== undefined)
          ? countSearched([contactSearch.talked, ...searched(1)])
          : `SELECT count(*)::int AS total FROM contacts WHERE ${matching(1).join(' AND ')}`;
    const label = query.labelId === undefined ? [] : [query.labelId];
    const countParams: SqlParam[] = [...(search === undefined ? [] : [search]), ...label];
    const params: SqlParam[] = [query.operatorId, ...countParams];
    const where = matching(2);
    if (query.after) {
      params.push(query.after.activityUs, query.after.contactId);
      // The cursor's microseconds back to the timestamp, exactly (they are far below 2^53).
      where.push(`(conv_activity_at, id) < (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::int)`);
    }
    params.push(query.limit);
    const page = `SELECT * FROM contacts WHERE ${where.join(' AND ')} ORDER BY conv_activity_at DESC, id DESC LIMIT $${params.length}`;
    // The counts (the match's and the open ones, in one statement) and the page at once: on a
    // server, two connections (the route takes the longer of the two, not their sum); on the
    // embedded database, one after the other.
    const [counted, rows] = await Promise.all([
      this.q.row<{ total: number; waiting: number; active: number }>(
        `SELECT matched.total, opened.* FROM (${count}) matched, (${OPEN_COUNTS}) opened`,
        countParams,
      ),
      this.q.rows<ConversationRow>(`${conversationRows(page, query.botTraffic)} ORDER BY c.conv_activity_at DESC, c.id DESC`, params),
    ]);
    return { rows, total: counted!.total, counts: { waiting: counted!.waiting, active: counted!.active } };
  }

  /** One contact's conversation row as `operatorId` sees it (also for contacts that never talked). */
  one(contactId: number, operatorId: number, botTraffic: boolean): Promise<ConversationRow | undefined> {
    return this.q.row<ConversationRow>(conversationRows('SELECT * FROM contacts WHERE id = $2', botTraffic), [operatorId, contactId]);
  }

  /**
   * The rows of several conversations at once, each with the unread counts of the operators
   * named for it, and the open counts: one statement for a whole flush of live updates.
   */
  async forReaders(wanted: { contactId: number; operatorIds: number[] }[], botTraffic: boolean): Promise<ConversationUpdates> {
    const contactIds = wanted.flatMap((w) => w.operatorIds.map(() => w.contactId));
    const operatorIds = wanted.flatMap((w) => w.operatorIds);
    if (operatorIds.length === 0) return { rows: new Map(), counts: await this.openCounts() };
    const found = await this.q.rows<Omit<ConversationRow, 'unread_count'> & { unread: [number, number][]; waiting: number; active: number }>(
      `WITH wanted AS (SELECT * FROM unnest($1::int[], $2::int[]) AS w(contact_id, operator_id))
       SELECT conv.*, counts.waiting, counts.active
       FROM (${conversationRows(
         'SELECT * FROM contacts WHERE id IN (SELECT contact_id FROM wanted)',
         botTraffic,
         `(SELECT json_agg(json_build_array(w.operator_id, ${unreadBy('w.operator_id', botTraffic)})) FROM wanted w WHERE w.contact_id = c.id) AS unread`,
       )}) conv
       RIGHT JOIN (${OPEN_COUNTS}) counts ON TRUE`,
      [pgIntArray(contactIds), pgIntArray(operatorIds)],
    );
    const rows: ConversationUpdates['rows'] = new Map();
    for (const { unread, waiting: _w, active: _a, ...row } of found) {
      // The open counts' row alone (no contact found) has no contact_id.
      if (row.contact_id !== null) rows.set(row.contact_id, { row, unread: new Map(unread) });
    }
    return { rows, counts: { waiting: found[0].waiting, active: found[0].active } };
  }

  /** Sessions waiting and active right now. */
  async openCounts(): Promise<{ waiting: number; active: number }> {
    return (await this.q.row<{ waiting: number; active: number }>(OPEN_COUNTS))!;
  }
}
