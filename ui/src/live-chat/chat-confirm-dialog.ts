// A yes/no question in a modal <dialog> (focus stays inside, Escape cancels). The parent sets
// `open`; the answer comes back as 'confirm' or 'cancel'.
import { css, html } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { ChatDialog } from './chat-dialog';
import './strings';

export class ChatConfirmDialog extends ChatDialog {
  static properties = { heading: {}, body: {}, confirmLabel: {} };
  heading = '';
  body = '';
  confirmLabel = '';

  render() {
    return html`
      <dialog aria-labelledby="heading" aria-describedby="body" @close=${() => this.answer('cancel')} @cancel=${() => this.answer('cancel')}>
        <h2 id="heading">${this.heading}</h2>
        <p id="body">${this.body}</p>
        <div class="actions">
          <button @click=${() => this.answer('cancel')}>${t('lc.cancel')}</button>
          <button class="send" @click=${() => this.answer('confirm')} autofocus>${this.confirmLabel || t('lc.confirm')}</button>
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
