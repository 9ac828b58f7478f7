// Sending an image or a file that is already online, as LINE allows it: an image must be a public
// https link (LINE fetches it), and a file can only go as a link in a text. (One from this
// computer is uploaded by the composer instead.) Fires 'send' with the LINE messages, or 'cancel'.
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { LineMessage } from './types';
import './strings';

export type AttachmentKind = 'image' | 'link';

function isHttps(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:' && value.length <= 2000;
  } catch {
    return false;
  }
}

export class AttachmentForm extends LitElement {
  static properties = { kind: {}, error: { state: true } };
  kind: AttachmentKind = 'image';
  error = '';

  constructor() {
    super();
    new LanguageController(this);
  }

  firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  private submit(e: Event): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const url = String(data.get('url') ?? '').trim();
    const second = String(data.get('second') ?? '').trim();
    if (!isHttps(url) || (this.kind === 'image' && second && !isHttps(second))) {
      this.error = t('lc.attach.bad');
      return;
    }
    const messages: LineMessage[] =
      this.kind === 'image'
        ? [{ type: 'image', originalContentUrl: url, previewImageUrl: second || url }]
        : [{ type: 'text', text: second ? `${second}\n${url}` : url }];
    this.dispatchEvent(new CustomEvent('send', { detail: messages, bubbles: true, composed: true }));
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true }));
  }

  render() {
    const image = this.kind === 'image';
    return html`
      <form @submit=${this.submit} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancel()}>
        <strong>${image ? t('lc.attach.image') : t('lc.attach.link')}</strong>
        <label>${image ? t('lc.attach.image.url') : t('lc.attach.link.url')}
          <input name="url" type="url" required placeholder="https://" inputmode="url"></label>
        <label>${image ? t('lc.attach.image.preview') : t('lc.attach.link.label')}
          <input name="second" type=${image ? 'url' : 'text'} placeholder=${image ? 'https://' : ''} maxlength=${image ? 2000 : 1000}></label>
        <p class="note muted">${image ? t('lc.attach.image.note') : t('lc.attach.link.note')}</p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="actions">
          <button type="button" @click=${this.cancel}>${t('lc.cancel')}</button>
          <button class="send" type="submit">${t('lc.send')}</button>
        </div>
      </form>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    form { display: grid; gap: 0.5rem; padding: 0.75rem; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: #fff; }
    label { display: grid; gap: 0.2rem; font-size: 0.85rem; }
    .note { margin: 0; font-size: 0.8rem; }
    .error { margin: 0; }
    .actions { display: flex; justify-content: flex-end; gap: 0.4rem; }
  `,
  ];
}
customElements.define('llc-attachment-form', AttachmentForm);
