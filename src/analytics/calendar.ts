// Calendar days ('YYYY-MM-DD') and time zones for the analytics: checked here, so that the SQL
// only ever sees a real date and a zone name PostgreSQL reads the same way as Intl does.
import { badRequest } from '../http/errors';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A real calendar day as 'YYYY-MM-DD', else a 400 naming `field`. */
export function checkDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || dayNumber(value) === undefined) {
    throw badRequest(`${field} must be a date as YYYY-MM-DD`, field);
  }
  return value;
}

/**
 * An IANA zone name (Area/Location, or UTC), else a 400 naming `field`. Offsets such as "+07:00"
 * are refused although Intl takes them: PostgreSQL reads them with the POSIX sign, the other
 * way round; abbreviations (CET, EST) are refused as PostgreSQL may take them as fixed offsets.
 */
export function checkTimeZone(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/.test(value)) {
    throw badRequest(`${field} must be an IANA time zone such as Asia/Bangkok`, field);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw badRequest(`${field}: unknown time zone ${value}`, field);
  }
  return value;
}

/** The calendar day it is in `timeZone` at `now`. */
export function dayIn(timeZone: string, now: Date): string {
  const parts = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date)! + days) * DAY_MS).toISOString().slice(0, 10);
}

/** How many days from `from` to `to`, both counted (1 for the same day; 0 or less when from > to). */
export function daysInRange(from: string, to: string): number {
  return dayNumber(to)! - dayNumber(from)! + 1;
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  return Array.from({ length: Math.max(0, daysInRange(from, to)) }, (_, i) => addDays(from, i));
}

/** Days since 1970-01-01, or undefined for a day that does not exist (2025-02-30). */
function dayNumber(date: string): number | undefined {
  const [y, m, d] = date.split('-').map(Number);
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}
