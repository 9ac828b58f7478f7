// One figure of the dashboard: what it is, its value, a line under it. Properties down only.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';

export class StatCard extends LitElement {
  static properties = { label: {}, value: {}, hint: {} };
  label = '';
  value = '';
  hint = '';

  render() {
    return html`
      <p class="label">${this.label}</p>
      <p class="value">${this.value}</p>
      ${this.hint ? html`<p class="hint">${this.hint}</p>` : nothing}
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
  `,
  ];
}
customElements.define('llc-stat-card', StatCard);

declare global {
  interface HTMLElementTagNameMap {
    'llc-stat-card': StatCard;
  }
}
