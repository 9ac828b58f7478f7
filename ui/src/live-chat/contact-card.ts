// The contact's details in the chat (issue 11), under the user card, folded by default: its
// labels (toggle buttons), the note and the custom fields (edited in place, saved together; a
// refused value is marked at its field, in the operator's language), and the transcript's
// downloads. Fires 'toggle-label' {id, on}, 'save-details' (a SaveDetailsRequest) and
// 'card-toggle' (open or not).
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { relativeTime } from '../core/format';
import { tokens } from '../core/styles';
import { under } from '../core/base';
import { ApiError } from '../core/api';
import { LanguageController } from '../core/language-controller';
import { chatTokens } from './chat-styles';
import { catalog } from './contact-catalog';
import { textOn } from './label-chips';
import type { ContactDetails, ContactFieldType } from './types';
import './contact-strings';

export interface SaveDetailsRequest {
  changes: { note: string; fields: Record<string, string> };
  /** Called with the refusal (or nothing) once the store has the answer. */
  settle(error?: unknown): void;
}

const INPUT_TYPE: Record<ContactFieldType, string> = { text: 'text', phone: 'tel', email: 'email', number: 'text' };
const INPUT_MODE: Record<ContactFieldType, string> = { text: 'text', phone: 'tel', email: 'email', number: 'decimal' };

