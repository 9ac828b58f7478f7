import assert from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../support/databases';
import { eventually, type RunningProduct, startProduct } from '../support/product';
import { launchBrowser, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };

describe('inbox in the browser: signing in', function () {
  this.timeout(60000);
  let product: RunningProduct;
  let browser: Browser;
  let page: Page;

  before(async () => {
    product = await startProduct(tempDir(), { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await product?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(() => page.close());

  it('says so on a wrong password, signs in, and stays signed in across a reload', async () => {
    await page.goto(`${product.baseUrl}/admin/live-chat`);
    await page.getByLabel('ชื่อผู้ใช้').fill(ADMIN.username);
    await page.getByLabel('รหัสผ่าน').fill('not-the-password');
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.getByRole('alert').filter({ hasText: 'ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง' }).waitFor();
    await screenshot(page, 'login-wrong-password');

    await signIn(page, product.baseUrl, ADMIN);
    await page.reload();
    await page.getByRole('button', { name: 'ออกจากระบบ' }).waitFor();
    assert.strictEqual(await page.getByRole('link', { name: 'ตั้งค่า' }).count(), 1, 'an admin sees Settings');
    await screenshot(page, 'signed-in');

    await page.getByRole('button', { name: 'ออกจากระบบ' }).click();
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).waitFor();
  });

  it("asks for the live chat's first rows beside the sign-in check, once, and not with a 401 from before signing in", async () => {
    const seen: string[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.endsWith('/api/v1/admin/live-chat/conversations')) seen.push('list asked');
    });
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (path.endsWith('/api/v1/auth/me')) seen.push(`me ${res.status()}`);
      if (path.endsWith('/api/v1/admin/live-chat/conversations')) seen.push(`list ${res.status()}`);
    });
    // Signed out: the early list is refused, and the login page shows.
    await page.goto(`${product.baseUrl}/admin/live-chat`);
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).waitFor();
    await eventually(() => seen.includes('list 401') && seen.includes('me 401'));
    assert.deepStrictEqual(seen.filter((e) => e.startsWith('list')).sort(), ['list 401', 'list asked']);

    // Signing in opens the live chat, which asks again (the refused answer is not shown).
    seen.length = 0;
    await page.getByLabel('ชื่อผู้ใช้').fill(ADMIN.username);
    await page.getByLabel('รหัสผ่าน').fill(ADMIN.password);
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.getByRole('button', { name: 'ออกจากระบบ' }).waitFor();
    await eventually(() => seen.includes('list 200'));
    assert.strictEqual(await page.getByRole('alert').count(), 0, 'no error on the page');

    // Signed in, a reload asks for the list before the sign-in check has answered, and once.
    seen.length = 0;
    await page.reload();
    await page.getByRole('button', { name: 'ออกจากระบบ' }).waitFor();
    await eventually(() => seen.includes('list 200') && seen.includes('me 200'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(seen.indexOf('list asked') < seen.indexOf('me 200'), seen.join(', '));
    assert.strictEqual(seen.filter((e) => e === 'list asked').length, 1, seen.join(', '));
  });

  it('switches to English and keeps the choice', async () => {
    await signIn(page, product.baseUrl, ADMIN);
    await page.getByLabel('ภาษา').selectOption('en');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Live chat' }).waitFor();
    await page.getByLabel('Language').selectOption('th');
  });
});
