// The settings' tabs (WAI-ARIA tabs pattern): a tablist whose arrows, Home and End move between
// tabs, and the selected tab's panel, which is the slotted content. Emits `tab-change` {id}.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';

export interface TabSpec {
  id: string;
  label: string;
}

export class SettingsTabs extends LitElement {
  static properties = { tabs: { attribute: false }, selected: {}, label: {} };
  tabs: TabSpec[] = [];
  selected = '';
  /** The tablist's accessible name. */
  label = '';

  private select(id: string, focus = false): void {
    if (id !== this.selected) this.dispatchEvent(new CustomEvent('tab-change', { detail: { id }, bubbles: true, composed: true }));
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${id}`)?.focus());
  }

  private keydown(e: KeyboardEvent): void {
    const index = this.tabs.findIndex((tab) => tab.id === this.selected);
    const last = this.tabs.length - 1;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.select(this.tabs[(next + this.tabs.length) % this.tabs.length].id, true);
  }

  render() {
    return html`
      <div role="tablist" aria-label=${this.label} @keydown=${this.keydown}>
        ${this.tabs.map((tab) => {
          const selected = tab.id === this.selected;
          return html`<button type="button" role="tab" id="tab-${tab.id}" aria-selected=${selected ? 'true' : 'false'} aria-controls="panel"
            tabindex=${selected ? '0' : '-1'} @click=${() => this.select(tab.id)}>${tab.label}</button>`;
        })}
      </div>
      <div role="tabpanel" id="panel" aria-labelledby="tab-${this.selected}"><slot></slot></div>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; }
    [role='tablist'] { display: flex; gap: 0.25rem; border-bottom: 1px solid var(--llc-border); overflow-x: auto; }
    [role='tab'] { border: none; border-bottom: 3px solid transparent; border-radius: var(--llc-radius) var(--llc-radius) 0 0; background: none; padding: 0.6rem 1rem; color: var(--llc-grey); font-weight: 500; white-space: nowrap; }
    [role='tab']:hover { color: var(--llc-text); background: var(--llc-bg); }
    [role='tab'][aria-selected='true'] { color: #047857; border-bottom-color: var(--llc-green); }
    [role='tab']:focus-visible { outline-offset: -2px; }
    [role='tabpanel'] { padding-top: 1rem; }
  `,
  ];
}
customElements.define('llc-settings-tabs', SettingsTabs);
