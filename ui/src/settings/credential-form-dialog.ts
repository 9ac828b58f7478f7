// Add or edit a credential in a modal. The fields come from the provider (provider-fields.ts):
// secrets as password inputs with show/hide, which, when editing, keep the stored value while
// left blank (the API merges the secrets it is given over the stored ones). "Verify connection"
// tests the stored credential, so a new or changed one is saved first.
// Properties: open, credential (null: a new one; defaultProvider its provider), errors (by field, from the API's 400s),
// formError, busy, verification. Emits `credential-save` {id, body, verify} (body null: only
// verify) and `dialog-close`.
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import { modalStyles, syncDialog } from './modal';
import {
  type Credential,
  type FieldSpec,
  PROVIDER_FIELDS,
  PROVIDERS,
  type Provider,
  VERIFIABLE,
  fieldLabel,
  metadataText,
  providerLabel,
  verifyText,
} from './provider-fields';
import type { Verification } from './credentials-table';
import './secret-input';

registerStrings({
  th: {
    'credform.add': 'เพิ่มข้อมูลเชื่อมต่อ',
    'credform.edit': 'แก้ไข {name}',
    'credform.close': 'ปิดหน้าต่าง',
    'credform.provider': 'ผู้ให้บริการ',
    'credform.name': 'ชื่อ',
    'credform.name.hint': 'ชื่อที่โหนดใช้เลือกข้อมูลเชื่อมต่อนี้ (ไม่ซ้ำกันในผู้ให้บริการเดียวกัน)',
    'credform.name.required': 'กรุณาใส่ชื่อ',
    'credform.active': 'เปิดใช้งาน',
    'credform.default': 'ใช้เป็นค่าเริ่มต้นของผู้ให้บริการนี้',
    'credform.keep': 'เว้นว่างไว้เพื่อใช้ค่าที่บันทึกไว้',
    'credform.learned': 'กรอกให้อัตโนมัติเมื่อทดสอบการเชื่อมต่อ',
    'credform.chat.hint': 'เลข chat ID (เช่น -1001234567890) หรือ @ชื่อช่อง',
    'credform.headers.hint': 'JSON object เช่น {"X-Api-Version": "2"}',
    'credform.headers.invalid': 'Headers ต้องเป็น JSON object ของชื่อ header และค่า',
    'credform.key-file': 'โหลดจากไฟล์คีย์ (.json)',
    'credform.required-note': '* ต้องกรอก',
    'credform.cancel': 'ยกเลิก',
    'credform.save': 'บันทึก',
    'credform.verify': 'ทดสอบการเชื่อมต่อ',
    'credform.save-verify': 'บันทึกและทดสอบการเชื่อมต่อ',
    'credform.verifying': 'กำลังทดสอบการเชื่อมต่อ…',
    'credform.ok': 'เชื่อมต่อสำเร็จ',
    'credform.failed': 'เชื่อมต่อไม่สำเร็จ',
    'credform.no-verify': 'ยังทดสอบการเชื่อมต่อของ {provider} จากหน้านี้ไม่ได้',
  },
  en: {
    'credform.add': 'Add credential',
    'credform.edit': 'Edit {name}',
    'credform.close': 'Close',
    'credform.provider': 'Provider',
    'credform.name': 'Name',
    'credform.name.hint': 'Nodes choose the credential by this name (unique within its provider)',
    'credform.name.required': 'Please enter a name',
    'credform.active': 'Active',
    'credform.default': 'Make it the default for this provider',
    'credform.keep': 'Leave blank to keep the stored value',
    'credform.learned': 'Filled in by Verify connection',
    'credform.chat.hint': 'A numeric chat ID (e.g. -1001234567890) or @channel',
    'credform.headers.hint': 'A JSON object, e.g. {"X-Api-Version": "2"}',
    'credform.headers.invalid': 'Headers must be a JSON object of header names and values',
    'credform.key-file': 'Load from the key file (.json)',
    'credform.required-note': '* required',
    'credform.cancel': 'Cancel',
    'credform.save': 'Save',
    'credform.verify': 'Verify connection',
    'credform.save-verify': 'Save and verify connection',
    'credform.verifying': 'Verifying the connection…',
    'credform.ok': 'Connection OK',
    'credform.failed': 'Connection failed',
    'credform.no-verify': 'Verify connection is not available for {provider} yet',
  },
});

