// SQL for the chat_analytics table: the daily roll-up, one whole-day row (operator_id NULL) and
// one row per operator for each day, replaced as a whole whenever the day is rolled up again.
// The rows hold sums and counts (DayFigures, migration 0024) in the zone they were counted in;
// the seed's averages (avg_response_time_seconds: first response; avg_resolution_time_seconds)
// are kept beside them, whole seconds, for readers of the seed's table.
import type { Sql } from '../db/sql';
import type { DayFigures } from './session-analytics';

export interface ChatAnalyticsRow extends DayFigures {
  time_zone: string | null;
  avg_response_time_seconds: number | null;
  avg_resolution_time_seconds: number | null;
}

const COUNTS = [
  'total_sessions',
  'open_sessions',
  'closed_sessions',
  'claimed_sessions',
  'first_reply_count',
  'resolution_count',
  'session_messages',
  'resolved_sessions',
  'rated_sessions',
  'missed_sessions',
  'abandoned_sessions',
  'after_hours_sessions',
  'total_messages_sent',
  'replies',
  'conversations',
  'contained_conversations',
  'follows',
  'unfollows',
  'refollows',
];
const SECONDS = ['first_response_seconds', 'first_reply_seconds', 'resolution_seconds', 'reply_seconds'];
const LISTS = ['sessions_by_hour', 'claimed_by_hour', 'first_response_seconds_by_hour', 'ratings_by_score'];
const FIGURES = [...COUNTS, ...SECONDS, ...LISTS];

const COLUMNS = `date::text AS date, operator_id, time_zone, ${COUNTS.map((c) => `${c}::int AS ${c}`).join(', ')},
  ${SECONDS.map((c) => `${c}::float8 AS ${c}`).join(', ')}, ${LISTS.join(', ')},
  avg_response_time_seconds, avg_resolution_time_seconds`;

export class ChatAnalyticsTable {
  constructor(private readonly sql: Sql) {}

  /**
   * Makes `figures` the day's only rows, counted in `timeZone`, in one transaction. The insert is
   * an upsert so that two roll-ups of the same day at once end with one set of rows instead of a
   * unique violation.
   */
  replaceDay(date: string, timeZone: string, figures: DayFigures[]): Promise<ChatAnalyticsRow[]> {
    return this.sql.transaction(async (tx) => {
      await tx.exec(`DELETE FROM chat_analytics WHERE date = $1::date`, [date]);
      if (figures.length === 0) return [];
      const recordType = ['operator_id int', ...COUNTS.map((c) => `${c} int`), ...SECONDS.map((c) => `${c} numeric`), ...LISTS.map((c) => `${c} jsonb`)].join(
        ', ',
      );
      return tx
        .rows<ChatAnalyticsRow>(
          `INSERT INTO chat_analytics (date, time_zone, operator_id, ${FIGURES.join(', ')},
             avg_response_time_seconds, avg_resolution_time_seconds)
           SELECT $1::date, $2::text, f.operator_id, ${FIGURES.map((c) => `f.${c}`).join(', ')},
             round(f.first_response_seconds / NULLIF(f.claimed_sessions, 0)),
             round(f.resolution_seconds / NULLIF(f.resolution_count, 0))
           FROM jsonb_to_recordset($3::jsonb) AS f(${recordType})
           ON CONFLICT ON CONSTRAINT chat_analytics_date_operator_key DO UPDATE SET
             ${['time_zone', ...FIGURES, 'avg_response_time_seconds', 'avg_resolution_time_seconds'].map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
             updated_at = now()
           RETURNING ${COLUMNS}`,
          [date, timeZone, figures.map(({ date: _day, ...f }) => f)],
        )
        .then(sortRows);
    });
  }

  /**
   * The stored rows from `fromDate` to `toDate` (both included; chat_analytics_date_idx), of
   * those rolled up in `timeZone` when given: by day, the whole-day row first.
   */
  forRange(fromDate: string, toDate: string, timeZone?: string): Promise<ChatAnalyticsRow[]> {
    return this.sql.rows<ChatAnalyticsRow>(
      `SELECT ${COLUMNS} FROM chat_analytics
       WHERE date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR time_zone = $3::text)
       ORDER BY date, operator_id NULLS FIRST`,
      [fromDate, toDate, timeZone ?? null],
    );
  }

  /** Days before `beforeDate` rolled up in `timeZone` while some of their sessions were still open. */
  async unsettledDays(beforeDate: string, timeZone: string): Promise<string[]> {
    const rows = await this.sql.rows<{ date: string }>(
      `SELECT date::text AS date FROM chat_analytics
       WHERE date < $1::date AND operator_id IS NULL AND time_zone = $2::text AND open_sessions > 0
       ORDER BY date`,
      [beforeDate, timeZone],
    );
    return rows.map((r) => r.date);
  }
}

// RETURNING follows no order; callers get the forRange order.
function sortRows(rows: ChatAnalyticsRow[]): ChatAnalyticsRow[] {
  return rows.sort((a, b) => a.date.localeCompare(b.date) || (a.operator_id ?? -1) - (b.operator_id ?? -1));
}
