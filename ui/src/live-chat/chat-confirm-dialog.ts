// A yes/no question in a modal <dialog> (focus stays inside, Escape cancels). The parent sets
// `open`; the answer comes back as 'confirm' or 'cancel'.
import { LitElement, css, html } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { LanguageController } from '../core/language-controller';
import { chatTokens } from './chat-styles';
import './strings';

export class ChatConfirmDialog extends LitElement {
  static properties = { open: { type: Boolean }, heading: {}, body: {}, confirmLabel: {} };
  open = false;
  heading = '';
  body = '';
  confirmLabel = '';
  private answered = false;

  constructor() {
    super();
    new LanguageController(this);
  }

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  updated(changed: Map<string, unknown>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.answered = false;
      this.dialog.showModal();
    } else if (!this.open && this.dialog.open) {
      this.answered = true;
      this.dialog.close();
    }
  }

  private answer(yes: boolean): void {
    if (this.answered) return;
    this.answered = true;
    if (this.dialog.open) this.dialog.close();
    this.dispatchEvent(new CustomEvent(yes ? 'confirm' : 'cancel', { bubbles: true, composed: true }));
  }

  render() {
    return html`
      <dialog aria-labelledby="heading" aria-describedby="body" @close=${() => this.answer(false)} @cancel=${() => this.answer(false)}>
        <h2 id="heading">${this.heading}</h2>
        <p id="body">${this.body}</p>
        <div class="actions">
          <button @click=${() => this.answer(false)}>${t('lc.cancel')}</button>
          <button class="send" @click=${() => this.answer(true)} autofocus>${this.confirmLabel || t('lc.confirm')}</button>
        </div>
      </dialog>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    dialog { border: none; border-radius: 0.75rem; padding: 1.25rem; width: min(24rem, 90vw); box-shadow: 0 10px 30px rgb(0 0 0 / 0.2); color: var(--llc-text); }
    dialog::backdrop { background: rgb(15 23 42 / 0.4); }
    h2 { margin: 0 0 0.5rem; font-size: 1.1rem; }
    p { margin: 0 0 1rem; color: #475569; }
    .actions { display: flex; justify-content: flex-end; gap: 0.5rem; }
  `,
  ];
}
customElements.define('llc-chat-confirm-dialog', ChatConfirmDialog);
