// The analytics SQL, read only, over chat_sessions, messages and operators: the one place where
// sessions are counted and timed. A session belongs to the day and hour its started_at falls in,
// in the given time zone; an operator's messages are the OPERATOR messages they sent.
import type { Queryable } from '../db/sql';

/** Days from fromDate to toDate (both included, 'YYYY-MM-DD') as counted in timeZone. */
export interface DayRange {
  fromDate: string;
  toDate: string;
  timeZone: string;
}

export interface SessionTotals {
  total_sessions: number;
  closed_sessions: number;
  avg_first_response_seconds: number | null;
  avg_first_reply_seconds: number | null;
  avg_resolution_seconds: number | null;
  avg_messages_per_session: number | null;
}

export interface OperatorFigures {
  operator_id: number;
  username: string;
  display_name: string;
  sessions: number;
  closed_sessions: number;
  avg_first_response_seconds: number | null;
  avg_first_reply_seconds: number | null;
  avg_resolution_seconds: number | null;
  messages_sent: number;
}

/** One day's figures for chat_analytics: operator_id null is the whole day. */
export interface DayFigures {
  operator_id: number | null;
  total_sessions: number;
  avg_response_time_seconds: number | null;
  avg_resolution_time_seconds: number | null;
  total_messages_sent: number;
}

// `column` falls from local midnight starting day $1 to local midnight ending day $2 in zone $3
// (AT TIME ZONE on a local timestamp gives the instant, daylight saving included).
const inRange = (column: string) => `${column} >= ($1::date)::timestamp AT TIME ZONE $3::text AND ${column} < ($2::date + 1)::timestamp AT TIME ZONE $3::text`;

/** Average seconds from started_at to `column` over the rows `where` holds for (avg skips nulls), to `digits` decimals. */
const avgSecondsSince = (column: string, digits: number, where = 'TRUE') =>
  `round(avg(extract(epoch FROM ${column} - started_at)::numeric) FILTER (WHERE ${where}), ${digits})`;

const TIMINGS = `
  ${avgSecondsSince('claimed_at', 1)}::float8 AS avg_first_response_seconds,
  ${avgSecondsSince('first_response_at', 1)}::float8 AS avg_first_reply_seconds,
  ${avgSecondsSince('closed_at', 1, `status = 'CLOSED'`)}::float8 AS avg_resolution_seconds`;

export class SessionAnalyticsQueries {
  constructor(private readonly q: Queryable) {}

  /** Counts and averages of the sessions started in the range (one operator's when given). */
  async totals(range: DayRange, operatorId?: number): Promise<SessionTotals> {
    return (await this.q.row<SessionTotals>(
      `SELECT count(*)::int AS total_sessions,
         count(*) FILTER (WHERE status = 'CLOSED')::int AS closed_sessions,
         ${TIMINGS},
         round(avg(message_count), 1)::float8 AS avg_messages_per_session
       FROM chat_sessions
       WHERE ${inRange('started_at')} AND ($4::int IS NULL OR operator_id = $4::int)`,
      [range.fromDate, range.toDate, range.timeZone, operatorId ?? null],
    ))!;
  }

  /** Sessions open right now: all WAITING ones, and the ACTIVE ones (of one operator when given). */
  async openNow(operatorId?: number): Promise<{ waiting_now: number; active_now: number }> {
    return (await this.q.row<{ waiting_now: number; active_now: number }>(
      `SELECT count(*) FILTER (WHERE status = 'WAITING')::int AS waiting_now,
         count(*) FILTER (WHERE status = 'ACTIVE' AND ($1::int IS NULL OR operator_id = $1::int))::int AS active_now
       FROM chat_sessions WHERE status <> 'CLOSED'`,
      [operatorId ?? null],
    ))!;
  }

  /** Sessions per local day; days without any are absent. */
  sessionsPerDay(range: DayRange, operatorId?: number): Promise<{ date: string; sessions: number }[]> {
    return this.q.rows(
      `SELECT (started_at AT TIME ZONE $3::text)::date::text AS date, count(*)::int AS sessions
       FROM chat_sessions
       WHERE ${inRange('started_at')} AND ($4::int IS NULL OR operator_id = $4::int)
       GROUP BY 1 ORDER BY 1`,
      [range.fromDate, range.toDate, range.timeZone, operatorId ?? null],
    );
  }

