// The analytics (seed §8, issue 12): figures over a range of days for the dashboard, per
// operator, and the daily roll-up into chat_analytics. Days and hours are counted in a time zone:
// the one asked for, else the time_zone setting. A range is read from the roll-up for its
// finished days rolled up in that zone with no session left open, and live (store/
// session-analytics) for the rest, today always: both give the same sums (see day-figures), so
// the answer is the same either way, and a year's range reads ~365 small rows, not the history.
import { badRequest } from '../http/errors';
import { readSettings } from '../live-chat/live-chat-settings';
import type { ChatAnalyticsRow } from '../store/chat-analytics';
import type { DayFigures, DayRange } from '../store/session-analytics';
import type { Store } from '../store/store';
import { addDays, checkDate, checkTimeZone, dayIn, daysInRange, eachDay } from './calendar';
import { type AnalyticsTable, operatorsCsv, overviewCsv } from './analytics-csv';
import { average, csat, type CsatFigures, type Figures, figures, foldParts, sumRows } from './day-figures';

/** What the API asks for; dates 'YYYY-MM-DD', unchecked (errors name the query parameter). */
export interface RangeQuery {
  /** Default: six days before toDate (a week in all). */
  fromDate?: string;
  /** Default: today in the time zone. */
  toDate?: string;
  /** Default: the time_zone setting. */
  timeZone?: string;
}

export type Overview = {
  from_date: string;
  to_date: string;
  time_zone: string;
  waiting_now: number;
  active_now: number;
  sessions_per_day: { date: string; sessions: number; missed_sessions: number; abandoned_sessions: number }[];
  response_time_by_hour: { hour: number; sessions: number; avg_first_response_seconds: number | null }[];
  /** The account's follows, unfollows and refollows per day. */
  friend_growth: { date: string; follows: number; unfollows: number; refollows: number }[];
  /** The same figures for today alone (in the zone), live. */
  today: { date: string } & Figures;
  /** How many of the range's days were read from the roll-up (the rest live). */
  rolled_up_days: number;
} & Figures;

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
  replies: number;
  avg_response_seconds: number | null;
  missed_sessions: number;
  resolved_sessions: number;
  csat: CsatFigures;
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
  /**
   * Earlier days the daily run rolled up again: sessions of theirs were still open when last
   * rolled up, or were rated on the day rolled up (the funnel's "rated" counts by session).
   */
  settled_dates: string[];
}

export const MAX_RANGE_DAYS = 366;

