// The `/` picker in the composer (issue 11): the team's canned responses that match what follows
// `/`, as a listbox the message box drives (the box keeps the focus: arrows move, Enter uses,
// Escape closes; a click works too). Fires 'pick' with the CannedResponse.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import { cannedPreview, searchCanned } from './canned-api';
import type { CannedResponse } from './types';
import './strings';

export class CannedPicker extends LitElement {
  static properties = { responses: { attribute: false }, query: {}, error: {}, active: { state: true } };
  /** null while loading. */
  responses: CannedResponse[] | null = null;
  query = '';
  error = '';
  active = 0;

  constructor() {
    super();
    new LanguageController(this);
  }

  get found(): CannedResponse[] {
    return searchCanned(this.responses ?? [], this.query);
  }

  willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('query') || changed.has('responses')) this.active = 0;
  }

  /** Moves the highlighted option by `step`, wrapping around. */
  move(step: number): void {
    const n = this.found.length;
    if (n === 0) return;
    this.active = (this.active + step + n) % n;
    void this.updateComplete.then(() => this.renderRoot.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' }));
  }

  /** Uses the highlighted option; false when there is none. */
  choose(): boolean {
    const chosen = this.found[this.active];
    if (!chosen) return false;
    this.dispatchEvent(new CustomEvent<CannedResponse>('pick', { detail: chosen, bubbles: true, composed: true }));
    return true;
  }

  render() {
    if (this.error) return html`<p class="error" role="alert">${this.error}</p>`;
    if (!this.responses) return html`<p class="muted" role="status">${t('lc.canned.loading')}</p>`;
    const matches = this.found;
    return html`
      <div class="head"><strong>${t('lc.canned')}</strong><span class="muted">${t('lc.canned.keys')}</span></div>
      ${matches.length === 0 ? html`<p class="muted" role="status">${t('lc.canned.none')}</p>` : nothing}
      <ul role="listbox" id="canned-list" aria-label=${t('lc.canned')}>
        ${matches.map(
          (c, i) => html`<li role="option" id="canned-${c.id}" aria-selected=${i === this.active ? 'true' : 'false'} data-shortcut=${c.shortcut}
            @mousedown=${(e: Event) => e.preventDefault()}
            @click=${() => {
              this.active = i;
              this.choose();
            }}>
            <span class="shortcut">/${c.shortcut}</span>
            <span class="title">${c.title}</span>
            ${c.message.type !== 'text' ? html`<span class="pill bot">${c.message.type} · ${t('lc.canned.sends')}</span>` : nothing}
            <span class="preview muted">${cannedPreview(c.message)}</span>
          </li>`,
        )}
      </ul>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: #fff; max-height: 16rem; overflow-y: auto; }
    .head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.25rem 0.75rem; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--llc-border); font-size: 0.8rem; position: sticky; top: 0; background: #fff; }
    ul { list-style: none; margin: 0; padding: 0.25rem; }
    li { display: grid; grid-template-columns: auto 1fr auto; gap: 0.1rem 0.5rem; align-items: baseline; padding: 0.35rem 0.5rem; border-radius: var(--llc-radius); cursor: pointer; }
    li[aria-selected='true'] { background: var(--lc-selected); outline: 2px solid var(--lc-primary); outline-offset: -2px; }
    .shortcut { font-family: ui-monospace, monospace; color: var(--lc-primary); font-weight: 600; }
    .title { font-weight: 600; min-width: 0; overflow-wrap: anywhere; }
    .preview { grid-column: 1 / -1; font-size: 0.8rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    p { margin: 0; padding: 0.5rem 0.6rem; font-size: 0.85rem; }
    .error { color: #b91c1c; }
  `,
  ];
}
customElements.define('llc-canned-picker', CannedPicker);
