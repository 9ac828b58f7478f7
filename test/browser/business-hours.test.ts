// Business hours in Chromium (issue 12), against the running product: the editor in Settings ›
// General saves weekly ranges, a holiday and the away message, and shows them again after a
// reload; a range that ends before it starts is refused at its input in Thai; the inbox header
// says when the team is closed. What the page did is read back through the API.
import assert from 'node:assert';
import type { Page } from 'playwright-core';
import { call } from '../support/api-server';
import { useBrowserProduct } from '../support/browser-product';
import { openPage, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const AWAY = 'เราปิดทำการแล้ว จะเปิดอีกครั้ง {next_opening}';

describe('inbox in the browser: business hours', function () {
  this.timeout(90000);
  const s = useBrowserProduct(ADMIN);
  let page: Page;

  before(async () => {
    ({ page } = await openPage(s.browser, s.errors, { viewport: { width: 1280, height: 2200 } }));
    await signIn(page, s.product.baseUrl, ADMIN, '/admin/settings');
  });

  const settings = async () => (await call(s.api, 'GET', '/admin/live-chat/settings', { token: s.owner })).body.settings;
  const openGeneral = async () => {
    await page.getByRole('tab', { name: 'ทั่วไป' }).click();
    await page.getByLabel('ใช้เวลาทำการ').waitFor();
  };
  const save = async (outcome: string) => {
    await page.getByRole('button', { name: 'บันทึกการตั้งค่า' }).click();
    await page.getByRole('status').filter({ hasText: outcome }).waitFor();
  };

  it('saves weekly ranges, a holiday and the away message, and shows them again after a reload', async () => {
    await openGeneral();
    assert.strictEqual(await page.getByLabel('ใช้เวลาทำการ').isChecked(), false, 'off by default');
    assert.strictEqual(await page.getByLabel('จันทร์ เปิด').inputValue(), '09:00', 'a office week is ready');

    await page.getByLabel('ใช้เวลาทำการ').check();
    // Monday gets an afternoon after a lunch break; Friday closes; Saturday opens in the morning.
    await page.getByLabel('จันทร์ ปิด').fill('12:00');
    await page.locator('#bh-mon-add').click();
    await page.getByLabel('จันทร์ เปิด').nth(1).fill('13:00');
    await page.getByLabel('จันทร์ ปิด').nth(1).fill('18:00');
    await page.getByRole('button', { name: 'ลบช่วง 09:00–18:00 ของวันศุกร์' }).click();
    await page.locator('#bh-sat-add').click();
    await page.getByLabel('เสาร์ เปิด').fill('10:00');
    await page.getByLabel('เสาร์ ปิด').fill('14:00');
    await page.getByLabel('วันที่หยุด').fill('2030-04-13');
    await page.getByRole('button', { name: '+ เพิ่มวันหยุด' }).click();
    await page.getByLabel('วันที่หยุด').fill('2030-01-01');
    await page.getByRole('button', { name: '+ เพิ่มวันหยุด' }).click();
    await page.getByLabel(/^ข้อความนอกเวลาทำการ/).fill(AWAY);
    await save('บันทึกการตั้งค่าแล้ว');
    await screenshot(page, 'settings-business-hours');

    const stored = await settings();
    const office = [{ from: '09:00', to: '18:00' }];
    assert.deepStrictEqual(stored.business_hours, {
      enabled: true,
      weekly: {
        mon: [
          { from: '09:00', to: '12:00' },
          { from: '13:00', to: '18:00' },
        ],
        tue: office,
        wed: office,
        thu: office,
        fri: [],
        sat: [{ from: '10:00', to: '14:00' }],
        sun: [],
      },
      holidays: ['2030-01-01', '2030-04-13'],
    });
    assert.strictEqual(stored.away_message, AWAY);

    await page.reload();
    await openGeneral();
    assert.strictEqual(await page.getByLabel('ใช้เวลาทำการ').isChecked(), true);
    assert.deepStrictEqual(await page.getByLabel('จันทร์ ปิด').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)), ['12:00', '18:00']);
    assert.strictEqual(await page.getByLabel('เสาร์ เปิด').inputValue(), '10:00');
    await page.getByRole('group', { name: 'ศุกร์' }).getByText('ปิดทั้งวัน').waitFor();
    await page.getByRole('button', { name: 'ลบวันหยุด 2030-01-01' }).waitFor();
    assert.strictEqual(await page.getByLabel(/^ข้อความนอกเวลาทำการ/).inputValue(), AWAY);
  });

  it('refuses a range that ends before it starts at its input, in Thai, and changes nothing', async () => {
    const before = await settings();
    await page.getByLabel('อังคาร ปิด').fill('08:00');
    await save('ยังบันทึกไม่ได้');
    assert.strictEqual(await page.getByLabel('อังคาร ปิด').getAttribute('aria-invalid'), 'true');
    assert.strictEqual(await page.getByLabel('อังคาร เปิด').getAttribute('aria-invalid'), 'false');
    await page.getByRole('alert').filter({ hasText: 'เวลาปิดต้องหลังเวลาเปิด' }).waitFor();
    await screenshot(page, 'settings-business-hours-error');
    assert.deepStrictEqual(await settings(), before);
    await page.getByLabel('อังคาร ปิด').fill('18:00');
    await save('บันทึกการตั้งค่าแล้ว');
  });

  it('the inbox header says the team is closed', async () => {
    // No hours on any day: closed whatever the time the test runs at.
    const closed = { enabled: true, weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [] };
    assert.strictEqual((await call(s.api, 'PUT', '/admin/live-chat/settings', { token: s.owner, body: { business_hours: closed } })).status, 200);
    await page.goto(`${s.product.baseUrl}/admin/live-chat`);
    await page.locator('llc-hours-badge').getByText('นอกเวลาทำการ').waitFor();
    assert.deepStrictEqual((await call(s.api, 'GET', '/admin/live-chat/business-hours', { token: s.owner })).body, { open_now: false, next_opening: null });
  });
});
