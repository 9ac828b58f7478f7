// CSAT and follow-aware sending (issue 12) in Chromium against the running product: an admin turns
// the rating on in Settings › General, a closed chat's user taps a score in LINE and the chat's
// timeline shows it live, and once the user unfollows, the composer is disabled with the reason.
import assert from 'node:assert';
import type { Page } from 'playwright-core';
import { deliverWebhook, messageEvent, postbackEvent, unfollowEvent, userId } from '../support/line-webhooks';
import { call } from '../support/api-server';
import { eventually } from '../support/product';
import { useBrowserProduct } from '../support/browser-product';
import { openPage, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const NAME = 'สมชาย ใจดี';

describe('inbox in the browser: CSAT and a user who unfollowed', function () {
  this.timeout(90000);
  const s = useBrowserProduct(ADMIN);
  let page: Page;
  const user = userId();
  const webhook = (events: Record<string, unknown>[]) => deliverWebhook(`${s.product.baseUrl}/line/webhook`, events);

  before(async () => {
    s.line.setProfile(user, { displayName: NAME });
    ({ page } = await openPage(s.browser, s.errors));
  });

  it('an admin turns the rating on in Settings › General, with the Thai scale and a comment', async () => {
    await page.setViewportSize({ width: 1280, height: 2200 });
    await signIn(page, s.product.baseUrl, ADMIN, '/admin/settings');
    await page.getByRole('tab', { name: 'ทั่วไป' }).click();
    await page.getByLabel(/^ถามความพึงพอใจเมื่อปิดแชท/).selectOption('true');
    await page.getByLabel(/^ปุ่มให้คะแนน/).selectOption('satisfaction');
    await page.getByLabel(/^ขอความคิดเห็นเพิ่มเติมหลังให้คะแนน/).selectOption('true');
    await page.getByRole('button', { name: 'บันทึกการตั้งค่า' }).click();
    await page.getByRole('status').filter({ hasText: 'บันทึกการตั้งค่าแล้ว' }).waitFor();
    await screenshot(page, 'csat-1-settings');
    const { settings } = (await call(s.api, 'GET', '/admin/live-chat/settings', { token: s.owner })).body;
    assert.deepStrictEqual([settings.csat_enabled, settings.csat_scale, settings.csat_ask_comment], [true, 'satisfaction', true]);
  });

  it("shows the user's rating and comment on the chat's timeline as they come", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user })]);
    await eventually(async () => (await call(s.api, 'GET', `/admin/live-chat/conversations/${user}`, { token: s.owner })).body.session?.status === 'WAITING');
    assert.strictEqual((await call(s.api, 'POST', `/admin/live-chat/conversations/${user}/claim`, { token: s.owner })).status, 200);
    await page.goto(`${s.product.baseUrl}/admin/live-chat?user=${user}`);
    await page.getByRole('heading', { name: NAME }).waitFor();
    assert.strictEqual((await call(s.api, 'POST', `/admin/live-chat/conversations/${user}/close`, { token: s.owner, body: {} })).status, 200);
    const question = await eventually(() => {
      const pushed = s.line.requestsTo('POST', '/v2/bot/message/push').flatMap((r) => r.body.messages);
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
    assert.strictEqual((await call(s.api, 'POST', `/admin/live-chat/conversations/${user}/mode`, { token: s.owner, body: { mode: 'HUMAN' } })).status, 200);
    await page.locator('llc-composer textarea').waitFor();
    // … until the user leaves.
    await webhook([unfollowEvent({ userId: user })]);
    await page.locator('llc-composer').getByRole('status').filter({ hasText: 'ผู้ใช้เลิกติดตามแล้ว — ส่งข้อความไม่ได้' }).waitFor();
    await screenshot(page, 'csat-3-unfollowed');
    const refused = await call(s.api, 'POST', `/admin/live-chat/conversations/${user}/messages`, { token: s.owner, body: { messages: ['ยังอยู่ไหมครับ'] } });
    assert.deepStrictEqual([refused.status, refused.body.code], [409, 'contact_unfollowed']);
  });
});
