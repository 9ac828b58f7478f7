// Whose figures the cards and charts show: everyone, or one operator. Properties down: operators
// (those in the range's table), value (an operator_id, or undefined for everyone). Event up:
// 'operator-changed' {operator_id}.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import './analytics-strings';

export interface OperatorChoice {
  operator_id: number;
  username: string;
  display_name: string;
}

export class OperatorPicker extends LitElement {
  static properties = { operators: { attribute: false }, value: { type: Number } };
  operators: OperatorChoice[] = [];
  value: number | undefined;

  constructor() {
    super();
    new LanguageController(this);
  }

  private changed(e: Event): void {
    const raw = (e.target as HTMLSelectElement).value;
    const operator_id = raw === '' ? undefined : Number(raw);
    this.dispatchEvent(new CustomEvent('operator-changed', { detail: { operator_id }, bubbles: true, composed: true }));
  }

  render() {
    const value = this.value === undefined ? '' : String(this.value);
    return html`
      <label for="operator">${t('analytics.operator')}</label>
      <select id="operator" @change=${this.changed} .value=${value}>
        <option value="" ?selected=${value === ''}>${t('analytics.all-operators')}</option>
        ${this.operators.map((o) => html`<option value=${String(o.operator_id)} ?selected=${value === String(o.operator_id)}>${o.display_name || o.username} (@${o.username})</option>`)}
      </select>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: inline-flex; gap: 0.4rem; align-items: center; }
    select { max-width: 16rem; }
  `,
  ];
}
customElements.define('llc-operator-picker', OperatorPicker);

declare global {
  interface HTMLElementTagNameMap {
    'llc-operator-picker': OperatorPicker;
  }
}
