// /admin/settings (admins only; the shell hides it from operators): four tabs, Credentials,
// Operators, General, Team replies and Contacts (fields and labels) (issue 11), each a panel of
// its own (ui/src/settings/). The open tab is kept in the address (?tab=), so a reload or a shared
// link opens it again.
import { LitElement, css, html } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import '../settings/settings-tabs';
import '../settings/credentials-panel';
import '../settings/operators-panel';
import '../settings/general-panel';
import '../settings/canned-panel';
import '../settings/contacts-panel';

registerStrings({
  th: {
    'settings.title': 'ตั้งค่าระบบ',
    'settings.sections': 'หมวดการตั้งค่า',
    'settings.tab.credentials': 'ข้อมูลเชื่อมต่อ',
    'settings.tab.operators': 'เจ้าหน้าที่',
    'settings.tab.general': 'ทั่วไป',
    'settings.tab.replies': 'ข้อความของทีม',
    'settings.tab.contacts': 'ข้อมูลลูกค้า',
  },
  en: {
    'settings.title': 'System settings',
    'settings.sections': 'Settings sections',
    'settings.tab.credentials': 'Credentials',
    'settings.tab.operators': 'Operators',
    'settings.tab.general': 'General',
    'settings.tab.replies': 'Team replies',
    'settings.tab.contacts': 'Contacts',
  },
});

const TABS = ['credentials', 'operators', 'general', 'replies', 'contacts'] as const;
type Tab = (typeof TABS)[number];

function tabFromAddress(): Tab {
  const tab = new URLSearchParams(location.search).get('tab');
  return (TABS as readonly string[]).includes(tab ?? '') ? (tab as Tab) : 'credentials';
}

export class SettingsPage extends LitElement {
  static properties = { tab: { state: true } };
  tab: Tab = tabFromAddress();
  private readonly popped = () => (this.tab = tabFromAddress());

  constructor() {
    super();
    new LanguageController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.popped);
  }

  disconnectedCallback(): void {
    window.removeEventListener('popstate', this.popped);
    super.disconnectedCallback();
  }

  private select(tab: Tab): void {
    this.tab = tab;
    const url = new URL(location.href);
    url.searchParams.set('tab', tab);
    history.replaceState(history.state, '', url.pathname + url.search);
  }

  render() {
    return html`
      <h1>${t('settings.title')}</h1>
      <llc-settings-tabs .label=${t('settings.sections')} .selected=${this.tab}
        .tabs=${TABS.map((id) => ({ id, label: t(`settings.tab.${id}`) }))}
        @tab-change=${(e: CustomEvent<{ id: Tab }>) => this.select(e.detail.id)}>
        ${this.tab === 'credentials' ? html`<llc-credentials-panel></llc-credentials-panel>` : ''}
        ${this.tab === 'operators' ? html`<llc-operators-panel></llc-operators-panel>` : ''}
        ${this.tab === 'general' ? html`<llc-general-panel></llc-general-panel>` : ''}
        ${this.tab === 'replies' ? html`<llc-canned-panel></llc-canned-panel>` : ''}
        ${this.tab === 'contacts' ? html`<llc-contacts-panel></llc-contacts-panel>` : ''}
      </llc-settings-tabs>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; padding: 1rem 1.5rem 2rem; max-width: 72rem; margin: 0 auto; }
    h1 { font-size: 1.35rem; margin: 0.25rem 0 0.75rem; }
    @media (max-width: 640px) { :host { padding: 0.75rem; } }
  `,
  ];
}
customElements.define('llc-settings-page', SettingsPage);
