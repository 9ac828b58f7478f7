// The friend-status filter (All / Active / Unfollowed / Blocked, as radio buttons) and the search
// box (name or LINE ID). Properties down: status, q. Event up: 'filters-changed' {status, q},
// at once for the status, after a short pause in typing (or at Enter) for the search.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import type { FriendStatus } from './friends-api';
import './friends-strings';

export interface FriendFilters {
  status: FriendStatus | 'ALL';
  q: string;
}

const STATUSES: FriendFilters['status'][] = ['ALL', 'ACTIVE', 'UNFOLLOWED', 'BLOCKED'];
const TYPING_PAUSE_MS = 300;

export class FriendFiltersElement extends LitElement {
  static properties = { status: {}, q: {} };
  status: FriendFilters['status'] = 'ALL';
  q = '';
  private typing: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    new LanguageController(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.typing);
  }

  private emit(changes: Partial<FriendFilters>): void {
    clearTimeout(this.typing);
    const detail: FriendFilters = { status: this.status, q: this.q, ...changes };
    this.dispatchEvent(new CustomEvent<FriendFilters>('filters-changed', { detail, bubbles: true, composed: true }));
  }

  private typed(e: Event): void {
    const q = (e.target as HTMLInputElement).value;
    clearTimeout(this.typing);
    this.typing = setTimeout(() => this.emit({ q }), TYPING_PAUSE_MS);
  }

  private submit(e: Event): void {
    e.preventDefault();
    this.emit({ q: (this.renderRoot.querySelector('input[type=search]') as HTMLInputElement).value });
  }

  render() {
    return html`
      <form role="search" @submit=${this.submit}>
        <fieldset>
          <legend class="visually-hidden">${t('friends.filter')}</legend>
          ${STATUSES.map(
            (s) => html`
            <label class="pill">
              <input type="radio" name="status" value=${s} .checked=${this.status === s} @change=${() => this.emit({ status: s })}>
              <span>${t(`friends.status.${s}`)}</span>
            </label>`,
          )}
        </fieldset>
        <label class="search">
          <span class="visually-hidden">${t('friends.search')}</span>
          <input type="search" .value=${this.q} placeholder=${t('friends.search')} maxlength="100" autocomplete="off" @input=${this.typed}>
        </label>
      </form>
    `;
  }

  static styles = [
    tokens,
    css`
    form { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
    fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.35rem; }
    .pill { position: relative; }
    .pill input { position: absolute; opacity: 0; inset: 0; margin: 0; cursor: pointer; }
    .pill span { display: inline-block; padding: 0.35rem 0.8rem; border: 1px solid var(--llc-border); border-radius: 999px; background: var(--llc-surface); }
    .pill input:checked + span { background: #ecfdf5; border-color: var(--llc-green); color: #047857; font-weight: 600; }
    .pill input:focus-visible + span { outline: 2px solid var(--llc-blue); outline-offset: 2px; }
    .search { flex: 1 1 14rem; display: flex; }
    .search input { flex: 1; min-width: 0; }
  `,
  ];
}
customElements.define('llc-friend-filters', FriendFiltersElement);

declare global {
  interface HTMLElementTagNameMap {
    'llc-friend-filters': FriendFiltersElement;
  }
}
