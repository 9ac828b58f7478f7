// Writing to the user: a message box (Enter sends, Shift+Enter is a new line, an IME's Enter
// only confirms the word), the Send button, attaching an image or a file link, and ready replies.
// Fires 'send' with {content, settle}: the page calls settle(false) when the message was refused,
// and the text comes back into the box. Each conversation keeps its own draft.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { LineMessage } from './types';
import type { AttachmentKind } from './attachment-form';
import './strings';
import './attachment-form';
import './reply-picker';
import { icon } from './icons';

export interface SendRequest {
  content: string | LineMessage[];
  settle(ok: boolean): void;
}

export class Composer extends LitElement {
  static properties = {
    conversationId: {},
    disabled: { type: Boolean },
    reason: {},
    busy: { type: Boolean },
    text: { state: true },
    menu: { state: true },
    attaching: { state: true },
    picking: { state: true },
  };
  conversationId = '';
  /** No answering here (the bot has the chat, or another operator); `reason` says why. */
  disabled = false;
  reason = '';
  busy = false;
  text = '';
  menu = false;
  attaching: AttachmentKind | null = null;
  picking = false;
  private readonly drafts = new Map<string, string>();

  constructor() {
    super();
    new LanguageController(this);
  }

  willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      const previous = changed.get('conversationId') as string | undefined;
      if (previous) this.drafts.set(previous, this.text);
      this.text = this.drafts.get(this.conversationId) ?? '';
      this.menu = false;
      this.attaching = null;
      this.picking = false;
    }
  }

  /** The page's keyboard shortcuts: focus the box, open the reply picker, close every panel. */
  async focusBox(): Promise<void> {
    await this.updateComplete;
    this.box?.focus();
  }

  openPicker(): void {
    this.picking = true;
    this.attaching = null;
    this.menu = false;
  }

  closePanels(): void {
    this.picking = false;
    this.attaching = null;
    this.menu = false;
  }

  private get box(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  private emit(content: string | LineMessage[], onRefused: () => void): void {
    const request: SendRequest = { content, settle: (ok) => (ok ? undefined : onRefused()) };
    this.dispatchEvent(new CustomEvent<SendRequest>('send', { detail: request, bubbles: true, composed: true }));
  }

  private sendText(): void {
    const text = this.text;
    if (!text.trim() || this.disabled || this.busy) return;
    const id = this.conversationId;
    this.text = '';
    this.drafts.delete(id);
    this.emit(text, () => {
      if (this.conversationId === id && !this.text) this.text = text;
      else if (!this.drafts.get(id)) this.drafts.set(id, text);
    });
  }

  private sendMessages(messages: LineMessage[]): void {
    if (this.disabled) return;
    this.emit(messages, () => undefined);
    this.attaching = null;
    this.picking = false;
  }

  private keydown(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.sendText();
  }

  private insert(text: string): void {
    const box = this.box;
    const at = box ? box.selectionStart : this.text.length;
    const end = box ? box.selectionEnd : this.text.length;
    this.text = this.text.slice(0, at) + text + this.text.slice(end);
    this.picking = false;
    void this.updateComplete.then(() => {
      this.box?.focus();
      this.box?.setSelectionRange(at + text.length, at + text.length);
    });
  }

  private attach(kind: AttachmentKind): void {
    this.menu = false;
    this.picking = false;
    this.attaching = kind;
  }

  render() {
    if (this.disabled) return html`<p class="closed muted" role="status">${this.reason}</p>`;
    return html`
      ${
        this.attaching
          ? html`<llc-attachment-form .kind=${this.attaching} @send=${(e: CustomEvent<LineMessage[]>) => {
              e.stopPropagation();
              this.sendMessages(e.detail);
            }}
        @cancel=${() => (this.attaching = null)}></llc-attachment-form>`
          : nothing
      }
      ${
        this.picking
          ? html`<llc-reply-picker @insert-text=${(e: CustomEvent<string>) => this.insert(e.detail)}
        @send=${(e: CustomEvent<LineMessage[]>) => {
          e.stopPropagation();
          this.sendMessages(e.detail);
        }}></llc-reply-picker>`
          : nothing
      }
      <div class="row">
        <label class="visually-hidden" for="box">${t('lc.composer')}</label>
        <textarea id="box" rows="1" .value=${this.text} placeholder=${t('lc.composer')} title=${t('lc.composer.hint')} maxlength="5000"
          @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)} @keydown=${this.keydown}></textarea>
      </div>
      <div class="row tools">
        <span class="menu-wrap">
          <button class="icon" aria-label=${t('lc.attach')} title=${t('lc.attach')} aria-expanded=${this.menu ? 'true' : 'false'}
            @click=${() => {
              this.menu = !this.menu;
            }}>${icon('attach', 20)}</button>
          ${
            this.menu
              ? html`<span class="menu" @keydown=${(e: KeyboardEvent) => {
                  if (e.key === 'Escape') this.menu = false;
                }}>
            <button @click=${() => this.attach('image')}>${icon('image')} ${t('lc.attach.image')}</button>
            <button @click=${() => this.attach('link')}>${icon('link')} ${t('lc.attach.link')}</button>
          </span>`
              : nothing
          }
        </span>
        <button class="icon" aria-label=${t('lc.replies')} title=${t('lc.replies')} aria-expanded=${this.picking ? 'true' : 'false'}
          @click=${() => {
            this.picking = !this.picking;
            this.attaching = null;
            this.menu = false;
          }}>${icon('replies', 20)}</button>
        <span class="hint muted">${t('lc.composer.hint')}</span>
        <button class="send" ?disabled=${this.busy || !this.text.trim()} @click=${this.sendText}>${t('lc.send')}</button>
      </div>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: grid; gap: 0.4rem; padding: 0.6rem 0.75rem; background: var(--llc-surface); border-top: 1px solid var(--llc-border); }
    .row { display: flex; gap: 0.4rem; align-items: center; }
    textarea { flex: 1; resize: none; field-sizing: content; min-height: 2.4rem; max-height: 10rem; box-sizing: border-box; }
    .tools .hint { flex: 1; font-size: 0.75rem; }
    .icon { display: inline-grid; place-items: center; }
    .menu button { display: flex; align-items: center; gap: 0.4rem; }
    .menu-wrap { position: relative; }
    .menu { position: absolute; bottom: 100%; left: 0; z-index: 2; display: grid; min-width: 15rem; background: #fff; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); box-shadow: 0 6px 16px rgb(0 0 0 / 0.12); padding: 0.25rem; }
    .menu button { border: none; text-align: left; }
    .menu button:hover { background: #f1f5f9; }
    .closed { margin: 0; text-align: center; padding: 0.5rem; }
    @media (max-width: 719.98px) { .tools .hint { visibility: hidden; } }
  `,
  ];
}
customElements.define('llc-composer', Composer);
