// /admin/live-chat/analytics (seed §8): a range of days (default the last 7, presets 7 and 30),
// four figures (sessions, average first response, average resolution, messages per session),
// sessions per day and first response by hour as charts, and the operator performance table.
// Waiting / active now follow the live feed. The page owns the state and the API calls.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { duration } from '../core/format';
import { realtime } from '../core/realtime';
import { LanguageController } from '../core/language-controller';
import { fetchOperators, fetchOverview, type OperatorsReport, type Overview } from '../analytics/analytics-api';
import { dayLabel, figure } from '../analytics/days';
import type { DayRange } from '../analytics/date-range';
import type { OperatorChoice } from '../analytics/operator-picker';
import '../analytics/date-range';
import '../analytics/operator-picker';
import '../analytics/stat-card';
import '../analytics/sessions-chart';
import '../analytics/response-chart';
import '../analytics/operator-table';
import '../analytics/analytics-strings';

export class AnalyticsPage extends LitElement {
  static properties = {
    range: { state: true },
    today: { state: true },
    operatorId: { state: true },
    overview: { state: true },
    report: { state: true },
    loading: { state: true },
    error: { state: true },
  };
  /** Undefined until the first answer: the API's default (the last 7 days in its time zone). */
  range: DayRange | undefined;
  today = '';
  operatorId: number | undefined;
  overview: Overview | undefined;
  report: OperatorsReport | undefined;
  loading = false;
  error = '';
  /** Everyone seen in a table so far, so that a chosen operator stays in the picker. */
  private known = new Map<number, OperatorChoice>();
  private generation = 0;

  private readonly liveCounts = (e: Event) => {
    const detail = (e as CustomEvent).detail as { waiting_count?: number; active_count?: number } | undefined;
    if (!this.overview || this.operatorId !== undefined) return;
    if (typeof detail?.waiting_count !== 'number' || typeof detail?.active_count !== 'number') return;
    this.overview = { ...this.overview, waiting_now: detail.waiting_count, active_now: detail.active_count };
  };

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    realtime.addEventListener('hello', this.liveCounts);
    realtime.addEventListener('conversation', this.liveCounts);
    void this.load();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    realtime.removeEventListener('hello', this.liveCounts);
    realtime.removeEventListener('conversation', this.liveCounts);
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = '';
    try {
      const params = { from: this.range?.from, to: this.range?.to, operatorId: this.operatorId };
      const [overview, report] = await Promise.all([fetchOverview(params), fetchOperators(params)]);
      if (generation !== this.generation) return;
      if (!this.range) {
        this.today = overview.to_date;
        this.range = { from: overview.from_date, to: overview.to_date };
      }
      for (const o of report.operators) this.known.set(o.operator_id, { operator_id: o.operator_id, username: o.username, display_name: o.display_name });
      this.overview = overview;
      this.report = report;
    } catch (err) {
      if (generation === this.generation) this.error = (err as Error).message;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private rangeChanged(e: CustomEvent<DayRange>): void {
    this.range = e.detail;
    void this.load();
  }

  private operatorChanged(e: CustomEvent<{ operator_id: number | undefined }>): void {
    this.operatorId = e.detail.operator_id;
    void this.load();
  }

  private cards(o: Overview) {
    return html`
      <ul class="cards" aria-label=${t('analytics.cards')}>
        <li><llc-stat-card data-figure="total_sessions" label=${t('analytics.total')} value=${figure(o.total_sessions)} hint=${t('analytics.closed', { n: figure(o.closed_sessions) })}></llc-stat-card></li>
        <li><llc-stat-card data-figure="avg_first_response_seconds" label=${t('analytics.first-response')} value=${duration(o.avg_first_response_seconds)} hint=${t('analytics.first-reply', { d: duration(o.avg_first_reply_seconds) })}></llc-stat-card></li>
        <li><llc-stat-card data-figure="avg_resolution_seconds" label=${t('analytics.resolution')} value=${duration(o.avg_resolution_seconds)} hint=${t('analytics.resolution-hint')}></llc-stat-card></li>
        <li><llc-stat-card data-figure="avg_messages_per_session" label=${t('analytics.messages')} value=${figure(o.avg_messages_per_session)} hint=${t('analytics.messages-hint')}></llc-stat-card></li>
      </ul>
    `;
  }

  render() {
    const o = this.overview;
    return html`
      <header>
        <h1>${t('analytics.title')}</h1>
        ${o ? html`<p class="now" data-figure="now">${t('analytics.now', { waiting: figure(o.waiting_now), active: figure(o.active_now) })}</p>` : nothing}
      </header>
      <div class="toolbar">
        <llc-date-range .from=${this.range?.from ?? ''} .to=${this.range?.to ?? ''} .today=${this.today} @range-changed=${this.rangeChanged}></llc-date-range>
        <llc-operator-picker .operators=${[...this.known.values()]} .value=${this.operatorId} @operator-changed=${this.operatorChanged}></llc-operator-picker>
      </div>
      ${this.error ? html`<p class="error" role="alert">${t('analytics.error', { error: this.error })} <button type="button" @click=${() => this.load()}>${t('analytics.retry')}</button></p>` : nothing}
      ${this.loading ? html`<p class="note" role="status">${t('analytics.loading')}</p>` : nothing}
      ${
        o
          ? html`
        <div class="figures" aria-busy=${this.loading ? 'true' : 'false'}>
          <p class="note">${t('analytics.range-text', { from: dayLabel(o.from_date, true), to: dayLabel(o.to_date, true), tz: o.time_zone })}</p>
          ${this.cards(o)}
          <div class="charts">
            <section aria-labelledby="sessions-title">
              <h2 id="sessions-title">${t('analytics.sessions-chart')}</h2>
              <llc-sessions-chart .days=${o.sessions_per_day}></llc-sessions-chart>
            </section>
            <section aria-labelledby="response-title">
              <h2 id="response-title">${t('analytics.response-chart')}</h2>
              <llc-response-chart .hours=${o.response_time_by_hour} time-zone=${o.time_zone}></llc-response-chart>
            </section>
          </div>
          <section>
            <h2 id="operators-title">${t('analytics.operators')}</h2>
            <llc-operator-table .operators=${this.report?.operators ?? []} .selected=${this.operatorId}></llc-operator-table>
          </section>
        </div>`
          : nothing
      }
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; max-width: 72rem; margin: 0 auto; padding: 1rem; }
    header { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: baseline; justify-content: space-between; }
    h1 { margin: 0; font-size: 1.3rem; }
    h2 { margin: 0 0 0.75rem; font-size: 1rem; }
    .now { margin: 0; color: var(--llc-grey); font-size: 0.9rem; display: flex; gap: 0.35rem; align-items: center; }
    .toolbar { display: flex; flex-wrap: wrap; gap: 0.75rem 1.5rem; align-items: center; margin: 1rem 0 0.5rem; }
    .note { color: var(--llc-grey); font-size: 0.85rem; margin: 0.5rem 0; }
    .figures[aria-busy='true'] { opacity: 0.6; }
    .cards { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.75rem; }
    .charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.75rem; margin-bottom: 1rem; }
    section { background: var(--llc-surface); border: 1px solid var(--llc-border); border-radius: var(--llc-radius); padding: 1rem; }
    @media (max-width: 900px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } .charts { grid-template-columns: minmax(0, 1fr); } }
    @media (max-width: 420px) { :host { padding: 0.5rem; } .cards { grid-template-columns: minmax(0, 1fr); } }
  `,
  ];
}
customElements.define('llc-analytics-page', AnalyticsPage);
