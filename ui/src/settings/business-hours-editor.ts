// The business hours editor in General settings: on or off, each weekday's opening ranges (add
// and remove; 'to' may be 24:00), and the holidays. Properties: value (the business_hours
// setting), error (the API's 400 about it) and errorField (its path, business_hours.weekly.mon[0].to),
// whose input is marked. Emits `hours-change` {value} on every edit; the form saves it.
import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
// The shape the API sends and takes, from the core's own module (plain TypeScript, no imports).
import { type BusinessHours, type TimeRange, WEEKDAYS, type Weekday } from '../../../src/live-chat/business-hours';

export type { BusinessHours };

registerStrings({
  th: {
    'bh.enabled': 'ใช้เวลาทำการ',
    'bh.enabled.hint': 'ปิดไว้ = เปิดตลอดเวลา นอกเวลาทำการ ผู้ใช้ได้รับข้อความนอกเวลาแทนข้อความทักทาย และแชทไม่ถูกปิดอัตโนมัติระหว่างปิดทำการ',
    'bh.week': 'เวลาทำการรายสัปดาห์',
    'bh.week.hint': 'เวลาแบบ 24 ชั่วโมง (HH:MM) ตามเขตเวลาด้านล่าง ถึง 24:00 ได้ ช่วงเวลาข้ามเที่ยงคืนให้แบ่งเป็นสองวัน',
    'bh.day.mon': 'จันทร์',
    'bh.day.tue': 'อังคาร',
    'bh.day.wed': 'พุธ',
    'bh.day.thu': 'พฤหัสบดี',
    'bh.day.fri': 'ศุกร์',
    'bh.day.sat': 'เสาร์',
    'bh.day.sun': 'อาทิตย์',
    'bh.closed': 'ปิดทั้งวัน',
    'bh.from': 'เปิด',
    'bh.to': 'ปิด',
    'bh.add-range': 'เพิ่มช่วงเวลา',
    'bh.remove-range': 'ลบช่วง {from}–{to} ของวัน{day}',
    'bh.holidays': 'วันหยุด',
    'bh.holidays.none': 'ยังไม่มีวันหยุด',
    'bh.holiday-date': 'วันที่หยุด',
    'bh.add-holiday': 'เพิ่มวันหยุด',
    'bh.remove-holiday': 'ลบวันหยุด {date}',
  },
  en: {
    'bh.enabled': 'Use business hours',
    'bh.enabled.hint': 'Off = always open. Outside hours the user gets the away message instead of the greeting, and chats are not auto-closed while closed.',
    'bh.week': 'Weekly opening hours',
    'bh.week.hint': '24-hour times (HH:MM) in the time zone below, up to 24:00; split a range that runs past midnight over two days.',
    'bh.day.mon': 'Monday',
    'bh.day.tue': 'Tuesday',
    'bh.day.wed': 'Wednesday',
    'bh.day.thu': 'Thursday',
    'bh.day.fri': 'Friday',
    'bh.day.sat': 'Saturday',
    'bh.day.sun': 'Sunday',
    'bh.closed': 'Closed all day',
    'bh.from': 'Opens',
    'bh.to': 'Closes',
    'bh.add-range': 'Add hours',
    'bh.remove-range': 'Remove {from}–{to} on {day}',
    'bh.holidays': 'Holidays',
    'bh.holidays.none': 'No holidays yet',
    'bh.holiday-date': 'Holiday date',
    'bh.add-holiday': 'Add holiday',
    'bh.remove-holiday': 'Remove holiday {date}',
  },
});

export class BusinessHoursEditor extends LitElement {
  static properties = {
    value: { attribute: false },
    error: { attribute: false },
    errorField: { attribute: false },
    holidayDraft: { state: true },
  };
  value: BusinessHours | null = null;
  error = '';
  errorField = '';
  holidayDraft = '';

  constructor() {
    super();
    new LanguageController(this);
  }

  private change(next: BusinessHours): void {
    this.value = next;
    this.dispatchEvent(new CustomEvent('hours-change', { detail: { value: next }, bubbles: true, composed: true }));
  }

  private setRanges(day: Weekday, ranges: TimeRange[]): void {
    this.change({ ...this.value!, weekly: { ...this.value!.weekly, [day]: ranges } });
  }

  private editRange(day: Weekday, index: number, end: 'from' | 'to', text: string): void {
    this.setRanges(
      day,
      this.value!.weekly[day].map((r, i) => (i === index ? { ...r, [end]: text.trim() } : r)),
    );
  }

  private addRange(day: Weekday): void {
    const ranges = this.value!.weekly[day];
    const last = ranges.at(-1);
    this.setRanges(day, [...ranges, last ? { from: last.to, to: '24:00' } : { from: '09:00', to: '18:00' }]);
  }

  private addHoliday(): void {
    const date = this.holidayDraft;
    if (!date || this.value!.holidays.includes(date)) return;
    this.holidayDraft = '';
    this.change({ ...this.value!, holidays: [...this.value!.holidays, date].sort() });
  }

  /** The API's path of an input, for marking the one at fault. */
  private invalid(path: string): 'true' | 'false' {
    return this.errorField === path || this.errorField.startsWith(`${path}.`) ? 'true' : 'false';
  }

