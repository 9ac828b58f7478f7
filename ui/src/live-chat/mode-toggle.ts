// The BOT | HUMAN switch of a chat. Choosing the other mode asks first (it closes an open chat,
// or puts the user in the waiting queue), then fires 'mode-change' with the mode.
import { LitElement, css, html } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { ChatMode } from './types';
import './strings';
import './chat-confirm-dialog';

export class ModeToggle extends LitElement {
  static properties = { mode: {}, disabled: { type: Boolean }, asking: { state: true } };
  mode: ChatMode = 'BOT';
  disabled = false;
  asking: ChatMode | null = null;

  constructor() {
    super();
    new LanguageController(this);
  }

  private choose(mode: ChatMode): void {
    if (mode !== this.mode && !this.disabled) this.asking = mode;
  }

  private confirmed(): void {
    const mode = this.asking;
    this.asking = null;
    if (mode) this.dispatchEvent(new CustomEvent('mode-change', { detail: mode, bubbles: true, composed: true }));
  }

  render() {
    const target = this.asking ?? (this.mode === 'BOT' ? 'HUMAN' : 'BOT');
    return html`
      <div role="group" aria-label=${t('lc.mode')}>
        ${(['BOT', 'HUMAN'] as const).map(
          (m) => html`
          <button class=${m.toLowerCase()} aria-pressed=${m === this.mode ? 'true' : 'false'} ?disabled=${this.disabled} @click=${() => this.choose(m)}>${t(`lc.mode.${m}`)}</button>`,
        )}
      </div>
      <llc-chat-confirm-dialog .open=${this.asking !== null} .heading=${t(`lc.mode.title.${target}`)} .body=${t(`lc.mode.body.${target}`)}
        @confirm=${this.confirmed} @cancel=${() => (this.asking = null)}></llc-chat-confirm-dialog>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: inline-block; }
    div { display: inline-flex; border: 1px solid var(--llc-border); border-radius: 999px; padding: 2px; background: #f1f5f9; }
    button { border: none; border-radius: 999px; padding: 0.25rem 0.8rem; background: transparent; font-size: 0.8rem; font-weight: 700; color: #475569; }
    button[aria-pressed='true'].bot { background: #475569; color: #fff; }
    button[aria-pressed='true'].human { background: var(--lc-primary); color: #fff; }
  `,
  ];
}
customElements.define('llc-mode-toggle', ModeToggle);
