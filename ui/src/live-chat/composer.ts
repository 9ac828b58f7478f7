// Writing to the user: a message box (Enter sends, Shift+Enter is a new line, an IME's Enter
// only confirms the word), the Send button, attaching an image or a file link, and ready replies.
// Fires 'send' with {content, settle}: the page calls settle(false) when the message was refused,
// and the text comes back into the box. Each conversation keeps its own draft.
// Issue 11: `/` opens the team's canned responses (canned-picker), and the note switch turns the
// box into an internal note for the team (fires 'note' with {content, settle}; never sent to the
// user), which is open even where the operator may not answer.
// Issue 12: typing a message (not a note) shows the user LINE's typing animation (typing-signal).
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { CannedResponse, LineMessage } from './types';
import type { AttachmentKind } from './attachment-form';
import type { CannedPicker } from './canned-picker';
import { fillCanned, listCanned } from './canned-api';
import './strings';
import './attachment-form';
import './reply-picker';
import './canned-picker';
import { icon } from './icons';
import { tellTyping } from './typing-signal';

export interface SendRequest {
  content: string | LineMessage[];
  settle(ok: boolean): void;
}

/** 'send-file': an image or a file from this computer, within LINE's limits (the server checks again). */
export interface SendFileRequest {
  file: File;
  settle(ok: boolean): void;
}

/** LINE's image message: JPEG or PNG of at most 10 MB; other files go as a link (the server's limit, 20 MB by default). */
const IMAGE_TYPES = ['image/jpeg', 'image/png'];
const IMAGE_MAX_BYTES = 10 * 1024 * 1024;
export const FILE_MAX_BYTES = 20 * 1024 * 1024;

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}

