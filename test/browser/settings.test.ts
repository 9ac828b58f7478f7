// The Settings page (/admin/settings) in Chromium against the product as `npm start` runs it,
// LINE replaced by the loopback stand-in (LINE_API_BASE_URL) so that Verify connection gets
// LINE's bot info. What the page did is read back through the API.
import assert from 'node:assert';
import type { Browser, Locator, Page } from 'playwright-core';
import { FakeLine } from '../support/fake-line';
import { call, login } from '../support/api-server';
import { tempDir } from '../support/databases';
import { type RunningProduct, startProduct } from '../support/product';
import { launchBrowser, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const OPERATOR = { username: 'somchai', password: 'somchai-pass-1', display_name: 'สมชาย ใจดี' };

/** The text of the element(s) an input names in aria-describedby, in its own shadow root. */
function description(field: Locator): Promise<string> {
  return field.evaluate((el) => {
    const root = el.getRootNode() as Document | ShadowRoot;
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids.map((id) => root.getElementById(id)?.textContent?.trim() ?? '').join(' | ');
  });
}

describe('inbox in the browser: settings', function () {
  this.timeout(60000);
  let line: FakeLine;
  let product: RunningProduct;
  let browser: Browser;
  let page: Page;
  let api: string;
  let token: string;

  before(async () => {
    line = await new FakeLine().start();
    product = await startProduct(tempDir(), {
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      // becomes "Main LINE OA", the default LINE credential
      LINE_CHANNEL_SECRET: 'env-channel-secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'env-token-that-line-refuses',
      LINE_CHANNEL_ID: '1650000000',
      LINE_API_BASE_URL: line.baseUrl,
      LINE_DATA_API_BASE_URL: line.baseUrl,
    });
    api = `${product.baseUrl}/api/v1`;
    token = await login(api, ADMIN);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, product.baseUrl, ADMIN, '/admin/settings');
  });

  after(async () => {
    await browser?.close();
    await product?.stop();
    await line?.close();
  });

  const credentials = async () =>
    (await call(api, 'GET', '/admin/credentials', { token })).body.credentials as {
      id: number;
      name: string;
      is_default: boolean;
      metadata: Record<string, unknown>;
    }[];

  it('adds a LINE credential in the modal, verifies it, makes it the default, edits it keeping its secrets, and deletes the old one', async () => {
    assert.strictEqual(await page.getByRole('tab', { name: 'ข้อมูลเชื่อมต่อ' }).getAttribute('aria-selected'), 'true');
    const oldRow = page.locator('tr', { hasText: 'Main LINE OA' });
    await oldRow.waitFor();
    assert.match(await oldRow.innerText(), /\*\*\*\*uses/, 'the masked access token');
    await screenshot(page, 'settings-credentials');

    await page.getByRole('button', { name: '+ เพิ่มข้อมูลเชื่อมต่อ' }).click();
    const dialog = page.getByRole('dialog', { name: 'เพิ่มข้อมูลเชื่อมต่อ' });
    await dialog.waitFor();
    assert.strictEqual(await dialog.getByLabel('ผู้ให้บริการ', { exact: true }).inputValue(), 'LINE');
    await dialog.getByLabel(/^ชื่อ/).first().fill('LINE สาขา 2');
    await dialog.getByLabel(/^Channel ID/).fill('2000000001');
    await dialog.getByLabel(/^Channel secret/).fill('branch-two-channel-secret');
    const tokenInput = dialog.getByLabel(/^Channel access token/);
    await tokenInput.fill(line.accessToken);
    assert.strictEqual(await tokenInput.getAttribute('type'), 'password');
    const show = dialog.getByRole('button', { name: 'แสดง Channel access token' });
    assert.strictEqual(await show.getAttribute('aria-pressed'), 'false');
    await show.click();
    assert.strictEqual(await show.getAttribute('aria-pressed'), 'true');
    assert.strictEqual(await tokenInput.getAttribute('type'), 'text');
    await show.click();
    await screenshot(page, 'settings-credential-dialog');

    await dialog.getByRole('button', { name: 'บันทึกและทดสอบการเชื่อมต่อ' }).click();
    const result = page.getByRole('dialog', { name: 'แก้ไข LINE สาขา 2' }).getByRole('status');
    await result.filter({ hasText: 'เชื่อมต่อสำเร็จ' }).waitFor();
    // Said in Thai from the result's code (the API's English is in its `message`).
    assert.match(await result.innerText(), /เชื่อมต่อกับ LINE ในชื่อ Fake Bot/);
    const edited = page.getByRole('dialog', { name: 'แก้ไข LINE สาขา 2' });
    assert.strictEqual(await edited.getByLabel(/^ชื่อบอท/).inputValue(), 'Fake Bot', 'the bot name learned by Verify');
    await screenshot(page, 'settings-credential-verified');
    await edited.getByRole('button', { name: 'ยกเลิก' }).click();
    await edited.waitFor({ state: 'hidden' });

    const newRow = page.locator('tr', { hasText: 'LINE สาขา 2' });
    assert.match(await newRow.innerText(), /เชื่อมต่อกับ LINE ในชื่อ Fake Bot/);
    let stored = (await credentials()).find((c) => c.name === 'LINE สาขา 2')!;
    assert.strictEqual(stored.is_default, false);
    assert.strictEqual(stored.metadata.channel_id, '2000000001');

    await page.getByRole('button', { name: 'ตั้ง LINE สาขา 2 เป็นค่าเริ่มต้นของ LINE' }).click();
    await page.getByRole('status').filter({ hasText: '“LINE สาขา 2” เป็นค่าเริ่มต้นของ LINE แล้ว' }).waitFor();
    await newRow.getByText('★ ค่าเริ่มต้น').waitFor();
    stored = (await credentials()).find((c) => c.name === 'LINE สาขา 2')!;
    assert.strictEqual(stored.is_default, true);

    // editing with the secret fields left blank keeps the stored secrets: Verify still passes
    await page.getByRole('button', { name: 'แก้ไข LINE สาขา 2' }).click();
    const editing = page.getByRole('dialog', { name: 'แก้ไข LINE สาขา 2' });
    assert.strictEqual(await editing.getByLabel(/^Channel access token/).inputValue(), '');
    await editing.getByLabel(/^LIFF ID/).fill('2000000001-abcdEFGH');
    await editing.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await editing.waitFor({ state: 'hidden' });
    await newRow.getByText('2000000001-abcdEFGH').waitFor();
    const verify = await call(api, 'POST', `/admin/credentials/${stored.id}/verify`, { token });
    assert.strictEqual(verify.body.success, true, 'the access token was kept');

    await page.getByRole('button', { name: 'ลบ Main LINE OA' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'ลบข้อมูลเชื่อมต่อ?' });
    await confirm.waitFor();
    assert.match(await confirm.innerText(), /Main LINE OA/);
    await screenshot(page, 'settings-credential-delete');
    await confirm.getByRole('button', { name: 'ลบ' }).click();
    await oldRow.waitFor({ state: 'detached' });
    assert.deepStrictEqual(
      (await credentials()).map((c) => c.name),
      ['LINE สาขา 2'],
    );
  });

  it('shows a 400 from the API at the field it names', async () => {
    await page.getByRole('button', { name: '+ เพิ่มข้อมูลเชื่อมต่อ' }).click();
    const dialog = page.getByRole('dialog', { name: 'เพิ่มข้อมูลเชื่อมต่อ' });
    await dialog.getByLabel('ผู้ให้บริการ', { exact: true }).selectOption('TELEGRAM');
    await dialog.getByLabel(/^ชื่อ/).first().fill('แจ้งเตือนแอดมิน');
    await dialog.getByLabel(/^Bot token/).fill('123456:telegram-token');
    const chat = dialog.getByLabel(/^Chat ID ของกลุ่มแอดมิน/);
    await chat.fill('the admins');
    await dialog.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await dialog.getByText('metadata.admin_chat_id must be a numeric chat id or an @channel name').waitFor();
    assert.strictEqual(await chat.getAttribute('aria-invalid'), 'true');
    assert.match(await description(chat), /metadata\.admin_chat_id must be a numeric chat id/);
    assert.ok(await chat.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), 'the field at fault has the focus');
    await screenshot(page, 'settings-credential-field-error');
    assert.strictEqual((await credentials()).length, 1, 'nothing was stored');

    await chat.fill('-1001234567890');
    await dialog.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const telegramRow = page.locator('tr', { hasText: 'แจ้งเตือนแอดมิน' });
    await telegramRow.getByText('★ ค่าเริ่มต้น').waitFor(); // a provider's first credential is its default
    const filter = page.getByRole('group', { name: 'กรองตามผู้ให้บริการ' });
    await filter.getByRole('button', { name: 'Telegram' }).click();
    assert.strictEqual(await filter.getByRole('button', { name: 'Telegram' }).getAttribute('aria-pressed'), 'true');
    await telegramRow.waitFor();
    assert.strictEqual(await page.locator('tr', { hasText: 'LINE สาขา 2' }).count(), 0, 'the filter hides LINE');
    await filter.getByRole('button', { name: 'ทั้งหมด' }).click();
    await page.locator('tr', { hasText: 'LINE สาขา 2' }).waitFor();
  });

  it('adds an operator, refuses to leave no active admin, and the operator is not offered Settings', async () => {
    // the tabs follow the arrow keys
    await page.getByRole('tab', { name: 'ข้อมูลเชื่อมต่อ' }).focus();
    await page.keyboard.press('ArrowRight');
    const tab = page.getByRole('tab', { name: 'เจ้าหน้าที่' });
    assert.strictEqual(await tab.getAttribute('aria-selected'), 'true');
    assert.ok(await tab.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el));
    await page.locator('tr', { hasText: ADMIN.username }).waitFor();

    await page.getByRole('button', { name: '+ เพิ่มเจ้าหน้าที่' }).click();
    const dialog = page.getByRole('dialog', { name: 'เพิ่มเจ้าหน้าที่' });
    await dialog.getByLabel(/^ชื่อผู้ใช้/).fill(OPERATOR.username);
    await dialog.getByLabel(/^ชื่อที่แสดง/).fill(OPERATOR.display_name);
    await dialog.getByLabel(/^รหัสผ่าน/).fill('short');
    await dialog.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await dialog.getByText('password must be at least 8 characters').waitFor();
    await dialog.getByLabel(/^รหัสผ่าน/).fill(OPERATOR.password);
    assert.strictEqual(await dialog.getByLabel('บทบาท', { exact: true }).inputValue(), 'operator');
    await dialog.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.locator('tr', { hasText: OPERATOR.username });
    await row.waitFor();
    assert.match(await row.innerText(), /สมชาย ใจดี[\s\S]*เจ้าหน้าที่[\s\S]*ใช้งาน/);
    await screenshot(page, 'settings-operators');

    // the only admin cannot deactivate themselves: the API's refusal is shown
    await page.getByRole('button', { name: 'ปิดใช้งาน Administrator' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'ปิดใช้งานบัญชี?' });
    await confirm.getByRole('button', { name: 'ปิดใช้งาน' }).click();
    await confirm.getByRole('alert').filter({ hasText: 'This would leave no active admin' }).waitFor();
    await confirm.getByRole('button', { name: 'ยกเลิก' }).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.ok(
      await page.getByRole('button', { name: 'ปิดใช้งาน Administrator' }).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el),
      'the focus is back where it was',
    );

    const other = await browser.newContext();
    try {
      const operatorPage = await other.newPage();
      await signIn(operatorPage, product.baseUrl, OPERATOR);
      await operatorPage.getByRole('link', { name: 'แชทสด' }).waitFor();
      assert.strictEqual(await operatorPage.getByRole('link', { name: 'ตั้งค่า' }).count(), 0, 'an operator is not offered Settings');
      await operatorPage.goto(`${product.baseUrl}/admin/settings`);
      await operatorPage.getByRole('link', { name: 'แชทสด' }).waitFor();
      assert.strictEqual(await operatorPage.getByRole('tab', { name: 'ข้อมูลเชื่อมต่อ' }).count(), 0, 'nor shown it by its address');
      const refused = await call(api, 'GET', '/admin/credentials', { token: await login(api, OPERATOR) });
      assert.strictEqual(refused.status, 403);
    } finally {
      await other.close();
    }

    // deactivate and reactivate the operator
    await page.getByRole('button', { name: `ปิดใช้งาน ${OPERATOR.display_name}` }).click();
    await page.getByRole('alertdialog', { name: 'ปิดใช้งานบัญชี?' }).getByRole('button', { name: 'ปิดใช้งาน' }).click();
    // the row's own button reads ปิดใช้งาน too: wait for what only the deactivated row shows
    await page.getByRole('button', { name: `เปิดใช้งาน ${OPERATOR.display_name} อีกครั้ง` }).waitFor();
    await row.locator('.badge', { hasText: 'ปิดใช้งาน' }).waitFor();
    const listed = async () =>
      (await call(api, 'GET', '/admin/operators', { token })).body.operators.find((o: { username: string }) => o.username === OPERATOR.username);
    assert.strictEqual((await listed()).active, false);
    await page.getByRole('button', { name: `เปิดใช้งาน ${OPERATOR.display_name} อีกครั้ง` }).click();
    await page.getByRole('button', { name: `ปิดใช้งาน ${OPERATOR.display_name}` }).waitFor();
    await row.locator('.badge', { hasText: 'ใช้งาน' }).filter({ hasNotText: 'ปิด' }).waitFor();
    assert.strictEqual((await listed()).active, true);

    // edit the display name and role
    await page.getByRole('button', { name: `แก้ไข ${OPERATOR.display_name}` }).click();
    const edit = page.getByRole('dialog', { name: `แก้ไข ${OPERATOR.display_name}` });
    await edit.getByLabel(/^ชื่อที่แสดง/).fill('สมชาย (หัวหน้าทีม)');
    await edit.getByLabel('บทบาท', { exact: true }).selectOption('admin');
    await edit.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.locator('tr', { hasText: 'สมชาย (หัวหน้าทีม)' }).getByText('ผู้ดูแลระบบ').waitFor();
    assert.strictEqual((await listed()).role, 'admin');
  });

  it('changes the General settings, and shows a refused time zone at its field', async () => {
    await page.setViewportSize({ width: 1280, height: 1800 }); // the whole form in the screenshots
    await page.getByRole('tab', { name: 'ทั่วไป' }).click();
    const greeting = page.getByLabel(/^ข้อความทักทายเมื่อส่งต่อ/);
    await greeting.waitFor();
    assert.match(await page.getByLabel(/^คำที่ใช้ขอคุยกับเจ้าหน้าที่/).inputValue(), /^ติดต่อเจ้าหน้าที่\n/);
    await screenshot(page, 'settings-general');

    await greeting.fill('สวัสดีค่ะ เจ้าหน้าที่จะตอบภายใน 5 นาที');
    await page.getByLabel(/^ปิดแชทอัตโนมัติเมื่อเงียบนาน/).fill('45');
    await page.getByLabel(/^คำที่ใช้ขอคุยกับเจ้าหน้าที่/).fill('ติดต่อเจ้าหน้าที่\n\n  แอดมิน  \nagent');
    await page.getByRole('button', { name: 'บันทึกการตั้งค่า' }).click();
    await page.getByRole('status').filter({ hasText: 'บันทึกการตั้งค่าแล้ว' }).waitFor();
    await screenshot(page, 'settings-general-saved');
    const settings = async () => (await call(api, 'GET', '/admin/live-chat/settings', { token })).body.settings;
    let stored = await settings();
    assert.strictEqual(stored.handoff_greeting, 'สวัสดีค่ะ เจ้าหน้าที่จะตอบภายใน 5 นาที');
    assert.strictEqual(stored.auto_close_minutes, 45);
    assert.deepStrictEqual(stored.handoff_keywords, ['ติดต่อเจ้าหน้าที่', 'แอดมิน', 'agent']);

    const zone = page.getByLabel(/^เขตเวลา/);
    await zone.fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'บันทึกการตั้งค่า' }).click();
    await page.getByRole('status').filter({ hasText: 'ยังบันทึกไม่ได้' }).waitFor();
    assert.strictEqual(await zone.getAttribute('aria-invalid'), 'true');
    assert.match(await description(zone), /time_zone/);
    await screenshot(page, 'settings-general-field-error');
    stored = await settings();
    assert.strictEqual(stored.time_zone, 'Asia/Bangkok', 'nothing was changed');

    // the page follows a switch of language
    await page.getByLabel('ภาษา').selectOption('en');
    await page.getByRole('tab', { name: 'General' }).waitFor();
    await page.getByLabel(/^Handoff greeting/).waitFor();
    await page.getByLabel('Language').selectOption('th');
  });
});
