// One timeline entry between the messages (issue 11): an internal note, visibly not a message to
// the user (yellow, labelled, not in a bubble), or a centred line saying who took or handed over
// the chat, with the note that went with a handover, or how the user rated it (and their comment).
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { timeOfDay } from '../core/format';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { OperatorRef, TimelineEntry } from './types';
import './strings';

function nameOf(ref: OperatorRef | null): string {
  return ref ? (ref.display_name ?? ref.username ?? '?') : t('lc.timeline.flow');
}

/** The words for a change of hands: a claim, an assignment of a waiting chat, a transfer or a take-over. */
export function handOverText(e: TimelineEntry): string {
  const names = { by: nameOf(e.operator), from: nameOf(e.from_operator), to: nameOf(e.to_operator) };
  if (e.kind === 'claimed') return t('lc.timeline.claimed', names);
  if (!e.from_operator) return t('lc.timeline.assigned', names);
  if (e.operator && e.operator.id === e.to_operator?.id) return t('lc.timeline.takeover', names);
  if (e.operator && e.operator.id === e.from_operator.id) return t('lc.timeline.handed', names);
  return t('lc.timeline.transferred', names);
}

/** The words for the user's rating of the chat (CSAT) or their comment on it. */
export function ratingText(e: TimelineEntry): string {
  const name = e.to_operator ? nameOf(e.to_operator) : t('lc.timeline.nobody');
  if (e.kind === 'rated') return t('lc.timeline.rated', { score: String(e.score ?? '?'), name });
  return t('lc.timeline.commented', { name });
}

export class TimelineEntryView extends LitElement {
  static properties = { entry: { attribute: false } };
  entry!: TimelineEntry;

  constructor() {
    super();
    new LanguageController(this);
  }

  render() {
    const e = this.entry;
    const time = html`<time datetime=${e.created_at}>${timeOfDay(e.created_at)}</time>`;
    if (e.kind === 'note') {
      return html`<aside class="note" data-kind="note" aria-label=${t('lc.note.badge')}>
        <div class="head"><span class="label">${t('lc.note.badge')}</span><span class="muted">${t('lc.note.by', { name: nameOf(e.operator) })} · ${time}</span></div>
        <p>${e.text}</p>
      </aside>`;
    }
    const line = e.kind === 'rated' || e.kind === 'commented' ? ratingText(e) : handOverText(e);
    return html`<div class="change" data-kind=${e.kind} role="note">
      <span>${line} · ${time}</span>
      ${e.text ? html`<q>${e.text}</q>` : nothing}
    </div>`;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; margin: 0.5rem 0; }
    .note { margin: 0 auto; max-width: min(34rem, 92%); background: #fef9c3; border: 1px dashed #ca8a04; border-radius: var(--llc-radius); padding: 0.4rem 0.65rem; color: #422006; }
    .head { display: flex; flex-wrap: wrap; gap: 0.1rem 0.5rem; align-items: baseline; font-size: 0.75rem; }
    .label { font-weight: 700; color: #854d0e; }
    .note p { margin: 0.2rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .change { display: grid; justify-items: center; gap: 0.15rem; text-align: center; color: var(--lc-muted); font-size: 0.78rem; }
    q { font-style: italic; color: #334155; overflow-wrap: anywhere; }
  `,
  ];
}
customElements.define('llc-timeline-entry', TimelineEntryView);
