// The analytics (seed §8): figures over a range of days for the dashboard, per operator, and the
// daily roll-up into chat_analytics. Days and hours are counted in a time zone: the one asked
// for, else the time_zone setting. The SQL is in store/session-analytics.
import { badRequest } from '../http/errors';
import { readSettings } from '../live-chat/live-chat-settings';
import type { ChatAnalyticsRow } from '../store/chat-analytics';
import type { DayRange, OperatorFigures } from '../store/session-analytics';
import type { Store } from '../store/store';
import { addDays, checkDate, checkTimeZone, dayIn, daysInRange, eachDay } from './calendar';

/** What the API asks for; dates 'YYYY-MM-DD', unchecked (errors name the query parameter). */
export interface RangeQuery {
  /** Default: six days before toDate (a week in all). */
  fromDate?: string;
  /** Default: today in the time zone. */
  toDate?: string;
  /** Default: the time_zone setting. */
  timeZone?: string;
}

export interface Overview {
  from_date: string;
  to_date: string;
  time_zone: string;
  total_sessions: number;
  closed_sessions: number;
  waiting_now: number;
  active_now: number;
  avg_first_response_seconds: number | null;
  avg_first_reply_seconds: number | null;
  avg_resolution_seconds: number | null;
  avg_messages_per_session: number | null;
  sessions_per_day: { date: string; sessions: number }[];
  response_time_by_hour: { hour: number; sessions: number; avg_first_response_seconds: number | null }[];
}

export interface OperatorsReport {
  from_date: string;
  to_date: string;
  time_zone: string;
  operators: OperatorFigures[];
}

export interface DayRollup {
  date: string;
  rows: ChatAnalyticsRow[];
}

export const MAX_RANGE_DAYS = 366;

export class Analytics {
  constructor(
    private readonly store: Store,
    /** The clock the default dates are taken from (tests set it). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The dashboard's figures over the range, of one operator's sessions when operatorId is given. */
  async overview(query: RangeQuery & { operatorId?: number }): Promise<Overview> {
    const range = await this.range(query);
    const { operatorId } = query;
    if (operatorId !== undefined && !(await this.store.operators.byId(operatorId))) {
      throw badRequest(`operator_id ${operatorId}: no such operator`, 'operator_id');
    }
    const queries = this.store.sessionAnalytics;
    const [totals, open, perDay, perHour] = await Promise.all([
      queries.totals(range, operatorId),
      queries.openNow(operatorId),
      queries.sessionsPerDay(range, operatorId),
      queries.byHour(range, operatorId),
    ]);
    const dayCounts = new Map(perDay.map((d) => [d.date, d.sessions]));
    const hours = new Map(perHour.map((h) => [h.hour, h]));
    return {
      from_date: range.fromDate,
      to_date: range.toDate,
      time_zone: range.timeZone,
      total_sessions: totals.total_sessions,
      closed_sessions: totals.closed_sessions,
      waiting_now: open.waiting_now,
      active_now: open.active_now,
      avg_first_response_seconds: totals.avg_first_response_seconds,
      avg_first_reply_seconds: totals.avg_first_reply_seconds,
      avg_resolution_seconds: totals.avg_resolution_seconds,
      avg_messages_per_session: totals.avg_messages_per_session,
      // Every day and every hour, so that charts need not fill gaps.
      sessions_per_day: eachDay(range.fromDate, range.toDate).map((date) => ({ date, sessions: dayCounts.get(date) ?? 0 })),
      response_time_by_hour: Array.from({ length: 24 }, (_, hour) => ({
        hour,
        sessions: hours.get(hour)?.sessions ?? 0,
        avg_first_response_seconds: hours.get(hour)?.avg_first_response_seconds ?? null,
      })),
    };
  }

  /** Each operator who had sessions or sent messages in the range, most sessions first. */
  async operators(query: RangeQuery): Promise<OperatorsReport> {
    const range = await this.range(query);
    return {
      from_date: range.fromDate,
      to_date: range.toDate,
      time_zone: range.timeZone,
      operators: await this.store.sessionAnalytics.perOperator(range),
    };
  }

  /**
   * Rolls one day (default: yesterday in the time_zone setting) into chat_analytics: the
   * whole-day row and one per operator active that day. Running it again replaces the day's rows.
   */
  async aggregateDay(date?: string): Promise<DayRollup> {
    const timeZone = await this.settingsTimeZone();
    const day = date === undefined ? addDays(dayIn(timeZone, this.now()), -1) : checkDate(date, 'date');
    const rows = await this.store.transaction(async (tx) => tx.chatAnalytics.replaceDay(day, await tx.sessionAnalytics.day(day, timeZone)));
    return { date: day, rows };
  }

  private async range(query: RangeQuery): Promise<DayRange> {
    const timeZone = query.timeZone === undefined ? await this.settingsTimeZone() : checkTimeZone(query.timeZone, 'tz');
    const toDate = query.toDate === undefined ? dayIn(timeZone, this.now()) : checkDate(query.toDate, 'to_date');
    const fromDate = query.fromDate === undefined ? addDays(toDate, -6) : checkDate(query.fromDate, 'from_date');
    const days = daysInRange(fromDate, toDate);
    if (days < 1) throw badRequest('from_date must not be after to_date', 'from_date');
    if (days > MAX_RANGE_DAYS) throw badRequest(`from_date to to_date may span at most ${MAX_RANGE_DAYS} days`, 'from_date');
    return { fromDate, toDate, timeZone };
  }

  private async settingsTimeZone(): Promise<string> {
    return checkTimeZone((await readSettings(this.store.settings)).time_zone, 'time_zone');
  }
}
