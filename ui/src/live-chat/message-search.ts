// The history search panel: a field and the text messages holding what is typed (three
// characters or more), newest first, each with its chat's name and the words around the match.
// Choosing one fires 'open-hit' {line_user_id, message_id}; Escape or the close button 'close'.
import { LitElement, css, html, nothing } from 'lit';
import { api, query } from '../core/api';
import { errorText } from '../core/error-text';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { shortDate } from '../core/format';
import { LanguageController } from '../core/language-controller';
import { chatTokens } from './chat-styles';
import { icon } from './icons';
import type { MessageHit, MessageSearchPage } from './types';
import './strings';

const MIN_LENGTH = 3;
const PAGE = 20;

export class MessageSearch extends LitElement {
  static properties = { results: { state: true }, cursor: { state: true }, loading: { state: true }, error: { state: true }, q: { state: true } };
  q = '';
  results: MessageHit[] = [];
  cursor: string | null = null;
  loading = false;
  error = '';
  private seq = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    new LanguageController(this);
  }

  async focus(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private typed(e: Event): void {
    this.q = (e.target as HTMLInputElement).value.trim();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.search(false), 300);
  }

  private async search(more: boolean): Promise<void> {
    const seq = ++this.seq;
    if ([...this.q].length < MIN_LENGTH) {
      this.results = [];
      this.cursor = null;
      this.error = '';
      return;
    }
    this.loading = true;
    try {
      const page = await api.get<MessageSearchPage>(`/admin/live-chat/messages${query({ q: this.q, limit: PAGE, cursor: more ? this.cursor : undefined })}`);
      if (seq !== this.seq) return;
      this.results = more ? [...this.results, ...page.results] : page.results;
      this.cursor = page.next_cursor;
      this.error = '';
    } catch (err) {
      if (seq === this.seq) this.error = errorText(err);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  private pick(hit: MessageHit): void {
    this.dispatchEvent(
      new CustomEvent('open-hit', { detail: { line_user_id: hit.conversation.line_user_id, message_id: hit.message.id }, bubbles: true, composed: true }),
    );
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }));
  }

  render() {
    const short = this.q !== '' && [...this.q].length < MIN_LENGTH;
    return html`
      <div class="head">
        <input type="search" .value=${this.q} @input=${this.typed} placeholder=${t('lc.find.placeholder')} aria-label=${t('lc.find.placeholder')} enterkeyhint="search" />
        <button class="icon" aria-label=${t('lc.find.close')} @click=${this.close}>${icon('close', 18)}</button>
      </div>
      <div class="scroll">
        ${short ? html`<p class="muted note">${t('lc.find.short')}</p>` : nothing}
        ${this.error ? html`<p class="error note" role="alert">${this.error}</p>` : nothing}
        <ul aria-label=${t('lc.find.results')} aria-busy=${this.loading ? 'true' : 'false'}>
          ${this.results.map(
            (hit) => html`<li>
              <button class="hit" @click=${() => this.pick(hit)}>
                <span class="who"><strong>${hit.conversation.display_name ?? t('lc.noname')}</strong><span class="muted">${shortDate(hit.message.created_at)}</span></span>
                <span class="text">${hit.snippet.before}<mark>${hit.snippet.match}</mark>${hit.snippet.after}</span>
              </button>
            </li>`,
          )}
        </ul>
        ${!this.loading && !short && this.q && !this.error && this.results.length === 0 ? html`<p class="muted note">${t('lc.find.none')}</p>` : nothing}
        ${this.loading ? html`<p class="muted note" role="status">${t('lc.list.loading')}</p>` : nothing}
        ${this.cursor && !this.loading ? html`<p class="note"><button @click=${() => this.search(true)}>${t('lc.list.more')}</button></p>` : nothing}
      </div>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: flex; flex-direction: column; min-height: 0; background: var(--llc-surface); }
    .head { display: flex; gap: 0.4rem; padding: 0.6rem; border-bottom: 1px solid var(--llc-border); }
    input { flex: 1; min-width: 0; font: inherit; padding: 0.45rem 0.6rem; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); }
    .scroll { flex: 1; min-height: 0; overflow-y: auto; }
    ul { list-style: none; margin: 0; padding: 0; }
    .hit { display: flex; flex-direction: column; gap: 0.2rem; width: 100%; text-align: left; background: none; border: none; border-bottom: 1px solid var(--llc-border); padding: 0.6rem 0.75rem; font: inherit; cursor: pointer; }
    .hit:hover, .hit:focus-visible { background: #f5f3ff; }
    .who { display: flex; justify-content: space-between; gap: 0.5rem; font-size: 0.85rem; }
    .text { font-size: 0.9rem; overflow-wrap: anywhere; }
    mark { background: #fde68a; color: inherit; border-radius: 2px; }
    .note { padding: 0.5rem 0.75rem; margin: 0; font-size: 0.85rem; text-align: center; }
  `,
  ];
}
customElements.define('llc-message-search', MessageSearch);