  /** Sessions and their average first response per local hour of the day; hours without any are absent. */
  byHour(range: DayRange, operatorId?: number): Promise<{ hour: number; sessions: number; avg_first_response_seconds: number | null }[]> {
    return this.q.rows(
      `SELECT extract(hour FROM started_at AT TIME ZONE $3::text)::int AS hour, count(*)::int AS sessions,
         ${avgSecondsSince('claimed_at', 1)}::float8 AS avg_first_response_seconds
       FROM chat_sessions
       WHERE ${inRange('started_at')} AND ($4::int IS NULL OR operator_id = $4::int)
       GROUP BY 1 ORDER BY 1`,
      [range.fromDate, range.toDate, range.timeZone, operatorId ?? null],
    );
  }

  /** Each operator with sessions started or messages sent in the range, busiest first. */
  perOperator(range: DayRange): Promise<OperatorFigures[]> {
    return this.q.rows(
      `WITH by_sessions AS (
         SELECT operator_id, count(*)::int AS sessions,
           count(*) FILTER (WHERE status = 'CLOSED')::int AS closed_sessions, ${TIMINGS}
         FROM chat_sessions
         WHERE operator_id IS NOT NULL AND ${inRange('started_at')}
         GROUP BY operator_id
       ), by_messages AS (
         SELECT operator_id, count(*)::int AS messages_sent
         FROM messages
         WHERE sender = 'OPERATOR' AND operator_id IS NOT NULL AND ${inRange('created_at')}
         GROUP BY operator_id
       )
       SELECT o.id AS operator_id, o.username, o.display_name,
         COALESCE(s.sessions, 0) AS sessions, COALESCE(s.closed_sessions, 0) AS closed_sessions,
         s.avg_first_response_seconds, s.avg_first_reply_seconds, s.avg_resolution_seconds,
         COALESCE(m.messages_sent, 0) AS messages_sent
       FROM operators o
       LEFT JOIN by_sessions s ON s.operator_id = o.id
       LEFT JOIN by_messages m ON m.operator_id = o.id
       WHERE s.operator_id IS NOT NULL OR m.operator_id IS NOT NULL
       ORDER BY sessions DESC, messages_sent DESC, o.id`,
      [range.fromDate, range.toDate, range.timeZone],
    );
  }

  /**
   * One local day's figures for chat_analytics, times rounded to whole seconds: the whole day
   * first (all sessions, all operators' messages), then each operator who had a session or sent
   * a message that day.
   */
  day(date: string, timeZone: string): Promise<DayFigures[]> {
    return this.q.rows(
      `WITH day_sessions AS (
         SELECT operator_id, status, started_at, claimed_at, closed_at FROM chat_sessions WHERE ${inRange('started_at')}
       ), day_messages AS (
         SELECT operator_id FROM messages WHERE sender = 'OPERATOR' AND ${inRange('created_at')}
       ), by_sessions AS (
         SELECT operator_id, count(*)::int AS total_sessions,
           ${avgSecondsSince('claimed_at', 0)}::int AS avg_response_time_seconds,
           ${avgSecondsSince('closed_at', 0, `status = 'CLOSED'`)}::int AS avg_resolution_time_seconds
         FROM day_sessions WHERE operator_id IS NOT NULL GROUP BY operator_id
       ), by_messages AS (
         SELECT operator_id, count(*)::int AS total_messages_sent
         FROM day_messages WHERE operator_id IS NOT NULL GROUP BY operator_id
       )
       SELECT * FROM (
         SELECT NULL::int AS operator_id, count(*)::int AS total_sessions,
           ${avgSecondsSince('claimed_at', 0)}::int AS avg_response_time_seconds,
           ${avgSecondsSince('closed_at', 0, `status = 'CLOSED'`)}::int AS avg_resolution_time_seconds,
           (SELECT count(*) FROM day_messages)::int AS total_messages_sent
         FROM day_sessions
         UNION ALL
         SELECT operator_id, COALESCE(s.total_sessions, 0), s.avg_response_time_seconds, s.avg_resolution_time_seconds,
           COALESCE(m.total_messages_sent, 0)
         FROM by_sessions s FULL JOIN by_messages m USING (operator_id)
       ) figures
       ORDER BY operator_id NULLS FIRST`,
      [date, date, timeZone],
    );
  }
}
