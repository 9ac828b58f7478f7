// Figures as horizontal bars with their count, for the funnel, the CSAT scores and the business
// hours split: plain HTML (a list a screen reader reads as it is), no chart. Each bar's length is
// its share of `base`: the first item (a funnel: how many of those asked got this far) or the
// total of the items (a distribution). Properties down: items, base.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { figure } from './days';

export interface Bar {
  key: string;
  label: string;
  value: number;
}

export class BarList extends LitElement {
  static properties = { items: { attribute: false }, base: {} };
  items: Bar[] = [];
  base: 'first' | 'total' = 'total';

  private share(value: number): number {
    const whole = this.base === 'first' ? (this.items[0]?.value ?? 0) : this.items.reduce((n, b) => n + b.value, 0);
    return whole > 0 ? value / whole : 0;
  }

  render() {
    return html`
      <ul>
        ${this.items.map((b) => {
          const share = this.share(b.value);
          return html`<li data-key=${b.key}>
            <span class="label">${b.label}</span>
            <span class="bar" aria-hidden="true"><span style="width: ${(share * 100).toFixed(1)}%"></span></span>
            <span class="value"><span class="count">${figure(b.value)}</span> <span class="share">(${Math.round(share * 100)}%)</span></span>
          </li>`;
        })}
      </ul>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
    li { display: grid; grid-template-columns: minmax(6rem, 10rem) 1fr 5.5rem; gap: 0.75rem; align-items: center; }
    .label { font-size: 0.9rem; }
    .bar { height: 0.9rem; background: var(--llc-border); border-radius: 999px; overflow: hidden; }
    .bar > span { display: block; height: 100%; background: #06c755; border-radius: 999px; }
    .value { font-variant-numeric: tabular-nums; white-space: nowrap; text-align: right; }
    .share { color: var(--llc-grey); font-size: 0.85rem; }
  `,
  ];
}
customElements.define('llc-bar-list', BarList);

declare global {
  interface HTMLElementTagNameMap {
    'llc-bar-list': BarList;
  }
}
