// One contact in the Friends list: picture, name, LINE ID, friend status, since when, chat mode,
// last message; a History button that expands its timeline, and a link to open its chat.
// Properties down: friend, expanded, history. Events up: 'toggle-history' and 'open-chat',
// both with {line_user_id}.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { relativeTime, shortDate } from '../core/format';
import { LanguageController } from '../core/language-controller';
import { chatPath, type Friend } from './friends-api';
import type { FriendHistory } from './friend-timeline';
import './friend-timeline';
// The inbox's avatar: the picture, else the name's initial on a colour (also when it fails to load).
import '../live-chat/user-avatar';
import './friends-strings';

export class FriendRow extends LitElement {
  static properties = { friend: { attribute: false }, expanded: { type: Boolean }, history: { attribute: false } };
  friend!: Friend;
  expanded = false;
  history: FriendHistory | undefined;

  constructor() {
    super();
    new LanguageController(this);
  }

  private emit(name: 'toggle-history' | 'open-chat'): void {
    this.dispatchEvent(new CustomEvent(name, { detail: { line_user_id: this.friend.line_user_id }, bubbles: true, composed: true }));
  }

  private openChat(e: MouseEvent): void {
    // A new tab or window (ctrl/cmd/shift/middle click) keeps the browser's own behaviour.
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    this.emit('open-chat');
  }

  render() {
    const f = this.friend;
    const name = f.display_name || t('friends.no-name');
    return html`
      <div class="row">
        <llc-user-avatar class="avatar" .name=${f.display_name ?? ''} .src=${f.picture_url} .size=${40}></llc-user-avatar>
        <div class="who">
          <span class="name ${f.display_name ? '' : 'unknown'}">${name}</span>
          <code class="line-id">${f.line_user_id}</code>
        </div>
        <div class="facts">
          <span class="badge status ${f.friend_status.toLowerCase()}" data-status=${f.friend_status}>${t(`friends.status.${f.friend_status}`)}</span>
          <span class="badge ${f.chat_mode.toLowerCase()}">${t(`friends.mode.${f.chat_mode}`)}</span>
          ${f.friend_since ? html`<span class="meta">${t('friends.since', { date: shortDate(f.friend_since) })}</span>` : nothing}
          ${f.last_message_at ? html`<span class="meta"><time datetime=${f.last_message_at}>${t('friends.last-message', { when: relativeTime(f.last_message_at) })}</time></span>` : nothing}
        </div>
        <div class="actions">
          <button type="button" aria-expanded=${this.expanded ? 'true' : 'false'} aria-controls="history" @click=${() => this.emit('toggle-history')}>
            <span aria-hidden="true" class="chevron">${this.expanded ? '▾' : '▸'}</span> ${t('friends.history')}
          </button>
          <a class="open" href=${chatPath(f.line_user_id)} @click=${this.openChat}>${t('friends.open-chat')}</a>
        </div>
      </div>
      <section id="history" aria-label=${t('friends.history-of', { name })} ?hidden=${!this.expanded}>
        ${this.expanded ? html`<llc-friend-timeline .history=${this.history ?? { state: 'loading' }}></llc-friend-timeline>` : nothing}
      </section>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; padding: 0.75rem 1rem; border-bottom: 1px solid var(--llc-border); }
    .row { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; grid-template-areas: 'avatar who actions' 'avatar facts actions'; gap: 0.25rem 0.75rem; align-items: center; }
    .avatar { grid-area: avatar; }
    .who { grid-area: who; display: flex; flex-wrap: wrap; gap: 0 0.6rem; align-items: baseline; min-width: 0; }
    .name { font-weight: 600; overflow-wrap: anywhere; }
    .name.unknown { color: var(--llc-grey); font-style: italic; font-weight: 400; }
    .line-id { color: var(--llc-grey); font-size: 0.8rem; overflow-wrap: anywhere; }
    .facts { grid-area: facts; display: flex; flex-wrap: wrap; gap: 0.25rem 0.6rem; align-items: center; }
    .meta { color: var(--llc-grey); font-size: 0.85rem; }
    .badge.status.active { background: var(--llc-green); }
    .badge.status.unfollowed { background: var(--llc-grey); }
    .badge.status.blocked { background: var(--llc-red); }
    .badge.bot { background: #e2e8f0; color: var(--llc-text); }
    .actions { grid-area: actions; display: flex; gap: 0.5rem; align-items: center; }
    a.open { color: var(--llc-blue); padding: 0.4rem 0.2rem; border-radius: var(--llc-radius); white-space: nowrap; }
    section { margin: 0.75rem 0 0.25rem 3.25rem; }
    @media (max-width: 640px) {
      .row { grid-template-columns: auto minmax(0, 1fr); grid-template-areas: 'avatar who' 'facts facts' 'actions actions'; }
      section { margin-left: 0.25rem; }
    }
  `,
  ];
}
customElements.define('llc-friend-row', FriendRow);

declare global {
  interface HTMLElementTagNameMap {
    'llc-friend-row': FriendRow;
  }
}