  private day(day: Weekday) {
    const ranges = this.value!.weekly[day] ?? [];
    const name = t(`bh.day.${day}`);
    return html`
      <div class="day" role="group" aria-labelledby="bh-${day}-name">
        <span class="day-name" id="bh-${day}-name">${name}</span>
        <div class="ranges">
          ${ranges.length === 0 ? html`<span class="closed">${t('bh.closed')}</span>` : nothing}
          ${ranges.map((range, i) => {
            const path = `business_hours.weekly.${day}[${i}]`;
            return html`
              <span class="range" aria-invalid=${this.invalid(path)}>
                <input id="bh-${day}-${i}-from" class="time" inputmode="numeric" maxlength="5" placeholder="HH:MM" aria-label="${name} ${t('bh.from')}"
                  .value=${live(range.from)} aria-invalid=${this.invalid(`${path}.from`)}
                  @input=${(e: Event) => this.editRange(day, i, 'from', (e.target as HTMLInputElement).value)}>
                <span aria-hidden="true">–</span>
                <input id="bh-${day}-${i}-to" class="time" inputmode="numeric" maxlength="5" placeholder="HH:MM" aria-label="${name} ${t('bh.to')}"
                  .value=${live(range.to)} aria-invalid=${this.invalid(`${path}.to`)}
                  @input=${(e: Event) => this.editRange(day, i, 'to', (e.target as HTMLInputElement).value)}>
                <button type="button" class="icon" aria-label=${t('bh.remove-range', { from: range.from, to: range.to, day: name })}
                  @click=${() =>
                    this.setRanges(
                      day,
                      ranges.filter((_, k) => k !== i),
                    )}>✕</button>
              </span>`;
          })}
          <button type="button" class="add" id="bh-${day}-add" @click=${() => this.addRange(day)}>+ ${t('bh.add-range')}</button>
        </div>
      </div>
    `;
  }

  render() {
    if (!this.value) return nothing;
    const v = this.value;
    return html`
      <label class="switch"><input type="checkbox" id="bh-enabled" .checked=${live(v.enabled)}
        aria-describedby="bh-enabled-hint" @change=${(e: Event) => this.change({ ...v, enabled: (e.target as HTMLInputElement).checked })}> ${t('bh.enabled')}</label>
      <p id="bh-enabled-hint" class="hint">${t('bh.enabled.hint')}</p>
      <div class="week" role="group" aria-labelledby="bh-week" aria-describedby="bh-week-hint">
        <span id="bh-week" class="label">${t('bh.week')}</span>
        <p id="bh-week-hint" class="hint">${t('bh.week.hint')}</p>
        ${WEEKDAYS.map((day) => this.day(day))}
      </div>
      <div class="holidays" role="group" aria-labelledby="bh-holidays">
        <span id="bh-holidays" class="label">${t('bh.holidays')}</span>
        ${v.holidays.length === 0 ? html`<p class="hint">${t('bh.holidays.none')}</p>` : nothing}
        <ul>
          ${v.holidays.map(
            (date, i) => html`<li aria-invalid=${this.invalid(`business_hours.holidays[${i}]`)}>
              <span class="date">${date}</span>
              <button type="button" class="icon" aria-label=${t('bh.remove-holiday', { date })}
                @click=${() => this.change({ ...v, holidays: v.holidays.filter((d) => d !== date) })}>✕</button>
            </li>`,
          )}
        </ul>
        <div class="add-holiday">
          <input type="date" id="bh-holiday-date" aria-label=${t('bh.holiday-date')} .value=${live(this.holidayDraft)}
            @input=${(e: Event) => (this.holidayDraft = (e.target as HTMLInputElement).value)}>
          <button type="button" id="bh-add-holiday" ?disabled=${!this.holidayDraft} @click=${() => this.addHoliday()}>+ ${t('bh.add-holiday')}</button>
        </div>
      </div>
      ${this.error ? html`<p id="business_hours-error" class="error field-error" role="alert">${this.error}</p>` : nothing}
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: grid; gap: 0.6rem; }
    .label { font-weight: 500; }
    .hint { margin: 0; color: var(--llc-grey); font-size: 0.85rem; }
    .switch { font-weight: 500; display: inline-flex; gap: 0.5rem; align-items: center; }
    .week, .holidays { display: grid; gap: 0.4rem; }
    .day { display: grid; grid-template-columns: 7rem 1fr; gap: 0.5rem; align-items: start; padding: 0.3rem 0; border-top: 1px solid var(--llc-border); }
    .day-name { padding-top: 0.4rem; }
    .ranges { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
    .range { display: inline-flex; gap: 0.25rem; align-items: center; border-radius: var(--llc-radius); }
    .range[aria-invalid='true'] { outline: 1px solid var(--llc-red); }
    .closed { color: var(--llc-grey); }
    .time { width: 4.5rem; text-align: center; }
    button.icon { padding: 0.2rem 0.5rem; }
    button.add { padding: 0.25rem 0.6rem; font-size: 0.9rem; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
    li { display: inline-flex; gap: 0.3rem; align-items: center; border: 1px solid var(--llc-border); border-radius: 999px; padding: 0.1rem 0.2rem 0.1rem 0.7rem; }
    li[aria-invalid='true'] { border-color: var(--llc-red); }
    .add-holiday { display: flex; gap: 0.4rem; align-items: center; }
    [aria-invalid='true'] { border-color: var(--llc-red); }
    .field-error { margin: 0; font-size: 0.85rem; }
    @media (max-width: 30rem) { .day { grid-template-columns: 1fr; } }
  `,
  ];
}
customElements.define('llc-business-hours-editor', BusinessHoursEditor);
