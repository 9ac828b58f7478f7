// A chat's state as one pill: waiting (orange), active (green; cyan when another operator holds
// it, with their name), closed, or with the bot (slate).
import { LitElement, html } from 'lit';
import { t } from '../core/i18n';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import { type ChatMode, isMissed, type Session } from './types';
import './strings';

export class StatusBadge extends LitElement {
  static properties = { session: { attribute: false }, mode: {}, me: { type: Number } };
  session: (Pick<Session, 'status' | 'operator'> & Partial<Pick<Session, 'claimed_at' | 'closed_by'>>) | null = null;
  mode: ChatMode = 'BOT';
  me: number | null = null;

  constructor() {
    super();
    new LanguageController(this);
  }

  render() {
    const s = this.session;
    if (s?.status === 'WAITING') return html`<span class="pill waiting">${t('lc.status.WAITING')}</span>`;
    if (s?.status === 'ACTIVE') {
      if (s.operator && s.operator.id !== this.me) {
        return html`<span class="pill held">${t('lc.status.held', { name: s.operator.display_name ?? s.operator.username ?? '?' })}</span>`;
      }
      return html`<span class="pill active">${s.operator ? t('lc.status.mine') : t('lc.status.ACTIVE')}</span>`;
    }
    if (this.mode === 'BOT' && s && isMissed({ status: s.status, claimed_at: s.claimed_at ?? null, closed_by: s.closed_by }))
      return html`<span class="pill missed">${t('lc.status.MISSED')}</span>`;
    if (s?.status === 'CLOSED' && this.mode === 'BOT') return html`<span class="pill closed">${t('lc.status.CLOSED')}</span>`;
    return html`<span class="pill bot">${t('lc.status.BOT')}</span>`;
  }

  static styles = [chatTokens];
}
customElements.define('llc-status-badge', StatusBadge);
