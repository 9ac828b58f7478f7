// The left column: the status tabs and search, then the conversations, newest activity first.
// Scrolling near the end (or the Load more button) fires 'load-more'; times refresh each 30 s.
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { Conversation, Filter } from './types';
import './strings';
import './conversation-filters';
import './conversation-item';

export class ConversationList extends LitElement {
  static properties = {
    conversations: { attribute: false },
    filter: {},
    label: { attribute: false },
    waiting: { type: Number },
    selected: {},
    loading: { type: Boolean },
    more: { type: Boolean },
    total: { type: Number },
    error: {},
    me: { type: Number },
    now: { state: true },
  };
  conversations: Conversation[] = [];
  filter: Filter = 'ALL';
  label: number | null = null;
  waiting = 0;
  selected: string | null = null;
  loading = false;
  /** There is a next page. */
  more = false;
  total = 0;
  error = '';
  me: number | null = null;
  now = Date.now();
  private clock?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.clock = setInterval(() => (this.now = Date.now()), 30000);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  /** Puts the focus on a conversation's row (coming back from its chat on a phone). */
  async focusRow(lineUserId: string): Promise<void> {
    await this.updateComplete;
    const rows = this.renderRoot.querySelectorAll<HTMLElement & { conversation: Conversation }>('llc-conversation-item');
    [...rows].find((r) => r.conversation.line_user_id === lineUserId)?.focus();
  }

  private loadMore(): void {
    if (this.more && !this.loading) this.dispatchEvent(new CustomEvent('load-more', { bubbles: true, composed: true }));
  }

  private scrolled(e: Event): void {
    const el = e.target as HTMLElement;
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 120) this.loadMore();
  }

  render() {
    return html`
      <llc-conversation-filters .filter=${this.filter} .label=${this.label} .waiting=${this.waiting}></llc-conversation-filters>
      <div class="scroll" @scroll=${this.scrolled}>
        ${this.error ? html`<p class="error" role="alert">${t('lc.list.error', { error: this.error })}</p>` : nothing}
        <ul aria-label=${t('lc.list')} aria-busy=${this.loading ? 'true' : 'false'}>
          ${repeat(
            this.conversations,
            (c) => c.line_user_id,
            (c) => html`<li>
            <llc-conversation-item .conversation=${c} .selected=${c.line_user_id === this.selected} .now=${this.now} .me=${this.me}></llc-conversation-item>
          </li>`,
          )}
        </ul>
        ${!this.loading && this.conversations.length === 0 && !this.error ? html`<p class="empty muted">${t('lc.list.empty')}</p>` : nothing}
        <div class="foot muted">
          ${this.loading ? html`<span role="status">${t('lc.list.loading')}</span>` : nothing}
          ${this.more && !this.loading ? html`<button @click=${this.loadMore}>${t('lc.list.more')}</button>` : nothing}
          ${this.conversations.length > 0 ? html`<span>${t('lc.list.count', { shown: this.conversations.length, total: Math.max(this.total, this.conversations.length) })}</span>` : nothing}
        </div>
      </div>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: flex; flex-direction: column; min-height: 0; background: var(--llc-surface); }
    .scroll { flex: 1; min-height: 0; overflow-y: auto; }
    ul { list-style: none; margin: 0; padding: 0; }
    .empty { padding: 2rem 1rem; text-align: center; }
    .error { padding: 0 0.75rem; }
    .foot { display: flex; flex-direction: column; align-items: center; gap: 0.4rem; padding: 0.75rem; font-size: 0.8rem; }
  `,
  ];
}
customElements.define('llc-conversation-list', ConversationList);
