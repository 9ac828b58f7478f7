// The analytics SQL, read only, over chat_sessions, messages, session_ratings and friend_events:
// the one place where they are counted and timed. Each query answers sums and counts (never
// averages) grouped by local day, so that days combine exactly, whether read here (live) or from
// the roll-up (chat_analytics) that stores the same sums. What belongs to which day, in the zone:
// - a session, to the day and hour its started_at falls in (its operator is chat_sessions.operator_id);
// - an operator message, and the reply time it carries, to the day it was sent;
// - a rating, to the day it was given (rated_at), for the operator of its session;
// - a friend event, to the day it happened; a conversation is a contact's day of messages.
import type { Queryable } from '../db/sql';

/** Days from fromDate to toDate (both included, 'YYYY-MM-DD') as counted in timeZone. */
export interface DayRange {
  fromDate: string;
  toDate: string;
  timeZone: string;
}

/** Sessions counted: how many, and the sums of their times beside the counts they go with. */
export interface SessionCounts {
  /** Sessions started that day (the funnel's "asked"). */
  total_sessions: number;
  /** Of those, still WAITING or ACTIVE when counted. */
  open_sessions: number;
  closed_sessions: number;
  /** Claimed (claimed_at set); first_response_seconds sums claimed_at - started_at over them. */
  claimed_sessions: number;
  first_response_seconds: number;
  /** With a first operator message; first_reply_seconds sums first_response_at - started_at. */
  first_reply_count: number;
  first_reply_seconds: number;
  /** Closed with a closed_at; resolution_seconds sums closed_at - started_at. */
  resolution_count: number;
  resolution_seconds: number;
  /** Sum of the sessions' message_count. */
  session_messages: number;
  /** Closed after a claim. */
  resolved_sessions: number;
  /** With a score in session_ratings (whenever given). */
  rated_sessions: number;
  /** Closed without a claim, not by the user (timed out, closed by the system or an operator). */
  missed_sessions: number;
  /** Closed without a claim by the user leaving (unfollow) while waiting: closed_by USER. */
  abandoned_sessions: number;
  /** Opened outside business hours (chat_sessions.after_hours). */
  after_hours_sessions: number;
}

/**
 * One local day's sums and counts, of the whole account (operator_id null) or of one operator:
 * what chat_analytics stores. Seconds are sums over the rows counted by the count beside them.
 */
export interface DayFigures extends SessionCounts {
  /** 'YYYY-MM-DD' */
  date: string;
  operator_id: number | null;
  /** 24 local hours: sessions started, of them claimed, and their summed first response. */
  sessions_by_hour: number[];
  claimed_by_hour: number[];
  first_response_seconds_by_hour: number[];
  /** OPERATOR messages sent that day. */
  total_messages_sent: number;
  /** Of those, the ones answering user messages (see replyParts); reply_seconds sums their waits. */
  replies: number;
  reply_seconds: number;
  /** Ratings given that day, by score 1 to 5. */
  ratings_by_score: number[];
  /** The account's only (operator rows hold 0): contacts' days of messages, and of them the ones without a handoff. */
  conversations: number;
  contained_conversations: number;
  follows: number;
  unfollows: number;
  refollows: number;
}

export interface SessionPart extends SessionCounts {
  date: string;
  operator_id: number | null;
  hour: number;
}

export interface MessagePart {
  date: string;
  operator_id: number | null;
  total_messages_sent: number;
  replies: number;
  reply_seconds: number;
}

export interface RatingPart {
  date: string;
  operator_id: number | null;
  score: number;
  ratings: number;
}

export interface ConversationPart {
  date: string;
  conversations: number;
  contained_conversations: number;
}

export interface FriendPart {
  date: string;
  follows: number;
  unfollows: number;
  refollows: number;
}

/** Everything counted over a range, grouped by day (and operator, hour, score where they apply). */
export interface DayParts {
  sessions: SessionPart[];
  messages: MessagePart[];
  ratings: RatingPart[];
  conversations: ConversationPart[];
  friends: FriendPart[];
}

