// The stored credentials: name, provider, the masked secret and the settings in clear, active,
// default, created, and each one's actions; a provider filter above. Everything shown is text.
// Emits `filter-change` {filter} and `credential-action` {action, credential}.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { tableCards } from './table-cards';
import { registerStrings, t } from '../core/i18n';
import { shortDate } from '../core/format';
import { LanguageController } from '../core/language-controller';
import {
  type Credential,
  PROVIDER_FIELDS,
  PROVIDERS,
  type Provider,
  VERIFIABLE,
  type VerifyResult,
  verifyText,
  fieldLabel,
  metadataText,
  providerLabel,
} from './provider-fields';

registerStrings({
  th: {
    'credtable.caption': 'ข้อมูลเชื่อมต่อที่บันทึกไว้',
    'credtable.filter': 'กรองตามผู้ให้บริการ',
    'credtable.all': 'ทั้งหมด',
    'credtable.name': 'ชื่อ',
    'credtable.provider': 'ผู้ให้บริการ',
    'credtable.values': 'ค่าที่บันทึก (ปกปิด)',
    'credtable.active': 'สถานะ',
    'credtable.default': 'ค่าเริ่มต้น',
    'credtable.created': 'สร้างเมื่อ',
    'credtable.actions': 'จัดการ',
    'credtable.is-active': 'ใช้งาน',
    'credtable.inactive': 'ปิดใช้งาน',
    'credtable.is-default': '★ ค่าเริ่มต้น',
    'credtable.not-default': '–',
    'credtable.edit': 'แก้ไข',
    'credtable.edit.label': 'แก้ไข {name}',
    'credtable.verify': 'ทดสอบ',
    'credtable.verify.label': 'ทดสอบการเชื่อมต่อ {name}',
    'credtable.set-default': 'ตั้งเป็นค่าเริ่มต้น',
    'credtable.set-default.label': 'ตั้ง {name} เป็นค่าเริ่มต้นของ {provider}',
    'credtable.delete': 'ลบ',
    'credtable.delete.label': 'ลบ {name}',
    'credtable.verifying': 'กำลังทดสอบการเชื่อมต่อ…',
    'credtable.ok': 'เชื่อมต่อสำเร็จ',
    'credtable.failed': 'เชื่อมต่อไม่สำเร็จ',
    'credtable.empty': 'ยังไม่มีข้อมูลเชื่อมต่อ กด “เพิ่มข้อมูลเชื่อมต่อ” เพื่อเริ่ม',
    'credtable.empty-filter': 'ไม่มีข้อมูลเชื่อมต่อของ {provider}',
  },
  en: {
    'credtable.caption': 'Stored credentials',
    'credtable.filter': 'Filter by provider',
    'credtable.all': 'All',
    'credtable.name': 'Name',
    'credtable.provider': 'Provider',
    'credtable.values': 'Values (masked)',
    'credtable.active': 'Status',
    'credtable.default': 'Default',
    'credtable.created': 'Created',
    'credtable.actions': 'Actions',
    'credtable.is-active': 'Active',
    'credtable.inactive': 'Inactive',
    'credtable.is-default': '★ Default',
    'credtable.not-default': '–',
    'credtable.edit': 'Edit',
    'credtable.edit.label': 'Edit {name}',
    'credtable.verify': 'Verify',
    'credtable.verify.label': 'Verify connection of {name}',
    'credtable.set-default': 'Set default',
    'credtable.set-default.label': 'Make {name} the default {provider} credential',
    'credtable.delete': 'Delete',
    'credtable.delete.label': 'Delete {name}',
    'credtable.verifying': 'Verifying the connection…',
    'credtable.ok': 'Connection OK',
    'credtable.failed': 'Connection failed',
    'credtable.empty': 'No credentials yet. Use “Add credential” to store one.',
    'credtable.empty-filter': 'No {provider} credentials',
  },
});

export type CredentialAction = 'edit' | 'verify' | 'set-default' | 'delete';
export type ProviderFilter = 'ALL' | Provider;
/** A verification under way, or its answer. */
export type Verification = 'pending' | VerifyResult;

