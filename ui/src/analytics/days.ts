// Calendar days as the analytics API counts them ('YYYY-MM-DD' in its time zone): arithmetic
// without time zones, and labels in the operator's language. The figures' numbers too.
import { language } from '../core/i18n';

function utc(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  const d = utc(day);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both counted. */
export function daysBetween(from: string, to: string): number {
  return Math.round((utc(to).getTime() - utc(from).getTime()) / 86400000) + 1;
}

export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(utc(value).getTime()) && utc(value).toISOString().startsWith(value);
}

/** "15 ม.ค." / "15 Jan"; with the year: "15 ม.ค. 67" / "15 Jan 2024". */
export function dayLabel(day: string, withYear = false): string {
  const th = language() === 'th';
  return new Intl.DateTimeFormat(th ? 'th-TH-u-ca-buddhist' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
    ...(withYear ? { year: th ? '2-digit' : 'numeric' } : {}),
  }).format(utc(day));
}

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** 2, 2.5, 1,234 in the operator's language; null as a dash. */
export function figure(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(language() === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: 1 }).format(value);
}
