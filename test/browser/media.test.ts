// Media in the live chat page, in Chromium against the running product: a user's payment slip
// fetched from the LINE stand-in and shown as a thumbnail with a full-size viewer (Escape closes),
// content LINE no longer holds as a placeholder, a sticker whose CDN is out of reach as its label,
// and an operator sending an image by the button, files by paste and by drop, and a too-large
// image refused before any upload. The public base is https (LINE fetches only over HTTPS); the
// stand-in for LINE reaches it as a TLS proxy in front would, on the product's own address.
import assert from 'node:assert';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { FakeLine } from '../support/fake-line';
import { deliverWebhook, MESSAGE_SAMPLES, messageEvent, userId } from '../support/line-webhooks';
import { tempDir } from '../support/databases';
import { eventually, productEnvironment, type RunningProduct, startProduct } from '../support/product';
import { launchBrowser, openPage, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const PUBLIC_BASE = 'https://inbox.example';
const NAME = 'ลูกค้า โอนเงิน';

describe('inbox in the browser: media both ways', function () {
  this.timeout(90000);
  let line: FakeLine;
  let product: RunningProduct;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const user = userId();

  before(async () => {
    line = await new FakeLine().start();
    [product, browser] = await Promise.all([startProduct(tempDir(), { ...productEnvironment(ADMIN, line), ADMIN_URL: PUBLIC_BASE }), launchBrowser()]);
    line.setProfile(user, { displayName: NAME });
    ({ page } = await openPage(browser, errors));
  });

  after(async () => {
    await browser?.close();
    await product?.stop();
    await line?.close();
  });

  afterEach(() => assert.deepStrictEqual(errors, [], 'no script errors or refused content in the page'));

  const say = (message: string | Record<string, unknown>) =>
    deliverWebhook(`${product.baseUrl}/line/webhook`, [messageEvent(message, { userId: user, replyToken: line.issueReplyToken() })]);
  const bubbles = () => page.locator('llc-message-bubble');
  const pushes = () => line.requestsTo('POST', '/v2/bot/message/push').filter((r) => r.body?.to === user);
  /** What LINE fetches from the public URL, through the proxy in front of the inbox. */
  const lineFetches = (url: string) => fetch(url.replace(PUBLIC_BASE, product.baseUrl));
  const naturalWidth = (selector: string) =>
    page
      .locator(selector)
      .last()
      .evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));

  it("shows a user's image as a thumbnail that opens full size, Escape closing it; gone content and an offline sticker as placeholders", async () => {
    await signIn(page, product.baseUrl, ADMIN);
    await say('ติดต่อเจ้าหน้าที่');
    // The handoff is the flow's work after the 200: the media below go to the chat once it is
    // handed over (its greeting at LINE), not to the bot while the handoff is still under way.
    await eventually(() => line.carriedOut.some((r) => r.path === '/v2/bot/message/reply'));
    const slip = MESSAGE_SAMPLES.image();
    line.setContent(slip.id as string, {
      contentType: 'image/jpeg',
      data: await sharp({ create: { width: 1200, height: 1600, channels: 3, background: '#0ea5e9' } })
        .jpeg()
        .toBuffer(),
    });
    await say(slip);
    const voice = MESSAGE_SAMPLES.audio();
    line.setContent(voice.id as string, 410);
    await say(voice);
    await say(MESSAGE_SAMPLES.sticker());

    await page.locator('llc-conversation-item').filter({ hasText: NAME }).click();
    const thumb = page.getByRole('button', { name: 'ดูรูปขนาดเต็ม' });
    await thumb.waitFor();
    // The preview sharp made (480 px high at most), loaded with the login cookie.
    await eventually(async () => (await naturalWidth('button.thumb img')) === 360);
    await screenshot(page, 'media-1-thumbnail');

    await thumb.click();
    const viewer = page.locator('dialog.viewer[open]');
    await viewer.waitFor();
    await eventually(async () => (await naturalWidth('dialog.viewer[open] img')) === 1200);
    await screenshot(page, 'media-2-viewer');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    await bubbles().filter({ hasText: 'LINE ไม่เก็บเนื้อหานี้แล้ว' }).waitFor();
    const sticker = bubbles().filter({ hasText: 'สติกเกอร์ 446/1988' });
    await sticker.waitFor();
    assert.strictEqual(await sticker.locator('img').count(), 0, "LINE's CDN is out of reach: the label stands in");
  });

  it('sends an image chosen with the button; LINE gets an image message whose URLs it can fetch', async () => {
    await page.getByRole('button', { name: 'รับแชท' }).click();
    await page.getByTestId('holder').filter({ hasText: 'คุณกำลังดูแลแชทนี้' }).waitFor();
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#f97316' } })
      .png()
      .toBuffer();
    await page.getByRole('button', { name: 'แนบรูปหรือไฟล์' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'รูปหรือไฟล์จากเครื่องนี้' }).click();
    await (await chooser).setFiles({ name: 'pricelist.png', mimeType: 'image/png', buffer: photo });

    const push = (await eventually(() => pushes().find((r) => r.body.messages[0].type === 'image')))!;
    const [image] = push.body.messages;
    assert.match(image.originalContentUrl, /^https:\/\/inbox\.example\/api\/v1\/media\/public\/[0-9a-f]{64}$/);
    const original = await lineFetches(image.originalContentUrl);
    assert.strictEqual(original.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await original.arrayBuffer()).equals(photo));
    const preview = await sharp(Buffer.from(await (await lineFetches(image.previewImageUrl)).arrayBuffer())).metadata();
    assert.deepStrictEqual([preview.format, preview.width, preview.height], ['jpeg', 480, 360]);

    const sent = bubbles()
      .filter({ hasText: 'ส่งแล้ว' })
      .filter({ has: page.locator('button.thumb') });
    await sent.waitFor();
    await eventually(async () => (await naturalWidth('.operator button.thumb img')) === 480);
  });

  it('refuses an image larger than LINE takes before uploading, saying why', async () => {
    const before = pushes().length;
    await page.getByRole('button', { name: 'แนบรูปหรือไฟล์' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'รูปหรือไฟล์จากเครื่องนี้' }).click();
    await (await chooser).setFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(11 * 1024 * 1024, 1) });
    await page.getByRole('alert').filter({ hasText: 'LINE รับรูป JPEG หรือ PNG ไม่เกิน 10 MB' }).waitFor();
    await screenshot(page, 'media-3-refused');
    assert.strictEqual(pushes().length, before);
  });

  it('sends files pasted into the composer and dropped on it, as download links', async () => {
    await page.locator('llc-composer textarea').evaluate((box) => {
      const data = new DataTransfer();
      data.items.add(new File(['%PDF-1.4 price list'], 'ราคา.pdf', { type: 'application/pdf' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
    });
    await eventually(() => pushes().some((r) => r.body.messages[0].text?.startsWith('📎 ราคา.pdf')));
    await page.getByRole('link', { name: 'ดาวน์โหลด ราคา.pdf' }).waitFor();

    await page.locator('llc-composer').evaluate((composer) => {
      const data = new DataTransfer();
      data.items.add(new File(['a,b\n1,2\n'], 'orders.csv', { type: 'text/csv' }));
      composer.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
      composer.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
    });
    const push = (await eventually(() => pushes().find((r) => r.body.messages[0].text?.startsWith('📎 orders.csv'))))!;
    const link = page.getByRole('link', { name: 'ดาวน์โหลด orders.csv' });
    await link.waitFor();
    const url = push.body.messages[0].text.split('\n')[1];
    assert.strictEqual(await (await lineFetches(url)).text(), 'a,b\n1,2\n', 'the user can fetch the file from the link');
    // The operator's copy comes from the inbox, with the login.
    const href = await link.getAttribute('href');
    assert.strictEqual(await page.evaluate((h) => fetch(h!).then((r) => r.text()), href), 'a,b\n1,2\n');
  });

  it('keeps media within a 390 px phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'ดูรูปขนาดเต็ม' }).first().waitFor();
    const widest = await page
      .locator('llc-message-bubble')
      .evaluateAll((els) => Math.max(...els.map((el) => el.shadowRoot!.querySelector('.msg')!.getBoundingClientRect().right)));
    assert.ok(widest <= 390, `a message reaches ${widest} px`);
    await screenshot(page, 'media-4-phone');
  });
});