export class CredentialsTable extends LitElement {
  static properties = {
    credentials: { attribute: false },
    filter: {},
    verifications: { attribute: false },
    busyId: { attribute: false },
  };
  credentials: Credential[] = [];
  filter: ProviderFilter = 'ALL';
  verifications: Record<number, Verification> = {};
  busyId: number | null = null;

  constructor() {
    super();
    new LanguageController(this);
  }

  private act(action: CredentialAction, credential: Credential): void {
    this.dispatchEvent(new CustomEvent('credential-action', { detail: { action, credential }, bubbles: true, composed: true }));
  }

  private setFilter(filter: ProviderFilter): void {
    this.dispatchEvent(new CustomEvent('filter-change', { detail: { filter }, bubbles: true, composed: true }));
  }

  private verification(credential: Credential) {
    const result = this.verifications[credential.id];
    if (!result) return nothing;
    if (result === 'pending') return html`<p class="verify">${t('credtable.verifying')}</p>`;
    return html`<p class="verify ${result.success ? 'ok' : 'failed'}" data-testid="verify-result">
      <strong>${result.success ? '✓' : '✗'} ${t(result.success ? 'credtable.ok' : 'credtable.failed')}:</strong> ${verifyText(result)}</p>`;
  }

  private row(c: Credential) {
    const busy = this.busyId === c.id;
    // the settings in the form's order, then any the form does not know
    const known = (PROVIDER_FIELDS[c.provider] ?? []).filter((f) => !f.secret).map((f) => f.name);
    const names = [...known, ...Object.keys(c.metadata ?? {}).filter((k) => !known.includes(k))];
    const details = names.map((k) => [k, c.metadata?.[k]] as const).filter(([, v]) => metadataText(v) !== '');
    return html`
      <tr data-credential-id=${c.id}>
        <th scope="row">
          <span class="name">${c.name}</span>
          ${this.verification(c)}
          ${c.decryption_error ? html`<p class="verify failed">${c.decryption_error}</p>` : nothing}
        </th>
        <td><span class="provider ${c.provider.toLowerCase()}">${providerLabel(c.provider)}</span></td>
        <td class="values">
          <code>${c.credentials_masked ?? '—'}</code>
          ${details.length ? html`<dl>${details.map(([k, v]) => html`<div><dt>${fieldLabel(k)}</dt><dd>${metadataText(v)}</dd></div>`)}</dl>` : nothing}
        </td>
        <td><span class="badge ${c.is_active ? 'bot' : 'closed'}">${t(c.is_active ? 'credtable.is-active' : 'credtable.inactive')}</span></td>
        <td>${c.is_default ? html`<span class="default">${t('credtable.is-default')}</span>` : html`<span aria-hidden="true">${t('credtable.not-default')}</span>`}</td>
        <td class="nowrap">${shortDate(c.created_at)}</td>
        <td class="actions">
          <button type="button" aria-label=${t('credtable.edit.label', { name: c.name })} @click=${() => this.act('edit', c)}>${t('credtable.edit')}</button>
          ${
            VERIFIABLE.includes(c.provider)
              ? html`<button type="button" aria-label=${t('credtable.verify.label', { name: c.name })} ?disabled=${busy} @click=${() => this.act('verify', c)}>${t('credtable.verify')}</button>`
              : nothing
          }
          ${
            c.is_default
              ? nothing
              : html`<button type="button" aria-label=${t('credtable.set-default.label', { name: c.name, provider: providerLabel(c.provider) })} ?disabled=${busy}
                @click=${() => this.act('set-default', c)}>${t('credtable.set-default')}</button>`
          }
          <button type="button" class="delete" aria-label=${t('credtable.delete.label', { name: c.name })} ?disabled=${busy} @click=${() => this.act('delete', c)}>${t('credtable.delete')}</button>
        </td>
      </tr>
    `;
  }

