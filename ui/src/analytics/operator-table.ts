// The operator performance table: sessions, closed, average first response, average response
// over every reply, resolution, messages sent, and CSAT (average, count and how many gave each
// score), most sessions first (as the API answers). Scrolls sideways on a phone, and the
// scroll area takes the keyboard. Properties down: operators, selected (an operator_id to mark).
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { duration } from '../core/format';
import { LanguageController } from '../core/language-controller';
import type { OperatorFigures } from './analytics-api';
import { figure } from './days';
import './analytics-strings';

export class OperatorTable extends LitElement {
  static properties = { operators: { attribute: false }, selected: { type: Number } };
  operators: OperatorFigures[] = [];
  selected: number | undefined;

  constructor() {
    super();
    new LanguageController(this);
  }

  render() {
    if (!this.operators.length) return html`<p class="note">${t('analytics.no-operators')}</p>`;
    return html`
      <div class="scroll" role="region" aria-label=${t('analytics.operators')} tabindex="0">
        <table>
          <thead>
            <tr>
              <th scope="col">${t('analytics.col.operator')}</th>
              <th scope="col" class="num">${t('analytics.col.sessions')}</th>
              <th scope="col" class="num">${t('analytics.col.closed')}</th>
              <th scope="col" class="num">${t('analytics.col.response')}</th>
              <th scope="col" class="num">${t('analytics.col.resolve')}</th>
              <th scope="col" class="num">${t('analytics.col.every-reply')}</th>
              <th scope="col" class="num">${t('analytics.col.messages')}</th>
              <th scope="col" class="num">${t('analytics.col.csat')}</th>
              <th scope="col">${t('analytics.col.csat-scores')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.operators.map(
              (o) => html`
              <tr data-operator=${o.username} class=${o.operator_id === this.selected ? 'selected' : ''} aria-current=${o.operator_id === this.selected ? 'true' : 'false'}>
                <th scope="row"><span class="name">${o.display_name || o.username}</span> <span class="username">@${o.username}</span></th>
                <td class="num">${figure(o.sessions)}</td>
                <td class="num">${figure(o.closed_sessions)}</td>
                <td class="num">${duration(o.avg_first_response_seconds)}</td>
                <td class="num">${duration(o.avg_resolution_seconds)}</td>
                <td class="num" data-col="avg_response_seconds">${duration(o.avg_response_seconds)}</td>
                <td class="num">${figure(o.messages_sent)}</td>
                <td class="num" data-col="csat">${figure(o.csat.average)} <span class="count">(${figure(o.csat.ratings)})</span></td>
                <td data-col="csat-scores">
                  <span class="scores" aria-label=${t('analytics.csat-scores', { list: o.csat.distribution.map((d) => `${d.score}: ${d.ratings}`).join(', ') })}>
                    ${o.csat.distribution.map((d) => html`<span class="score" title=${`${d.score} ★`} aria-hidden="true">${d.score}★ ${figure(d.ratings)}</span>`)}
                  </span>
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; }
    .scroll { overflow-x: auto; border-radius: var(--llc-radius); }
    table { width: 100%; border-collapse: collapse; min-width: 52rem; }
    th, td { padding: 0.55rem 0.75rem; text-align: left; border-bottom: 1px solid var(--llc-border); }
    thead th { color: var(--llc-grey); font-weight: 600; font-size: 0.85rem; white-space: nowrap; }
    tbody th { font-weight: 400; }
    .name { font-weight: 600; }
    .username { color: var(--llc-grey); font-size: 0.85rem; }
    .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    tr.selected { background: #eff6ff; }
    .count { color: var(--llc-grey); font-size: 0.8rem; }
    .scores { display: inline-flex; gap: 0.4rem; white-space: nowrap; font-size: 0.8rem; color: var(--llc-grey); }
    tbody tr:last-child > * { border-bottom: 0; }
    .note { color: var(--llc-grey); margin: 0; }
  `,
  ];
}
customElements.define('llc-operator-table', OperatorTable);

declare global {
  interface HTMLElementTagNameMap {
    'llc-operator-table': OperatorTable;
  }
}
