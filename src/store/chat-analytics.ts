// SQL for the chat_analytics table: the daily roll-up, one whole-day row (operator_id NULL) and
// one row per operator for each day, replaced as a whole whenever the day is rolled up again.
import type { Sql } from '../db/sql';
import type { DayFigures } from './session-analytics';

export interface ChatAnalyticsRow extends DayFigures {
  /** 'YYYY-MM-DD' */
  date: string;
}

const COLUMNS = `date::text AS date, operator_id, total_sessions, avg_response_time_seconds,
  avg_resolution_time_seconds, total_messages_sent`;

export class ChatAnalyticsTable {
  constructor(private readonly sql: Sql) {}

  /**
   * Makes `figures` the day's only rows, in one transaction. The insert is an upsert so that two
   * roll-ups of the same day at once end with one set of rows instead of a unique violation.
   */
  replaceDay(date: string, figures: DayFigures[]): Promise<ChatAnalyticsRow[]> {
    return this.sql.transaction(async (tx) => {
      await tx.exec(`DELETE FROM chat_analytics WHERE date = $1::date`, [date]);
      if (figures.length === 0) return [];
      return tx
        .rows<ChatAnalyticsRow>(
          `INSERT INTO chat_analytics (date, operator_id, total_sessions, avg_response_time_seconds,
           avg_resolution_time_seconds, total_messages_sent)
         SELECT $1::date, f.operator_id, f.total_sessions, f.avg_response_time_seconds,
           f.avg_resolution_time_seconds, f.total_messages_sent
         FROM jsonb_to_recordset($2::jsonb) AS f(operator_id int, total_sessions int, avg_response_time_seconds int,
           avg_resolution_time_seconds int, total_messages_sent int)
         ON CONFLICT ON CONSTRAINT chat_analytics_date_operator_key DO UPDATE SET
           total_sessions = EXCLUDED.total_sessions,
           avg_response_time_seconds = EXCLUDED.avg_response_time_seconds,
           avg_resolution_time_seconds = EXCLUDED.avg_resolution_time_seconds,
           total_messages_sent = EXCLUDED.total_messages_sent,
           updated_at = now()
         RETURNING ${COLUMNS}`,
          [date, figures],
        )
        .then(sortRows);
    });
  }

  /** The stored rows from `fromDate` to `toDate` (both included): by day, the whole-day row first. */
  forRange(fromDate: string, toDate: string): Promise<ChatAnalyticsRow[]> {
    return this.sql.rows<ChatAnalyticsRow>(
      `SELECT ${COLUMNS} FROM chat_analytics WHERE date BETWEEN $1::date AND $2::date
       ORDER BY date, operator_id NULLS FIRST`,
      [fromDate, toDate],
    );
  }
}

// RETURNING follows no order; callers get the forRange order.
function sortRows(rows: ChatAnalyticsRow[]): ChatAnalyticsRow[] {
  return rows.sort((a, b) => a.date.localeCompare(b.date) || (a.operator_id ?? -1) - (b.operator_id ?? -1));
}
