// The Credentials tab: loads the credentials, and carries out what the table and the dialogs ask
// (save, verify, set default, delete) against /api/v1/admin/credentials, passing the API's
// answers back down: field errors to the form, verification results to the row.
import { html } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { api, ApiError } from '../core/api';
import { SettingsPanel } from './settings-panel';
import { panelStyles } from './panel-styles';
import { type Credential, PROVIDER_FIELDS, type Provider, type VerifyResult, fieldFor, providerLabel, verifyText } from './provider-fields';
import type { CredentialAction, ProviderFilter, Verification } from './credentials-table';
import type { CredentialSave } from './credential-form-dialog';
import './credentials-table';
import './credential-form-dialog';
import './confirm-dialog';

registerStrings({
  th: {
    'creds.title': 'ข้อมูลเชื่อมต่อ',
    'creds.intro': 'คีย์และโทเค็นของ LINE, Telegram, n8n, Google Sheets และ API อื่น ๆ ที่โฟลว์ใช้ ข้อมูลลับถูกเข้ารหัสและจะไม่แสดงอีก',
    'creds.add': '+ เพิ่มข้อมูลเชื่อมต่อ',
    'creds.loading': 'กำลังโหลด…',
    'creds.load-failed': 'โหลดข้อมูลเชื่อมต่อไม่สำเร็จ: {error}',
    'creds.retry': 'ลองอีกครั้ง',
    'creds.saved': 'บันทึก “{name}” แล้ว',
    'creds.default-set': '“{name}” เป็นค่าเริ่มต้นของ {provider} แล้ว',
    'creds.deleted': 'ลบ “{name}” แล้ว',
    'creds.verified': '“{name}”: {message}',
    'creds.failed': 'ไม่สำเร็จ: {error}',
    'creds.delete.title': 'ลบข้อมูลเชื่อมต่อ?',
    'creds.delete.message': 'ลบ “{name}” ({provider}) ถาวร โหนดที่ใช้ข้อมูลนี้จะเชื่อมต่อไม่ได้อีก',
    'creds.delete.confirm': 'ลบ',
  },
  en: {
    'creds.title': 'Credentials',
    'creds.intro': 'Keys and tokens of LINE, Telegram, n8n, Google Sheets and other APIs the flows use. Secrets are stored encrypted and never shown again.',
    'creds.add': '+ Add credential',
    'creds.loading': 'Loading…',
    'creds.load-failed': 'Could not load the credentials: {error}',
    'creds.retry': 'Try again',
    'creds.saved': 'Saved “{name}”',
    'creds.default-set': '“{name}” is now the default {provider} credential',
    'creds.deleted': 'Deleted “{name}”',
    'creds.verified': '“{name}”: {message}',
    'creds.failed': 'Failed: {error}',
    'creds.delete.title': 'Delete credential?',
    'creds.delete.message': 'Delete “{name}” ({provider}) for good? Nodes that use it will no longer connect.',
    'creds.delete.confirm': 'Delete',
  },
});

type Status = { ok: boolean; text: string } | null;

export class CredentialsPanel extends SettingsPanel {
  static properties = {
    credentials: { state: true },
    loading: { state: true },
    loadError: { state: true },
    filter: { state: true },
    verifications: { state: true },
    busyId: { state: true },
    status: { state: true },
    dialogOpen: { state: true },
    dialogCredential: { state: true },
    dialogErrors: { state: true },
    dialogFormError: { state: true },
    dialogBusy: { state: true },
    dialogVerification: { state: true },
    deleting: { state: true },
    deleteBusy: { state: true },
    deleteError: { state: true },
  };
  credentials: Credential[] = [];
  loading = true;
  loadError = '';
  filter: ProviderFilter = 'ALL';
  verifications: Record<number, Verification> = {};
  busyId: number | null = null;
  status: Status = null;
  dialogOpen = false;
  dialogCredential: Credential | null = null;
  dialogErrors: Record<string, string> = {};
  dialogFormError = '';
  dialogBusy = false;
  dialogVerification: Verification | null = null;
  deleting: Credential | null = null;
  deleteBusy = false;
  deleteError = '';

