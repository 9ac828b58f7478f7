// The range of days the dashboard covers: from / to date inputs (shown with Show, so that typing
// a date does not fetch at every digit) and quick presets of the last 7 and 30 days ending
// today. Properties down: from, to, today (the API's today, in its time zone). Event up:
// 'range-changed' {from, to}.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import { addDays, daysBetween, isDay } from './days';
import './analytics-strings';

export interface DayRange {
  from: string;
  to: string;
}

const PRESETS = [7, 30];
/** The API's limit. */
export const MAX_DAYS = 366;

export class DateRange extends LitElement {
  static properties = { from: {}, to: {}, today: {}, error: { state: true } };
  from = '';
  to = '';
  today = '';
  error = '';

  constructor() {
    super();
    new LanguageController(this);
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('from') || changed.has('to')) this.error = '';
  }

  private emit(range: DayRange): void {
    this.error = '';
    this.dispatchEvent(new CustomEvent<DayRange>('range-changed', { detail: range, bubbles: true, composed: true }));
  }

  private preset(days: number): void {
    this.emit({ from: addDays(this.today, -(days - 1)), to: this.today });
  }

  private submit(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const from = (form.elements.namedItem('from') as HTMLInputElement).value;
    const to = (form.elements.namedItem('to') as HTMLInputElement).value;
    if (!isDay(from) || !isDay(to) || from > to) {
      this.error = t('analytics.bad-range');
    } else if (daysBetween(from, to) > MAX_DAYS) {
      this.error = t('analytics.too-long', { n: MAX_DAYS });
    } else {
      this.emit({ from, to });
    }
  }

  render() {
    const current = this.to === this.today && this.from ? daysBetween(this.from, this.to) : 0;
    return html`
      <form @submit=${this.submit} aria-label=${t('analytics.range')}>
        <div class="presets">
          ${PRESETS.map((n) => html`<button type="button" aria-pressed=${current === n ? 'true' : 'false'} ?disabled=${!this.today} @click=${() => this.preset(n)}>${t('analytics.last-days', { n })}</button>`)}
        </div>
        <label>${t('analytics.from')} <input type="date" name="from" .value=${this.from} max=${this.today || nothing} required aria-invalid=${this.error ? 'true' : 'false'}></label>
        <label>${t('analytics.to')} <input type="date" name="to" .value=${this.to} max=${this.today || nothing} required aria-invalid=${this.error ? 'true' : 'false'}></label>
        <button type="submit" class="primary">${t('analytics.apply')}</button>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </form>
    `;
  }

  static styles = [
    tokens,
    css`
    form { display: flex; flex-wrap: wrap; gap: 0.5rem 0.75rem; align-items: center; }
    .presets { display: flex; gap: 0.35rem; }
    button[aria-pressed='true'] { background: #ecfdf5; border-color: var(--llc-green); color: #047857; font-weight: 600; }
    label { display: inline-flex; gap: 0.4rem; align-items: center; }
    .error { flex-basis: 100%; margin: 0; }
  `,
  ];
}
customElements.define('llc-date-range', DateRange);

declare global {
  interface HTMLElementTagNameMap {
    'llc-date-range': DateRange;
  }
}