export class ContactCard extends LitElement {
  static properties = {
    details: { attribute: false },
    lineUserId: {},
    open: { type: Boolean, reflect: true },
    draft: { state: true },
    errors: { state: true },
    status: { state: true },
    saving: { state: true },
  };
  details: ContactDetails | null = null;
  lineUserId = '';
  open = false;
  /** What the operator typed, by 'note' or field id; absent: as stored. */
  draft: Record<string, string> = {};
  errors: Record<string, string> = {};
  status: { ok: boolean; text: string } | null = null;
  saving = false;
  private readonly changed = () => this.requestUpdate();

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    catalog.addEventListener('change', this.changed);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    catalog.removeEventListener('change', this.changed);
  }

  willUpdate(changed: Map<string, unknown>): void {
    // Another chat: nothing typed for the last one carries over.
    if (changed.has('lineUserId') && changed.get('lineUserId') !== undefined) {
      this.draft = {};
      this.errors = {};
      this.status = null;
    }
  }

  private value(key: string, stored: string | null): string {
    return key in this.draft ? this.draft[key] : (stored ?? '');
  }

  private edit(key: string, value: string): void {
    this.draft = { ...this.draft, [key]: value };
    const { [key]: _gone, ...rest } = this.errors;
    this.errors = rest;
    this.status = null;
  }

  private save(e: Event): void {
    e.preventDefault();
    const d = this.details;
    if (!d || this.saving) return;
    const fields: Record<string, string> = {};
    for (const f of d.fields) if (String(f.id) in this.draft) fields[f.id] = this.draft[f.id];
    const changes = { note: this.value('note', d.note), fields };
    this.saving = true;
    this.status = null;
    this.dispatchEvent(
      new CustomEvent<SaveDetailsRequest>('save-details', {
        bubbles: true,
        composed: true,
        detail: { changes, settle: (error) => this.settled(error) },
      }),
    );
  }

  private settled(error?: unknown): void {
    this.saving = false;
    if (!error) {
      this.draft = {};
      this.errors = {};
      this.status = { ok: true, text: t('cd.saved') };
      return;
    }
    const field = error instanceof ApiError ? error.field : undefined;
    const match = field ? /^fields\.(\d+)$/.exec(field) : null;
    const def = match ? this.details?.fields.find((f) => f.id === Number(match[1])) : undefined;
    if (def) {
      this.errors = { [def.id]: def.type === 'text' ? (error as Error).message : t(`cd.bad.${def.type}`) };
      this.status = { ok: false, text: t('cd.invalid') };
    } else if (field === 'note') {
      this.errors = { note: (error as Error).message };
      this.status = { ok: false, text: t('cd.invalid') };
    } else {
      this.status = { ok: false, text: t('cd.failed', { error: (error as Error).message }) };
    }
  }

  private toggled(e: Event): void {
    this.open = (e.target as HTMLDetailsElement).open;
    this.dispatchEvent(new CustomEvent('card-toggle', { detail: this.open, bubbles: true, composed: true }));
  }

  private toggle(id: number, on: boolean): void {
    this.dispatchEvent(new CustomEvent('toggle-label', { detail: { id, on }, bubbles: true, composed: true }));
  }

  private exportUrl(format: 'text' | 'csv'): string {
    return under(`/api/v1/admin/live-chat/conversations/${encodeURIComponent(this.lineUserId)}/export?format=${format}`);
  }

  private body() {
    const d = this.details;
    if (!d) return html`<p class="muted" role="status">${t('cd.loading')}</p>`;
    const on = new Set(d.labels);
    return html`
      <section aria-label=${t('cd.labels')}>
        <h3>${t('cd.labels')}</h3>
        ${
          catalog.labels.length === 0
            ? html`<p class="muted small">${t('cd.labels.none')}</p>`
            : html`<div class="labels">${catalog.labels.map(
                (l) => html`<button type="button" class="label" data-label=${l.id} aria-pressed=${on.has(l.id) ? 'true' : 'false'}
                  aria-label=${t('cd.label.toggle', { name: l.name })}
                  style=${on.has(l.id) ? `background:${l.color};border-color:${l.color};color:${textOn(l.color)}` : `border-color:${l.color}`}
                  @click=${() => this.toggle(l.id, !on.has(l.id))}>${l.name}</button>`,
              )}</div>`
        }
      </section>
      <form @submit=${this.save} novalidate>
        <label class="field">
          <span>${t('cd.note')}</span>
          <textarea name="note" rows="3" maxlength="2000" placeholder=${t('cd.note.placeholder')} .value=${this.value('note', d.note)}
            aria-invalid=${this.errors.note ? 'true' : 'false'} @input=${(e: Event) => this.edit('note', (e.target as HTMLTextAreaElement).value)}></textarea>
          ${this.errors.note ? html`<span class="error small">${this.errors.note}</span>` : nothing}
        </label>
        ${d.fields.length === 0 ? html`<p class="muted small">${t('cd.nofields')}</p>` : nothing}
        ${d.fields.map(
          (f) => html`<label class="field">
            <span>${f.name}</span>
            <input name=${`field-${f.id}`} data-field=${f.id} type=${INPUT_TYPE[f.type]} inputmode=${INPUT_MODE[f.type]} maxlength="500"
              .value=${this.value(String(f.id), f.value)} aria-invalid=${this.errors[f.id] ? 'true' : 'false'}
              @input=${(e: Event) => this.edit(String(f.id), (e.target as HTMLInputElement).value)}>
            ${this.errors[f.id] ? html`<span class="error small" data-error=${f.id}>${this.errors[f.id]}</span>` : nothing}
          </label>`,
        )}
        <div class="row">
          <button class="send" type="submit" ?disabled=${this.saving || Object.keys(this.draft).length === 0}>${this.saving ? t('cd.saving') : t('cd.save')}</button>
          ${this.status ? html`<span role="status" class=${this.status.ok ? 'ok small' : 'error small'}>${this.status.text}</span>` : nothing}
        </div>
        ${
          d.updated_by && d.updated_at
            ? html`<p class="muted small">${t('cd.updated', { name: d.updated_by.display_name ?? d.updated_by.username ?? '?', when: relativeTime(d.updated_at) })}</p>`
            : nothing
        }
      </form>
      <p class="export small"><span>${t('cd.export')}:</span>
        <a href=${this.exportUrl('text')} download data-export="text">${t('cd.export.text')}</a>
        <a href=${this.exportUrl('csv')} download data-export="csv">${t('cd.export.csv')}</a>
      </p>
    `;
  }

  render() {
    return html`<details ?open=${this.open} @toggle=${this.toggled}>
      <summary>${t('cd.title')}</summary>
      ${this.open ? this.body() : nothing}
    </details>`;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; background: var(--llc-surface); border-bottom: 1px solid var(--llc-border); }
    details { padding: 0 1rem; }
    summary { cursor: pointer; padding: 0.45rem 0; font-size: 0.9rem; font-weight: 600; color: var(--lc-primary); }
    details[open] { max-height: 45vh; overflow-y: auto; padding-bottom: 0.75rem; }
    h3 { margin: 0.25rem 0; font-size: 0.85rem; }
    .labels { display: flex; flex-wrap: wrap; gap: 0.3rem; }
    .label { border: 2px solid; border-radius: 999px; padding: 0.1rem 0.6rem; background: var(--llc-surface); font-size: 0.8rem; }
    form { display: grid; gap: 0.5rem; margin-top: 0.5rem; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
    .field { display: grid; gap: 0.15rem; font-size: 0.85rem; min-width: 0; }
    .field:first-child, .row, form > p { grid-column: 1 / -1; }
    textarea, input { width: 100%; box-sizing: border-box; font: inherit; }
    [aria-invalid='true'] { border-color: var(--llc-red); }
    .row { display: flex; align-items: center; gap: 0.6rem; flex-wrap: wrap; }
    .small { font-size: 0.8rem; margin: 0; }
    .ok { color: #047857; }
    .export { display: flex; gap: 0.75rem; flex-wrap: wrap; margin-top: 0.5rem; }
    .export a { color: var(--lc-primary); }
  `,
  ];
}
customElements.define('llc-contact-card', ContactCard);