  protected async load(): Promise<void> {
    try {
      this.credentials = (await api.get<{ credentials: Credential[] }>('/admin/credentials')).credentials;
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private openDialog(credential: Credential | null): void {
    this.dialogCredential = credential;
    this.dialogErrors = {};
    this.dialogFormError = '';
    this.dialogVerification = credential ? (this.verifications[credential.id] ?? null) : null;
    this.dialogOpen = true;
  }

  private closeDialog(): void {
    if (this.dialogBusy) return;
    this.dialogOpen = false;
  }

  private action(e: CustomEvent<{ action: CredentialAction; credential: Credential }>): void {
    const { action, credential } = e.detail;
    if (action === 'edit') this.openDialog(credential);
    else if (action === 'verify') void this.verify(credential);
    else if (action === 'set-default') void this.setDefault(credential);
    else if (action === 'delete') {
      this.deleteError = '';
      this.deleting = credential;
    }
  }

  private async verify(credential: Credential): Promise<VerifyResult | undefined> {
    this.busyId = credential.id;
    this.verifications = { ...this.verifications, [credential.id]: 'pending' };
    try {
      const result = await api.post<VerifyResult>(`/admin/credentials/${credential.id}/verify`);
      this.verifications = { ...this.verifications, [credential.id]: result };
      this.status = { ok: result.success, text: t('creds.verified', { name: credential.name, message: verifyText(result) }) };
      await this.load(); // a verified credential learns its bot's name
      return result;
    } catch (err) {
      const { [credential.id]: _gone, ...rest } = this.verifications;
      this.verifications = rest;
      this.status = { ok: false, text: t('creds.failed', { error: (err as Error).message }) };
      return undefined;
    } finally {
      this.busyId = null;
    }
  }

  private async setDefault(credential: Credential): Promise<void> {
    this.busyId = credential.id;
    try {
      await api.post(`/admin/credentials/${credential.id}/set-default`);
      this.status = { ok: true, text: t('creds.default-set', { name: credential.name, provider: providerLabel(credential.provider) }) };
      await this.load();
    } catch (err) {
      this.status = { ok: false, text: t('creds.failed', { error: (err as Error).message }) };
    } finally {
      this.busyId = null;
    }
  }

  private async confirmDelete(): Promise<void> {
    const credential = this.deleting;
    if (!credential) return;
    this.deleteBusy = true;
    try {
      await api.delete(`/admin/credentials/${credential.id}`);
      this.deleting = null;
      this.status = { ok: true, text: t('creds.deleted', { name: credential.name }) };
      await this.load();
      // its row, whose Delete button had the focus, is gone
      this.renderRoot.querySelector<HTMLElement>('.toolbar button')?.focus();
    } catch (err) {
      this.deleteError = (err as Error).message;
    } finally {
      this.deleteBusy = false;
    }
  }

  private async save(e: CustomEvent<CredentialSave>): Promise<void> {
    const { id, body, verify } = e.detail;
    const provider = (body?.provider as Provider | undefined) ?? this.dialogCredential?.provider ?? 'LINE';
    this.dialogBusy = true;
    this.dialogErrors = {};
    this.dialogFormError = '';
    try {
      let saved = this.dialogCredential;
      if (body) {
        saved = id === null ? await api.post<Credential>('/admin/credentials', body) : await api.put<Credential>(`/admin/credentials/${id}`, body);
        this.status = { ok: true, text: t('creds.saved', { name: saved.name }) };
      }
      if (!verify || !saved) {
        this.dialogOpen = false;
        await this.load();
        return;
      }
      // the dialog now shows the stored credential, and what Verify found out
      this.dialogCredential = saved;
      this.dialogVerification = 'pending';
      const result = await this.verify(saved);
      this.dialogVerification = result ?? null;
      this.dialogCredential = this.credentials.find((c) => c.id === saved!.id) ?? saved;
      if (!result) this.dialogFormError = this.status?.text ?? '';
    } catch (err) {
      const field = err instanceof ApiError ? fieldFor(err.field, ['name', 'provider', ...PROVIDER_FIELDS[provider].map((f) => f.key)]) : undefined;
      if (field) this.dialogErrors = { [field]: (err as Error).message };
      else this.dialogFormError = (err as Error).message;
    } finally {
      this.dialogBusy = false;
    }
  }

  render() {
    return html`
      <div class="toolbar">
        <h2>${t('creds.title')}</h2>
        <button type="button" class="primary" @click=${() => this.openDialog(null)}>${t('creds.add')}</button>
      </div>
      <p class="intro">${t('creds.intro')}</p>
      <p class="status ${this.status?.ok ? 'ok' : 'failed'}" role="status">${this.status?.text ?? ''}</p>
      ${
        this.loading
          ? html`<p class="loading">${t('creds.loading')}</p>`
          : this.loadError
            ? html`<p class="error" role="alert">${t('creds.load-failed', { error: this.loadError })} <button type="button" @click=${() => this.load()}>${t('creds.retry')}</button></p>`
            : html`<llc-credentials-table .credentials=${this.credentials} .filter=${this.filter} .verifications=${this.verifications} .busyId=${this.busyId}
              @filter-change=${(e: CustomEvent) => (this.filter = e.detail.filter)} @credential-action=${this.action}></llc-credentials-table>`
      }
      <llc-credential-form-dialog ?open=${this.dialogOpen} .credential=${this.dialogCredential} .errors=${this.dialogErrors} .formError=${this.dialogFormError}
        ?busy=${this.dialogBusy} .verification=${this.dialogVerification}
        .defaultProvider=${this.filter === 'ALL' ? 'LINE' : this.filter} @credential-save=${this.save} @dialog-close=${this.closeDialog}></llc-credential-form-dialog>
      <llc-confirm-dialog ?open=${this.deleting !== null} danger .heading=${t('creds.delete.title')}
        .message=${this.deleting ? t('creds.delete.message', { name: this.deleting.name, provider: providerLabel(this.deleting.provider) }) : ''}
        .confirmLabel=${t('creds.delete.confirm')} ?busy=${this.deleteBusy} .error=${this.deleteError}
        @confirm=${this.confirmDelete} @cancel=${() => {
          if (!this.deleteBusy) this.deleting = null;
        }}></llc-confirm-dialog>
    `;
  }

  static styles = [tokens, panelStyles];
}
customElements.define('llc-credentials-panel', CredentialsPanel);
