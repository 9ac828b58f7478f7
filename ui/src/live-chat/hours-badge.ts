// "Closed now, opens …" in the inbox header while outside business hours (GET
// /admin/live-chat/business-hours); nothing while open. Asked again every few minutes and at the
// next opening, so it goes by itself when the team opens.
import { LitElement, css, html, nothing } from 'lit';
import { api } from '../core/api';
import { registerStrings, t } from '../core/i18n';
import { dateTime } from '../core/format';
import { tokens } from '../core/styles';
import { LanguageController } from '../core/language-controller';

registerStrings({
  th: { 'hours.closed': 'นอกเวลาทำการ', 'hours.opens': 'นอกเวลาทำการ · เปิด {when}' },
  en: { 'hours.closed': 'Closed now', 'hours.opens': 'Closed now · opens {when}' },
});

interface OpenNow {
  open_now: boolean;
  next_opening: string | null;
}

const RECHECK_MS = 5 * 60_000;

export class HoursBadge extends LitElement {
  static properties = { state: { state: true } };
  state: OpenNow | null = null;
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.check();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private async check(): Promise<void> {
    try {
      this.state = await api.get<OpenNow>('/admin/live-chat/business-hours');
    } catch {
      // a header hint only: the inbox works without it
    }
    if (!this.isConnected) return;
    const untilOpening = this.state?.next_opening ? new Date(this.state.next_opening).getTime() - Date.now() + 1000 : RECHECK_MS;
    this.timer = setTimeout(() => void this.check(), Math.max(1000, Math.min(RECHECK_MS, untilOpening)));
  }

  render() {
    if (!this.state || this.state.open_now) return nothing;
    const when = this.state.next_opening;
    return html`<span class="pill" role="status">${when ? t('hours.opens', { when: dateTime(when) }) : t('hours.closed')}</span>`;
  }

  static styles = [
    tokens,
    css`
    .pill { display: inline-block; border-radius: 999px; padding: 0.25rem 0.7rem; font-size: 0.85rem; background: #eef2ff; color: #3730a3; white-space: nowrap; }
  `,
  ];
}
customElements.define('llc-hours-badge', HoursBadge);