// `column` falls from local midnight starting day $1 to local midnight ending day $2 in zone $3
// (AT TIME ZONE on a local timestamp gives the instant, daylight saving included). Every query
// below narrows by such a range first, on that column's index.
const inRange = (column: string) => `${column} >= ($1::date)::timestamp AT TIME ZONE $3::text AND ${column} < ($2::date + 1)::timestamp AT TIME ZONE $3::text`;
const localDay = (column: string) => `(${column} AT TIME ZONE $3::text)::date`;
const seconds = (later: string, earlier: string, where = 'TRUE') =>
  `COALESCE(sum(extract(epoch FROM ${later} - ${earlier})) FILTER (WHERE ${where}), 0)::float8`;

export class SessionAnalyticsQueries {
  constructor(private readonly q: Queryable) {}

  /** Sessions open right now: all WAITING ones, and the ACTIVE ones (of one operator when given). */
  async openNow(operatorId?: number): Promise<{ waiting_now: number; active_now: number }> {
    return (await this.q.row<{ waiting_now: number; active_now: number }>(
      `SELECT count(*) FILTER (WHERE status = 'WAITING')::int AS waiting_now,
         count(*) FILTER (WHERE status = 'ACTIVE' AND ($1::int IS NULL OR operator_id = $1::int))::int AS active_now
       FROM chat_sessions WHERE status <> 'CLOSED'`,
      [operatorId ?? null],
    ))!;
  }

  /**
   * The earlier days (in the zone) of the sessions rated on `date`: their roll-up counted them
   * unrated (session_ratings_rated_idx, then each session by its key).
   */
  async daysRatedOn(date: string, timeZone: string): Promise<string[]> {
    const rows = await this.q.rows<{ date: string }>(
      `SELECT DISTINCT ${localDay('s.started_at')}::text AS date
       FROM session_ratings r JOIN chat_sessions s ON s.id = r.session_id
       WHERE r.score IS NOT NULL AND ${inRange('r.rated_at')} AND s.started_at < ($1::date)::timestamp AT TIME ZONE $3::text
       ORDER BY 1`,
      [date, date, timeZone],
    );
    return rows.map((r) => r.date);
  }

  /** All the range's sums and counts, by day. */
  async parts(range: DayRange): Promise<DayParts> {
    const [sessions, messages, ratings, conversations, friends] = await Promise.all([
      this.sessionParts(range),
      this.messageParts(range),
      this.ratingParts(range),
      this.conversationParts(range),
      this.friendParts(range),
    ]);
    return { sessions, messages, ratings, conversations, friends };
  }

  /**
   * Sessions started in the range (chat_sessions_started_idx), by day, operator and hour; each
   * one's rating looked up by its key (LIMIT keeps the planner from hashing every rating instead).
   */
  private sessionParts(range: DayRange): Promise<SessionPart[]> {
    return this.q.rows(
      `SELECT ${localDay('s.started_at')}::text AS date, s.operator_id,
         extract(hour FROM s.started_at AT TIME ZONE $3::text)::int AS hour,
         count(*)::int AS total_sessions,
         count(*) FILTER (WHERE s.status <> 'CLOSED')::int AS open_sessions,
         count(*) FILTER (WHERE s.status = 'CLOSED')::int AS closed_sessions,
         count(s.claimed_at)::int AS claimed_sessions,
         ${seconds('s.claimed_at', 's.started_at', 's.claimed_at IS NOT NULL')} AS first_response_seconds,
         count(s.first_response_at)::int AS first_reply_count,
         ${seconds('s.first_response_at', 's.started_at', 's.first_response_at IS NOT NULL')} AS first_reply_seconds,
         count(s.closed_at) FILTER (WHERE s.status = 'CLOSED')::int AS resolution_count,
         ${seconds('s.closed_at', 's.started_at', `s.status = 'CLOSED' AND s.closed_at IS NOT NULL`)} AS resolution_seconds,
         COALESCE(sum(s.message_count), 0)::int AS session_messages,
         count(*) FILTER (WHERE s.status = 'CLOSED' AND s.claimed_at IS NOT NULL)::int AS resolved_sessions,
         count(rating.rated)::int AS rated_sessions,
         count(*) FILTER (WHERE s.status = 'CLOSED' AND s.claimed_at IS NULL AND s.closed_by IS DISTINCT FROM 'USER')::int AS missed_sessions,
         count(*) FILTER (WHERE s.status = 'CLOSED' AND s.claimed_at IS NULL AND s.closed_by = 'USER')::int AS abandoned_sessions,
         count(*) FILTER (WHERE s.after_hours)::int AS after_hours_sessions
       FROM chat_sessions s
       LEFT JOIN LATERAL (
         SELECT 1 AS rated FROM session_ratings r WHERE r.session_id = s.id AND r.score IS NOT NULL LIMIT 1
       ) rating ON TRUE
       WHERE ${inRange('s.started_at')}
       GROUP BY 1, 2, 3`,
      [range.fromDate, range.toDate, range.timeZone],
    );
  }

