// The business_hours setting as the API takes it, checked strictly: a 400 names the exact field
// at fault (business_hours.weekly.mon[1].to), and nothing is stored. A bad time, a range that
// ends before it starts, overlapping ranges and a bad date have codes of their own (the inbox's
// words for them).
import { badRequest } from '../http/errors';
import { checkDate } from '../analytics/calendar';
import { type BusinessHours, type TimeRange, type Weekday, WEEKDAYS, minutesOf } from './business-hours';

/** More ranges a day than any real timetable needs. */
const MAX_RANGES_A_DAY = 12;
/** Years of holidays, ahead and behind. */
const MAX_HOLIDAYS = 1000;

export function checkBusinessHours(value: unknown, field: string): BusinessHours {
  if (!isObject(value)) throw badRequest(`${field} must be an object {enabled, weekly, holidays}`, field);
  for (const key of Object.keys(value)) {
    if (!['enabled', 'weekly', 'holidays'].includes(key))
      throw badRequest(`${field}.${key} is not part of business hours (enabled, weekly, holidays)`, `${field}.${key}`);
  }
  if (typeof value.enabled !== 'boolean') throw badRequest(`${field}.enabled must be true or false`, `${field}.enabled`);
  return { enabled: value.enabled, weekly: checkWeek(value.weekly, `${field}.weekly`), holidays: checkHolidays(value.holidays ?? [], `${field}.holidays`) };
}

function checkWeek(value: unknown, field: string): Record<Weekday, TimeRange[]> {
  if (!isObject(value)) throw badRequest(`${field} must be an object with a list of ranges for each day (mon … sun)`, field);
  for (const key of Object.keys(value)) {
    if (!(WEEKDAYS as readonly string[]).includes(key))
      throw badRequest(`${field}.${key} is not a weekday (mon, tue, wed, thu, fri, sat, sun)`, `${field}.${key}`);
  }
  // A day left out is closed.
  return Object.fromEntries(WEEKDAYS.map((day) => [day, checkDay(value[day] ?? [], `${field}.${day}`)])) as Record<Weekday, TimeRange[]>;
}

function checkDay(value: unknown, field: string): TimeRange[] {
  if (!Array.isArray(value)) throw badRequest(`${field} must be a list of ranges [{from, to}]`, field);
  if (value.length > MAX_RANGES_A_DAY) throw badRequest(`${field} may have at most ${MAX_RANGES_A_DAY} ranges`, field);
  const ranges = value.map((range: unknown, i) => checkRange(range, `${field}[${i}]`));
  const order = ranges.map((r, i) => ({ r, i })).sort((a, b) => minutesOf(a.r.from) - minutesOf(b.r.from));
  for (let k = 1; k < order.length; k++) {
    const before = order[k - 1];
    const after = order[k];
    if (minutesOf(after.r.from) < minutesOf(before.r.to)) {
      throw badRequest(
        `${field}[${after.i}] (${after.r.from}-${after.r.to}) overlaps ${before.r.from}-${before.r.to}`,
        `${field}[${after.i}]`,
        'hours_overlap',
      );
    }
  }
  return order.map(({ r }) => r);
}

function checkRange(value: unknown, field: string): TimeRange {
  if (!isObject(value)) throw badRequest(`${field} must be a range {from: 'HH:MM', to: 'HH:MM'}`, field);
  const { from, to } = value;
  if (typeof from !== 'string' || !(minutesOf(from) < 1440))
    throw badRequest(`${field}.from must be a time from 00:00 to 23:59 (HH:MM)`, `${field}.from`, 'hours_time');
  if (typeof to !== 'string' || Number.isNaN(minutesOf(to)))
    throw badRequest(`${field}.to must be a time from 00:01 to 24:00 (HH:MM)`, `${field}.to`, 'hours_time');
  if (minutesOf(to) <= minutesOf(from)) {
    throw badRequest(
      `${field}.to (${to}) must be after from (${from}); a range ends by midnight (24:00), so split one that runs past it`,
      `${field}.to`,
      'hours_order',
    );
  }
  return { from, to };
}

function checkHolidays(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw badRequest(`${field} must be a list of dates (YYYY-MM-DD)`, field);
  if (value.length > MAX_HOLIDAYS) throw badRequest(`${field} may list at most ${MAX_HOLIDAYS} dates`, field);
  const dates = value.map((date: unknown, i) => {
    try {
      return checkDate(date, `${field}[${i}]`);
    } catch (err) {
      throw badRequest((err as Error).message, `${field}[${i}]`, 'hours_date');
    }
  });
  return [...new Set(dates)].sort();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
