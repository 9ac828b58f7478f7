// Ready-made replies: quick replies (canned texts, put in the message box to edit), LINE stickers
// (package 446, sent at once) and the Flex/Template messages saved in this browser before the
// team's shared replies came (issue 11: `/` in the composer, kept on the server). Those are still
// listed and sent from here until an admin imports them (Settings › Team replies), which clears
// them from this browser. The Team tab lists the team's replies for the mouse (the same as `/`).
// Fires 'insert-text' with a text, 'send' with LINE messages, 'use-canned' with a CannedResponse.
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import { stickerImageUrl } from './message-bubble';
import type { CannedResponse, LineMessage } from './types';
import { cannedPreview, listCanned } from './canned-api';
import './strings';
import { icon } from './icons';

type Tab = 'team' | 'quick' | 'stickers' | 'saved';
const TABS: Tab[] = ['team', 'quick', 'stickers', 'saved'];
const QUICK = ['lc.q1', 'lc.q2', 'lc.q3', 'lc.q4'];
/** From the stickers LINE lets bots send: package 446, sticker ids 1988–2027. */
const STICKERS = Array.from({ length: 12 }, (_, i) => String(1988 + i));
const STORAGE_KEY = 'llc.savedReplies';

export interface SavedReply {
  name: string;
  message: LineMessage;
}

export function loadSaved(): SavedReply[] {
  try {
    const list = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((r) => r && typeof r.name === 'string' && r.message && typeof r.message.type === 'string') : [];
  } catch {
    return [];
  }
}

/** Forgets the replies of these names in this browser (they were imported to the team's). */
export function forgetSaved(names: string[]): void {
  if (names.length === 0) return;
  storeSaved(loadSaved().filter((r) => !names.includes(r.name)));
}

function storeSaved(list: SavedReply[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
  } catch {
    // storage full or private mode: kept for this page only
  }
}

