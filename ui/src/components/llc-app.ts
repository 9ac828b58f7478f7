// The inbox's shell: the login page until someone is signed in, then the header (pages, the
// waiting badge, language, sign-out) and the page the path names. Operators see Live chat,
// Friends and Analytics; admins also Settings.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, setLanguage, language, languageEvents, t } from '../core/i18n';
import { currentOperator, logOut, restoreSession, sessionEnded, sessionEvents } from '../core/session';
import { currentRoute, navigate, pathOf, type Route, routerEvents } from '../core/router';
import { whenUnauthorized } from '../core/api';
import { connectRealtime, disconnectRealtime, realtime } from '../core/realtime';
import { requestFirstPageEarly } from '../live-chat/list-request';
import '../pages/login-page';
import '../pages/live-chat-page';
import '../pages/friends-page';
import '../pages/settings-page';

registerStrings({
  th: {
    'app.title': 'Live Chat',
    'nav.live-chat': 'แชทสด',
    'nav.friends': 'เพื่อน',
    'nav.analytics': 'สถิติ',
    'nav.settings': 'ตั้งค่า',
    'app.logout': 'ออกจากระบบ',
    'app.waiting': 'รอ {n}',
    'app.language': 'ภาษา',
    'app.offline': 'การเชื่อมต่อขาดหาย กำลังเชื่อมต่อใหม่…',
  },
  en: {
    'app.title': 'Live Chat',
    'nav.live-chat': 'Live chat',
    'nav.friends': 'Friends',
    'nav.analytics': 'Analytics',
    'nav.settings': 'Settings',
    'app.logout': 'Log out',
    'app.waiting': '{n} waiting',
    'app.language': 'Language',
    'app.offline': 'Connection lost, reconnecting…',
  },
});

const PAGES: Route[] = ['live-chat', 'friends', 'analytics', 'settings'];

export class LlcApp extends LitElement {
  static properties = { ready: { state: true }, route: { state: true }, waiting: { state: true }, offline: { state: true } };
  ready = false;
  route: Route = currentRoute();
  waiting = 0;
  offline = false;

  connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.lang = language();
    whenUnauthorized(sessionEnded);
    routerEvents.addEventListener('route-changed', () => (this.route = currentRoute()));
    languageEvents.addEventListener('language-changed', () => this.requestUpdate());
    sessionEvents.addEventListener('session-changed', () => this.sessionChanged());
    const counts = (e: Event) => {
      const detail = (e as CustomEvent).detail as { waiting_count?: number };
      if (typeof detail?.waiting_count === 'number') this.setWaiting(detail.waiting_count);
    };
    realtime.addEventListener('hello', counts);
    realtime.addEventListener('conversation', counts);
    realtime.addEventListener('status', (e) => (this.offline = (e as CustomEvent).detail !== 'connected'));
    // The live chat's first rows are asked for beside the sign-in check, not after it.
    if (this.route === 'live-chat') requestFirstPageEarly();
    void restoreSession().then(() => (this.ready = true));
  }

  private sessionChanged(): void {
    if (currentOperator()) {
      connectRealtime();
      if (this.route === 'login') navigate(pathOf('live-chat'));
    } else {
      disconnectRealtime();
    }
    this.requestUpdate();
  }

  private setWaiting(n: number): void {
    this.waiting = n;
    document.title = n > 0 ? `(${n}) ${t('app.title')}` : t('app.title');
  }

  private go(e: Event, route: Route): void {
    e.preventDefault();
    navigate(pathOf(route));
  }

  /** The analytics page (with Chart.js, most of the bundle) loads only when first opened. */
  private analyticsPage() {
    if (!customElements.get('llc-analytics-page')) void import('../pages/analytics-page');
    return html`<llc-analytics-page></llc-analytics-page>`;
  }

  render() {
    if (!this.ready) return nothing;
    const operator = currentOperator();
    if (!operator) return html`<llc-login-page></llc-login-page>`;
    const pages = PAGES.filter((p) => p !== 'settings' || operator.role === 'admin');
    const route = this.route === 'settings' && operator.role !== 'admin' ? 'live-chat' : this.route === 'login' ? 'live-chat' : this.route;
    return html`
      <header>
        <strong class="brand">${t('app.title')}</strong>
        <nav aria-label="${t('app.title')}">
          ${pages.map(
            (p) => html`<a href=${pathOf(p)} @click=${(e: Event) => this.go(e, p)} aria-current=${p === route ? 'page' : 'false'}>
            ${t(`nav.${p}`)}${p === 'live-chat' && this.waiting > 0 ? html` <span class="badge waiting" data-testid="waiting-badge">${t('app.waiting', { n: this.waiting })}</span>` : nothing}
          </a>`,
          )}
        </nav>
        <span class="spacer"></span>
        <label class="language">
          <span class="visually-hidden">${t('app.language')}</span>
          <select @change=${(e: Event) => setLanguage((e.target as HTMLSelectElement).value as 'th' | 'en')} .value=${language()}>
            <option value="th" ?selected=${language() === 'th'}>ไทย</option>
            <option value="en" ?selected=${language() === 'en'}>English</option>
          </select>
        </label>
        <span class="who">${operator.display_name}</span>
        <button @click=${() => logOut()}>${t('app.logout')}</button>
      </header>
      ${this.offline ? html`<div class="offline" role="status">${t('app.offline')}</div>` : nothing}
      <main>
        ${route === 'live-chat' ? html`<llc-live-chat-page></llc-live-chat-page>` : nothing}
        ${route === 'friends' ? html`<llc-friends-page></llc-friends-page>` : nothing}
        ${route === 'analytics' ? this.analyticsPage() : nothing}
        ${route === 'settings' ? html`<llc-settings-page></llc-settings-page>` : nothing}
      </main>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: flex; flex-direction: column; height: 100vh; }
    header { display: flex; align-items: center; gap: 1rem; padding: 0.5rem 1rem; background: var(--llc-surface); border-bottom: 1px solid var(--llc-border); flex-wrap: wrap; }
    .brand { color: var(--llc-green); font-size: 1.1rem; }
    nav { display: flex; gap: 0.25rem; flex-wrap: wrap; }
    nav a { color: inherit; text-decoration: none; padding: 0.35rem 0.7rem; border-radius: var(--llc-radius); }
    nav a[aria-current='page'] { background: #ecfdf5; color: #047857; font-weight: 600; }
    .spacer { flex: 1; }
    .who { color: var(--llc-grey); }
    .offline { background: #fef3c7; color: #92400e; padding: 0.3rem 1rem; font-size: 0.85rem; }
    main { flex: 1; min-height: 0; overflow: auto; }
    @media (max-width: 640px) { .who { display: none; } header { gap: 0.5rem; } }
  `,
  ];
}
customElements.define('llc-app', LlcApp);
