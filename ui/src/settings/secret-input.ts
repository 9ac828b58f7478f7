// A secret's field: its label, a password input (or a masked textarea for a key file) and a
// show/hide toggle (aria-pressed), a hint and the error the API gave for it. The label lives in
// the same shadow root as the input, so it names it. Emits `value-changed` {name, value}.
import { LitElement, css, html, nothing, svg } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';

registerStrings({
  th: { 'secret.show': 'แสดง {label}' },
  en: { 'secret.show': 'Show {label}' },
});

const eye = svg`<path d="M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12z"/><circle cx="12" cy="12" r="3"/>`;
const eyeOff = svg`<path d="M17.9 17.9A10.1 10.1 0 0 1 12 19c-7 0-11-7-11-7a18.5 18.5 0 0 1 5.1-5.9M9.9 5.2A9.1 9.1 0 0 1 12 5c7 0 11 7 11 7a18.5 18.5 0 0 1-2.2 3.2M14.1 14.1a3 3 0 1 1-4.2-4.2"/><line x1="1" y1="1" x2="23" y2="23"/>`;

export class SecretInput extends LitElement {
  static shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static properties = {
    label: {},
    name: {},
    value: {},
    placeholder: {},
    hint: {},
    error: {},
    autocomplete: {},
    required: { type: Boolean },
    multiline: { type: Boolean },
    shown: { state: true },
  };
  label = '';
  name = '';
  value = '';
  placeholder = '';
  hint = '';
  error = '';
  autocomplete = 'off';
  required = false;
  multiline = false;
  shown = false;

  constructor() {
    super();
    new LanguageController(this);
  }

  private changed(e: Event): void {
    this.value = (e.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.dispatchEvent(new CustomEvent('value-changed', { detail: { name: this.name, value: this.value }, bubbles: true, composed: true }));
  }

  /** Enter submits the form this field is in, as it would for an input of the form's own. */
  private enter(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      this.closest('form')?.requestSubmit();
    }
  }

  render() {
    const described = [this.hint ? 'hint' : '', this.error ? 'error' : ''].filter(Boolean).join(' ') || undefined;
    const placeholder = this.placeholder || undefined;
    return html`
      <label for="input">${this.label}${this.required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</label>
      <div class="row">
        ${
          this.multiline
            ? html`<textarea id="input" rows="5" spellcheck="false" class=${this.shown ? '' : 'masked'}
              .value=${live(this.value)} placeholder=${ifDefined(placeholder)} aria-required=${this.required ? 'true' : 'false'}
              aria-invalid=${this.error ? 'true' : 'false'} aria-describedby=${ifDefined(described)} @input=${this.changed}></textarea>`
            : html`<input id="input" type=${this.shown ? 'text' : 'password'} spellcheck="false" autocomplete=${this.autocomplete}
              .value=${live(this.value)} placeholder=${ifDefined(placeholder)} aria-required=${this.required ? 'true' : 'false'}
              aria-invalid=${this.error ? 'true' : 'false'} aria-describedby=${ifDefined(described)} @input=${this.changed} @keydown=${this.enter}>`
        }
        <button type="button" class="toggle" aria-pressed=${this.shown ? 'true' : 'false'} aria-label=${t('secret.show', { label: this.label })}
          title=${t('secret.show', { label: this.label })} @click=${() => (this.shown = !this.shown)}>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${this.shown ? eyeOff : eye}</svg>
        </button>
      </div>
      ${this.hint ? html`<p id="hint" class="hint">${this.hint}</p>` : nothing}
      ${this.error ? html`<p id="error" class="error field-error">${this.error}</p>` : nothing}
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: grid; gap: 0.3rem; }
    label { font-weight: 500; }
    .required { color: var(--llc-red); }
    .row { display: flex; gap: 0.3rem; align-items: flex-start; }
    input, textarea { flex: 1; min-width: 0; }
    textarea { resize: vertical; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9rem; }
    textarea.masked { -webkit-text-security: disc; }
    [aria-invalid='true'] { border-color: var(--llc-red); }
    .toggle { display: grid; place-items: center; padding: 0.4rem; align-self: stretch; }
    :host([multiline]) .toggle { align-self: flex-start; }
    .toggle[aria-pressed='true'] { background: #eff6ff; border-color: var(--llc-blue); color: var(--llc-blue); }
    .hint { margin: 0; color: var(--llc-grey); font-size: 0.85rem; }
    .field-error { margin: 0; font-size: 0.85rem; }
  `,
  ];
}
customElements.define('llc-secret-input', SecretInput);
