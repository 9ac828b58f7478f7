// One contact's follow / unfollow / refollow history, oldest first, dated in the operator's zone.
// Property down: history (loading, loaded events, or the error).
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { dateTime, relativeTime } from '../core/format';
import { LanguageController } from '../core/language-controller';
import type { FriendEvent } from './friends-api';
import './friends-strings';

export type FriendHistory = { state: 'loading' } | { state: 'loaded'; events: FriendEvent[] } | { state: 'error'; error: string };

export class FriendTimeline extends LitElement {
  static properties = { history: { attribute: false } };
  history: FriendHistory = { state: 'loading' };

  constructor() {
    super();
    new LanguageController(this);
  }

  render() {
    const h = this.history;
    if (h.state === 'loading') return html`<p class="note" role="status">${t('friends.loading')}</p>`;
    if (h.state === 'error') return html`<p class="error" role="alert">${t('friends.events-error', { error: h.error })}</p>`;
    if (!h.events.length) return html`<p class="note">${t('friends.no-events')}</p>`;
    return html`
      <ol>
        ${h.events.map(
          (e) => html`
          <li data-event=${e.event_type} class=${e.event_type.toLowerCase()}>
            <span class="dot" aria-hidden="true"></span>
            <strong>${t(`friends.event.${e.event_type}`)}</strong>
            <time datetime=${e.created_at} title=${relativeTime(e.created_at)}>${dateTime(e.created_at)}</time>
            <span class="source">${t(`friends.source.${e.source}`)}</span>
          </li>`,
        )}
      </ol>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; }
    ol { list-style: none; margin: 0; padding: 0 0 0 0.4rem; border-left: 2px solid var(--llc-border); display: grid; gap: 0.5rem; }
    li { position: relative; padding-left: 1rem; display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline; }
    .dot { position: absolute; left: -0.45rem; top: 0.35rem; width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--llc-green); }
    .unfollow .dot { background: var(--llc-grey); }
    .refollow .dot { background: var(--llc-blue); }
    time, .source, .note { color: var(--llc-grey); font-size: 0.85rem; }
    .note { margin: 0; }
  `,
  ];
}
customElements.define('llc-friend-timeline', FriendTimeline);

declare global {
  interface HTMLElementTagNameMap {
    'llc-friend-timeline': FriendTimeline;
  }
}
