// Business hours (issue 12): when the team is open, in the `time_zone` setting's wall clock. Pure
// (no database, no clock of its own): every answer is for the instant it is given, so the
// handoff, the idle sweep, the API and tests with a fixed time all get the same answers.
//
// A week lists each day's ranges ('HH:MM' to 'HH:MM', 'to' may be '24:00'; a range never
// crosses midnight: 22:00-24:00 on one day and 00:00-02:00 on the next make one stretch).
// Holidays are whole local days closed. Times the clocks skip (a DST gap) open when the clocks
// jump past them; times they repeat open at their first occurrence.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeRange {
  /** 'HH:MM', 00:00 to 23:59. */
  from: string;
  /** 'HH:MM' after `from`, up to '24:00' (the end of the day). */
  to: string;
}

export interface BusinessHours {
  /** false: always open (the hours below are kept but not applied). */
  enabled: boolean;
  weekly: Record<Weekday, TimeRange[]>;
  /** Closed all day: 'YYYY-MM-DD' in the time zone. */
  holidays: string[];
}

/** Off (always open), with a Monday-to-Friday office week ready for when it is turned on. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  enabled: false,
  weekly: {
    mon: [{ from: '09:00', to: '18:00' }],
    tue: [{ from: '09:00', to: '18:00' }],
    wed: [{ from: '09:00', to: '18:00' }],
    thu: [{ from: '09:00', to: '18:00' }],
    fri: [{ from: '09:00', to: '18:00' }],
    sat: [],
    sun: [],
  },
  holidays: [],
};

/** The earliest Date: what openedAt answers for hours that never close. */
export const ALWAYS = new Date(-8.64e15);

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Date.getUTCDay() (0 = Sunday) to our weekday keys. */
const BY_UTC_DAY: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Minutes since midnight of 'HH:MM' ('24:00' = 1440); NaN for anything else. */
export function minutesOf(time: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  if (!match) return Number.NaN;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : Number.NaN;
}

/** Is it open at `at`? Off hours are always open; a holiday is closed all day. */
export function isOpenAt(hours: BusinessHours, timeZone: string, at: Date): boolean {
  if (!hours.enabled) return true;
  const { date, msOfDay } = wallClock(at.getTime(), timeZone);
  if (hours.holidays.includes(date)) return false;
  return rangesOf(hours, date).some((r) => minutesOf(r.from) * MINUTE_MS <= msOfDay && msOfDay < minutesOf(r.to) * MINUTE_MS);
}

/**
 * The first instant at or after `at` when it is open: `at` itself when open now, null when it
 * never opens (turned on with no hours on any day).
 */
export function nextOpening(hours: BusinessHours, timeZone: string, at: Date): Date | null {
  if (isOpenAt(hours, timeZone, at)) return at;
  const { date: today, msOfDay } = wallClock(at.getTime(), timeZone);
  // Every stretch of holidays.length + 7 days has an open day, unless no day has hours at all.
  const days = hours.holidays.length + 8;
  for (let i = 0; i < days; i++) {
    const date = addDays(today, i);
    if (hours.holidays.includes(date)) continue;
    for (const range of sortedRanges(hours, date)) {
      const from = minutesOf(range.from);
      if (i === 0 && from * MINUTE_MS <= msOfDay) continue; // begun earlier today (and over, being closed now)
      const opens = instantOf(date, from, timeZone, at.getTime());
      if (opens >= at.getTime()) return new Date(opens);
    }
  }
  return null;
}

/**
 * When the open stretch that `at` falls in began (ranges that touch, across midnight too, are
 * one stretch); null when closed at `at`. Hours that are off, or open round the clock for over a
 * week back, answer ALWAYS.
 */
export function openedAt(hours: BusinessHours, timeZone: string, at: Date): Date | null {
  if (!hours.enabled) return ALWAYS;
  if (!isOpenAt(hours, timeZone, at)) return null;
  const wall = wallClock(at.getTime(), timeZone);
  let date = wall.date;
  let start = Math.floor(wall.msOfDay / MINUTE_MS);
  let within = true; // the first range contains `start`; the ones before end at it
  for (let day = 0; day <= 8; ) {
    const ranges = hours.holidays.includes(date) ? [] : rangesOf(hours, date);
    const earlier = ranges.find((r) => (within ? minutesOf(r.from) <= start && start < minutesOf(r.to) : minutesOf(r.to) === start));
    if (earlier) {
      start = minutesOf(earlier.from);
      within = false;
      continue;
    }
    if (start > 0) return new Date(instantOf(date, start, timeZone));
    // Opened at midnight: the day before may have been open up to it.
    date = addDays(date, -1);
    start = 1440;
    within = false;
    day++;
  }
  return ALWAYS;
}

function rangesOf(hours: BusinessHours, date: string): TimeRange[] {
  return hours.weekly[weekdayOf(date)] ?? [];
}

function sortedRanges(hours: BusinessHours, date: string): TimeRange[] {
  return [...rangesOf(hours, date)].sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
}

/** The weekday of a calendar day 'YYYY-MM-DD'. */
export function weekdayOf(date: string): Weekday {
  return BY_UTC_DAY[new Date(`${date}T00:00:00Z`).getUTCDay()];
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in `timeZone` at instant `ms`: its day, and milliseconds since that day's midnight. */
export function wallClock(ms: number, timeZone: string): { date: string; msOfDay: number } {
  const wall = wallMs(ms, timeZone);
  const date = new Date(wall).toISOString().slice(0, 10);
  return { date, msOfDay: wall - Date.parse(`${date}T00:00:00Z`) };
}

/** The wall clock in `timeZone` at instant `ms`, written as if it were UTC (so differences are offsets). */
function wallMs(ms: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  // Years before 100 are not an issue here; milliseconds are kept as the instant has them.
  return wall + (((ms % 1000) + 1000) % 1000);
}

/**
 * The instant the wall clock in `timeZone` shows `minutes` past midnight of `date`: the first
 * of two when the clocks go back (the first not before `notBefore`, if one is); in a gap the
 * clocks skip, the instant they jump past it.
 */
export function instantOf(date: string, minutes: number, timeZone: string, notBefore = Number.NEGATIVE_INFINITY): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE_MS;
  // The offsets a day either side: at most one change of offset lies between them.
  const offsets = [wallMs(wall - DAY_MS, timeZone) - (wall - DAY_MS), wallMs(wall + DAY_MS, timeZone) - (wall + DAY_MS)];
  const exact = offsets.map((offset) => wall - offset).filter((t) => wallMs(t, timeZone) === wall);
  const later = exact.filter((t) => t >= notBefore);
  if (later.length > 0) return Math.min(...later);
  if (exact.length > 0) return Math.min(...exact);
  // Skipped: the first second whose wall clock is past it (lo shows before it, hi after).
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallMs(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