export interface CredentialSave {
  id: number | null;
  body: Record<string, unknown> | null;
  verify: boolean;
}

const domId = (key: string) => `f-${key.replace(/\W/g, '-')}`;

export class CredentialFormDialog extends LitElement {
  static properties = {
    open: { type: Boolean },
    credential: { attribute: false },
    errors: { attribute: false },
    formError: { attribute: false },
    busy: { type: Boolean },
    verification: { attribute: false },
    defaultProvider: { attribute: false },
    provider: { state: true },
    name: { state: true },
    active: { state: true },
    makeDefault: { state: true },
    values: { state: true },
    dirty: { state: true },
    localErrors: { state: true },
  };
  open = false;
  credential: Credential | null = null;
  errors: Record<string, string> = {};
  formError = '';
  busy = false;
  verification: Verification | null = null;
  /** The provider a new credential starts with. */
  defaultProvider: Provider = 'LINE';
  provider: Provider = 'LINE';
  name = '';
  active = true;
  makeDefault = false;
  values: Record<string, string> = {};
  dirty = false;
  localErrors: Record<string, string> = {};

  constructor() {
    super();
    new LanguageController(this);
  }

  /** The form starts over each time it opens and whenever the credential it shows is (re)loaded. */
  willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('open') || changed.has('credential')) && this.open) this.reset();
  }

  updated(changed: PropertyValues<this>): void {
    syncDialog(this.renderRoot.querySelector('dialog'), this.open);
    if ((changed.has('errors') && Object.keys(this.errors).length) || (changed.has('localErrors') && Object.keys(this.localErrors).length)) {
      this.focusFirstError();
    }
  }

  private reset(): void {
    const c = this.credential;
    this.provider = c?.provider ?? this.defaultProvider;
    this.name = c?.name ?? '';
    this.active = c?.is_active ?? true;
    this.makeDefault = false;
    this.values = c ? this.valuesOf(c) : {};
    this.dirty = false;
    this.localErrors = {};
  }

  private valuesOf(c: Credential): Record<string, string> {
    const values: Record<string, string> = {};
    for (const f of PROVIDER_FIELDS[c.provider]) {
      if (f.secret) continue;
      const value = c.metadata?.[f.name];
      if (value === undefined || value === null) continue;
      values[f.key] = f.kind === 'json' ? JSON.stringify(value, null, 2) : metadataText(value);
    }
    return values;
  }

  private get isNew(): boolean {
    return this.credential === null;
  }

  private error(key: string): string {
    return this.localErrors[key] ?? this.errors[key] ?? '';
  }

  private focusFirstError(): void {
    const keys = ['provider', 'name', ...PROVIDER_FIELDS[this.provider].map((f) => f.key)];
    const first = keys.find((key) => this.error(key));
    if (!first) return;
    const target = this.renderRoot.querySelector<HTMLElement>(`#${domId(first)}`);
    target?.focus();
  }

  private edit(key: string, value: string): void {
    this.values = { ...this.values, [key]: value };
    this.dirty = true;
  }

  private changeProvider(e: Event): void {
    this.provider = (e.target as HTMLSelectElement).value as Provider;
    this.values = {};
    this.localErrors = {};
    this.dirty = true;
  }

  /** The request body for the API, or undefined when the form itself found a mistake. */
  private body(): Record<string, unknown> | undefined {
    const localErrors: Record<string, string> = {};
    if (this.name.trim() === '') localErrors.name = t('credform.name.required');
    const secrets: Record<string, string> = {};
    const metadata: Record<string, unknown> = {};
    for (const f of PROVIDER_FIELDS[this.provider]) {
      const value = this.values[f.key] ?? '';
      const blank = value.trim() === '';
      if (f.secret) {
        // blank: nothing to store (new), or keep the stored secret (edit)
        if (!blank) secrets[f.name] = value;
        continue;
      }
      if (blank) {
        // editing: a cleared field is removed (null); new: left out
        if (!this.isNew) metadata[f.name] = null;
        continue;
      }
      if (f.kind === 'json') {
        try {
          const parsed = JSON.parse(value) as unknown;
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          metadata[f.name] = parsed;
        } catch {
          localErrors[f.key] = t('credform.headers.invalid');
        }
        continue;
      }
      metadata[f.name] = value.trim();
    }
    this.localErrors = localErrors;
    if (Object.keys(localErrors).length) return undefined;
    if (this.isNew) {
      // left out unless asked for: a provider's first credential becomes its default by itself
      return {
        name: this.name.trim(),
        provider: this.provider,
        credentials: secrets,
        metadata,
        is_active: this.active,
        ...(this.makeDefault ? { is_default: true } : {}),
      };
    }
    return { name: this.name.trim(), is_active: this.active, metadata, ...(Object.keys(secrets).length ? { credentials: secrets } : {}) };
  }

  private save(verify: boolean): void {
    if (this.busy) return;
    const id = this.credential?.id ?? null;
    if (verify && id !== null && !this.dirty) {
      this.emit('credential-save', { id, body: null, verify } satisfies CredentialSave);
      return;
    }
    const body = this.body();
    if (body) this.emit('credential-save', { id, body, verify } satisfies CredentialSave);
  }

  private submit(e: Event): void {
    e.preventDefault();
    this.save(false);
  }

  private emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private async loadKeyFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    this.edit('credentials.service_account_json', await file.text());
  }

  private field(f: FieldSpec) {
    const label = fieldLabel(f.name);
    const error = this.error(f.key);
    const value = this.values[f.key] ?? '';
    if (f.secret) {
      return html`
        <llc-secret-input id=${domId(f.key)} name=${f.key} .label=${label} .value=${value} ?required=${f.required && this.isNew} ?multiline=${f.kind === 'multiline'}
          .hint=${this.isNew ? '' : t('credform.keep')} .error=${error}
          @value-changed=${(e: CustomEvent) => this.edit(f.key, e.detail.value)}></llc-secret-input>
        ${
          f.name === 'service_account_json'
            ? html`<label class="file">${t('credform.key-file')} <input type="file" accept="application/json,.json" @change=${this.loadKeyFile}></label>`
            : nothing
        }
      `;
    }
    const id = domId(f.key);
    const hint = f.learned ? t('credform.learned') : f.name === 'admin_chat_id' ? t('credform.chat.hint') : f.kind === 'json' ? t('credform.headers.hint') : '';
    const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    const input = (e: Event) => this.edit(f.key, (e.target as HTMLInputElement).value);
    return html`
      <div class="field">
        <label for=${id}>${label}${f.required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</label>
        ${
          f.kind === 'json'
            ? html`<textarea id=${id} rows="3" spellcheck="false" .value=${live(value)} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${ifDefined(described)} @input=${input}></textarea>`
            : html`<input id=${id} type=${f.kind === 'url' ? 'url' : 'text'} spellcheck="false" autocomplete="off" .value=${live(value)}
              placeholder=${ifDefined(f.kind === 'url' ? 'https://' : undefined)} aria-required=${f.required ? 'true' : 'false'}
              aria-invalid=${error ? 'true' : 'false'} aria-describedby=${ifDefined(described)} @input=${input}>`
        }
        ${hint ? html`<p id="${id}-hint" class="hint">${hint}</p>` : nothing}
        ${error ? html`<p id="${id}-error" class="error field-error">${error}</p>` : nothing}
      </div>
    `;
  }

  private verificationView() {
    const v = this.verification;
    if (!v) return nothing;
    if (v === 'pending') return html`<p class="verification" role="status">${t('credform.verifying')}</p>`;
    return html`<p class="verification ${v.success ? 'ok' : 'failed'}" role="status" data-testid="dialog-verify-result">
      <strong>${v.success ? '✓' : '✗'} ${t(v.success ? 'credform.ok' : 'credform.failed')}:</strong> ${verifyText(v)}</p>`;
  }

  render() {
    const title = this.isNew ? t('credform.add') : t('credform.edit', { name: this.credential!.name });
    const verifiable = VERIFIABLE.includes(this.provider);
    const nameError = this.error('name');
    return html`
      <dialog aria-labelledby="title" @cancel=${(e: Event) => this.busy && e.preventDefault()} @close=${() => this.open && this.emit('dialog-close')}>
        <form novalidate @submit=${this.submit}>
          <div class="head">
            <h2 id="title">${title}</h2>
            <button type="button" class="icon" aria-label=${t('credform.close')} title=${t('credform.close')} @click=${() => this.emit('dialog-close')}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M6 6l12 12M18 6L6 18"/></svg>
            </button>
          </div>
          ${this.formError ? html`<p class="error form-error" role="alert">${this.formError}</p>` : nothing}
          <div class="field">
            <label for="f-provider">${t('credform.provider')}</label>
            ${
              this.isNew
                ? html`<select id="f-provider" ?autofocus=${this.isNew} .value=${live(this.provider)} @change=${this.changeProvider}
                  aria-invalid=${this.error('provider') ? 'true' : 'false'}>
                  ${PROVIDERS.map((p) => html`<option value=${p} ?selected=${p === this.provider}>${providerLabel(p)}</option>`)}
                </select>`
                : html`<input id="f-provider" readonly .value=${providerLabel(this.provider)}>`
            }
            ${this.error('provider') ? html`<p class="error field-error">${this.error('provider')}</p>` : nothing}
          </div>
          <div class="field">
            <label for="f-name">${t('credform.name')}<span class="required" aria-hidden="true"> *</span></label>
            <input id="f-name" autocomplete="off" maxlength="100" ?autofocus=${!this.isNew} .value=${live(this.name)} aria-required="true"
              aria-invalid=${nameError ? 'true' : 'false'} aria-describedby=${nameError ? 'f-name-hint f-name-error' : 'f-name-hint'}
              @input=${(e: Event) => {
                this.name = (e.target as HTMLInputElement).value;
                this.dirty = true;
              }}>
            <p id="f-name-hint" class="hint">${t('credform.name.hint')}</p>
            ${nameError ? html`<p id="f-name-error" class="error field-error">${nameError}</p>` : nothing}
          </div>
          ${PROVIDER_FIELDS[this.provider].map((f) => this.field(f))}
          <label class="check"><input type="checkbox" .checked=${live(this.active)} @change=${(e: Event) => {
            this.active = (e.target as HTMLInputElement).checked;
            this.dirty = true;
          }}> ${t('credform.active')}</label>
          ${
            this.isNew
              ? html`<label class="check"><input type="checkbox" .checked=${live(this.makeDefault)} @change=${(e: Event) => (this.makeDefault = (e.target as HTMLInputElement).checked)}> ${t('credform.default')}</label>`
              : nothing
          }
          ${this.verificationView()}
          ${verifiable ? nothing : html`<p class="hint">${t('credform.no-verify', { provider: providerLabel(this.provider) })}</p>`}
          <p class="hint">${t('credform.required-note')}</p>
          <div class="actions">
            ${
              verifiable
                ? html`<button type="button" class="start" ?disabled=${this.busy} @click=${() => this.save(true)}>
                  ${this.isNew || this.dirty ? t('credform.save-verify') : t('credform.verify')}</button>`
                : nothing
            }
            <button type="button" @click=${() => this.emit('dialog-close')}>${t('credform.cancel')}</button>
            <button type="submit" class="primary" ?disabled=${this.busy}>${t('credform.save')}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  static styles = [
    tokens,
    modalStyles,
    css`
    .head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; }
    .icon { display: grid; place-items: center; padding: 0.35rem; border-color: transparent; }
    .field { display: grid; gap: 0.3rem; }
    .field label, llc-secret-input { font-weight: 500; }
    .required { color: var(--llc-red); }
    input[readonly] { background: var(--llc-bg); }
    textarea { resize: vertical; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9rem; }
    [aria-invalid='true'] { border-color: var(--llc-red); }
    .hint { margin: 0; color: var(--llc-grey); font-size: 0.85rem; }
    .field-error { margin: 0; font-size: 0.85rem; }
    .check { display: flex; gap: 0.5rem; align-items: center; }
    .file { font-size: 0.85rem; color: var(--llc-grey); display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-top: -0.5rem; }
    .verification { margin: 0; padding: 0.5rem 0.75rem; border-radius: var(--llc-radius); background: var(--llc-bg); overflow-wrap: anywhere; }
    .verification.ok { background: #ecfdf5; color: #047857; }
    .verification.failed { background: #fef2f2; color: var(--llc-red); }
  `,
  ];
}
customElements.define('llc-credential-form-dialog', CredentialFormDialog);