export class Analytics {
  constructor(
    private readonly store: Store,
    /** The clock the default dates are taken from (tests set it). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The dashboard's figures over the range, of one operator's sessions, replies and ratings when
   * operatorId is given (containment and friends stay the account's; waiting sessions are everyone's).
   */
  async overview(query: RangeQuery & { operatorId?: number }): Promise<Overview> {
    const range = await this.range(query);
    const { operatorId } = query;
    if (operatorId !== undefined && !(await this.store.operators.byId(operatorId))) {
      throw badRequest(`operator_id ${operatorId}: no such operator`, 'operator_id');
    }
    const today = dayIn(range.timeZone, this.now());
    const todayInRange = range.fromDate <= today && today <= range.toDate;
    const [{ rows, rolledUpDays }, open, todayRows] = await Promise.all([
      this.dayRows(range),
      this.store.sessionAnalytics.openNow(operatorId),
      todayInRange ? undefined : this.liveRows({ fromDate: today, toDate: today, timeZone: range.timeZone }),
    ]);
    const byDay = new Map<string, DayFigures[]>();
    for (const r of rows) {
      const day = byDay.get(r.date) ?? [];
      day.push(r);
      byDay.set(r.date, day);
    }
    const sums = sumRows(rows, operatorId);
    const daySums = eachDay(range.fromDate, range.toDate).map((date) => ({ date, sums: sumRows(byDay.get(date) ?? [], operatorId) }));
    return {
      from_date: range.fromDate,
      to_date: range.toDate,
      time_zone: range.timeZone,
      waiting_now: open.waiting_now,
      active_now: open.active_now,
      ...figures(sums),
      // Every day and every hour, so that charts need not fill gaps.
      sessions_per_day: daySums.map(({ date, sums: s }) => ({
        date,
        sessions: s.total_sessions,
        missed_sessions: s.missed_sessions,
        abandoned_sessions: s.abandoned_sessions,
      })),
      response_time_by_hour: sums.sessions_by_hour.map((sessions, hour) => ({
        hour,
        sessions,
        avg_first_response_seconds: average(sums.first_response_seconds_by_hour[hour], sums.claimed_by_hour[hour]),
      })),
      friend_growth: daySums.map(({ date, sums: s }) => ({ date, follows: s.follows, unfollows: s.unfollows, refollows: s.refollows })),
      today: { date: today, ...figures(sumRows(todayRows ?? byDay.get(today) ?? [], operatorId)) },
      rolled_up_days: rolledUpDays,
    };
  }

  /** Each operator who had sessions, sent messages or was rated in the range, most sessions first. */
  async operators(query: RangeQuery): Promise<OperatorsReport> {
    const range = await this.range(query);
    const { rows } = await this.dayRows(range);
    const ids = [...new Set(rows.map((r) => r.operator_id).filter((id): id is number => id !== null))];
    const found = ids.length ? await this.store.operators.byIds(ids) : [];
    const operators = found.map((o): OperatorFigures => {
      const f = sumRows(rows, o.id);
      const shown = figures(f);
      return {
        operator_id: o.id,
        username: o.username,
        display_name: o.display_name,
        sessions: f.total_sessions,
        closed_sessions: f.closed_sessions,
        avg_first_response_seconds: shown.avg_first_response_seconds,
        avg_first_reply_seconds: shown.avg_first_reply_seconds,
        avg_resolution_seconds: shown.avg_resolution_seconds,
        messages_sent: f.total_messages_sent,
        replies: f.replies,
        avg_response_seconds: shown.avg_response_seconds,
        missed_sessions: f.missed_sessions,
        resolved_sessions: f.resolved_sessions,
        csat: csat(f.ratings_by_score),
      };
    });
    operators.sort((a, b) => b.sessions - a.sessions || b.messages_sent - a.messages_sent || a.operator_id - b.operator_id);
    return { from_date: range.fromDate, to_date: range.toDate, time_zone: range.timeZone, operators };
  }

  /** One table or chart of the dashboard as CSV, for the same query (operator_id: not for the operator table). */
  async csv(table: AnalyticsTable, query: RangeQuery & { operatorId?: number }): Promise<string> {
    return table === 'operators' ? operatorsCsv(await this.operators(query)) : overviewCsv(table, await this.overview(query));
  }

  /**
   * Rolls one day (default: yesterday in the time_zone setting) into chat_analytics: the
   * whole-day row and one per operator active that day. Running it again replaces the day's rows.
   * The daily run (no date) also rolls up again the earlier days that still had open sessions
   * or whose sessions were rated that day.
   */
  async aggregateDay(date?: string): Promise<DayRollup> {
    const timeZone = await this.settingsTimeZone();
    const day = date === undefined ? addDays(dayIn(timeZone, this.now()), -1) : checkDate(date, 'date');
    const rows = await this.rollUp(day, timeZone);
    let settled: string[] = [];
    if (date === undefined) {
      const [open, rated] = await Promise.all([this.store.chatAnalytics.unsettledDays(day, timeZone), this.store.sessionAnalytics.daysRatedOn(day, timeZone)]);
      settled = [...new Set([...open, ...rated])].sort();
      for (const earlier of settled) await this.rollUp(earlier, timeZone);
    }
    return { date: day, rows, settled_dates: settled };
  }

  /** Counts the day (its queries at once, on the pool) and stores its rows in one transaction. */
  private async rollUp(day: string, timeZone: string): Promise<ChatAnalyticsRow[]> {
    const figures = foldParts([day], await this.store.sessionAnalytics.parts({ fromDate: day, toDate: day, timeZone }));
    return this.store.chatAnalytics.replaceDay(day, timeZone, figures);
  }

  /**
   * The range's day figures: the roll-up's for finished days rolled up in the range's zone with
   * no session open then, the rest counted live (a query per run of such days).
   */
  private async dayRows(range: DayRange): Promise<{ rows: DayFigures[]; rolledUpDays: number }> {
    const lastFinished = addDays(dayIn(range.timeZone, this.now()), -1);
    const [storedTo] = [range.toDate, lastFinished].sort();
    const stored = range.fromDate <= storedTo ? await this.store.chatAnalytics.forRange(range.fromDate, storedTo, range.timeZone) : [];
    const settled = new Set(stored.filter((r) => r.operator_id === null && r.open_sessions === 0).map((r) => r.date));
    const runs: string[][] = [];
    for (const date of eachDay(range.fromDate, range.toDate)) {
      if (settled.has(date)) continue;
      const run = runs[runs.length - 1];
      if (run && addDays(run[run.length - 1], 1) === date) run.push(date);
      else runs.push([date]);
    }
    const live = await Promise.all(runs.map((run) => this.liveRows({ fromDate: run[0], toDate: run[run.length - 1], timeZone: range.timeZone })));
    const rows: DayFigures[] = [...stored.filter((r) => settled.has(r.date)), ...live.flat()];
    return { rows, rolledUpDays: settled.size };
  }

  private async liveRows(range: DayRange): Promise<DayFigures[]> {
    return foldParts(eachDay(range.fromDate, range.toDate), await this.store.sessionAnalytics.parts(range));
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
