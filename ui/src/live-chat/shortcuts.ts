// The inbox's keyboard shortcuts: which key does what (the page acts on them), the list shown
// under "?", and the rule that they wait while the operator types in a field (Escape excepted).
import { LitElement, css, html } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { LanguageController } from '../core/language-controller';
import { chatTokens } from './chat-styles';
import { icon } from './icons';
import './strings';

export type ShortcutAction = 'next' | 'prev' | 'claim' | 'closeChat' | 'reply' | 'picker' | 'find' | 'help';

/** Key (KeyboardEvent.key) to action; shown in this order. */
export const SHORTCUTS: [string, ShortcutAction][] = [
  ['j', 'next'],
  ['k', 'prev'],
  ['c', 'claim'],
  ['x', 'closeChat'],
  ['r', 'reply'],
  ['p', 'picker'],
  ['/', 'find'],
  ['?', 'help'],
];

/** The shortcut a key press asks for; undefined while typing, with a modifier, or for other keys. */
export function shortcutFor(e: KeyboardEvent): ShortcutAction | undefined {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingIn(e) || inDialog(e)) return undefined;
  return SHORTCUTS.find(([key]) => key === e.key)?.[1];
}

/** A modal question (close this chat?) has the keyboard to itself. */
function inDialog(e: Event): boolean {
  return e.composedPath().some((el) => el instanceof HTMLDialogElement);
}

/** Whether the key press is in a field (the event's first target, inside shadow roots too). */
export function typingIn(e: Event): boolean {
  const target = e.composedPath()[0] as HTMLElement | undefined;
  if (!target || !(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export class ShortcutHelp extends LitElement {
  constructor() {
    super();
    new LanguageController(this);
  }

  render() {
    return html`
      <div class="head">
        <h2 id="keys-title">${t('lc.keys')}</h2>
        <button class="icon" aria-label=${t('lc.keys.close')} @click=${() => this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }))}>${icon('close', 18)}</button>
      </div>
      <dl>
        ${SHORTCUTS.map(([key, action]) => html`<div><dt><kbd>${key}</kbd></dt><dd>${t(`lc.keys.${action}`)}</dd></div>`)}
        <div><dt><kbd>Esc</kbd></dt><dd>${t('lc.keys.escape')}</dd></div>
      </dl>
      <p class="muted">${t('lc.keys.note')}</p>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; background: var(--llc-surface); padding: 0.75rem 1rem; }
    .head { display: flex; align-items: center; justify-content: space-between; }
    h2 { margin: 0; font-size: 1rem; }
    dl { margin: 0.5rem 0; display: grid; gap: 0.35rem; }
    dl div { display: flex; gap: 0.75rem; align-items: center; }
    dt { min-width: 2.5rem; }
    dd { margin: 0; }
    kbd { font: 0.85rem ui-monospace, monospace; border: 1px solid var(--llc-border); border-bottom-width: 2px; border-radius: 4px; padding: 0.05rem 0.4rem; background: #f8fafc; }
    p { margin: 0; font-size: 0.8rem; }
  `,
  ];
}
customElements.define('llc-shortcut-help', ShortcutHelp);
