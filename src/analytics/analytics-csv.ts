// The dashboard's tables and charts as CSV (issue 12), one download per table: the same figures
// the API answers, a row per day, hour, stage, score or operator. Written with util/csv (BOM,
// quoting, formula-safe cells); seconds stay numbers, so a spreadsheet can sum and chart them.
import { CSV_BOM, type CsvCell, csvRow } from '../util/csv';
import type { Figures } from './day-figures';
import type { OperatorsReport, Overview } from './analytics-service';

export const ANALYTICS_TABLES = [
  'summary',
  'sessions_per_day',
  'response_time_by_hour',
  'funnel',
  'csat',
  'business_hours',
  'friend_growth',
  'operators',
] as const;
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];

/** A figure per line: the nested ones (funnel, csat, business_hours, friends) flattened as group_name. */
function flatFigures(f: Figures): [string, CsvCell][] {
  const { funnel, csat, business_hours, friends, ...plain } = f;
  return [
    ...Object.entries(plain),
    ...Object.entries(funnel).map(([k, v]): [string, CsvCell] => [`funnel_${k}`, v]),
    ['csat_ratings', csat.ratings],
    ['csat_average', csat.average],
    ...csat.distribution.map((d): [string, CsvCell] => [`csat_score_${d.score}`, d.ratings]),
    ...Object.entries(business_hours),
    ...Object.entries(friends),
  ];
}

function csv(header: string[], rows: CsvCell[][]): string {
  return CSV_BOM + csvRow(header) + rows.map(csvRow).join('');
}

export function overviewCsv(table: Exclude<AnalyticsTable, 'operators'>, o: Overview): string {
  switch (table) {
    case 'summary': {
      const {
        from_date,
        to_date,
        time_zone,
        waiting_now,
        active_now,
        sessions_per_day,
        response_time_by_hour,
        friend_growth,
        today,
        rolled_up_days,
        ...range
      } = o;
      const { date, ...todayFigures } = today;
      const todayValues = new Map(flatFigures(todayFigures));
      return csv(
        ['figure', `${from_date}..${to_date}`, `today ${date}`],
        [...flatFigures(range).map(([name, value]) => [name, value, todayValues.get(name)]), ['waiting_now', waiting_now, ''], ['active_now', active_now, '']],
      );
    }
    case 'sessions_per_day':
      return csv(
        ['date', 'sessions', 'missed_sessions', 'abandoned_sessions'],
        o.sessions_per_day.map((d) => [d.date, d.sessions, d.missed_sessions, d.abandoned_sessions]),
      );
    case 'response_time_by_hour':
      return csv(
        ['hour', 'sessions', 'avg_first_response_seconds'],
        o.response_time_by_hour.map((h) => [h.hour, h.sessions, h.avg_first_response_seconds]),
      );
    case 'funnel':
      return csv(
        ['stage', 'sessions'],
        Object.entries(o.funnel).map(([stage, n]) => [stage, n]),
      );
    case 'csat':
      return csv(
        ['score', 'ratings'],
        o.csat.distribution.map((d) => [d.score, d.ratings]),
      );
    case 'business_hours':
      return csv(
        ['period', 'sessions'],
        [
          ['in_hours', o.business_hours.in_hours_sessions],
          ['after_hours', o.business_hours.after_hours_sessions],
        ],
      );
    case 'friend_growth':
      return csv(
        ['date', 'follows', 'unfollows', 'refollows'],
        o.friend_growth.map((d) => [d.date, d.follows, d.unfollows, d.refollows]),
      );
  }
}

export function operatorsCsv(report: OperatorsReport): string {
  return csv(
    [
      'operator_id',
      'username',
      'display_name',
      'sessions',
      'closed_sessions',
      'resolved_sessions',
      'missed_sessions',
      'avg_first_response_seconds',
      'avg_first_reply_seconds',
      'avg_response_seconds',
      'avg_resolution_seconds',
      'messages_sent',
      'replies',
      'csat_ratings',
      'csat_average',
      ...[1, 2, 3, 4, 5].map((score) => `csat_score_${score}`),
    ],
    report.operators.map((o) => [
      o.operator_id,
      o.username,
      o.display_name,
      o.sessions,
      o.closed_sessions,
      o.resolved_sessions,
      o.missed_sessions,
      o.avg_first_response_seconds,
      o.avg_first_reply_seconds,
      o.avg_response_seconds,
      o.avg_resolution_seconds,
      o.messages_sent,
      o.replies,
      o.csat.ratings,
      o.csat.average,
      ...o.csat.distribution.map((d) => d.ratings),
    ]),
  );
}
