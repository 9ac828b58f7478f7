// /admin/live-chat/analytics (seed §8, issue 12): a range of days (default the last 7, presets 7
// and 30), eight figures each with today's beside it (sessions, first response, response over
// every reply, resolution, messages per session, missed and abandoned handoffs, containment,
// CSAT), sessions per day and first response by hour as charts, the handoff funnel, the CSAT
// scores, the business-hours split, friend growth, and the operator performance table; each
// with a CSV download of its data. Waiting / active now follow the live feed. The page owns the
// state and the API calls.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { duration } from '../core/format';
import { realtime } from '../core/realtime';
import { LanguageController } from '../core/language-controller';
import { type ExportTable, exportUrl, fetchOperators, fetchOverview, type OperatorsReport, type Overview } from '../analytics/analytics-api';
import { dayLabel, figure } from '../analytics/days';
import type { DayRange } from '../analytics/date-range';
import type { OperatorChoice } from '../analytics/operator-picker';
import '../analytics/date-range';
import '../analytics/operator-picker';
import '../analytics/stat-card';
import '../analytics/sessions-chart';
import '../analytics/response-chart';
import '../analytics/operator-table';
import '../analytics/bar-list';
import '../analytics/friends-chart';
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
    const d = o.today;
    const today = (v: string) => t('analytics.today', { v });
    const percent = (rate: number | null) => (rate === null ? '–' : `${figure(rate * 100)}%`);
    return html`
      <ul class="cards" aria-label=${t('analytics.cards')}>
        <li><llc-stat-card data-figure="total_sessions" label=${t('analytics.total')} value=${figure(o.total_sessions)} hint=${t('analytics.closed', { n: figure(o.closed_sessions) })} today=${today(figure(d.total_sessions))}></llc-stat-card></li>
        <li><llc-stat-card data-figure="avg_first_response_seconds" label=${t('analytics.first-response')} value=${duration(o.avg_first_response_seconds)} hint=${t('analytics.first-reply', { d: duration(o.avg_first_reply_seconds) })} today=${today(duration(d.avg_first_response_seconds))}></llc-stat-card></li>
        <li><llc-stat-card data-figure="avg_response_seconds" label=${t('analytics.every-reply')} value=${duration(o.avg_response_seconds)} hint=${t('analytics.every-reply-hint', { n: figure(o.replies) })} today=${today(duration(d.avg_response_seconds))}></llc-stat-card></li>
        <li><llc-stat-card data-figure="avg_resolution_seconds" label=${t('analytics.resolution')} value=${duration(o.avg_resolution_seconds)} hint=${t('analytics.resolution-hint')} today=${today(duration(d.avg_resolution_seconds))}></llc-stat-card></li>
        <li><llc-stat-card data-figure="avg_messages_per_session" label=${t('analytics.messages')} value=${figure(o.avg_messages_per_session)} hint=${t('analytics.messages-hint')} today=${today(figure(d.avg_messages_per_session))}></llc-stat-card></li>
        <li><llc-stat-card data-figure="missed_sessions" label=${t('analytics.missed')} value=${figure(o.missed_sessions)} hint=${t('analytics.missed-hint', { n: figure(o.abandoned_sessions) })} today=${t('analytics.today-missed', { missed: figure(d.missed_sessions), abandoned: figure(d.abandoned_sessions) })}></llc-stat-card></li>
        <li><llc-stat-card data-figure="containment_rate" label=${t('analytics.containment')} value=${percent(o.containment_rate)} hint=${t('analytics.containment-hint', { contained: figure(o.contained_conversations), conversations: figure(o.conversations) })} today=${today(percent(d.containment_rate))}></llc-stat-card></li>
        <li><llc-stat-card data-figure="csat" label=${t('analytics.csat')} value=${figure(o.csat.average)} hint=${t('analytics.csat-hint', { n: figure(o.csat.ratings) })} today=${today(figure(d.csat.average))}></llc-stat-card></li>
      </ul>
    `;
  }

  /** The download of one table or chart as CSV, for what is on screen. */
  private csv(table: ExportTable, what: string) {
    const params = { from: this.range?.from, to: this.range?.to, operatorId: this.operatorId };
    return html`<a class="csv" href=${exportUrl(table, params)} download data-export=${table} aria-label=${t('analytics.csv-label', { what })}>${t('analytics.csv')}</a>`;
  }

  /** A titled section of the page with its CSV download. */
  private section(id: string, title: string, table: ExportTable, body: unknown) {
    return html`<section aria-labelledby=${id} data-section=${table}>
      <div class="heading"><h2 id=${id}>${title}</h2>${this.csv(table, title)}</div>
      ${body}
    </section>`;
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
          <div class="heading"><p class="note">${t('analytics.range-text', { from: dayLabel(o.from_date, true), to: dayLabel(o.to_date, true), tz: o.time_zone })}</p>${this.csv('summary', t('analytics.cards'))}</div>
          ${this.cards(o)}
          <div class="charts">
            ${this.section('sessions-title', t('analytics.sessions-chart'), 'sessions_per_day', html`<llc-sessions-chart .days=${o.sessions_per_day}></llc-sessions-chart>`)}
            ${this.section('response-title', t('analytics.response-chart'), 'response_time_by_hour', html`<llc-response-chart .hours=${o.response_time_by_hour} time-zone=${o.time_zone}></llc-response-chart>`)}
            ${this.section(
              'funnel-title',
              t('analytics.funnel'),
              'funnel',
              html`<llc-bar-list base="first" .items=${(['asked', 'claimed', 'resolved', 'rated'] as const).map((k) => ({ key: k, label: t(`analytics.funnel.${k}`), value: o.funnel[k] }))}></llc-bar-list>`,
            )}
            ${this.section(
              'csat-title',
              t('analytics.csat-chart'),
              'csat',
              html`<llc-bar-list .items=${[...o.csat.distribution].reverse().map((d) => ({ key: String(d.score), label: t('analytics.score', { n: d.score }), value: d.ratings }))}></llc-bar-list>`,
            )}
            ${this.section(
              'hours-title',
              t('analytics.business-hours'),
              'business_hours',
              html`<llc-bar-list .items=${[
                { key: 'in_hours', label: t('analytics.in-hours'), value: o.business_hours.in_hours_sessions },
                { key: 'after_hours', label: t('analytics.after-hours'), value: o.business_hours.after_hours_sessions },
              ]}></llc-bar-list>`,
            )}
            ${this.section('friends-title', t('analytics.friends-chart'), 'friend_growth', html`<llc-friends-chart .days=${o.friend_growth}></llc-friends-chart>`)}
          </div>
          ${this.section('operators-title', t('analytics.operators'), 'operators', html`<llc-operator-table .operators=${this.report?.operators ?? []} .selected=${this.operatorId}></llc-operator-table>`)}
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
    .heading { display: flex; gap: 0.75rem; align-items: baseline; justify-content: space-between; }
    .csv { color: #047857; font-weight: 500; font-size: 0.85rem; }
    section { background: var(--llc-surface); border: 1px solid var(--llc-border); border-radius: var(--llc-radius); padding: 1rem; }
    @media (max-width: 900px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } .charts { grid-template-columns: minmax(0, 1fr); } }
    @media (max-width: 420px) { :host { padding: 0.5rem; } .cards { grid-template-columns: minmax(0, 1fr); } }
  `,
  ];
}
customElements.define('llc-analytics-page', AnalyticsPage);
