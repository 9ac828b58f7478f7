// The operator accounts: username, display name, role, active or not, last sign-in, and each
// one's actions (edit; deactivate or reactivate). Emits `operator-action` {action, operator}.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { tableCards } from './table-cards';
import { registerStrings, t } from '../core/i18n';
import { relativeTime, shortDate } from '../core/format';
import { LanguageController } from '../core/language-controller';

registerStrings({
  th: {
    'optable.caption': 'บัญชีเจ้าหน้าที่',
    'optable.username': 'ชื่อผู้ใช้',
    'optable.display': 'ชื่อที่แสดง',
    'optable.role': 'บทบาท',
    'optable.status': 'สถานะ',
    'optable.last-login': 'เข้าระบบล่าสุด',
    'optable.created': 'สร้างเมื่อ',
    'optable.actions': 'จัดการ',
    'optable.never': 'ยังไม่เคย',
    'optable.you': 'คุณ',
    'optable.active': 'ใช้งาน',
    'optable.inactive': 'ปิดใช้งาน',
    'role.admin': 'ผู้ดูแลระบบ',
    'role.operator': 'เจ้าหน้าที่',
    'optable.edit': 'แก้ไข',
    'optable.edit.label': 'แก้ไข {name}',
    'optable.deactivate': 'ปิดใช้งาน',
    'optable.deactivate.label': 'ปิดใช้งาน {name}',
    'optable.reactivate': 'เปิดใช้งาน',
    'optable.reactivate.label': 'เปิดใช้งาน {name} อีกครั้ง',
    'optable.empty': 'ยังไม่มีเจ้าหน้าที่',
  },
  en: {
    'optable.caption': 'Operator accounts',
    'optable.username': 'Username',
    'optable.display': 'Display name',
    'optable.role': 'Role',
    'optable.status': 'Status',
    'optable.last-login': 'Last sign-in',
    'optable.created': 'Created',
    'optable.actions': 'Actions',
    'optable.never': 'Never',
    'optable.you': 'you',
    'optable.active': 'Active',
    'optable.inactive': 'Deactivated',
    'role.admin': 'Admin',
    'role.operator': 'Operator',
    'optable.edit': 'Edit',
    'optable.edit.label': 'Edit {name}',
    'optable.deactivate': 'Deactivate',
    'optable.deactivate.label': 'Deactivate {name}',
    'optable.reactivate': 'Reactivate',
    'optable.reactivate.label': 'Reactivate {name}',
    'optable.empty': 'No operators yet',
  },
});

export interface OperatorAccount {
  id: number;
  username: string;
  display_name: string;
  role: 'admin' | 'operator';
  active: boolean;
  last_login_at: string | null;
  created_at: string;
}

export type OperatorAction = 'edit' | 'deactivate' | 'reactivate';

export class OperatorsTable extends LitElement {
  static properties = { operators: { attribute: false }, currentId: { attribute: false }, busyId: { attribute: false } };
  operators: OperatorAccount[] = [];
  currentId: number | null = null;
  busyId: number | null = null;

  constructor() {
    super();
    new LanguageController(this);
  }

  private act(action: OperatorAction, operator: OperatorAccount): void {
    this.dispatchEvent(new CustomEvent('operator-action', { detail: { action, operator }, bubbles: true, composed: true }));
  }

  private row(o: OperatorAccount) {
    const busy = this.busyId === o.id;
    return html`
      <tr data-operator-id=${o.id} class=${o.active ? '' : 'inactive'}>
        <th scope="row">${o.username}${o.id === this.currentId ? html` <span class="you">(${t('optable.you')})</span>` : nothing}</th>
        <td>${o.display_name}</td>
        <td><span class="role ${o.role}">${t(`role.${o.role}`)}</span></td>
        <td><span class="badge ${o.active ? 'bot' : 'closed'}">${t(o.active ? 'optable.active' : 'optable.inactive')}</span></td>
        <td class="nowrap">${o.last_login_at ? html`<time datetime=${o.last_login_at} title=${shortDate(o.last_login_at)}>${relativeTime(o.last_login_at)}</time>` : t('optable.never')}</td>
        <td class="nowrap">${shortDate(o.created_at)}</td>
        <td class="actions">
          <button type="button" aria-label=${t('optable.edit.label', { name: o.display_name })} @click=${() => this.act('edit', o)}>${t('optable.edit')}</button>
          ${
            o.active
              ? html`<button type="button" class="deactivate" aria-label=${t('optable.deactivate.label', { name: o.display_name })} ?disabled=${busy}
                @click=${() => this.act('deactivate', o)}>${t('optable.deactivate')}</button>`
              : html`<button type="button" aria-label=${t('optable.reactivate.label', { name: o.display_name })} ?disabled=${busy}
                @click=${() => this.act('reactivate', o)}>${t('optable.reactivate')}</button>`
          }
        </td>
      </tr>
    `;
  }

  render() {
    if (this.operators.length === 0) return html`<p class="empty">${t('optable.empty')}</p>`;
    return html`
      <div class="scroll">
        <table>
          <caption class="visually-hidden">${t('optable.caption')}</caption>
          <thead><tr>
            <th scope="col">${t('optable.username')}</th><th scope="col">${t('optable.display')}</th><th scope="col">${t('optable.role')}</th>
            <th scope="col">${t('optable.status')}</th><th scope="col">${t('optable.last-login')}</th><th scope="col">${t('optable.created')}</th>
            <th scope="col">${t('optable.actions')}</th>
          </tr></thead>
          <tbody>${this.operators.map((o) => this.row(o))}</tbody>
        </table>
      </div>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; }
    .scroll { overflow-x: auto; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: var(--llc-surface); }
    table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
    th, td { text-align: left; vertical-align: middle; padding: 0.55rem 0.75rem; border-bottom: 1px solid var(--llc-border); }
    thead th { background: var(--llc-bg); color: var(--llc-grey); font-weight: 600; font-size: 0.82rem; white-space: nowrap; }
    tbody tr:last-child > * { border-bottom: none; }
    tbody th { font-weight: 600; overflow-wrap: anywhere; }
    tr.inactive > * { color: var(--llc-grey); }
    .you { font-weight: 400; color: var(--llc-grey); }
    .role { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.35rem; background: #f1f5f9; font-size: 0.82rem; font-weight: 600; }
    .role.admin { background: #ede9fe; color: #5b21b6; }
    .nowrap { white-space: nowrap; }
    .actions { white-space: nowrap; }
    .actions button { padding: 0.25rem 0.6rem; font-size: 0.85rem; }
    .deactivate { color: var(--llc-red); }
    .empty { padding: 2rem; text-align: center; color: var(--llc-grey); }
  `,
    tableCards,
  ];
}
customElements.define('llc-operators-table', OperatorsTable);
