// One figure of the dashboard: what it is, its value over the range, a line under it, and the
// same figure today beside it when given. Properties down only.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';

export class StatCard extends LitElement {
  static properties = { label: {}, value: {}, hint: {}, today: {} };
  label = '';
  value = '';
  hint = '';
  /** "Today: 3", already worded. */
  today = '';

  render() {
    return html`
      <p class="label">${this.label}</p>
      <p class="value">${this.value}</p>
      ${this.hint ? html`<p class="hint">${this.hint}</p>` : nothing}
      ${this.today ? html`<p class="today">${this.today}</p>` : nothing}
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; background: var(--llc-surface); border: 1px solid var(--llc-border); border-radius: var(--llc-radius); padding: 0.9rem 1rem; }
    p { margin: 0; }
    .label { color: var(--llc-grey); font-size: 0.9rem; }
    .value { font-size: 1.7rem; font-weight: 700; margin: 0.2rem 0; overflow-wrap: anywhere; }
    .hint { color: var(--llc-grey); font-size: 0.8rem; }
    .today { font-size: 0.8rem; margin-top: 0.35rem; padding-top: 0.35rem; border-top: 1px dashed var(--llc-border); }
  `,
  ];
}
customElements.define('llc-stat-card', StatCard);

declare global {
  interface HTMLElementTagNameMap {
    'llc-stat-card': StatCard;
  }
}
