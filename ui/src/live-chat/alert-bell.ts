// The bell in the page header: new-chat sound and notifications on or off. Turning them on is
// the user gesture browsers want before they let a page beep or ask for notifications.
import { LitElement, css, html } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import { alertsOn, askNotificationPermission, notificationPermission, setAlertsOn, unlockSound } from './new-chat-alerts';
import './strings';
import { icon } from './icons';

export class AlertBell extends LitElement {
  static properties = { on: { state: true }, permission: { state: true } };
  on = alertsOn();
  permission = notificationPermission();

  constructor() {
    super();
    new LanguageController(this);
  }

  private async toggle(): Promise<void> {
    // On, but notifications never asked for: this click asks (a click is what browsers want).
    if (this.on && this.permission === 'default') {
      unlockSound();
      this.permission = await askNotificationPermission();
      return;
    }
    this.on = !this.on;
    setAlertsOn(this.on);
    if (this.on) {
      unlockSound();
      this.permission = await askNotificationPermission();
    }
  }

  render() {
    const label = !this.on ? t('lc.alerts.off') : this.permission === 'default' ? t('lc.alerts.ask') : t('lc.alerts.on');
    const title = this.on && this.permission === 'denied' ? `${label} (${t('lc.alerts.blocked')})` : label;
    return html`<button class="icon" aria-label=${label} title=${title} aria-pressed=${this.on ? 'true' : 'false'} @click=${this.toggle}>${icon(this.on ? 'bell' : 'bell-off', 20)}${this.on && this.permission === 'default' ? html`<span class="dot"></span>` : ''}</button>`;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    button { position: relative; display: inline-grid; place-items: center; }
    .dot { position: absolute; top: 0.2rem; right: 0.2rem; width: 0.45rem; height: 0.45rem; border-radius: 50%; background: var(--lc-danger); }
  `,
  ];
}
customElements.define('llc-alert-bell', AlertBell);
