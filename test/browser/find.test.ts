// Finding things and the keyboard in Chromium (issue 11), against the running product: a Thai
// word found in an old message opens its chat at that message; the shortcuts (and Escape, and
// their rest while typing); a refusal in the operator's language; no page wider than a phone.
import assert from 'node:assert';
import type { BrowserContext, Page } from 'playwright-core';
import { deliverWebhook, messageEvent, userId } from '../support/line-webhooks';
import { addOperator, call } from '../support/api-server';
import { eventually } from '../support/product';
import { useBrowserProduct } from '../support/browser-product';
import { openPage, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const SOMSRI = { username: 'somsri', password: 'somsri-password-1' };

describe('inbox in the browser: search, keyboard and phone layout', function () {
  this.timeout(90000);
  const s = useBrowserProduct(ADMIN);
  let context: BrowserContext;
  let page: Page;
  const chatty = userId();
  const waiting = userId();

  before(async () => {
    await addOperator(s.api, s.owner, { ...SOMSRI, display_name: 'สมศรี', role: 'operator' });
    s.line.setProfile(chatty, { displayName: 'ช่างคุย' });
    s.line.setProfile(waiting, { displayName: 'มานี มีนา' });
    ({ context, page } = await openPage(s.browser, s.errors));
  });

  const webhook = (events: Record<string, unknown>[]) => deliverWebhook(`${s.product.baseUrl}/line/webhook`, events);
  const bubble = (p: Page, text: string) => p.locator('llc-message-bubble').filter({ hasText: text });
  /** The element that has the focus, looking inside shadow roots. */
  const focused = (p: Page) =>
    p.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` : '';
    });

  it('finds a Thai word in an old message and opens the chat scrolled to it, then pages to the newest', async () => {
    // 80 messages over the last hours; the slip was the 6th, far from the newest page.
    const start = Date.now() - 3 * 60 * 60 * 1000;
    await webhook(
      Array.from({ length: 80 }, (_, i) =>
        messageEvent(i === 5 ? 'แนบสลิปโอนเงินค่าเสื้อให้แล้วนะคะ' : `ข้อความที่ ${i}`, { userId: chatty, timestamp: start + i * 60000 }),
      ),
    );
    await eventually(
      async () => (await call(s.api, 'GET', `/admin/live-chat/messages?q=${encodeURIComponent('สลิป')}`, { token: s.owner })).body.results?.length === 1,
    );
    await signIn(page, s.product.baseUrl, ADMIN);
    await page.getByRole('button', { name: 'ค้นหาข้อความ' }).click();
    const field = page.getByRole('searchbox', { name: 'ค้นหาในข้อความแชททั้งหมด' });
    await field.fill('สล');
    await page.getByText('พิมพ์อย่างน้อย 3 ตัวอักษร').waitFor();
    await field.fill('สลิปโอน');
    const hit = page.getByRole('list', { name: 'ผลการค้นหาข้อความ' }).getByRole('button');
    await hit.filter({ hasText: 'ช่างคุย' }).waitFor();
    assert.strictEqual(await hit.locator('mark').textContent(), 'สลิปโอน');
    assert.match((await hit.textContent()) ?? '', /แนบสลิปโอนเงินค่าเสื้อให้แล้วนะคะ/);
    await screenshot(page, 'find-1-results');
    await hit.click();

    await page.getByRole('heading', { name: 'ช่างคุย' }).waitFor();
    assert.ok(page.url().endsWith(`/admin/live-chat?user=${chatty}`), page.url());
    const slip = bubble(page, 'แนบสลิปโอนเงินค่าเสื้อ');
    await slip.waitFor();
    await eventually(() => slip.evaluate((el) => el.hasAttribute('data-hit')));
    const list = page.locator('llc-message-list .scroll');
    await eventually(async () => {
      const [box, view] = await Promise.all([slip.boundingBox(), list.boundingBox()]);
      return !!box && !!view && box.y >= view.y && box.y + box.height <= view.y + view.height;
    });
    assert.strictEqual(await bubble(page, 'ข้อความที่ 79').count(), 0, 'the newest are not loaded yet');
    await screenshot(page, 'find-2-opened-at-hit');
    // Newer pages, one per click, up to the newest (then the button goes).
    const newer = page.getByRole('button', { name: 'ดูข้อความที่ใหม่กว่า' });
    for (let pages = 0; (await newer.count()) > 0; pages++) {
      assert.ok(pages < 6, 'reaches the newest in a few pages');
      const shown = await page.locator('llc-message-bubble').count();
      await newer.click();
      await eventually(async () => (await page.locator('llc-message-bubble').count()) > shown);
    }
    await bubble(page, 'ข้อความที่ 79').waitFor();
    await slip.waitFor();
  });

  it('moves between chats, claims, focuses the composer and opens the picker by keyboard; Escape closes panels; nothing fires while typing', async () => {
    await webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: waiting, replyToken: s.line.issueReplyToken() })]);
    await page.goto(`${s.product.baseUrl}/admin/live-chat`);
    const rows = page.locator('llc-conversation-item');
    await rows.filter({ hasText: 'มานี มีนา' }).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'แป้นลัด' });
    await help.getByText('รับแชท').waitFor();
    await screenshot(page, 'find-3-shortcuts');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // j opens the first chat (the newest activity: the one waiting), j/k the next and back.
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: 'มานี มีนา' }).waitFor();
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: 'ช่างคุย' }).waitFor();
    await page.keyboard.press('k');
    await page.getByRole('heading', { name: 'มานี มีนา' }).waitFor();

    await page.keyboard.press('c');
    await page.getByTestId('holder').filter({ hasText: 'คุณกำลังดูแลแชทนี้' }).waitFor();

    await page.keyboard.press('r');
    await eventually(async () => (await focused(page)) === 'textarea#box');
    // Typing in the box is typing: j k c x p / ? are letters there.
    await page.keyboard.type('jkx?');
    assert.strictEqual(await page.getByRole('textbox', { name: 'พิมพ์ข้อความ' }).inputValue(), 'jkx?');
    await page.getByRole('heading', { name: 'มานี มีนา' }).waitFor();
    assert.strictEqual(await help.count(), 0);
    // Escape works from the box too, and leaves the text.
    await page.keyboard.press('Escape');

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('p');
    await page.locator('llc-reply-picker').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('llc-reply-picker').waitFor({ state: 'detached' });

    await page.keyboard.press('/');
    const field = page.getByRole('searchbox', { name: 'ค้นหาในข้อความแชททั้งหมด' });
    await eventually(async () => (await focused(page)) === 'input');
    await page.keyboard.press('Escape');
    await field.waitFor({ state: 'detached' });

    await page.keyboard.press('x');
    const confirm = page.getByRole('dialog', { name: 'ปิดแชทนี้?' });
    await confirm.waitFor();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    assert.strictEqual((await call(s.api, 'GET', `/admin/live-chat/conversations/${waiting}`, { token: s.owner })).body.session?.status, 'ACTIVE');
  });

  it("shows a refusal in the operator's language, from its code", async () => {
    const other = userId();
    s.line.setProfile(other, { displayName: 'วีระ' });
    await webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: other, replyToken: s.line.issueReplyToken() })]);
    const somsri = await s.browser.newContext({ viewport: { width: 1280, height: 820 } });
    somsri.setDefaultTimeout(10000);
    const stale = await somsri.newPage();
    stale.on('pageerror', (err) => s.errors.push(err.message));
    // No live updates: the page still shows the chat as waiting after the admin claims it.
    await stale.route(/\/admin\/live-chat\/socket\.io\//, (route) => route.abort());
    await signIn(stale, s.product.baseUrl, SOMSRI, `/admin/live-chat?user=${other}`);
    await stale.getByRole('button', { name: 'รับแชท' }).waitFor();
    assert.strictEqual((await call(s.api, 'POST', `/admin/live-chat/conversations/${other}/claim`, { token: s.owner })).status, 200);
    await stale.locator('body').click({ position: { x: 5, y: 5 } });
    await stale.keyboard.press('c');
    await stale.getByRole('alert').filter({ hasText: 'รับแชทไม่ได้: Administrator รับแชทนี้ไปแล้ว' }).waitFor();
    await stale.keyboard.press('Escape');
    await stale.getByRole('alert').waitFor({ state: 'detached' });
    await stale.getByLabel('ภาษา').selectOption('en');
    await stale.reload();
    await stale.getByText('Administrator is handling this chat; you cannot answer').waitFor();
    await somsri.close();
  });

  it('at 390 px, no page is wider than the phone', async () => {
    const phone = await s.browser.newContext({ viewport: { width: 390, height: 780 }, storageState: await context.storageState() });
    phone.setDefaultTimeout(10000);
    const small = await phone.newPage();
    small.on('pageerror', (err) => s.errors.push(err.message));
    const wide: string[] = [];
    for (const path of ['/admin/live-chat', `/admin/live-chat?user=${chatty}`, '/admin/live-chat/analytics', '/admin/friends', '/admin/settings']) {
      await small.goto(s.product.baseUrl + path);
      await small.getByRole('button', { name: /ออกจากระบบ|Log out/ }).waitFor();
      await small.waitForLoadState('networkidle');
      const width = await small.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) wide.push(`${path}: ${width}px`);
      // Every button shown (the tables' actions too) is on the screen, not scrolled off to the right.
      for (const button of await small.getByRole('button').all()) {
        const box = (await button.isVisible()) ? await button.boundingBox() : null;
        if (box && box.x + box.width > 391) wide.push(`${path}: "${(await button.textContent())?.trim()}" ends at ${Math.round(box.x + box.width)}px`);
      }
      await screenshot(small, `find-4-phone${path.replace(/[/?=]/g, '-')}`);
    }
    // The search on a phone: over the list, its hits readable, then the chat at the hit.
    await small.goto(`${s.product.baseUrl}/admin/live-chat`);
    await small.getByRole('button', { name: 'ค้นหาข้อความ' }).click();
    await small.getByRole('searchbox', { name: 'ค้นหาในข้อความแชททั้งหมด' }).fill('สลิปโอน');
    const hit = small.getByRole('list', { name: 'ผลการค้นหาข้อความ' }).getByRole('button').filter({ hasText: 'ช่างคุย' });
    await hit.waitFor();
    const width = await small.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) wide.push(`search panel: ${width}px`);
    await screenshot(small, 'find-5-phone-search');
    await hit.click();
    await bubble(small, 'แนบสลิปโอนเงินค่าเสื้อ').waitFor();
    assert.deepStrictEqual(wide, []);
    await phone.close();
  });
});
