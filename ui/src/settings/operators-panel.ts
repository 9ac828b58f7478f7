// The Operators tab: the accounts, adding one, editing one's name, role or password, and
// deactivating or reactivating one through /api/v1/admin/operators. The API refuses to leave
// no active admin; its message is shown where the change was asked for.
import { html } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { api, ApiError } from '../core/api';
import { currentOperator } from '../core/session';
import { SettingsPanel } from './settings-panel';
import { panelStyles } from './panel-styles';
import type { OperatorAccount, OperatorAction } from './operators-table';
import type { OperatorSave } from './operator-form-dialog';
import './operators-table';
import './operator-form-dialog';
import './confirm-dialog';

registerStrings({
  th: {
    'ops.title': 'เจ้าหน้าที่',
    'ops.intro': 'บัญชีที่เข้าใช้กล่องแชท บัญชีจะถูกปิดใช้งานแทนการลบ เพื่อให้ประวัติแชทยังระบุผู้ตอบได้',
    'ops.add': '+ เพิ่มเจ้าหน้าที่',
    'ops.loading': 'กำลังโหลด…',
    'ops.load-failed': 'โหลดรายชื่อเจ้าหน้าที่ไม่สำเร็จ: {error}',
    'ops.retry': 'ลองอีกครั้ง',
    'ops.created': 'เพิ่ม “{name}” แล้ว',
    'ops.saved': 'บันทึก “{name}” แล้ว',
    'ops.deactivated': 'ปิดใช้งาน “{name}” แล้ว',
    'ops.reactivated': 'เปิดใช้งาน “{name}” อีกครั้งแล้ว',
    'ops.failed': 'ไม่สำเร็จ: {error}',
    'ops.deactivate.title': 'ปิดใช้งานบัญชี?',
    'ops.deactivate.message': '“{name}” จะถูกออกจากระบบทันทีและเข้าสู่ระบบไม่ได้อีกจนกว่าจะเปิดใช้งานใหม่ ประวัติแชทยังอยู่ครบ',
    'ops.deactivate.self': 'นี่คือบัญชีของคุณเอง: คุณจะถูกออกจากระบบทันที',
    'ops.deactivate.confirm': 'ปิดใช้งาน',
  },
  en: {
    'ops.title': 'Operators',
    'ops.intro': 'The accounts that use the inbox. Accounts are deactivated rather than deleted, so the chat history keeps its authors.',
    'ops.add': '+ Add operator',
    'ops.loading': 'Loading…',
    'ops.load-failed': 'Could not load the operators: {error}',
    'ops.retry': 'Try again',
    'ops.created': 'Added “{name}”',
    'ops.saved': 'Saved “{name}”',
    'ops.deactivated': 'Deactivated “{name}”',
    'ops.reactivated': 'Reactivated “{name}”',
    'ops.failed': 'Failed: {error}',
    'ops.deactivate.title': 'Deactivate account?',
    'ops.deactivate.message': '“{name}” will be signed out at once and cannot sign in until reactivated. Their chat history stays.',
    'ops.deactivate.self': 'This is your own account: you will be signed out at once.',
    'ops.deactivate.confirm': 'Deactivate',
  },
});

type Status = { ok: boolean; text: string } | null;

export class OperatorsPanel extends SettingsPanel {
  static properties = {
    operators: { state: true },
    loading: { state: true },
    loadError: { state: true },
    busyId: { state: true },
    status: { state: true },
    dialogOpen: { state: true },
    dialogOperator: { state: true },
    dialogErrors: { state: true },
    dialogFormError: { state: true },
    dialogBusy: { state: true },
    deactivating: { state: true },
    deactivateBusy: { state: true },
    deactivateError: { state: true },
  };
  operators: OperatorAccount[] = [];
  loading = true;
  loadError = '';
  busyId: number | null = null;
  status: Status = null;
  dialogOpen = false;
  dialogOperator: OperatorAccount | null = null;
  dialogErrors: Record<string, string> = {};
  dialogFormError = '';
  dialogBusy = false;
  deactivating: OperatorAccount | null = null;
  deactivateBusy = false;
  deactivateError = '';

