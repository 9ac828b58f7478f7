// The average first response (claim minus start) by hour of the day, a Chart.js bar chart, in
// seconds, minutes or hours by its size. For screen readers the canvas is an image named by a
// summary, followed by a visually hidden table of the hours. Properties down: hours, timeZone.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { duration } from '../core/format';
import { LanguageController } from '../core/language-controller';
import { animation, Chart } from './chart-setup';
import type { HourResponse } from './analytics-api';
import { figure, hourLabel } from './days';
import './analytics-strings';

const UNITS = [
  { key: 's', seconds: 1 },
  { key: 'min', seconds: 60 },
  { key: 'h', seconds: 3600 },
] as const;

export class ResponseChart extends LitElement {
  static properties = { hours: { attribute: false }, timeZone: { attribute: 'time-zone' } };
  hours: HourResponse[] = [];
  timeZone = '';
  private chart: Chart<'bar'> | undefined;

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

  private measured(): HourResponse[] {
    return this.hours.filter((h) => h.avg_first_response_seconds !== null);
  }

  private summary(): string {
    const measured = this.measured();
    if (!measured.length) return t('analytics.response-empty');
    const fast = measured.reduce((a, b) => (b.avg_first_response_seconds! < a.avg_first_response_seconds! ? b : a));
    const slow = measured.reduce((a, b) => (b.avg_first_response_seconds! > a.avg_first_response_seconds! ? b : a));
    return t('analytics.response-summary', {
      fast: duration(fast.avg_first_response_seconds),
      fastHour: hourLabel(fast.hour),
      slow: duration(slow.avg_first_response_seconds),
      slowHour: hourLabel(slow.hour),
    });
  }

  protected updated(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const max = Math.max(0, ...this.measured().map((h) => h.avg_first_response_seconds!));
    const unit = max >= 2 * 3600 ? UNITS[2] : max >= 120 ? UNITS[1] : UNITS[0];
    const hours = this.hours;
    const data = {
      labels: hours.map((h) => hourLabel(h.hour)),
      datasets: [
        {
          label: t('analytics.avg-response'),
          data: hours.map((h) => (h.avg_first_response_seconds === null ? null : Math.round((h.avg_first_response_seconds / unit.seconds) * 10) / 10)),
          backgroundColor: '#2563eb',
          borderRadius: 3,
          maxBarThickness: 28,
        },
      ],
    };
    const options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: animation(),
      scales: {
        x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { beginAtZero: true, title: { display: true, text: t(`analytics.unit.${unit.key}`) } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item: { dataIndex: number }) => {
              const h = hours[item.dataIndex];
              return `${t('analytics.avg-response')}: ${duration(h.avg_first_response_seconds)} · ${t('analytics.tooltip-sessions', { n: h.sessions })}`;
            },
          },
        },
      },
    };
    if (this.chart) {
      this.chart.data = data;
      this.chart.options = options;
      this.chart.update();
      return;
    }
    this.chart = new Chart(canvas, { type: 'bar', data, options });
  }

  render() {
    return html`
      <div class="plot"><canvas role="img" aria-label=${this.summary()}></canvas></div>
      ${this.timeZone ? html`<p class="note">${t('analytics.hours-in', { tz: this.timeZone })}</p>` : ''}
      <table class="visually-hidden">
        <caption>${t('analytics.response-chart')}</caption>
        <thead><tr><th scope="col">${t('analytics.hour')}</th><th scope="col">${t('analytics.avg-response')}</th><th scope="col">${t('analytics.sessions')}</th></tr></thead>
        <tbody>${this.hours.map((h) => html`<tr><th scope="row">${hourLabel(h.hour)}</th><td>${duration(h.avg_first_response_seconds)}</td><td>${figure(h.sessions)}</td></tr>`)}</tbody>
      </table>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; position: relative; }
    .plot { position: relative; height: 16rem; }
    .note { margin: 0.4rem 0 0; color: var(--llc-grey); font-size: 0.8rem; }
  `,
  ];
}
customElements.define('llc-response-chart', ResponseChart);

declare global {
  interface HTMLElementTagNameMap {
    'llc-response-chart': ResponseChart;
  }
}
