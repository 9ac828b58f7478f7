// Sign in: username and password; a wrong password says so; the cookie keeps you signed in.
import { LitElement, css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { logIn } from '../core/session';
import { ApiError } from '../core/api';

registerStrings({
  th: {
    'login.title': 'เข้าสู่ระบบ Live Chat',
    'login.username': 'ชื่อผู้ใช้',
    'login.password': 'รหัสผ่าน',
    'login.submit': 'เข้าสู่ระบบ',
    'login.wrong': 'ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง',
    'login.throttled': 'ลองผิดหลายครั้งเกินไป กรุณารอสักครู่',
    'login.failed': 'เข้าสู่ระบบไม่สำเร็จ: {error}',
  },
  en: {
    'login.title': 'Sign in to Live Chat',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.wrong': 'Wrong username or password',
    'login.throttled': 'Too many attempts; please wait a moment',
    'login.failed': 'Could not sign in: {error}',
  },
});

export class LoginPage extends LitElement {
  static properties = { error: { state: true }, busy: { state: true } };
  error = '';
  busy = false;

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = '';
    try {
      await logIn(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      this.error = status === 401 ? t('login.wrong') : status === 429 ? t('login.throttled') : t('login.failed', { error: (err as Error).message });
    } finally {
      this.busy = false;
    }
  }

  render() {
    return html`
      <form @submit=${this.submit}>
        <h1>${t('login.title')}</h1>
        <label>${t('login.username')}<input name="username" autocomplete="username" required></label>
        <label>${t('login.password')}<input name="password" type="password" autocomplete="current-password" required></label>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('login.submit')}</button>
      </form>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: grid; place-items: center; min-height: 100vh; background: var(--llc-bg); }
    form { background: var(--llc-surface); padding: 2rem; border-radius: 0.75rem; box-shadow: 0 4px 12px rgb(0 0 0 / 0.08); display: grid; gap: 1rem; width: min(22rem, 90vw); }
    h1 { margin: 0; font-size: 1.3rem; color: var(--llc-green); }
    label { display: grid; gap: 0.3rem; }
  `,
  ];
}
customElements.define('llc-login-page', LoginPage);