/** Why LINE (or this inbox) would not take the file, in the operator's language; '' when it would. */
export function uploadProblem(file: File): string {
  const name = file.name || 'file';
  if (file.size === 0) return t('lc.upload.empty', { name });
  if (IMAGE_TYPES.includes(file.type)) {
    return file.size > IMAGE_MAX_BYTES ? t('lc.upload.image.large', { name, size: sizeText(file.size) }) : '';
  }
  return file.size > FILE_MAX_BYTES ? t('lc.upload.file.large', { name, size: sizeText(file.size), max: sizeText(FILE_MAX_BYTES) }) : '';
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
    uploadError: { state: true },
    dropping: { state: true },
    slash: { state: true },
    canned: { state: true },
    cannedError: { state: true },
    noting: { state: true },
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
  uploadError = '';
  dropping = false;
  /** `/` typed: where it is in the box, and what follows it (the picker's search). */
  slash: { start: number; query: string } | null = null;
  /** The team's canned responses (null until loaded for the picker). */
  canned: CannedResponse[] | null = null;
  cannedError = '';
  /** Writing an internal note instead of a message. */
  noting = false;
  private readonly drafts = new Map<string, string>();

  constructor() {
    super();
    new LanguageController(this);
    // The whole composer takes a dropped file.
    this.addEventListener('dragover', (e) => this.dragOver(e));
    this.addEventListener('dragleave', () => (this.dropping = false));
    this.addEventListener('drop', (e) => this.drop(e));
  }

  willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      const previous = changed.get('conversationId') as string | undefined;
      if (previous) this.drafts.set(previous, this.text);
      this.text = this.drafts.get(this.conversationId) ?? '';
      this.menu = false;
      this.attaching = null;
      this.picking = false;
      this.uploadError = '';
      this.slash = null;
      this.noting = false;
    }
  }

  /** Sends a file from the button, a drop or a paste, if LINE would take it; else says why. */
  private sendFile(file: File): void {
    this.menu = false;
    if (this.disabled) return;
    const problem = uploadProblem(file);
    this.uploadError = problem;
    if (problem) return;
    const request: SendFileRequest = { file, settle: () => undefined };
    this.dispatchEvent(new CustomEvent<SendFileRequest>('send-file', { detail: request, bubbles: true, composed: true }));
  }

  private pickFile(): void {
    this.menu = false;
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  private filesOf(data: DataTransfer | null): File[] {
    return data ? [...data.files] : [];
  }

  private paste(e: ClipboardEvent): void {
    const [file] = this.filesOf(e.clipboardData);
    if (!file) return;
    e.preventDefault();
    this.sendFile(file);
  }

  private dragOver(e: DragEvent): void {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    this.dropping = true;
  }

  private drop(e: DragEvent): void {
    this.dropping = false;
    const [file] = this.filesOf(e.dataTransfer);
    if (!file) return;
    e.preventDefault();
    this.sendFile(file);
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
    this.slash = null;
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
    if (!text.trim() || (this.disabled && !this.noting) || this.busy) return;
    const id = this.conversationId;
    this.text = '';
    this.drafts.delete(id);
    const restore = () => {
      if (this.conversationId === id && !this.text) this.text = text;
      else if (!this.drafts.get(id)) this.drafts.set(id, text);
    };
    if (this.noting) {
      const request: SendRequest = { content: text, settle: (ok) => (ok ? undefined : restore()) };
      this.dispatchEvent(new CustomEvent<SendRequest>('note', { detail: request, bubbles: true, composed: true }));
      return;
    }
    this.emit(text, restore);
  }

  private sendMessages(messages: LineMessage[]): void {
    if (this.disabled) return;
    this.emit(messages, () => undefined);
    this.attaching = null;
    this.picking = false;
  }

  private get picker(): CannedPicker | null {
    return this.renderRoot.querySelector<CannedPicker>('llc-canned-picker');
  }

  /** The box changed: a `/word` just before the caret (at the start or after a space) opens the picker. */
  private typed(box: HTMLTextAreaElement): void {
    this.text = box.value;
    // The user sees LINE's typing animation while a message (not a note) is being written.
    if (!this.noting && !this.disabled && this.text.trim()) tellTyping(this.conversationId);
    const before = this.text.slice(0, box.selectionStart);
    const match = this.noting ? null : /(^|\s)\/([^\s/]*)$/.exec(before);
    const opening = !this.slash;
    this.slash = match ? { start: before.length - match[2].length - 1, query: match[2] } : null;
    // Fetched again each time it opens (an admin may have changed them); the last list shows meanwhile.
    if (this.slash && opening) void this.loadCanned();
  }

  private async loadCanned(): Promise<void> {
    this.cannedError = '';
    try {
      this.canned = await listCanned();
    } catch (err) {
      this.cannedError = t('lc.refused.canned', { error: (err as Error).message });
    }
  }

  /** A canned response chosen: a text replaces the `/word` (to edit before sending); anything else is sent as it is. */
  private async useCanned(chosen: CannedResponse): Promise<void> {
    const slash = this.slash;
    const id = this.conversationId;
    this.slash = null;
    let message: LineMessage;
    try {
      message = await fillCanned(id, chosen.id);
    } catch (err) {
      this.cannedError = t('lc.refused.canned', { error: (err as Error).message });
      this.slash = slash;
      return;
    }
    if (this.conversationId !== id) return;
    if (message.type === 'text' && typeof message.text === 'string') {
      const start = slash?.start ?? this.text.length;
      const end = slash ? start + 1 + slash.query.length : start;
      const text = message.text;
      this.text = this.text.slice(0, start) + text + this.text.slice(end);
      void this.updateComplete.then(() => {
        this.box?.focus();
        this.box?.setSelectionRange(start + text.length, start + text.length);
      });
      return;
    }
    if (slash) this.text = this.text.slice(0, slash.start) + this.text.slice(slash.start + 1 + slash.query.length);
    this.sendMessages([message]);
  }

  private keydown(e: KeyboardEvent): void {
    if (this.slash && !e.isComposing) {
      const picker = this.picker;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        picker?.move(e.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.slash = null;
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey && picker?.choose()) {
        e.preventDefault();
        return;
      }
    }
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

  private toggleNote(): void {
    this.noting = !this.noting;
    this.slash = null;
    this.picking = false;
    this.attaching = null;
    void this.updateComplete.then(() => this.box?.focus());
  }

  render() {
    if (this.disabled && !this.noting) {
      return html`<p class="closed muted" role="status">${this.reason}</p>
        <button class="write-note" @click=${this.toggleNote}>${t('lc.note.write')}</button>`;
    }
    return html`
      <input type="file" hidden @change=${(e: Event) => {
        const input = e.target as HTMLInputElement;
        const [file] = input.files ?? [];
        input.value = '';
        if (file) this.sendFile(file);
      }}>
      ${this.dropping ? html`<p class="drop" aria-hidden="true">${t('lc.attach.drop')}</p>` : nothing}
      ${this.uploadError ? html`<p class="error upload-error" role="alert">${this.uploadError}</p>` : nothing}
      ${
        this.slash
          ? html`<llc-canned-picker .responses=${this.canned} .query=${this.slash.query} .error=${this.cannedError}
        @pick=${(e: CustomEvent<CannedResponse>) => void this.useCanned(e.detail)}></llc-canned-picker>`
          : nothing
      }
      ${this.noting ? html`<p class="note-on" role="status">${t('lc.note.mode.on')}</p>` : nothing}
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
        @use-canned=${(e: CustomEvent<CannedResponse>) => {
          this.picking = false;
          void this.useCanned(e.detail);
        }}
        @send=${(e: CustomEvent<LineMessage[]>) => {
          e.stopPropagation();
          this.sendMessages(e.detail);
        }}></llc-reply-picker>`
          : nothing
      }
      <div class="row">
        <label class="visually-hidden" for="box">${t('lc.composer')}</label>
        <textarea id="box" rows="1" class=${this.noting ? 'noting' : ''} .value=${this.text} placeholder=${this.noting ? t('lc.note.placeholder') : t('lc.composer')}
          title=${t('lc.composer.hint')} maxlength=${this.noting ? 2000 : 5000} aria-label=${this.noting ? t('lc.note.mode') : t('lc.composer')}
          aria-controls=${this.slash ? 'canned-list' : nothing} aria-expanded=${this.slash ? 'true' : 'false'} aria-autocomplete="list"
          @input=${(e: Event) => this.typed(e.target as HTMLTextAreaElement)} @keydown=${this.keydown} @paste=${this.paste}
          @blur=${() => setTimeout(() => (this.slash = null), 150)}></textarea>
      </div>
      <div class="row tools">
        <span class="menu-wrap" ?hidden=${this.noting}>
          <button class="icon" aria-label=${t('lc.attach')} title=${t('lc.attach')} aria-expanded=${this.menu ? 'true' : 'false'}
            @click=${() => {
              this.menu = !this.menu;
            }}>${icon('attach', 20)}</button>
          ${
            this.menu
              ? html`<span class="menu" @keydown=${(e: KeyboardEvent) => {
                  if (e.key === 'Escape') this.menu = false;
                }}>
            <button class="from-computer" title=${t('lc.attach.file.note', { max: sizeText(FILE_MAX_BYTES) })} @click=${this.pickFile}>${icon('attach')} ${t('lc.attach.file')}</button>
            <button @click=${() => this.attach('image')}>${icon('image')} ${t('lc.attach.image')}</button>
            <button @click=${() => this.attach('link')}>${icon('link')} ${t('lc.attach.link')}</button>
          </span>`
              : nothing
          }
        </span>
        <button class="icon" ?hidden=${this.noting} aria-label=${t('lc.replies')} title=${t('lc.replies')} aria-expanded=${this.picking ? 'true' : 'false'}
          @click=${() => {
            this.picking = !this.picking;
            this.attaching = null;
            this.menu = false;
          }}>${icon('replies', 20)}</button>
        <button class="note-toggle" aria-pressed=${this.noting ? 'true' : 'false'} title=${t('lc.note.mode')} @click=${this.toggleNote}>${t('lc.note.mode')}</button>
        <span class="hint muted">${t('lc.composer.hint')}${this.noting ? '' : ` · ${t('lc.canned.hint')}`}</span>
        <button class=${this.noting ? 'save-note' : 'send'} ?disabled=${this.busy || !this.text.trim()} @click=${this.sendText}>${this.noting ? t('lc.note.save') : t('lc.send')}</button>
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
    [hidden] { display: none !important; }
    .menu { position: absolute; bottom: 100%; left: 0; z-index: 2; display: grid; min-width: 15rem; background: #fff; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); box-shadow: 0 6px 16px rgb(0 0 0 / 0.12); padding: 0.25rem; }
    .menu button { border: none; text-align: left; }
    .menu button:hover { background: #f1f5f9; }
    .closed { margin: 0; text-align: center; padding: 0.5rem; }
    .upload-error { margin: 0; }
    .drop { margin: 0; padding: 1rem; text-align: center; border: 2px dashed var(--llc-accent, #6366f1); border-radius: var(--llc-radius); }
    .write-note { justify-self: center; font-size: 0.85rem; }
    textarea.noting { background: #fef9c3; border-color: #ca8a04; }
    .note-on { margin: 0; font-size: 0.8rem; color: #854d0e; font-weight: 600; }
    .note-toggle { font-size: 0.8rem; white-space: nowrap; }
    .note-toggle[aria-pressed='true'] { background: #fef9c3; border-color: #ca8a04; color: #854d0e; }
    .save-note { background: #ca8a04; border-color: #ca8a04; color: #fff; }
    @media (max-width: 719.98px) { .tools .hint { visibility: hidden; } }
  `,
  ];
}
customElements.define('llc-composer', Composer);
