// The list's status tabs (All / Waiting / Active / Bot / Closed) and the search by name or LINE
// ID. Fires 'filter-change' with the status and 'query-change' with the text (after typing pauses).
import { LitElement, css, html } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import { FILTERS, type Filter } from './types';
import './strings';
import './contact-strings';
import { catalog } from './contact-catalog';

export class ConversationFilters extends LitElement {
  static properties = { filter: {}, waiting: { type: Number }, label: { attribute: false } };
  filter: Filter = 'ALL';
  waiting = 0;
  /** The label the list is filtered by (null: any). */
  label: number | null = null;
  private readonly catalogChanged = () => this.requestUpdate();

  connectedCallback(): void {
    super.connectedCallback();
    catalog.addEventListener('change', this.catalogChanged);
  }
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    new LanguageController(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    catalog.removeEventListener('change', this.catalogChanged);
  }

  private choose(filter: Filter): void {
    if (filter !== this.filter) this.dispatchEvent(new CustomEvent('filter-change', { detail: filter, bubbles: true, composed: true }));
  }

  /** Arrow keys move between the tabs (and choose), as in any tab list. */
  private keydown(e: KeyboardEvent): void {
    const at = FILTERS.indexOf(this.filter);
    const next = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? FILTERS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const filter = FILTERS[(next + FILTERS.length) % FILTERS.length];
    this.choose(filter);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-filter=${filter}]`)?.focus());
  }

  private chooseLabel(e: Event): void {
    const value = (e.target as HTMLSelectElement).value;
    this.dispatchEvent(new CustomEvent('label-change', { detail: value === '' ? null : Number(value), bubbles: true, composed: true }));
  }

  private input(e: Event): void {
    const value = (e.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.dispatchEvent(new CustomEvent('query-change', { detail: value, bubbles: true, composed: true })), 300);
  }

  render() {
    return html`
      <div role="tablist" aria-label=${t('lc.filters')} @keydown=${this.keydown}>
        ${FILTERS.map(
          (f) => html`
          <button role="tab" data-filter=${f} aria-selected=${f === this.filter ? 'true' : 'false'} tabindex=${f === this.filter ? 0 : -1} @click=${() => this.choose(f)}>
            ${t(`lc.filter.${f}`)}${f === 'WAITING' && this.waiting > 0 ? html` <span class="count">${this.waiting}</span>` : ''}
          </button>`,
        )}
      </div>
      <input type="search" placeholder=${t('lc.search')} aria-label=${t('lc.search')} @input=${this.input}>
      ${
        catalog.labels.length || this.label !== null
          ? html`<select aria-label=${t('cd.filter.label')} data-testid="label-filter" @change=${this.chooseLabel}>
          <option value="" ?selected=${this.label === null}>${t('cd.filter.all')}</option>
          ${catalog.labels.map((l) => html`<option value=${l.id} ?selected=${this.label === l.id}>${l.name}</option>`)}
        </select>`
          : ''
      }
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: grid; gap: 0.5rem; padding: 0.5rem 0.75rem; border-bottom: 1px solid var(--llc-border); }
    [role='tablist'] { display: flex; flex-wrap: wrap; gap: 0.15rem; border-bottom: 1px solid var(--llc-border); }
    [role='tab'] { border: none; border-bottom: 2px solid transparent; border-radius: 0; padding: 0.35rem 0.55rem; background: none; color: var(--lc-muted); font-size: 0.9rem; }
    [role='tab'][aria-selected='true'] { color: var(--lc-primary); border-bottom-color: var(--lc-primary); font-weight: 600; }
    .count { display: inline-block; background: #ffedd5; color: #c2410c; border-radius: 999px; padding: 0 0.4rem; font-size: 0.72rem; font-weight: 700; }
    input, select { width: 100%; box-sizing: border-box; }
  `,
  ];
}
customElements.define('llc-conversation-filters', ConversationFilters);
