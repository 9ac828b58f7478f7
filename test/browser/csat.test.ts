// CSAT and follow-aware sending (issue 12) in Chromium against the running product: an admin turns
// the rating on in Settings › General, a closed chat's user taps a score in LINE and the chat's
// timeline shows it live, and once the user unfollows, the composer is disabled with the reason.
import assert from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { FakeLine } from '../support/fake-line';
import { deliverWebhook, messageEvent, postbackEvent, unfollowEvent, userId } from '../support/line-webhooks';
import { call, login } from '../support/api-server';
import { tempDir } from '../support/databases';
import { eventually, productEnvironment, type RunningProduct, startProduct } from '../support/product';
import { launchBrowser, openPage, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const NAME = 'สมชาย ใจดี';

describe('inbox in the browser: CSAT and a user who unfollowed', function () {
  this.timeout(90000);
  let line: FakeLine;
  let product: RunningProduct;
  let api: string;
  let owner: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const user = userId();
  const webhook = (events: Record<string, unknown>[]) => deliverWebhook(`${product.baseUrl}/line/webhook`, events);

  before(async () => {
    line = await new FakeLine().start();
    [product, browser] = await Promise.all([startProduct(tempDir(), productEnvironment(ADMIN, line)), launchBrowser()]);
    api = `${product.baseUrl}/api/v1`;
    owner = await login(api, ADMIN);
    line.setProfile(user, { displayName: NAME });
    ({ page } = await openPage(browser, errors));
  });

  after(async () => {
    await browser?.close();
    await product?.stop();
    await line?.close();
  });

  afterEach(() => {
    assert.deepStrictEqual(errors, [], 'no script errors in the page');
  });

  it('an admin turns the rating on in Settings › General, with the Thai scale and a comment', async () => {
    await page.setViewportSize({ width: 1280, height: 2200 });
    await signIn(page, product.baseUrl, ADMIN, '/admin/settings');
    await page.getByRole('tab', { name: 'ทั่วไป' }).click();
    await page.getByLabel(/^ถามความพึงพอใจเมื่อปิดแชท/).selectOption('true');
    await page.getByLabel(/^ปุ่มให้คะแนน/).selectOption('satisfaction');
    await page.getByLabel(/^ขอความคิดเห็นเพิ่มเติมหลังให้คะแนน/).selectOption('true');
    await page.getByRole('button', { name: 'บันทึกการตั้งค่า' }).click();
    await page.getByRole('status').filter({ hasText: 'บันทึกการตั้งค่าแล้ว' }).waitFor();
    await screenshot(page, 'csat-1-settings');
    const { settings } = (await call(api, 'GET', '/admin/live-chat/settings', { token: owner })).body;
    assert.deepStrictEqual([settings.csat_enabled, settings.csat_scale, settings.csat_ask_comment], [true, 'satisfaction', true]);
  });

  it("shows the user's rating and comment on the chat's timeline as they come", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user })]);
    await eventually(async () => (await call(api, 'GET', `/admin/live-chat/conversations/${user}`, { token: owner })).body.session?.status === 'WAITING');
    assert.strictEqual((await call(api, 'POST', `/admin/live-chat/conversations/${user}/claim`, { token: owner })).status, 200);
    await page.goto(`${product.baseUrl}/admin/live-chat?user=${user}`);
    await page.getByRole('heading', { name: NAME }).waitFor();
    assert.strictEqual((await call(api, 'POST', `/admin/live-chat/conversations/${user}/close`, { token: owner, body: {} })).status, 200);
    const question = await eventually(() => {
      const pushed = line.requestsTo('POST', '/v2/bot/message/push').flatMap((r) => r.body.messages);
      const found = pushed.find((m: any) => m.quickReply);
      assert.ok(found);
      return found;
    });
    const best = question.quickReply.items[0].action;
    assert.strictEqual(best.label, 'พอใจมาก');

    await webhook([postbackEvent(best.data, { userId: user })]);
    await page.getByRole('note').filter({ hasText: 'ผู้ใช้ให้คะแนน 5/5 แก่' }).waitFor();
    await webhook([messageEvent('ตอบเร็วมาก ขอบคุณครับ', { userId: user })]);
    const comment = page.getByRole('note').filter({ hasText: 'ความคิดเห็นของผู้ใช้ถึง' });
    await comment.getByText('ตอบเร็วมาก ขอบคุณครับ').waitFor();
    await screenshot(page, 'csat-2-timeline');
  });

  it('disables the composer with the reason once the user unfollows', async () => {
    // Back in HUMAN mode the composer is open …
    assert.strictEqual((await call(api, 'POST', `/admin/live-chat/conversations/${user}/mode`, { token: owner, body: { mode: 'HUMAN' } })).status, 200);
    await page.locator('llc-composer textarea').waitFor();
    // … until the user leaves.
    await webhook([unfollowEvent({ userId: user })]);
    await page.locator('llc-composer').getByRole('status').filter({ hasText: 'ผู้ใช้เลิกติดตามแล้ว — ส่งข้อความไม่ได้' }).waitFor();
    await screenshot(page, 'csat-3-unfollowed');
    const refused = await call(api, 'POST', `/admin/live-chat/conversations/${user}/messages`, { token: owner, body: { messages: ['ยังอยู่ไหมครับ'] } });
    assert.deepStrictEqual([refused.status, refused.body.code], [409, 'contact_unfollowed']);
  });
});
