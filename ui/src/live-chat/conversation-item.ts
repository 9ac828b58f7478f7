// One row of the conversation list: picture or initial, name, the last message, how long ago,
// the chat's state and the operator's unread count. Clicking (or Enter) fires 'open-conversation'.
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { relativeTime, dateTime } from '../core/format';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { Conversation } from './types';
import './strings';
import './user-avatar';
import './status-badge';
import './label-chips';

/** The list's one-line preview: text as is, other kinds named in the operator's language. */
export function previewOf(c: Conversation): string {
  const m = c.last_message;
  if (!m) return '';
  let text: string;
  if (m.message_type === 'text' || m.message_type === 'flex' || m.message_type === 'template') text = m.content;
  else if (m.message_type === 'file' || m.message_type === 'location') text = `${t(`lc.type.${m.message_type}`)}: ${m.content.replace(/^\[\w+\]\s*/, '')}`;
  else if (['image', 'video', 'audio', 'sticker', 'imagemap'].includes(m.message_type)) text = `[${t(`lc.type.${m.message_type}`)}]`;
  else text = m.content;
  return m.sender === 'USER' ? text : `${t(`lc.sender.${m.sender}`)}: ${text}`;
}

/** The server counts unread messages up to 100 (UNREAD_COUNT_CAP): more than 99 shows as "99+". */
export function unreadText(count: number): string {
  return count > 99 ? '99+' : String(count);
}

export class ConversationItem extends LitElement {
  /** focus() on the row focuses its button (the list puts a keyboard user back where they were). */
  static shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static properties = { conversation: { attribute: false }, selected: { type: Boolean, reflect: true }, now: { type: Number }, me: { type: Number } };
  conversation!: Conversation;
  selected = false;
  now = Date.now();
  me: number | null = null;

  constructor() {
    super();
    new LanguageController(this);
  }

  private select(): void {
    this.dispatchEvent(new CustomEvent('open-conversation', { detail: this.conversation.line_user_id, bubbles: true, composed: true }));
  }

  render() {
    const c = this.conversation;
    const name = c.display_name || c.line_user_id;
    const at = c.last_message?.created_at ?? c.session?.started_at ?? null;
    return html`
      <button class="row" aria-current=${this.selected ? 'true' : 'false'} @click=${this.select} data-user=${c.line_user_id}>
        <llc-user-avatar .name=${c.display_name ?? ''} .src=${c.picture_url} .size=${44}></llc-user-avatar>
        <span class="main">
          <span class="line">
            <span class="name ${c.unread_count > 0 ? 'bold' : ''}">${name}</span>
            ${at ? html`<time class="muted" datetime=${at} title=${dateTime(at)}>${relativeTime(at, this.now)}</time>` : nothing}
          </span>
          <span class="line">
            <span class="preview muted">${previewOf(c)}</span>
            <llc-status-badge .session=${c.session} .mode=${c.chat_mode} .me=${this.me}></llc-status-badge>
            ${c.unread_count > 0 ? html`<span class="unread" aria-label=${t('lc.unread', { n: unreadText(c.unread_count) })}>${unreadText(c.unread_count)}</span>` : nothing}
          </span>
          ${c.labels?.length ? html`<llc-label-chips class="labels" .ids=${c.labels}></llc-label-chips>` : nothing}
        </span>
      </button>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; }
    .row { display: flex; gap: 0.6rem; align-items: center; width: 100%; text-align: left; border: none; border-radius: 0; border-bottom: 1px solid var(--llc-border); padding: 0.6rem 0.75rem; background: var(--llc-surface); }
    .row:hover { background: #f8fafc; }
    .row[aria-current='true'] { background: var(--lc-selected); box-shadow: inset 3px 0 0 var(--lc-primary); }
    .row:focus-visible { outline-offset: -2px; }
    .main { flex: 1; min-width: 0; display: grid; gap: 0.2rem; }
    .line { display: flex; align-items: center; gap: 0.4rem; min-width: 0; }
    .name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 500; }
    .name.bold { font-weight: 700; }
    .preview { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 0.85rem; }
    time { font-size: 0.75rem; white-space: nowrap; }
  `,
  ];
}
customElements.define('llc-conversation-item', ConversationItem);