  protected async load(): Promise<void> {
    try {
      this.operators = (await api.get<{ operators: OperatorAccount[] }>('/admin/operators')).operators;
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private openDialog(operator: OperatorAccount | null): void {
    this.dialogOperator = operator;
    this.dialogErrors = {};
    this.dialogFormError = '';
    this.dialogOpen = true;
  }

  private action(e: CustomEvent<{ action: OperatorAction; operator: OperatorAccount }>): void {
    const { action, operator } = e.detail;
    if (action === 'edit') this.openDialog(operator);
    else if (action === 'reactivate') void this.reactivate(operator);
    else if (action === 'deactivate') {
      this.deactivateError = '';
      this.deactivating = operator;
    }
  }

  private async save(e: CustomEvent<OperatorSave>): Promise<void> {
    const { id, body } = e.detail;
    this.dialogBusy = true;
    this.dialogErrors = {};
    this.dialogFormError = '';
    try {
      const saved = id === null ? await api.post<OperatorAccount>('/admin/operators', body) : await api.put<OperatorAccount>(`/admin/operators/${id}`, body);
      this.dialogOpen = false;
      this.status = { ok: true, text: t(id === null ? 'ops.created' : 'ops.saved', { name: saved.display_name }) };
      await this.load();
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      if (field && ['username', 'display_name', 'password', 'role'].includes(field)) this.dialogErrors = { [field]: (err as Error).message };
      // a taken username is a 409 without a field; it is still the username's fault
      else if (err instanceof ApiError && err.status === 409 && id === null) this.dialogErrors = { username: err.message };
      else this.dialogFormError = (err as Error).message;
    } finally {
      this.dialogBusy = false;
    }
  }

  private async confirmDeactivate(): Promise<void> {
    const operator = this.deactivating;
    if (!operator) return;
    this.deactivateBusy = true;
    try {
      await api.delete(`/admin/operators/${operator.id}`);
      this.deactivating = null;
      this.status = { ok: true, text: t('ops.deactivated', { name: operator.display_name }) };
      await this.load();
    } catch (err) {
      this.deactivateError = (err as Error).message;
    } finally {
      this.deactivateBusy = false;
    }
  }

  private async reactivate(operator: OperatorAccount): Promise<void> {
    this.busyId = operator.id;
    try {
      await api.put(`/admin/operators/${operator.id}`, { active: true });
      this.status = { ok: true, text: t('ops.reactivated', { name: operator.display_name }) };
      await this.load();
    } catch (err) {
      this.status = { ok: false, text: t('ops.failed', { error: (err as Error).message }) };
    } finally {
      this.busyId = null;
    }
  }

  render() {
    const me = currentOperator();
    const target = this.deactivating;
    return html`
      <div class="toolbar">
        <h2>${t('ops.title')}</h2>
        <button type="button" class="primary" @click=${() => this.openDialog(null)}>${t('ops.add')}</button>
      </div>
      <p class="intro">${t('ops.intro')}</p>
      <p class="status ${this.status?.ok ? 'ok' : 'failed'}" role="status">${this.status?.text ?? ''}</p>
      ${
        this.loading
          ? html`<p class="loading">${t('ops.loading')}</p>`
          : this.loadError
            ? html`<p class="error" role="alert">${t('ops.load-failed', { error: this.loadError })} <button type="button" @click=${() => this.load()}>${t('ops.retry')}</button></p>`
            : html`<llc-operators-table .operators=${this.operators} .currentId=${me?.id ?? null} .busyId=${this.busyId} @operator-action=${this.action}></llc-operators-table>`
      }
      <llc-operator-form-dialog ?open=${this.dialogOpen} .operator=${this.dialogOperator} .errors=${this.dialogErrors} .formError=${this.dialogFormError}
        ?busy=${this.dialogBusy} @operator-save=${this.save} @dialog-close=${() => {
          if (!this.dialogBusy) this.dialogOpen = false;
        }}></llc-operator-form-dialog>
      <llc-confirm-dialog ?open=${target !== null} danger .heading=${t('ops.deactivate.title')}
        .message=${target ? t('ops.deactivate.message', { name: target.display_name }) + (target.id === me?.id ? ` ${t('ops.deactivate.self')}` : '') : ''}
        .confirmLabel=${t('ops.deactivate.confirm')} ?busy=${this.deactivateBusy} .error=${this.deactivateError}
        @confirm=${this.confirmDeactivate} @cancel=${() => {
          if (!this.deactivateBusy) this.deactivating = null;
        }}></llc-confirm-dialog>
    `;
  }

  static styles = [tokens, panelStyles];
}
customElements.define('llc-operators-panel', OperatorsPanel);