  render() {
    const shown = this.filter === 'ALL' ? this.credentials : this.credentials.filter((c) => c.provider === this.filter);
    const filters: ProviderFilter[] = ['ALL', ...PROVIDERS];
    return html`
      <div class="filter" role="group" aria-label=${t('credtable.filter')}>
        ${filters.map(
          (f) => html`<button type="button" aria-pressed=${this.filter === f ? 'true' : 'false'} @click=${() => this.setFilter(f)}>
          ${f === 'ALL' ? t('credtable.all') : providerLabel(f)}</button>`,
        )}
      </div>
      ${
        shown.length === 0
          ? html`<p class="empty">${this.filter === 'ALL' ? t('credtable.empty') : t('credtable.empty-filter', { provider: providerLabel(this.filter) })}</p>`
          : html`
          <div class="scroll">
            <table>
              <caption class="visually-hidden">${t('credtable.caption')}</caption>
              <thead><tr>
                <th scope="col">${t('credtable.name')}</th><th scope="col">${t('credtable.provider')}</th><th scope="col">${t('credtable.values')}</th>
                <th scope="col">${t('credtable.active')}</th><th scope="col">${t('credtable.default')}</th><th scope="col">${t('credtable.created')}</th>
                <th scope="col">${t('credtable.actions')}</th>
              </tr></thead>
              <tbody>${shown.map((c) => this.row(c))}</tbody>
            </table>
          </div>`
      }
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; }
    .filter { display: flex; flex-wrap: wrap; gap: 0.35rem; margin-bottom: 0.75rem; }
    .filter button { border-radius: 999px; padding: 0.25rem 0.8rem; font-size: 0.9rem; }
    .filter button[aria-pressed='true'] { background: #ecfdf5; border-color: var(--llc-green); color: #047857; font-weight: 600; }
    .scroll { overflow-x: auto; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: var(--llc-surface); }
    table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
    th, td { text-align: left; vertical-align: top; padding: 0.6rem 0.75rem; border-bottom: 1px solid var(--llc-border); }
    thead th { background: var(--llc-bg); color: var(--llc-grey); font-weight: 600; font-size: 0.82rem; white-space: nowrap; }
    tbody tr:last-child > * { border-bottom: none; }
    tbody th { font-weight: 600; min-width: 10rem; }
    .name { overflow-wrap: anywhere; }
    .provider { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.35rem; background: #f1f5f9; font-size: 0.82rem; font-weight: 600; white-space: nowrap; }
    .provider.line { background: #dcfce7; color: #166534; }
    .provider.telegram { background: #e0f2fe; color: #075985; }
    .provider.n8n { background: #ffe4e6; color: #9f1239; }
    .provider.google_sheets { background: #dcfce7; color: #14532d; }
    .values { min-width: 12rem; }
    .values code { font-size: 0.85rem; }
    dl { margin: 0.3rem 0 0; font-size: 0.8rem; color: var(--llc-grey); }
    dl div { display: flex; flex-wrap: wrap; column-gap: 0.3rem; }
    dt { white-space: nowrap; }
    dt::after { content: ':'; }
    dd { margin: 0; overflow-wrap: anywhere; color: var(--llc-text); }
    .default { color: #b45309; font-weight: 600; white-space: nowrap; }
    .nowrap { white-space: nowrap; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.3rem; min-width: 12rem; }
    .actions button { padding: 0.25rem 0.6rem; font-size: 0.85rem; }
    .actions .delete { color: var(--llc-red); }
    .verify { margin: 0.3rem 0 0; font-weight: 400; font-size: 0.82rem; color: var(--llc-grey); overflow-wrap: anywhere; }
    .verify.ok { color: #047857; }
    .verify.failed { color: var(--llc-red); }
    .empty { padding: 2rem; text-align: center; color: var(--llc-grey); background: var(--llc-surface); border: 1px dashed var(--llc-border); border-radius: var(--llc-radius); }
  `,
    tableCards,
  ];
}
customElements.define('llc-credentials-table', CredentialsTable);
