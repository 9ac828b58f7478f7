// Friend growth: follows, unfollows and refollows per day, a Chart.js bar chart. For screen
// readers the canvas is an image named by a summary, followed by a visually hidden table of
// every day. Property down: days.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import { type Chart, dayCountChart } from './chart-setup';
import type { DayFriends } from './analytics-api';
import { dayLabel, figure } from './days';
import './analytics-strings';

const SERIES = [
  { key: 'follows', color: '#06c755' },
  { key: 'refollows', color: '#2563eb' },
  { key: 'unfollows', color: '#dc2626' },
] as const;

export class FriendsChart extends LitElement {
  static properties = { days: { attribute: false } };
  days: DayFriends[] = [];
  private chart: Chart<'bar'> | undefined;

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.requestUpdate();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = undefined;
  }

  private summary(): string {
    const sum = (key: (typeof SERIES)[number]['key']) => figure(this.days.reduce((n, d) => n + d[key], 0));
    return t('analytics.friends-summary', { follows: sum('follows'), refollows: sum('refollows'), unfollows: sum('unfollows') });
  }

  protected updated(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const data = {
      labels: this.days.map((d) => dayLabel(d.date)),
      datasets: SERIES.map((s) => ({ label: t(`analytics.${s.key}`), data: this.days.map((d) => d[s.key]), backgroundColor: s.color })),
    };
    this.chart = dayCountChart(this.chart, canvas, 'bar', data);
  }

  render() {
    return html`
      <div class="plot"><canvas role="img" aria-label=${this.summary()}></canvas></div>
      <ul class="legend" aria-hidden="true">
        ${SERIES.map((s) => html`<li><span class="swatch" style="background: ${s.color}"></span>${t(`analytics.${s.key}`)}</li>`)}
      </ul>
      <div class="visually-hidden"><table>
        <caption>${t('analytics.friends-chart')}</caption>
        <thead><tr><th scope="col">${t('analytics.date')}</th>${SERIES.map((s) => html`<th scope="col">${t(`analytics.${s.key}`)}</th>`)}</tr></thead>
        <tbody>${this.days.map((d) => html`<tr><th scope="row">${dayLabel(d.date, true)}</th>${SERIES.map((s) => html`<td>${figure(d[s.key])}</td>`)}</tr>`)}</tbody>
      </table></div>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; position: relative; }
    .plot { position: relative; height: 14rem; }
    .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; margin: 0.5rem 0 0; padding: 0; font-size: 0.8rem; color: var(--llc-grey); }
    .swatch { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 2px; margin-right: 0.35rem; vertical-align: -0.05rem; }
  `,
  ];
}
customElements.define('llc-friends-chart', FriendsChart);

declare global {
  interface HTMLElementTagNameMap {
    'llc-friends-chart': FriendsChart;
  }
}
