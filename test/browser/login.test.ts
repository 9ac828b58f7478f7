import assert from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../support/databases';
import { type RunningProduct, startProduct } from '../support/product';
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

  it('switches to English and keeps the choice', async () => {
    await signIn(page, product.baseUrl, ADMIN);
    await page.getByLabel('ภาษา').selectOption('en');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Live chat' }).waitFor();
    await page.getByLabel('Language').selectOption('th');
  });
});
