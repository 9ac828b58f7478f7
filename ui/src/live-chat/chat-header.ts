// The user card above a chat: picture, name, LINE ID, friend status and since when, the chat's
// state and who holds it, the BOT | HUMAN switch, Claim and Close. On a phone it starts with a
// back button to the list. Fires 'back', 'claim', 'close-chat' (confirmed) and 'mode-change';
// and 'transfer' {operatorId, note} (issue 11: Transfer for the holder or an admin, Take over for
// an admin in a chat someone else holds).
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { shortDate } from '../core/format';
import { tokens } from '../core/styles';
import type { Operator } from '../core/session';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { Contact, Session } from './types';
import './strings';
import './user-avatar';
import './status-badge';
import './mode-toggle';
import './chat-confirm-dialog';
import './transfer-dialog';
import type { TransferRequest } from './transfer-dialog';
import './label-chips';
import { icon } from './icons';

export class ChatHeader extends LitElement {
  static properties = {
    contact: { attribute: false },
    session: { attribute: false },
    labels: { attribute: false },
    me: { attribute: false },
    busy: { type: Boolean },
    narrow: { type: Boolean },
    confirmingClose: { state: true },
    transferring: { state: true },
  };
  contact!: Contact;
  session: Session | null = null;
  /** The contact's label ids (issue 11). */
  labels: number[] = [];
  me: Operator | null = null;
  busy = false;
  narrow = false;
  confirmingClose = false;
  transferring = false;

  /** The close shortcut: the same question the Close button asks. */
  askClose(): void {
    this.confirmingClose = true;
  }

  constructor() {
    super();
    new LanguageController(this);
  }

  /** On a phone the chat replaces the list: a keyboard user starts at the way back. */
  firstUpdated(): void {
    if (this.narrow) this.renderRoot.querySelector<HTMLElement>('.back')?.focus();
  }

  private fire(name: string): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }

  private handOver(request: TransferRequest): void {
    this.transferring = false;
    this.dispatchEvent(new CustomEvent<TransferRequest>('transfer', { detail: request, bubbles: true, composed: true }));
  }

  private holder() {
    const s = this.session;
    if (!s) return nothing;
    if (s.status === 'WAITING' || !s.operator) return html`<span class="muted">${t('lc.holder.none')}</span>`;
    const mine = s.operator.id === this.me?.id;
    const name = s.operator.display_name ?? s.operator.username ?? '?';
    return html`<span class=${mine ? 'mine' : 'other'} data-testid="holder">${mine ? t('lc.holder.me') : t('lc.holder.other', { name })}</span>`;
  }

  render() {
    const c = this.contact;
    const s = this.session;
    const name = c.display_name || t('lc.noname');
    const friend = c.friend_status === 'ACTIVE' ? 'friend' : c.friend_status.toLowerCase();
    // Another operator's chat is theirs to close or hand back (an admin may step in).
    const othersChat = s?.status === 'ACTIVE' && !!s.operator && s.operator.id !== this.me?.id && this.me?.role !== 'admin';
    return html`
      <header>
        ${this.narrow ? html`<button class="icon back" aria-label=${t('lc.back')} @click=${() => this.fire('back')}>${icon('back', 22)}</button>` : nothing}
        <llc-user-avatar .name=${c.display_name ?? ''} .src=${c.picture_url} .size=${this.narrow ? 44 : 64}></llc-user-avatar>
        <div class="who">
          <h2>${name}</h2>
          <div class="pills">
            <llc-status-badge .session=${s} .mode=${c.chat_mode} .me=${this.me?.id ?? null}></llc-status-badge>
            <span class="pill ${friend}">${t(`lc.friend.${c.friend_status}`)}</span>
            ${this.labels.length ? html`<llc-label-chips data-testid="header-labels" .ids=${this.labels}></llc-label-chips>` : nothing}
          </div>
          <div class="facts muted">
            <span class="id">${c.line_user_id}</span>
            ${c.friend_since ? html`<span>${t('lc.friend.since', { date: shortDate(c.friend_since) })}</span>` : nothing}
          </div>
          <div class="holder">${this.holder()}</div>
        </div>
        <div class="actions">
          <llc-mode-toggle .mode=${c.chat_mode} ?disabled=${this.busy || othersChat}></llc-mode-toggle>
          <div class="buttons">
            ${s?.status === 'WAITING' ? html`<button class="send" ?disabled=${this.busy} @click=${() => this.fire('claim')}>${t('lc.claim')}</button>` : nothing}
            ${s && !othersChat ? html`<button ?disabled=${this.busy} @click=${() => (this.transferring = true)}>${t('lc.transfer')}</button>` : nothing}
            ${
              s?.status === 'ACTIVE' && s.operator && s.operator.id !== this.me?.id && this.me?.role === 'admin'
                ? html`<button ?disabled=${this.busy} @click=${() => this.handOver({ operatorId: this.me!.id, note: '' })}>${t('lc.takeover')}</button>`
                : nothing
            }
            ${s && !othersChat ? html`<button ?disabled=${this.busy} @click=${() => (this.confirmingClose = true)}>${t('lc.close')}</button>` : nothing}
          </div>
        </div>
      </header>
      <llc-chat-confirm-dialog .open=${this.confirmingClose} .heading=${t('lc.close.title')} .body=${t('lc.close.body')} .confirmLabel=${t('lc.close')}
        @confirm=${() => {
          this.confirmingClose = false;
          this.fire('close-chat');
        }} @cancel=${() => (this.confirmingClose = false)}></llc-chat-confirm-dialog>
      <llc-transfer-dialog .open=${this.transferring} .holderId=${s?.status === 'ACTIVE' ? (s.operator?.id ?? null) : null}
        @transfer=${(e: CustomEvent<TransferRequest>) => {
          e.stopPropagation();
          this.handOver(e.detail);
        }} @cancel=${() => (this.transferring = false)}></llc-transfer-dialog>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; }
    header { display: flex; gap: 0.75rem; align-items: flex-start; padding: 0.75rem 1rem; background: var(--llc-surface); border-bottom: 1px solid var(--llc-border); }
    .back { font-size: 1.3rem; align-self: center; }
    .who { flex: 1; min-width: 0; display: grid; gap: 0.2rem; }
    h2 { margin: 0; font-size: 1.1rem; overflow-wrap: anywhere; }
    .pills { display: flex; flex-wrap: wrap; gap: 0.3rem; }
    .facts { display: flex; flex-wrap: wrap; gap: 0 0.8rem; font-size: 0.8rem; }
    .id { font-family: ui-monospace, monospace; user-select: all; overflow-wrap: anywhere; }
    .holder { font-size: 0.85rem; }
    .mine { color: #047857; font-weight: 600; }
    .other { color: #0e7490; font-weight: 600; }
    .actions { display: flex; flex-direction: column; align-items: flex-end; gap: 0.5rem; }
    .buttons { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 0.4rem; }
    @media (max-width: 719.98px) {
      header { flex-wrap: wrap; padding: 0.5rem 0.75rem; }
      .actions { flex-direction: row; align-items: center; width: 100%; justify-content: space-between; }
    }
  `,
  ];
}
customElements.define('llc-chat-header', ChatHeader);
