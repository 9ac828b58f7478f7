// The away message sent instead of the greeting outside business hours: the away_message
// setting with {next_opening} filled in with the real next opening, in the time zone, written in
// Thai when the template is Thai ("วันจันทร์ เวลา 09:00 น.") and in English otherwise ("09:00 on
// Monday"). Pure: the caller gives the instants.
import { wallClock } from './business-hours';

export const NEXT_OPENING_PLACEHOLDER = '{next_opening}';

const TH_DAYS = ['วันอาทิตย์', 'วันจันทร์', 'วันอังคาร', 'วันพุธ', 'วันพฤหัสบดี', 'วันศุกร์', 'วันเสาร์'];
const EN_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const TH_MONTHS = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_MS = 24 * 60 * 60 * 1000;

export type MessageLanguage = 'th' | 'en';

/** Thai when the text has Thai letters in it. */
export function languageOf(text: string): MessageLanguage {
  return /[\u0E00-\u0E7F]/.test(text) ? 'th' : 'en';
}

/** The away message: every {next_opening} in the template replaced. */
export function awayText(template: string, opening: Date | null, timeZone: string, now: Date): string {
  const when = describeOpening(opening, timeZone, now, languageOf(template));
  return template.split(NEXT_OPENING_PLACEHOLDER).join(when);
}

/**
 * When it opens, as a person says it: today, tomorrow, the weekday within a week, else the
 * weekday and date. Null (it never opens) is "later".
 */
export function describeOpening(opening: Date | null, timeZone: string, now: Date, language: MessageLanguage): string {
  if (!opening) return language === 'th' ? 'ภายหลัง' : 'later';
  const then = wallClock(opening.getTime(), timeZone);
  const today = wallClock(now.getTime(), timeZone).date;
  const days = Math.round((Date.parse(then.date) - Date.parse(today)) / DAY_MS);
  const minutes = Math.floor(then.msOfDay / 60_000);
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const day = new Date(`${then.date}T00:00:00Z`);
  const weekday = day.getUTCDay();
  if (language === 'th') {
    const on =
      days <= 0 ? 'วันนี้' : days === 1 ? 'พรุ่งนี้' : days < 7 ? TH_DAYS[weekday] : `${TH_DAYS[weekday]}ที่ ${day.getUTCDate()} ${TH_MONTHS[day.getUTCMonth()]}`;
    return `${on} เวลา ${time} น.`;
  }
  const on =
    days <= 0
      ? 'today'
      : days === 1
        ? 'tomorrow'
        : days < 7
          ? `on ${EN_DAYS[weekday]}`
          : `on ${EN_DAYS[weekday]} ${day.getUTCDate()} ${EN_MONTHS[day.getUTCMonth()]}`;
  return `${time} ${on}`;
}
