// Dates and times as operators read them: in their own time zone, Thai (Buddhist era) or
// English, relative for lists ("5 นาทีที่แล้ว"), and the Thai short form "15 ม.ค. 67".
import { language } from './i18n';

const locale = () => (language() === 'th' ? 'th-TH-u-ca-buddhist' : 'en-GB');

/** Relative time for lists: just now, minutes, hours, then the short date. */
export function relativeTime(value: string | Date | null | undefined, now = Date.now()): string {
  if (!value) return '';
  const at = new Date(value).getTime();
  const seconds = Math.round((now - at) / 1000);
  const rtf = new Intl.RelativeTimeFormat(language(), { numeric: 'auto' });
  if (seconds < 45) return rtf.format(0, 'second');
  if (seconds < 3600) return rtf.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 86400) return rtf.format(-Math.round(seconds / 3600), 'hour');
  if (seconds < 7 * 86400) return rtf.format(-Math.round(seconds / 86400), 'day');
  return shortDate(value);
}

/** "15 ม.ค. 67" in Thai, "15 Jan 2024" in English. */
export function shortDate(value: string | Date): string {
  const date = new Date(value);
  if (language() === 'th') {
    return new Intl.DateTimeFormat('th-TH-u-ca-buddhist', { day: 'numeric', month: 'short', year: '2-digit' }).format(date);
  }
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }).format(date);
}

export function timeOfDay(value: string | Date): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(value));
}

export function dateTime(value: string | Date): string {
  return `${shortDate(value)} ${timeOfDay(value)}`;
}

/** Seconds as "1 ชม. 5 นาที" / "1 h 5 min"; null as a dash. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  const th = language() === 'th';
  if (seconds < 60) return th ? `${Math.round(seconds)} วินาที` : `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return th ? `${minutes} นาที` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return th ? `${hours} ชม.${rest ? ` ${rest} นาที` : ''}` : `${hours} h${rest ? ` ${rest} min` : ''}`;
}
