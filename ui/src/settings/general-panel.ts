// The General tab: reads the live chat settings and saves them with PUT
// /api/v1/admin/live-chat/settings; a 400 names the setting at fault, shown at its field.
import { html } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { api, ApiError } from '../core/api';
import { errorText } from '../core/error-text';
import { SettingsPanel } from './settings-panel';
import { panelStyles } from './panel-styles';
import type { LiveChatSettings } from './general-settings-form';
import './general-settings-form';

registerStrings({
  th: {
    'general.title': 'ทั่วไป',
    'general.intro': 'คำที่ผู้ใช้พิมพ์เพื่อขอคุยกับเจ้าหน้าที่ ข้อความอัตโนมัติ และเวลาปิดแชท',
    'general.loading': 'กำลังโหลด…',
    'general.load-failed': 'โหลดการตั้งค่าไม่สำเร็จ: {error}',
    'general.retry': 'ลองอีกครั้ง',
    'general.saved': 'บันทึกการตั้งค่าแล้ว',
    'general.invalid': 'ยังบันทึกไม่ได้: โปรดแก้ช่องที่มีข้อความสีแดง',
  },
  en: {
    'general.title': 'General',
    'general.intro': 'What users type to reach a human, the automatic messages, and when idle chats close.',
    'general.loading': 'Loading…',
    'general.load-failed': 'Could not load the settings: {error}',
    'general.retry': 'Try again',
    'general.saved': 'Settings saved',
    'general.invalid': 'Not saved: please fix the field marked in red',
  },
});

export class GeneralPanel extends SettingsPanel {
  static properties = {
    settings: { state: true },
    loadError: { state: true },
    errors: { state: true },
    formError: { state: true },
    busy: { state: true },
    status: { state: true },
  };
  settings: LiveChatSettings | null = null;
  loadError = '';
  errors: Record<string, string> = {};
  formError = '';
  busy = false;
  status: { ok: boolean; text: string } | null = null;

  protected async load(): Promise<void> {
    try {
      this.settings = (await api.get<{ settings: LiveChatSettings }>('/admin/live-chat/settings')).settings;
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
  }

  private async save(e: CustomEvent<{ changes: Record<string, unknown> }>): Promise<void> {
    this.busy = true;
    this.errors = {};
    this.formError = '';
    this.status = null;
    try {
      this.settings = (await api.put<{ settings: LiveChatSettings }>('/admin/live-chat/settings', e.detail.changes)).settings;
      this.status = { ok: true, text: t('general.saved') };
    } catch (err) {
      // A field inside a setting (business_hours.weekly.mon[0].to) is shown at its setting, and its path kept.
      const setting = err instanceof ApiError ? err.field?.split(/[.[]/)[0] : undefined;
      if (err instanceof ApiError && setting && setting in e.detail.changes) {
        this.errors = { [setting]: errorText(err), ...(setting !== err.field ? { [`${setting}_field`]: err.field! } : {}) };
        this.status = { ok: false, text: t('general.invalid') };
      } else {
        this.formError = (err as Error).message;
      }
    } finally {
      this.busy = false;
    }
  }

  render() {
    return html`
      <div class="toolbar"><h2>${t('general.title')}</h2></div>
      <p class="intro">${t('general.intro')}</p>
      ${
        this.loadError
          ? html`<p class="error" role="alert">${t('general.load-failed', { error: this.loadError })} <button type="button" @click=${() => this.load()}>${t('general.retry')}</button></p>`
          : this.settings
            ? html`<llc-general-settings-form .settings=${this.settings} .errors=${this.errors} .formError=${this.formError} ?busy=${this.busy}
              .message=${this.status} @settings-save=${this.save}></llc-general-settings-form>`
            : html`<p class="loading">${t('general.loading')}</p>`
      }
    `;
  }

  static styles = [tokens, panelStyles];
}
customElements.define('llc-general-panel', GeneralPanel);
