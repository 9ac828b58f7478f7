// Issue 11 in Chromium against the running product: the admin keeps the team's replies in
// Settings (and imports the ones saved in a browser), an operator uses them with `/` by keyboard
// alone (placeholders filled), leaves an internal note LINE never gets, and hands the chat to a
// colleague, who sees it live in a second browser context and is told.
import assert from 'node:assert';
import type { BrowserContext, Page } from 'playwright-core';
import { deliverWebhook, messageEvent, userId } from '../support/line-webhooks';
import { addOperator, call } from '../support/api-server';
import { eventually } from '../support/product';
import { useBrowserProduct } from '../support/browser-product';
import { openPage, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const SOMSRI = { username: 'somsri', password: 'somsri-password-1' };
const NAME = 'คุณนก ใจดี';

/** Records notifications instead of showing them. */
const RECORD_NOTIFICATIONS = () => {
  const w = window as unknown as { __notes: { title: string; body?: string }[] };
  w.__notes = [];
  class RecordedNotification {
    static permission = 'granted';
    static requestPermission = async () => 'granted';
    onclick: (() => void) | null = null;
    constructor(title: string, options?: { body?: string }) {
      w.__notes.push({ title, body: options?.body });
    }
    close() {}
  }
  (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
};

describe('inbox in the browser: the team (team replies, notes, transfer)', function () {
  this.timeout(90000);
  const s = useBrowserProduct(ADMIN);
  let somsriId: number;
  let adminContext: BrowserContext;
  let somsriContext: BrowserContext;
  let admin: Page;
  let somsri: Page;
  const user = userId();

  before(async () => {
    somsriId = (await addOperator(s.api, s.owner, { ...SOMSRI, display_name: 'สมศรี', role: 'operator' })).id;
    s.line.setProfile(user, { displayName: NAME });
    const open = async () => {
      const opened = await openPage(s.browser, s.errors);
      await opened.page.addInitScript(RECORD_NOTIFICATIONS);
      opened.page.on('dialog', (d) => void d.accept());
      return opened;
    };
    ({ context: adminContext, page: admin } = await open());
    ({ context: somsriContext, page: somsri } = await open());
  });

  const say = (text: string) =>
    deliverWebhook(`${s.product.baseUrl}/line/webhook`, [messageEvent(text, { userId: user, replyToken: s.line.issueReplyToken() })]);
  const pushes = () => s.line.requestsTo('POST', '/v2/bot/message/push').filter((r) => r.body?.to === user);
  const bubble = (p: Page, text: string) => p.locator('llc-message-bubble').filter({ hasText: text });

  it('lets the admin keep team replies in Settings: text with placeholders, Flex as JSON (garbage refused), and import the browser-saved ones', async () => {
    await signIn(admin, s.product.baseUrl, ADMIN, '/admin/settings?tab=replies');
    // A reply saved in this browser the old way, to import.
    await admin.evaluate(() =>
      localStorage.setItem('llc.savedReplies', JSON.stringify([{ name: 'เวลาทำการ', message: { type: 'text', text: 'เปิด 9:00–18:00 ค่ะ' } }])),
    );
    await admin.reload();
    const panel = admin.locator('llc-canned-panel');
    await panel.getByText('ยังไม่มีข้อความของทีม').waitFor();

    await panel.getByRole('button', { name: 'เพิ่มข้อความ' }).click();
    await panel.getByLabel('ชื่อ', { exact: true }).fill('ทักทาย');
    await panel.getByLabel('คีย์ลัด (หลัง /)').fill('hello');
    await panel.getByLabel('ข้อความ', { exact: true }).fill('สวัสดีค่ะคุณ {displayName} ดิฉัน {operatorName} ยินดีให้บริการค่ะ');
    await panel.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await panel.locator('li[data-shortcut="hello"]').waitFor();

    await panel.getByRole('button', { name: 'เพิ่มข้อความ' }).click();
    await panel.getByLabel('ชื่อ', { exact: true }).fill('ใบราคา');
    await panel.getByLabel('คีย์ลัด (หลัง /)').fill('price');
    await panel.getByLabel('LINE message object (JSON)', { exact: true }).check();
    const json = panel.getByLabel(/LINE message object \(JSON\) เช่น Flex/);
    await json.fill('{ "type": "flex", "contents": { "type": "bubble" } }');
    await panel.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await panel.getByRole('alert').filter({ hasText: 'message.altText' }).waitFor();
    await json.fill(
      JSON.stringify({
        type: 'flex',
        altText: 'ใบราคาสำหรับ {displayName}',
        contents: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'ราคา 990 บาท' }] } },
      }),
    );
    await panel.getByRole('button', { name: 'บันทึก', exact: true }).click();
    await panel.locator('li[data-shortcut="price"]').waitFor();

    await panel.getByRole('button', { name: 'นำเข้า 1 ข้อความที่บันทึกในเบราว์เซอร์นี้' }).click();
    await panel.getByRole('status').filter({ hasText: 'นำเข้า 1 ข้อความแล้ว' }).waitFor();
    await panel.locator('li').filter({ hasText: 'เวลาทำการ' }).waitFor();
    assert.strictEqual(await admin.evaluate(() => localStorage.getItem('llc.savedReplies')), '[]');
    await screenshot(admin, 'team-1-replies-settings');

    const listed = await call(s.api, 'GET', '/admin/live-chat/canned-responses', { token: s.owner });
    assert.deepStrictEqual(listed.body.canned_responses.map((c: any) => c.shortcut).sort(), ['hello', 'price', 'เวลาทำการ']);
  });

  it('lets an operator use a team reply with / by keyboard alone, the placeholders filled', async () => {
    await say('สวัสดีค่ะ');
    await say('ติดต่อเจ้าหน้าที่');
    await signIn(somsri, s.product.baseUrl, SOMSRI, `/admin/live-chat?user=${user}`);
    await somsri.getByRole('heading', { name: NAME }).waitFor();
    await somsri.getByRole('button', { name: 'รับแชท' }).click();
    await somsri.getByTestId('holder').filter({ hasText: 'คุณกำลังดูแลแชทนี้' }).waitFor();

    const box = somsri.getByRole('textbox', { name: 'พิมพ์ข้อความ' });
    await box.focus();
    await box.press('/');
    const picker = somsri.locator('llc-canned-picker');
    await picker.getByRole('option').first().waitFor();
    assert.strictEqual(await picker.getByRole('option').count(), 3);
    // Escape closes the picker and keeps what was typed.
    await box.press('Escape');
    await picker.waitFor({ state: 'detached' });
    assert.strictEqual(await box.inputValue(), '/');
    await box.fill('');

    await box.pressSequentially('/h');
    await picker.getByRole('option', { selected: true }).filter({ hasText: '/hello' }).waitFor();
    await screenshot(somsri, 'team-2-slash-picker');
    await box.press('Enter');
    await eventually(async () => (await box.inputValue()) === 'สวัสดีค่ะคุณ คุณนก ใจดี ดิฉัน สมศรี ยินดีให้บริการค่ะ');
    assert.strictEqual(pushes().length, 0, 'a text reply waits in the box to be edited');
    await box.press('Enter');
    await eventually(() => pushes().some((r) => r.body.messages[0].text === 'สวัสดีค่ะคุณ คุณนก ใจดี ดิฉัน สมศรี ยินดีให้บริการค่ะ'));

    // Arrows move through the list; a Flex reply goes at once, filled.
    await box.press('/');
    await picker.getByRole('option').first().waitFor();
    const options = await picker.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('data-shortcut')));
    const steps = options.indexOf('price');
    for (let i = 0; i < steps; i++) await box.press('ArrowDown');
    await picker.getByRole('option', { selected: true }).filter({ hasText: '/price' }).waitFor();
    await box.press('Enter');
    const flex = await eventually(() => pushes().find((r) => r.body.messages[0].type === 'flex'));
    assert.strictEqual(flex!.body.messages[0].altText, 'ใบราคาสำหรับ คุณนก ใจดี');
    await bubble(somsri, 'ใบราคาสำหรับ คุณนก ใจดี').waitFor();
    assert.strictEqual(await box.inputValue(), '');

    // With the mouse: Ready replies opens at the team's.
    await somsri.getByRole('button', { name: 'ข้อความสำเร็จรูป' }).click();
    await somsri.getByRole('tab', { name: 'ของทีม', selected: true }).waitFor();
    await somsri.locator('llc-reply-picker button[data-shortcut="hello"]').click();
    await eventually(async () => (await box.inputValue()) === 'สวัสดีค่ะคุณ คุณนก ใจดี ดิฉัน สมศรี ยินดีให้บริการค่ะ');
    await box.fill('');
  });

  it('keeps an internal note in the timeline, live to the admin, never sent to LINE', async () => {
    await admin.goto(`${s.product.baseUrl}/admin/live-chat?user=${user}`);
    await admin.getByRole('heading', { name: NAME }).waitFor();
    const before = s.line.requests.length;

    await somsri.getByRole('button', { name: 'โน้ตภายใน' }).click();
    const noteBox = somsri.getByRole('textbox', { name: 'โน้ตภายใน' });
    await noteBox.fill('ลูกค้าโอนแล้ว รอตรวจสลิปก่อนส่งของ');
    await noteBox.press('Enter');
    const mine = somsri.locator('llc-timeline-entry').filter({ hasText: 'ลูกค้าโอนแล้ว รอตรวจสลิปก่อนส่งของ' });
    await mine.getByText('โน้ตภายใน · ผู้ใช้ไม่เห็น').waitFor();
    const theirs = admin.locator('llc-timeline-entry').filter({ hasText: 'ลูกค้าโอนแล้ว รอตรวจสลิปก่อนส่งของ' });
    await theirs.getByText('สมศรี เขียนโน้ต', { exact: false }).waitFor();
    await screenshot(somsri, 'team-3-note');
    // Nothing went to LINE for it, and it is not a message bubble.
    assert.deepStrictEqual(
      s.line.requests.slice(before).filter((r) => r.path.startsWith('/v2/bot/message')),
      [],
    );
    assert.strictEqual(await bubble(somsri, 'รอตรวจสลิป').count(), 0);
    await somsri.getByRole('button', { name: 'โน้ตภายใน' }).click();
  });

  it('hands the chat to a colleague with a note: they see it live in their browser and are told', async () => {
    await somsri.getByRole('button', { name: 'โอนแชท' }).click();
    const dialog = somsri.locator('llc-transfer-dialog dialog');
    await dialog.getByLabel('โอนให้').selectOption({ label: 'Administrator (owner)' });
    await dialog.getByLabel('โน้ตถึงผู้รับ (ไม่บังคับ)').fill('ลูกค้าขอใบกำกับภาษี');
    await dialog.getByRole('button', { name: 'โอน', exact: true }).click();

    // The admin's page, in another browser context, follows live.
    await admin.getByTestId('holder').filter({ hasText: 'คุณกำลังดูแลแชทนี้' }).waitFor();
    await admin.locator('llc-timeline-entry').filter({ hasText: 'สมศรี โอนแชทให้ Administrator' }).filter({ hasText: 'ลูกค้าขอใบกำกับภาษี' }).waitFor();
    await admin.locator('.handed').filter({ hasText: 'สมศรี โอนแชทของ คุณนก ใจดี ให้คุณ' }).waitFor();
    const notes = await eventually(() =>
      admin
        .evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes)
        .then((n) => n.find((x) => x.title === 'คุณได้รับแชทที่โอนมา')),
    );
    assert.ok(notes!.body?.includes('ลูกค้าขอใบกำกับภาษี'), JSON.stringify(notes));
    await screenshot(admin, 'team-4-handed-over');

    // สมศรี no longer holds it: her box says who does, and she may still leave a note.
    await somsri.getByTestId('holder').filter({ hasText: 'Administrator กำลังดูแลแชทนี้' }).waitFor();
    await somsri.getByRole('button', { name: 'เขียนโน้ตภายใน' }).waitFor();
    const session = await call(s.api, 'GET', `/admin/live-chat/conversations/${user}`, { token: s.owner });
    assert.notStrictEqual(session.body.session.operator.id, somsriId);
  });

  it('lets an admin take over a chat someone else holds', async () => {
    const handed = await call(s.api, 'POST', `/admin/live-chat/conversations/${user}/transfer`, { token: s.owner, body: { operator_id: somsriId } });
    assert.strictEqual(handed.status, 200, JSON.stringify(handed.body));
    await somsri.getByTestId('holder').filter({ hasText: 'คุณกำลังดูแลแชทนี้' }).waitFor();
    await admin.getByTestId('holder').filter({ hasText: 'สมศรี กำลังดูแลแชทนี้' }).waitFor();
    await admin.getByRole('button', { name: 'รับช่วงแชท' }).click();
    await admin.getByTestId('holder').filter({ hasText: 'คุณกำลังดูแลแชทนี้' }).waitFor();
    await somsri.locator('llc-timeline-entry').filter({ hasText: 'Administrator รับช่วงแชทต่อจาก สมศรี' }).waitFor();
  });

  it('fits a 390 px phone, in English too: the chat header, the transfer dialog and the note', async () => {
    const phone = await s.browser.newContext({ viewport: { width: 390, height: 780 }, storageState: await adminContext.storageState() });
    phone.setDefaultTimeout(15000);
    const small = await phone.newPage();
    small.on('pageerror', (err) => s.errors.push(err.message));
    await small.goto(`${s.product.baseUrl}/admin/live-chat?user=${user}`);
    await small.getByLabel('ภาษา').selectOption('en');
    await small.getByRole('button', { name: 'Transfer' }).click();
    await small.locator('llc-transfer-dialog dialog').getByLabel('Transfer to').waitFor();
    await screenshot(small, 'team-5-phone-transfer');
    await small.locator('llc-transfer-dialog dialog').getByRole('button', { name: 'Cancel' }).click();
    await small.locator('llc-timeline-entry').filter({ hasText: 'Internal note · not sent to the user' }).waitFor();
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 390, `the page is ${overflow}px wide`);
    const header = await small.locator('llc-chat-header').boundingBox();
    assert.ok(header && header.x >= 0 && header.x + header.width <= 390, JSON.stringify(header));
    await phone.close();
    await somsriContext.close();
  });
});
