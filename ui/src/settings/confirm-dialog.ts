// "Are you sure?" before something that cannot be undone: a heading, what will happen, Cancel
// (focused first) and the confirming button. Emits `confirm` and `cancel`; the owner shows any
// error the action met through `error`.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import { modalStyles, syncDialog } from './modal';

registerStrings({
  th: { 'confirm.cancel': 'ยกเลิก' },
  en: { 'confirm.cancel': 'Cancel' },
});

export class ConfirmDialog extends LitElement {
  static properties = {
    open: { type: Boolean },
    heading: {},
    message: {},
    confirmLabel: { attribute: 'confirm-label' },
    danger: { type: Boolean },
    busy: { type: Boolean },
    error: {},
  };
  open = false;
  heading = '';
  message = '';
  confirmLabel = '';
  danger = false;
  busy = false;
  error = '';

  constructor() {
    super();
    new LanguageController(this);
  }

  updated(): void {
    syncDialog(this.renderRoot.querySelector('dialog'), this.open);
  }

  private emit(name: 'confirm' | 'cancel'): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }

  private submit(e: Event): void {
    e.preventDefault();
    if (!this.busy) this.emit('confirm');
  }

  render() {
    return html`
      <dialog aria-labelledby="heading" aria-describedby="message" role="alertdialog"
        @cancel=${(e: Event) => this.busy && e.preventDefault()}
        @close=${() => this.open && this.emit('cancel')}>
        <form @submit=${this.submit}>
          <h2 id="heading">${this.heading}</h2>
          <p id="message">${this.message}</p>
          ${this.error ? html`<p class="error form-error" role="alert">${this.error}</p>` : nothing}
          <div class="actions">
            <button type="button" autofocus @click=${() => this.emit('cancel')} ?disabled=${this.busy}>${t('confirm.cancel')}</button>
            <button type="submit" class=${this.danger ? 'danger' : 'primary'} ?disabled=${this.busy}>${this.confirmLabel}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  static styles = [
    tokens,
    modalStyles,
    css`
    dialog { width: min(26rem, calc(100vw - 2rem)); }
    p#message { margin: 0; line-height: 1.5; }
  `,
  ];
}
customElements.define('llc-confirm-dialog', ConfirmDialog);
