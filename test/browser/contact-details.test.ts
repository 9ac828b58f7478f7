// Contact details, labels and exports (issue 11) in Chromium against the running product: an admin
// adds a label in Settings, an operator fills the contact card (a bad phone refused at its field,
// in Thai), another operator's open chat follows live, the label goes on from the card and
// shows in the header and the list, the list filters by it and finds the contact by the phone
// number, the transcript and the friends list download as CSV with the right content, and the
// card fits a 390 px phone.
import assert from 'node:assert';
import fs from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { deliverWebhook, messageEvent, userId } from '../support/line-webhooks';
import { addOperator, call } from '../support/api-server';
import { eventually } from '../support/product';
import { useBrowserProduct } from '../support/browser-product';
import { openPage, screenshot, signIn } from '../support/browser';
import { FRIEND_COLUMNS, parseCsv } from '../support/csv';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const SOMSRI = { username: 'somsri', password: 'somsri-password-1' };
const NAME = 'สมชาย ใจดี';
const OTHER = 'มานี มีนา';

async function downloaded(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFileSync(file!, 'utf8');
}

describe('inbox in the browser: contact details, labels and exports', function () {
  this.timeout(90000);
  const s = useBrowserProduct(ADMIN);
  let page: Page;
  let colleague: Page;
  const user = userId();
  const second = userId();

  before(async () => {
    await addOperator(s.api, s.owner, { ...SOMSRI, display_name: 'สมศรี', role: 'operator' });
    s.line.setProfile(user, { displayName: NAME });
    s.line.setProfile(second, { displayName: OTHER });
    await deliverWebhook(`${s.product.baseUrl}/line/webhook`, [messageEvent('สอบถามเรื่องคำสั่งซื้อครับ', { userId: user })]);
    await deliverWebhook(`${s.product.baseUrl}/line/webhook`, [messageEvent('=1+1 สวัสดีค่ะ', { userId: second })]);
    ({ page } = await openPage(s.browser, s.errors, { acceptDownloads: true }));
    ({ page: colleague } = await openPage(s.browser, s.errors));
  });

  const row = (p: Page, name: string) => p.locator('llc-conversation-item').filter({ hasText: name });
  const card = (p: Page) => p.locator('llc-contact-card');

  it('an admin adds a label in Settings › Contacts, next to the default contact fields', async () => {
    await signIn(page, s.product.baseUrl, ADMIN, '/admin/settings?tab=contacts');
    await page.getByRole('heading', { name: 'ช่องข้อมูลลูกค้า' }).waitFor();
    // The fields a fresh install starts with.
    await page.locator('form[data-field] input[name=name]').first().waitFor();
    const names = await page.locator('form[data-field] input[name=name]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    assert.deepStrictEqual(names, ['เบอร์โทร', 'อีเมล', 'เลขที่คำสั่งซื้อ']);
    const add = page.getByTestId('add-label');
    await add.getByRole('textbox', { name: 'ชื่อ' }).fill('VIP');
    await add.getByRole('button', { name: 'เพิ่ม' }).click();
    await page.locator('form[data-label] input[name=name]').first().waitFor();
    const labels = (await call(s.api, 'GET', '/admin/live-chat/labels', { token: s.owner })).body.labels;
    assert.deepStrictEqual(
      labels.map((l: { name: string; color: string }) => [l.name, l.color]),
      [['VIP', '#7367f0']],
    );
    await screenshot(page, 'contacts-1-settings');
  });

  it("an operator fills the contact card; a bad phone is refused at its field; a colleague's open chat follows live", async () => {
    await signIn(colleague, s.product.baseUrl, SOMSRI, `/admin/live-chat?user=${user}`);
    await colleague.getByRole('heading', { name: NAME }).waitFor();
    await card(colleague).getByText('ข้อมูลลูกค้า').click();
    const theirPhone = card(colleague).getByRole('textbox', { name: 'เบอร์โทร' });
    await theirPhone.waitFor();

    await page.goto(`${s.product.baseUrl}/admin/live-chat?user=${user}`);
    await page.getByRole('heading', { name: NAME }).waitFor();
    await card(page).getByText('ข้อมูลลูกค้า').click();
    const phone = card(page).getByRole('textbox', { name: 'เบอร์โทร' });
    await phone.fill('12ab');
    await card(page).getByRole('button', { name: 'บันทึกข้อมูล' }).click();
    await card(page).getByText('เบอร์โทรไม่ถูกต้อง (6–15 หลัก)').waitFor();
    assert.strictEqual(await phone.getAttribute('aria-invalid'), 'true');

    await phone.fill('081-234-5678');
    await card(page).getByRole('textbox', { name: 'เลขที่คำสั่งซื้อ' }).fill('ORD-2026-889');
    await card(page).getByRole('textbox', { name: 'บันทึก' }).fill('ลูกค้าประจำ ส่งของทุกวันศุกร์');
    await card(page).getByRole('button', { name: 'บันทึกข้อมูล' }).click();
    await card(page).getByRole('status').filter({ hasText: 'บันทึกแล้ว' }).waitFor();
    const stored = (await call(s.api, 'GET', `/admin/live-chat/conversations/${user}/details`, { token: s.owner })).body.details;
    assert.deepStrictEqual(
      [stored.note, stored.fields.map((f: { value: string | null }) => f.value)],
      ['ลูกค้าประจำ ส่งของทุกวันศุกร์', ['081-234-5678', null, 'ORD-2026-889']],
    );
    // The colleague's card shows it without a reload.
    await eventually(async () => (await theirPhone.inputValue()) === '081-234-5678', 15000);
    await card(colleague)
      .getByText(/แก้ไขล่าสุดโดย Administrator/)
      .waitFor();
    await screenshot(page, 'contacts-2-card');
  });

  it('puts a label on the chat from the card: the header, both lists and the filter by label follow', async () => {
    const vip = card(page).getByRole('button', { name: 'ป้าย VIP' });
    await vip.click();
    await eventually(async () => (await vip.getAttribute('aria-pressed')) === 'true');
    await page.getByTestId('header-labels').getByText('VIP').waitFor();
    await row(page, NAME).locator('llc-label-chips').getByText('VIP').waitFor();
    // Live, in the colleague's list too.
    await row(colleague, NAME).locator('llc-label-chips').getByText('VIP').waitFor();

    await page.getByTestId('label-filter').selectOption({ label: 'VIP' });
    await row(page, OTHER).waitFor({ state: 'detached' });
    await row(page, NAME).waitFor();
    assert.strictEqual(await page.locator('llc-conversation-item').count(), 1);
    await screenshot(page, 'contacts-3-filtered');
    await page.getByTestId('label-filter').selectOption({ label: 'ทุกป้าย' });
    await row(page, OTHER).waitFor();

    // The search finds the contact by what the card holds.
    await page.getByRole('searchbox', { name: 'ค้นหาชื่อหรือ LINE ID' }).fill('ORD-2026');
    await row(page, OTHER).waitFor({ state: 'detached' });
    await row(page, NAME).waitFor();
    await page.getByRole('searchbox', { name: 'ค้นหาชื่อหรือ LINE ID' }).fill('');
    await row(page, OTHER).waitFor();
  });

  it('downloads the transcript and the friends list as CSV with what the chat and the card hold', async () => {
    const [transcript] = await Promise.all([page.waitForEvent('download'), card(page).locator('a[data-export=csv]').click()]);
    assert.match(transcript.suggestedFilename(), new RegExp(`^chat-${user}-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
    const rows = parseCsv(await downloaded(transcript));
    assert.deepStrictEqual(rows[0].slice(0, 5), ['id', 'time_utc', 'time_Asia/Bangkok', 'direction', 'sender']);
    // The user's message, then the default flow's bot answer.
    assert.deepStrictEqual(
      rows.slice(1).map((r) => [r[3], r[4]]),
      [
        ['IN', 'USER'],
        ['OUT', 'BOT'],
      ],
    );
    assert.strictEqual(rows[1][7], 'สอบถามเรื่องคำสั่งซื้อครับ');

    await page.goto(`${s.product.baseUrl}/admin/friends`);
    const [friends] = await Promise.all([page.waitForEvent('download'), page.getByTestId('friends-export').click()]);
    assert.match(friends.suggestedFilename(), /^friends-\d{4}-\d\d-\d\d\.csv$/);
    const list = parseCsv(await downloaded(friends));
    assert.deepStrictEqual(list[0], [...FRIEND_COLUMNS, 'เบอร์โทร', 'อีเมล', 'เลขที่คำสั่งซื้อ']);
    const mine = list.find((r) => r[0] === user)!;
    assert.deepStrictEqual([mine[1], mine[6], mine[7], mine[8], mine[10]], [NAME, 'VIP', 'ลูกค้าประจำ ส่งของทุกวันศุกร์', '081-234-5678', 'ORD-2026-889']);
    assert.ok(list.some((r) => r[0] === second));
  });

  it('the card and Settings › Contacts fit a 390 px phone, in English too', async () => {
    await page.setViewportSize({ width: 390, height: 780 });
    await page.goto(`${s.product.baseUrl}/admin/live-chat?user=${user}`);
    await page.getByRole('heading', { name: NAME }).waitFor();
    await page.getByRole('combobox', { name: 'ภาษา' }).selectOption('en');
    await card(page).getByText('Contact details').waitFor();
    // Open from the earlier test (it stays open from chat to chat), or opened now.
    if (!(await card(page).locator('details[open]').count())) await card(page).locator('summary').click();
    await card(page).getByRole('button', { name: 'Label VIP' }).waitFor();
    await card(page).locator('input[data-field]').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 390, `page is ${overflow} px wide`);
    const box = await card(page).locator('button[type=submit]').boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
    await screenshot(page, 'contacts-4-phone');
    // Settings › Contacts too.
    await page.goto(`${s.product.baseUrl}/admin/settings?tab=contacts`);
    await page.getByRole('heading', { name: 'Contact fields' }).waitFor();
    await page.locator('form[data-label] input[name=name]').first().waitFor();
    const settingsWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(settingsWidth <= 390, `settings are ${settingsWidth} px wide`);
    const remove = await page.getByRole('button', { name: 'Delete VIP' }).boundingBox();
    assert.ok(remove && remove.x + remove.width <= 390, JSON.stringify(remove));
    await screenshot(page, 'contacts-5-phone-settings');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('th');
  });
});