export class ReplyPicker extends LitElement {
  static properties = { tab: { state: true }, saved: { state: true }, team: { state: true }, teamError: { state: true } };
  tab: Tab = 'team';
  /** The team's replies, null until loaded. */
  team: CannedResponse[] | null = null;
  teamError = '';
  saved: SavedReply[] = loadSaved();

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    listCanned().then(
      (list) => (this.team = list),
      (err: Error) => (this.teamError = t('lc.refused.canned', { error: err.message })),
    );
  }

  private insert(text: string): void {
    this.dispatchEvent(new CustomEvent('insert-text', { detail: text, bubbles: true, composed: true }));
  }

  private send(messages: LineMessage[]): void {
    this.dispatchEvent(new CustomEvent('send', { detail: messages, bubbles: true, composed: true }));
  }

  private forget(name: string): void {
    this.saved = this.saved.filter((r) => r.name !== name);
    storeSaved(this.saved);
  }

  private keydown(e: KeyboardEvent): void {
    const at = TABS.indexOf(this.tab);
    const next = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : null;
    if (next === null) return;
    e.preventDefault();
    this.tab = TABS[(next + TABS.length) % TABS.length];
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-tab=${this.tab}]`)?.focus());
  }

  private panel() {
    if (this.tab === 'team') {
      if (this.teamError) return html`<p class="error" role="alert">${this.teamError}</p>`;
      if (!this.team) return html`<p class="muted" role="status">${t('lc.canned.loading')}</p>`;
      return html`<p class="note muted">${t('lc.canned.hint')}</p>
        ${this.team.length === 0 ? html`<p class="muted">${t('lc.canned.none')}</p>` : nothing}
        <ul class="team">${this.team.map(
          (c) => html`<li><button data-shortcut=${c.shortcut}
            @click=${() => this.dispatchEvent(new CustomEvent<CannedResponse>('use-canned', { detail: c, bubbles: true, composed: true }))}>
            <span class="shortcut">/${c.shortcut}</span> <strong>${c.title}</strong>
            <span class="muted preview">${cannedPreview(c.message)}</span></button></li>`,
        )}</ul>`;
    }
    if (this.tab === 'quick') {
      return html`<p class="note muted">${t('lc.replies.quick.note')}</p>
        <ul class="quick">${QUICK.map((k) => html`<li><button @click=${() => this.insert(t(k))}>${t(k)}</button></li>`)}</ul>`;
    }
    if (this.tab === 'stickers') {
      return html`<ul class="stickers">${STICKERS.map(
        (id) => html`<li>
        <button aria-label=${t('lc.replies.sticker.send', { id })} title=${t('lc.replies.sticker.send', { id })}
          @click=${() => this.send([{ type: 'sticker', packageId: '446', stickerId: id }])}>
          <img src=${stickerImageUrl(id)!} alt="" width="56" height="56" referrerpolicy="no-referrer" loading="lazy"
            @error=${(e: Event) => ((e.target as HTMLElement).hidden = true)}><span>${id}</span>
        </button></li>`,
      )}</ul>`;
    }
    return html`<p class="note saved-note" role="note">${icon('save', 14)} ${t('lc.replies.saved.note')} ${t('lc.replies.saved.moved')}</p>
      ${this.saved.length === 0 ? html`<p class="muted">${t('lc.replies.saved.none')}</p>` : nothing}
      <ul class="saved">${this.saved.map(
        (r) => html`<li>
        <span class="name">${r.name}</span><span class="muted type">${r.message.type}${typeof r.message.altText === 'string' ? ` · ${r.message.altText}` : ''}</span>
        <button class="send" @click=${() => this.send([r.message])}>${t('lc.replies.saved.send')}</button>
        <button class="icon" aria-label=${t('lc.replies.saved.delete', { name: r.name })} @click=${() => this.forget(r.name)}>${icon('trash', 16)}</button>
      </li>`,
      )}</ul>`;
  }

  render() {
    return html`
      <div role="tablist" aria-label=${t('lc.replies')} @keydown=${this.keydown}>
        ${TABS.map(
          (tab) => html`<button role="tab" data-tab=${tab} aria-selected=${tab === this.tab ? 'true' : 'false'} tabindex=${tab === this.tab ? 0 : -1}
          @click=${() => (this.tab = tab)}>${t(`lc.replies.${tab}`)}</button>`,
        )}
      </div>
      <div role="tabpanel" class="panel">${this.panel()}</div>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: #fff; }
    [role='tablist'] { display: flex; gap: 0.15rem; border-bottom: 1px solid var(--llc-border); padding: 0 0.5rem; }
    [role='tab'] { border: none; border-bottom: 2px solid transparent; border-radius: 0; background: none; padding: 0.35rem 0.6rem; color: var(--lc-muted); }
    [role='tab'][aria-selected='true'] { color: var(--lc-primary); border-bottom-color: var(--lc-primary); font-weight: 600; }
    .panel { padding: 0.5rem; max-height: 16rem; overflow-y: auto; }
    ul { list-style: none; margin: 0; padding: 0; }
    .note { margin: 0 0 0.4rem; font-size: 0.8rem; }
    .saved-note { display: flex; align-items: center; gap: 0.35rem; background: #fef9c3; color: #854d0e; padding: 0.3rem 0.5rem; border-radius: var(--llc-radius); }
    .quick { display: flex; flex-wrap: wrap; gap: 0.35rem; }
    .team { display: grid; gap: 0.25rem; }
    .team button { display: grid; grid-template-columns: auto 1fr; gap: 0 0.4rem; width: 100%; text-align: left; }
    .team .shortcut { font-family: ui-monospace, monospace; color: var(--lc-primary); }
    .team .preview { grid-column: 1 / -1; font-size: 0.8rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .error { color: #b91c1c; }
    .quick button { border-radius: 999px; font-size: 0.85rem; }
    .stickers { display: grid; grid-template-columns: repeat(auto-fill, minmax(4.5rem, 1fr)); gap: 0.35rem; }
    .stickers button { display: grid; justify-items: center; gap: 0.1rem; width: 100%; padding: 0.25rem; font-size: 0.7rem; color: var(--lc-muted); }
    .stickers img { width: 56px; height: 56px; object-fit: contain; }
    .saved li { display: flex; align-items: center; gap: 0.4rem; padding: 0.25rem 0; border-bottom: 1px solid var(--llc-border); }
    .saved .name { font-weight: 600; }
    .saved .type { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 0.8rem; }
  `,
  ];
}
customElements.define('llc-reply-picker', ReplyPicker);
