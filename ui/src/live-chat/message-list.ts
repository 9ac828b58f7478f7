// The chat history, oldest at the top, a date line where the day changes. Opens at the newest
// message, follows new ones while the operator is at the bottom, and keeps its place when older
// messages come in above (scrolling to the top, or the button, fires 'load-older').
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { t } from '../core/i18n';
import { shortDate } from '../core/format';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { Message, TimelineEntry } from './types';
import './strings';
import './message-bubble';
import './timeline-entry';

/** Where the view was before an update: to follow new messages, or stay put when older ones come. */
interface Anchor {
  height: number;
  top: number;
  nearBottom: boolean;
  first?: number;
  last?: number;
  switched: boolean;
  /** Newer messages were not loaded (a search hit's page): appending them keeps the place. */
  detached: boolean;
}

export class MessageList extends LitElement {
  static properties = {
    messages: { attribute: false },
    timeline: { attribute: false },
    conversationId: {},
    more: { type: Boolean },
    loadingOlder: { type: Boolean },
    busy: { type: Boolean },
    focusId: { type: Number },
    newer: { type: Boolean },
    loadingNewer: { type: Boolean },
  };
  messages: Message[] = [];
  /** Notes and changes of hands, shown between the messages by time. */
  timeline: TimelineEntry[] = [];
  conversationId = '';
  /** Older messages exist. */
  more = false;
  loadingOlder = false;
  busy = false;
  /** The message the chat was opened at (a search hit): scrolled to and marked. */
  focusId: number | null = null;
  /** Newer messages exist (opened at a search hit): a button at the end loads them. */
  newer = false;
  loadingNewer = false;
  private anchor?: Anchor;

  constructor() {
    super();
    new LanguageController(this);
  }

  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroll');
  }

  willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('messages') && !changed.has('conversationId') && !changed.has('timeline')) return;
    const el = this.scroller;
    const before = (changed.get('messages') as Message[] | undefined) ?? this.messages;
    this.anchor = {
      height: el?.scrollHeight ?? 0,
      top: el?.scrollTop ?? 0,
      nearBottom: !el || el.scrollHeight - el.scrollTop - el.clientHeight < 80,
      first: before[0]?.id,
      last: before[before.length - 1]?.id,
      switched: changed.has('conversationId') || before.length === 0,
      detached: changed.has('newer') ? Boolean(changed.get('newer')) : this.newer,
    };
  }

  updated(): void {
    const a = this.anchor;
    this.anchor = undefined;
    if (!a) return;
    // The bubbles render after this list does: measure once they have.
    const bubbles = [...this.renderRoot.querySelectorAll<LitElement>('llc-message-bubble')];
    void Promise.all(bubbles.map((b) => b.updateComplete)).then(() => this.place(a));
  }

  private place(a: Anchor): void {
    const el = this.scroller;
    if (!el) return;
    const last = this.messages[this.messages.length - 1];
    const appended = last && last.id !== a.last;
    const prepended = this.messages[0] && this.messages[0].id !== a.first && !a.switched;
    const ownNew = appended && last.direction === 'OUT' && last.sender === 'OPERATOR';
    if (a.switched && this.focusId !== null && this.showHit(this.focusId)) return;
    if (a.detached && !a.switched) return;
    // At the bottom, stay there (new messages, a delivery line growing); away from it, stay put.
    if (a.switched || ownNew || (a.nearBottom && !prepended)) el.scrollTop = el.scrollHeight;
    else if (prepended) el.scrollTop = a.top + (el.scrollHeight - a.height);
  }

  /** Scrolls the hit's bubble to the middle and marks it; false when it is not shown. */
  private showHit(id: number): boolean {
    const bubbles = [...this.renderRoot.querySelectorAll<HTMLElement & { message: Message }>('llc-message-bubble')];
    const hit = bubbles.find((b) => b.message.id === id);
    if (!hit) return false;
    for (const b of bubbles) b.toggleAttribute('data-hit', b === hit);
    hit.scrollIntoView({ block: 'center' });
    return true;
  }

  private loadNewer(): void {
    this.dispatchEvent(new CustomEvent('load-newer', { bubbles: true, composed: true }));
  }

  private scrolled(): void {
    const el = this.scroller;
    if (el && el.scrollTop < 60 && this.more && !this.loadingOlder) this.loadOlder();
  }

  private loadOlder(): void {
    this.dispatchEvent(new CustomEvent('load-older', { bubbles: true, composed: true }));
  }

  /** The messages and the timeline's entries by time (an entry after a message of the same instant). */
  private items(): (Message | TimelineEntry)[] {
    if (this.timeline.length === 0) return this.messages;
    // Entries older than the oldest message loaded belong to a page not shown yet.
    const oldest = this.messages[0] && this.more ? Date.parse(this.messages[0].created_at) : Number.NEGATIVE_INFINITY;
    const entries = this.timeline.filter((e) => Date.parse(e.created_at) >= oldest);
    const items: (Message | TimelineEntry)[] = [];
    let i = 0;
    for (const m of this.messages) {
      const at = Date.parse(m.created_at);
      while (i < entries.length && Date.parse(entries[i].created_at) < at) items.push(entries[i++]);
      items.push(m);
    }
    return items.concat(entries.slice(i));
  }

  render() {
    let day = '';
    return html`
      <div class="scroll" @scroll=${this.scrolled} role="log" aria-label=${t('lc.messages')} aria-live="polite" aria-relevant="additions">
        <div class="top">
          ${
            this.more
              ? html`<button ?disabled=${this.loadingOlder} @click=${this.loadOlder}>${t('lc.messages.older')}</button>`
              : this.messages.length
                ? html`<span class="muted">${t('lc.messages.start')}</span>`
                : html`<span class="muted">${t('lc.messages.none')}</span>`
          }
        </div>
        ${repeat(
          this.items(),
          (item) => ('kind' in item ? `t${item.id}` : item.id),
          (item) => {
            const d = shortDate(item.created_at);
            const line = d !== day ? html`<div class="day" role="separator"><span>${d}</span></div>` : nothing;
            day = d;
            if ('kind' in item) return html`${line}<llc-timeline-entry .entry=${item}></llc-timeline-entry>`;
            return html`${line}<llc-message-bubble .message=${item} .busy=${this.busy}></llc-message-bubble>`;
          },
        )}
        ${this.newer ? html`<div class="top"><button ?disabled=${this.loadingNewer} @click=${this.loadNewer}>${t('lc.messages.newer')}</button></div>` : nothing}
      </div>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: flex; flex-direction: column; min-height: 0; }
    .scroll { flex: 1; min-height: 0; overflow-y: auto; padding: 0.5rem 1rem 1rem; background: #fbfcfe; }
    .top { display: flex; justify-content: center; padding: 0.5rem; font-size: 0.8rem; }
    .day { display: flex; align-items: center; gap: 0.5rem; color: var(--lc-muted); font-size: 0.75rem; margin: 0.75rem 0 0.25rem; }
    llc-message-bubble[data-hit] { display: block; background: #fef9c3; border-radius: var(--llc-radius); }
    .day::before, .day::after { content: ''; flex: 1; border-top: 1px solid var(--llc-border); }
  `,
  ];
}
customElements.define('llc-message-list', MessageList);
