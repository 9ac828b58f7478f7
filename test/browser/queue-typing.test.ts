// The waiting queue and the typing animation in Chromium (issue 12), against the product as
// `npm start` runs it with the loopback LINE stand-in: an admin turns queue updates on in
// Settings › General (a refused template shown at its field), a user who hands over is told
// their place with the greeting, and an operator typing in the composer makes LINE show the
// user its loading animation (a note being written does not).
import assert from 'node:assert';
import type { Page } from 'playwright-core';
import { deliverWebhook, messageEvent, userId } from '../support/line-webhooks';
import { call } from '../support/api-server';
import { eventually } from '../support/product';
import { useBrowserProduct } from '../support/browser-product';
import { openPage, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };

describe('inbox in the browser: the waiting queue and the typing animation', function () {
  this.timeout(90000);
  const s = useBrowserProduct(ADMIN);
  let page: Page;
  const user = userId();

  before(async () => {
    s.line.setProfile(user, { displayName: 'มานี รอคิว' });
    ({ page } = await openPage(s.browser, s.errors, { viewport: { width: 1280, height: 1800 } }));
  });

  const settings = async () => (await call(s.api, 'GET', '/admin/live-chat/settings', { token: s.owner })).body.settings;

  it('turns queue updates on in Settings › General, a refused template shown at its field', async () => {
    await signIn(page, s.product.baseUrl, ADMIN, '/admin/settings');
    await page.getByRole('tab', { name: 'ทั่วไป' }).click();
    const on = page.getByLabel('แจ้งลำดับคิวให้ผู้ใช้ที่รอ');
    await on.waitFor();
    assert.strictEqual(await on.inputValue(), 'false', 'off by default');
    await on.selectOption('true');
    await page.getByLabel(/^แจ้งซ้ำได้ไม่บ่อยกว่าทุก/).fill('2');
    const template = page.getByLabel(/^ข้อความแจ้งลำดับคิว( \*)?$/);
    await template.fill('คุณรอประมาณ {wait} นาที');
    await page.getByRole('button', { name: 'บันทึกการตั้งค่า' }).click();
    await page.getByRole('status').filter({ hasText: 'ยังบันทึกไม่ได้' }).waitFor();
    assert.strictEqual(await template.getAttribute('aria-invalid'), 'true');
    assert.strictEqual((await settings()).queue_updates, false, 'nothing was changed');

    await template.fill('คุณอยู่คิวที่ {position} ประมาณ {wait} นาที');
    await page.getByRole('button', { name: 'บันทึกการตั้งค่า' }).click();
    await page.getByRole('status').filter({ hasText: 'บันทึกการตั้งค่าแล้ว' }).waitFor();
    await screenshot(page, 'settings-general-queue');
    const stored = await settings();
    assert.deepStrictEqual([stored.queue_updates, stored.queue_update_minutes], [true, 2]);
  });

  it('tells a user who hands over their place with the greeting, and shows them the animation while an operator types', async () => {
    const token = s.line.issueReplyToken();
    await deliverWebhook(`${s.product.baseUrl}/line/webhook`, [messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: token })]);
    const reply = await eventually(() => s.line.requestsTo('POST', '/v2/bot/message/reply').find((r) => r.body.replyToken === token));
    const stored = await settings();
    assert.deepStrictEqual(
      reply!.body.messages.map((m: { text: string }) => m.text),
      [stored.handoff_greeting, stored.queue_message_no_estimate.replace('{position}', '1')],
    );

    await page.goto(`${s.product.baseUrl}/admin/live-chat?user=${user}`);
    await page.getByRole('heading', { name: 'มานี รอคิว' }).waitFor();
    const box = page.getByRole('textbox', { name: 'พิมพ์ข้อความ' });
    await box.pressSequentially('สวัสดีค่ะ กำลังตรวจสอบให้');
    const calls = await eventually(() => (s.line.loadingCalls().length > 0 ? s.line.loadingCalls() : undefined));
    assert.deepStrictEqual(calls?.[0], { chatId: user, loadingSeconds: 20 });
    // Many keys, one call: the composer tells the server at most every few seconds.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.strictEqual(s.line.loadingCalls().length, 1);
    await screenshot(page, 'live-chat-typing');
  });
});