  /**
   * OPERATOR messages sent in the range (messages_created_idx), by day and operator, with the
   * response time of every operator reply: an operator message in a session answers the user
   * messages of that session sent since the session's previous operator message (none: since it
   * began, the handoff request included), and its response time is from the earliest of them.
   * An operator message with no such user message (a second message in a row, or outside a
   * session) is sent but answers nothing. The lookups are by messages_session_idx.
   */
  private messageParts(range: DayRange): Promise<MessagePart[]> {
    return this.q.rows(
      `SELECT ${localDay('m.created_at')}::text AS date, m.operator_id,
         count(*)::int AS total_messages_sent,
         count(waiting.since)::int AS replies,
         ${seconds('m.created_at', 'waiting.since', 'waiting.since IS NOT NULL')} AS reply_seconds
       FROM messages m
       LEFT JOIN LATERAL (
         SELECT p.created_at FROM messages p
         WHERE p.session_id = m.session_id AND p.sender = 'OPERATOR' AND (p.created_at, p.id) < (m.created_at, m.id)
         ORDER BY p.created_at DESC, p.id DESC LIMIT 1
       ) previous ON TRUE
       LEFT JOIN LATERAL (
         SELECT min(u.created_at) AS since FROM messages u
         WHERE u.session_id = m.session_id AND u.sender = 'USER' AND u.created_at <= m.created_at
           AND (previous.created_at IS NULL OR u.created_at > previous.created_at)
       ) waiting ON TRUE
       WHERE m.sender = 'OPERATOR' AND ${inRange('m.created_at')}
       GROUP BY 1, 2`,
      [range.fromDate, range.toDate, range.timeZone],
    );
  }

  /** Ratings given in the range (session_ratings_rated_idx), by day, operator and score. */
  private ratingParts(range: DayRange): Promise<RatingPart[]> {
    return this.q.rows(
      `SELECT ${localDay('rated_at')}::text AS date, operator_id, score::int AS score, count(*)::int AS ratings
       FROM session_ratings
       WHERE score IS NOT NULL AND ${inRange('rated_at')}
       GROUP BY 1, 2, 3`,
      [range.fromDate, range.toDate, range.timeZone],
    );
  }

  /**
   * Conversations: each contact's local day with at least one USER message (messages_created_idx).
   * It is contained (the bot finished it) when none of that day's USER messages belonged to a
   * handoff session and no session was started for the contact that day (chat_sessions_started_idx).
   */
  private conversationParts(range: DayRange): Promise<ConversationPart[]> {
    return this.q.rows(
      `WITH talked AS (
         SELECT ${localDay('created_at')} AS day, contact_id, bool_or(session_id IS NOT NULL) AS in_session
         FROM messages WHERE sender = 'USER' AND ${inRange('created_at')}
         GROUP BY 1, 2
       ), handed_off AS (
         SELECT DISTINCT ${localDay('started_at')} AS day, contact_id FROM chat_sessions WHERE ${inRange('started_at')}
       )
       SELECT t.day::text AS date, count(*)::int AS conversations,
         count(*) FILTER (WHERE NOT t.in_session AND h.contact_id IS NULL)::int AS contained_conversations
       FROM talked t LEFT JOIN handed_off h ON h.day = t.day AND h.contact_id = t.contact_id
       GROUP BY 1`,
      [range.fromDate, range.toDate, range.timeZone],
    );
  }

  /** Follows, unfollows and refollows in the range (friend_events_created_idx), by day. */
  private friendParts(range: DayRange): Promise<FriendPart[]> {
    return this.q.rows(
      `SELECT ${localDay('created_at')}::text AS date,
         count(*) FILTER (WHERE event_type = 'FOLLOW')::int AS follows,
         count(*) FILTER (WHERE event_type = 'UNFOLLOW')::int AS unfollows,
         count(*) FILTER (WHERE event_type = 'REFOLLOW')::int AS refollows
       FROM friend_events WHERE ${inRange('created_at')}
       GROUP BY 1`,
      [range.fromDate, range.toDate, range.timeZone],
    );
  }
}
