// Sessions per day, a Chart.js line chart. For screen readers the canvas is an image named by a
// summary, followed by a visually hidden table of every day. Property down: days.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import { type Chart, dayCountChart } from './chart-setup';
import type { DaySessions } from './analytics-api';
import { dayLabel, figure } from './days';
import './analytics-strings';

export class SessionsChart extends LitElement {
  static properties = { days: { attribute: false } };
  days: DaySessions[] = [];
  private chart: Chart<'line'> | undefined;

  constructor() {
    super();
    new LanguageController(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = undefined;
  }

  connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.requestUpdate();
  }

  private summary(): string {
    const days = this.days;
    if (!days.length) return t('analytics.sessions-chart');
    const from = dayLabel(days[0].date, true);
    const to = dayLabel(days[days.length - 1].date, true);
    const total = days.reduce((n, d) => n + d.sessions, 0);
    if (!total) return t('analytics.sessions-empty', { from, to });
    const top = days.reduce((a, b) => (b.sessions > a.sessions ? b : a));
    return t('analytics.sessions-summary', { from, to, total: figure(total), max: figure(top.sessions), day: dayLabel(top.date, true) });
  }

  protected updated(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const data = {
      labels: this.days.map((d) => dayLabel(d.date)),
      datasets: [
        {
          label: t('analytics.sessions'),
          data: this.days.map((d) => d.sessions),
          borderColor: '#06c755',
          backgroundColor: '#06c755',
          pointBackgroundColor: '#06c755',
          cubicInterpolationMode: 'monotone' as const,
          // Many days: no dots, the line is enough.
          pointRadius: this.days.length > 40 ? 0 : 3,
        },
      ],
    };
    this.chart = dayCountChart(this.chart, canvas, 'line', data);
  }

  render() {
    return html`
      <div class="plot"><canvas role="img" aria-label=${this.summary()}></canvas></div>
      <table class="visually-hidden">
        <caption>${t('analytics.sessions-chart')}</caption>
        <thead><tr><th scope="col">${t('analytics.date')}</th><th scope="col">${t('analytics.sessions')}</th></tr></thead>
        <tbody>${this.days.map((d) => html`<tr><th scope="row">${dayLabel(d.date, true)}</th><td>${figure(d.sessions)}</td></tr>`)}</tbody>
      </table>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; position: relative; }
    .plot { position: relative; height: 16rem; }
  `,
  ];
}
customElements.define('llc-sessions-chart', SessionsChart);

declare global {
  interface HTMLElementTagNameMap {
    'llc-sessions-chart': SessionsChart;
  }
}
