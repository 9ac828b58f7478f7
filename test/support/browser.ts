// Browser tests drive Debian's Chromium through playwright-core against the running product.
// Screenshots go to test-output/screenshots/ (kept out of git) so a run can be looked at.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const SCREENSHOTS = path.join(__dirname, '..', '..', '..', 'test-output', 'screenshots');

export function chromiumPath(): string {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH)');
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Notes into `into` whatever the page's Content-Security-Policy blocks (Chromium reports each as a
 * console error), so a test can assert that the inbox runs under its policy with nothing refused.
 */
export function recordPolicyViolations(page: Page, into: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) into.push(message.text());
  });
}

/**
 * A fresh desktop-sized context and its page, whose script errors and refused content go into
 * `errors` (a test asserts it stays empty).
 */
export async function openPage(browser: Browser, errors: string[], options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, ...options });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  recordPolicyViolations(page, errors);
  return { context, page };
}

/** Signs in through the login page. */
export async function signIn(page: Page, baseUrl: string, user: { username: string; password: string }, at = '/admin/live-chat'): Promise<void> {
  await page.goto(baseUrl + at);
  await page.getByLabel(/ชื่อผู้ใช้|Username/).fill(user.username);
  await page.getByLabel(/รหัสผ่าน|Password/).fill(user.password);
  await page.getByRole('button', { name: /เข้าสู่ระบบ|Sign in/ }).click();
  await page.getByRole('button', { name: /ออกจากระบบ|Log out/ }).waitFor();
}
