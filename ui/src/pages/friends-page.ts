// /admin/friends: the Official Account's contacts by friend status, searchable by name or LINE
// ID, 50 at a time (Load more follows next_cursor); each expands to its follow history and links
// to its chat. The page owns the state and the API calls; the rows only show and ask.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { navigate } from '../core/router';
import { LanguageController } from '../core/language-controller';
import { chatPath, type Friend, friendEvents, listFriends } from '../friends/friends-api';
import type { FriendFilters } from '../friends/friend-filters';
import type { FriendHistory } from '../friends/friend-timeline';
import '../friends/friend-filters';
import '../friends/friend-row';
import '../friends/friends-strings';
import '../live-chat/contact-strings';
import { under } from '../core/base';
import { query } from '../core/api';

type Detail = CustomEvent<{ line_user_id: string }>;

export class FriendsPage extends LitElement {
  static properties = {
    filters: { state: true },
    friends: { state: true },
    nextCursor: { state: true },
    loading: { state: true },
    error: { state: true },
    expanded: { state: true },
    histories: { state: true },
  };
  filters: FriendFilters = { status: 'ALL', q: '' };
  friends: Friend[] = [];
  nextCursor: string | null = null;
  loading: 'list' | 'more' | false = false;
  error = '';
  expanded = new Set<string>();
  histories = new Map<string, FriendHistory>();
  /** Answers to an older request (the filters changed since) are dropped. */
  private generation = 0;
  /** What Try again repeats: the next page, or the list from the start. */
  private failedMore = false;

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.load(false);
  }

  private async load(more: boolean): Promise<void> {
    const generation = more ? this.generation : ++this.generation;
    this.loading = more ? 'more' : 'list';
    this.error = '';
    try {
      const { status, q } = this.filters;
      const page = await listFriends({ status: status === 'ALL' ? undefined : status, q, cursor: more ? this.nextCursor : undefined });
      if (generation !== this.generation) return;
      this.friends = more ? [...this.friends, ...page.friends] : page.friends;
      this.nextCursor = page.next_cursor;
      if (!more) this.expanded = new Set();
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = (err as Error).message;
      this.failedMore = more;
      if (!more) this.friends = [];
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private filtersChanged(e: CustomEvent<FriendFilters>): void {
    if (e.detail.status === this.filters.status && e.detail.q.trim() === this.filters.q.trim()) return;
    this.filters = e.detail;
    void this.load(false);
  }

  private async toggleHistory(e: Detail): Promise<void> {
    const id = e.detail.line_user_id;
    const expanded = new Set(this.expanded);
    if (expanded.has(id)) {
      expanded.delete(id);
      this.expanded = expanded;
      return;
    }
    expanded.add(id);
    this.expanded = expanded;
    // Fetched each time it opens: a follow may have come in since.
    this.setHistory(id, { state: 'loading' });
    try {
      this.setHistory(id, { state: 'loaded', events: await friendEvents(id) });
    } catch (err) {
      this.setHistory(id, { state: 'error', error: (err as Error).message });
    }
  }

  private setHistory(id: string, history: FriendHistory): void {
    this.histories = new Map(this.histories).set(id, history);
  }

  /** The friends as CSV, filtered as the list is (streamed by the server, issue 11). */
  private exportUrl(): string {
    const { status, q } = this.filters;
    return under(`/api/v1/admin/friends/export${query({ status: status === 'ALL' ? undefined : status, q: q.trim() })}`);
  }

  private openChat(e: Detail): void {
    navigate(chatPath(e.detail.line_user_id));
  }

  render() {
    const busy = this.loading === 'list';
    return html`
      <header>
        <h1>${t('friends.title')}</h1>
        <llc-friend-filters .status=${this.filters.status} .q=${this.filters.q} @filters-changed=${this.filtersChanged}></llc-friend-filters>
        <a class="export" href=${this.exportUrl()} download data-testid="friends-export">${t('friends.export')}</a>
      </header>
      <div class="list" aria-busy=${busy ? 'true' : 'false'}>
        ${busy ? html`<p class="note" role="status">${t('friends.loading')}</p>` : nothing}
        ${
          !busy && this.friends.length
            ? html`
          <ul aria-label=${t('friends.title')} @toggle-history=${this.toggleHistory} @open-chat=${this.openChat}>
            ${this.friends.map((f) => html`<li><llc-friend-row .friend=${f} ?expanded=${this.expanded.has(f.line_user_id)} .history=${this.histories.get(f.line_user_id)}></llc-friend-row></li>`)}
          </ul>`
            : nothing
        }
        ${!busy && !this.error && !this.friends.length ? html`<p class="note">${t('friends.empty')}</p>` : nothing}
        ${
          this.error
            ? html`
          <p class="error" role="alert">${t('friends.error', { error: this.error })}
            <button type="button" @click=${() => this.load(this.failedMore)}>${t('friends.retry')}</button>
          </p>`
            : nothing
        }
      </div>
      ${
        !busy && this.friends.length
          ? html`
        <footer>
          <span class="note" role="status">${t('friends.shown', { n: this.friends.length })}</span>
          ${this.nextCursor ? html`<button type="button" @click=${() => this.load(true)} ?disabled=${this.loading === 'more'}>${this.loading === 'more' ? t('friends.loading') : t('friends.more')}</button>` : nothing}
        </footer>`
          : nothing
      }
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; max-width: 64rem; margin: 0 auto; padding: 1rem; }
    header { display: grid; gap: 0.75rem; margin-bottom: 1rem; }
    .export { justify-self: start; color: #047857; font-weight: 500; }
    h1 { margin: 0; font-size: 1.3rem; }
    .list { background: var(--llc-surface); border: 1px solid var(--llc-border); border-radius: var(--llc-radius); }
    ul { list-style: none; margin: 0; padding: 0; }
    li:last-child llc-friend-row { border-bottom: 0; }
    .note { color: var(--llc-grey); padding: 0 1rem; }
    .error { padding: 0 1rem; display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
    footer { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: 0.75rem 0; flex-wrap: wrap; }
    footer .note { padding: 0; }
    @media (max-width: 640px) { :host { padding: 0.5rem; } }
  `,
  ];
}
customElements.define('llc-friends-page', FriendsPage);
