// Add an operator (username, display name, password, role) or edit one (display name, role, a
// new password if given) in a modal. Properties: open, operator (null: a new one), errors (by
// field, from the API's 400s), formError, busy. Emits `operator-save` {id, body} and `dialog-close`.
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import { modalStyles, syncDialog } from './modal';
import type { OperatorAccount } from './operators-table';
import './secret-input';

registerStrings({
  th: {
    'opform.add': 'เพิ่มเจ้าหน้าที่',
    'opform.edit': 'แก้ไข {name}',
    'opform.close': 'ปิดหน้าต่าง',
    'opform.username': 'ชื่อผู้ใช้',
    'opform.username.hint': '3–64 ตัว: ตัวอักษรอังกฤษ ตัวเลข หรือ . _ @ -',
    'opform.display': 'ชื่อที่แสดง',
    'opform.display.hint': 'ชื่อที่เพื่อนร่วมงานเห็น เว้นว่างไว้เพื่อใช้ชื่อผู้ใช้',
    'opform.password': 'รหัสผ่าน',
    'opform.password.hint': 'อย่างน้อย 8 ตัวอักษร',
    'opform.new-password': 'รหัสผ่านใหม่',
    'opform.new-password.hint': 'เว้นว่างไว้เพื่อใช้รหัสผ่านเดิม การเปลี่ยนรหัสผ่านจะทำให้บัญชีนี้ออกจากระบบทุกเครื่อง',
    'opform.role': 'บทบาท',
    'opform.role.hint': 'ผู้ดูแลระบบเข้าหน้าตั้งค่าได้ เจ้าหน้าที่ตอบแชทได้อย่างเดียว',
    'role.admin': 'ผู้ดูแลระบบ',
    'role.operator': 'เจ้าหน้าที่',
    'opform.required-note': '* ต้องกรอก',
    'opform.cancel': 'ยกเลิก',
    'opform.save': 'บันทึก',
  },
  en: {
    'opform.add': 'Add operator',
    'opform.edit': 'Edit {name}',
    'opform.close': 'Close',
    'opform.username': 'Username',
    'opform.username.hint': '3–64 letters, digits or . _ @ -',
    'opform.display': 'Display name',
    'opform.display.hint': 'The name colleagues see; blank uses the username',
    'opform.password': 'Password',
    'opform.password.hint': 'At least 8 characters',
    'opform.new-password': 'New password',
    'opform.new-password.hint': 'Leave blank to keep the current password. A new password signs the account out everywhere.',
    'opform.role': 'Role',
    'opform.role.hint': 'Admins also manage settings; operators answer chats',
    'role.admin': 'Admin',
    'role.operator': 'Operator',
    'opform.required-note': '* required',
    'opform.cancel': 'Cancel',
    'opform.save': 'Save',
  },
});

export interface OperatorSave {
  id: number | null;
  body: Record<string, unknown>;
}

export class OperatorFormDialog extends LitElement {
  static properties = {
    open: { type: Boolean },
    operator: { attribute: false },
    errors: { attribute: false },
    formError: { attribute: false },
    busy: { type: Boolean },
    username: { state: true },
    displayName: { state: true },
    password: { state: true },
    role: { state: true },
  };
  open = false;
  operator: OperatorAccount | null = null;
  errors: Record<string, string> = {};
  formError = '';
  busy = false;
  username = '';
  displayName = '';
  password = '';
  role: 'admin' | 'operator' = 'operator';

  constructor() {
    super();
    new LanguageController(this);
  }

  willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('open') || changed.has('operator')) && this.open) {
      this.username = this.operator?.username ?? '';
      this.displayName = this.operator?.display_name ?? '';
      this.password = '';
      this.role = this.operator?.role ?? 'operator';
    }
  }

  updated(changed: PropertyValues<this>): void {
    syncDialog(this.renderRoot.querySelector('dialog'), this.open);
    if (changed.has('errors')) {
      const first = ['username', 'display_name', 'password', 'role'].find((f) => this.errors[f]);
      if (first) this.renderRoot.querySelector<HTMLElement>(`#f-${first}`)?.focus();
    }
  }

  private emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private submit(e: Event): void {
    e.preventDefault();
    if (this.busy) return;
    const isNew = this.operator === null;
    const body: Record<string, unknown> = isNew
      ? { username: this.username.trim(), display_name: this.displayName, password: this.password, role: this.role }
      : { display_name: this.displayName, role: this.role, ...(this.password ? { password: this.password } : {}) };
    this.emit('operator-save', { id: this.operator?.id ?? null, body } satisfies OperatorSave);
  }

  private text(
    id: string,
    label: string,
    value: string,
    set: (v: string) => void,
    hint: string,
    options: { required?: boolean; autofocus?: boolean; autocomplete?: string; max?: number } = {},
  ) {
    const error = this.errors[id] ?? '';
    return html`
      <div class="field">
        <label for="f-${id}">${label}${options.required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</label>
        <input id="f-${id}" autocomplete=${options.autocomplete ?? 'off'} maxlength=${options.max ?? 100} ?autofocus=${options.autofocus} .value=${live(value)}
          aria-required=${options.required ? 'true' : 'false'} aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? `f-${id}-hint f-${id}-error` : `f-${id}-hint`} @input=${(e: Event) => set((e.target as HTMLInputElement).value)}>
        <p id="f-${id}-hint" class="hint">${hint}</p>
        ${error ? html`<p id="f-${id}-error" class="error field-error">${error}</p>` : nothing}
      </div>
    `;
  }

  render() {
    const isNew = this.operator === null;
    const roleError = this.errors.role ?? '';
    return html`
      <dialog aria-labelledby="title" @cancel=${(e: Event) => this.busy && e.preventDefault()} @close=${() => this.open && this.emit('dialog-close')}>
        <form novalidate @submit=${this.submit}>
          <div class="head">
            <h2 id="title">${isNew ? t('opform.add') : t('opform.edit', { name: this.operator!.display_name })}</h2>
            <button type="button" class="icon" aria-label=${t('opform.close')} title=${t('opform.close')} @click=${() => this.emit('dialog-close')}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M6 6l12 12M18 6L6 18"/></svg>
            </button>
          </div>
          ${this.formError ? html`<p class="error form-error" role="alert">${this.formError}</p>` : nothing}
          ${
            isNew
              ? this.text('username', t('opform.username'), this.username, (v) => (this.username = v), t('opform.username.hint'), {
                  required: true,
                  autofocus: true,
                  max: 64,
                })
              : html`<div class="field"><label for="f-username">${t('opform.username')}</label><input id="f-username" readonly .value=${this.username}></div>`
          }
          ${this.text('display_name', t('opform.display'), this.displayName, (v) => (this.displayName = v), t('opform.display.hint'), { autofocus: !isNew })}
          <llc-secret-input id="f-password" name="password" autocomplete="new-password" .label=${isNew ? t('opform.password') : t('opform.new-password')}
            ?required=${isNew} .value=${this.password} .hint=${isNew ? t('opform.password.hint') : t('opform.new-password.hint')} .error=${this.errors.password ?? ''}
            @value-changed=${(e: CustomEvent) => (this.password = e.detail.value)}></llc-secret-input>
          <div class="field">
            <label for="f-role">${t('opform.role')}</label>
            <select id="f-role" .value=${live(this.role)} aria-invalid=${roleError ? 'true' : 'false'} aria-describedby="f-role-hint"
              @change=${(e: Event) => (this.role = (e.target as HTMLSelectElement).value as 'admin' | 'operator')}>
              <option value="operator" ?selected=${this.role === 'operator'}>${t('role.operator')}</option>
              <option value="admin" ?selected=${this.role === 'admin'}>${t('role.admin')}</option>
            </select>
            <p id="f-role-hint" class="hint">${t('opform.role.hint')}</p>
            ${roleError ? html`<p class="error field-error">${roleError}</p>` : nothing}
          </div>
          ${isNew ? html`<p class="hint">${t('opform.required-note')}</p>` : nothing}
          <div class="actions">
            <button type="button" @click=${() => this.emit('dialog-close')}>${t('opform.cancel')}</button>
            <button type="submit" class="primary" ?disabled=${this.busy}>${t('opform.save')}</button>
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
    .field label { font-weight: 500; }
    .required { color: var(--llc-red); }
    input[readonly] { background: var(--llc-bg); }
    [aria-invalid='true'] { border-color: var(--llc-red); }
    .hint { margin: 0; color: var(--llc-grey); font-size: 0.85rem; }
    .field-error { margin: 0; font-size: 0.85rem; }
  `,
  ];
}
customElements.define('llc-operator-form-dialog', OperatorFormDialog);
