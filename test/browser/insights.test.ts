// The Friends and Analytics pages in Chromium against the running product (npm start's entry
// point) and the loopback LINE: friends made through signed webhooks (a follow, an unfollow, a
// refollow), a handoff claimed, answered and closed by an operator through the REST API; then
// what the pages show is held against what the API answers.
import assert from 'node:assert';
import type { Browser, Locator, Page } from 'playwright-core';
import { FakeLine } from '../support/fake-line';
import { deliverWebhook, followEvent, messageEvent, unfollowEvent, userId } from '../support/line-webhooks';
import { addOperator, call, login } from '../support/api-server';
import { tempDir } from '../support/databases';
import { eventually, productEnvironment, type RunningProduct, startProduct } from '../support/product';
import { launchBrowser, recordPolicyViolations, screenshot, signIn } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const SOMSRI = { username: 'somsri', password: 'somsri-password-1' };
const HOSTILE_NAME = '<img src=x onerror="window.__xss=1"> ป้าแดง';

describe('inbox in the browser: friends and analytics', function () {
  this.timeout(60000);
  let line: FakeLine;
  let product: RunningProduct;
  let browser: Browser;
  let page: Page;
  let api: string;
  let owner: string;
  let somsri: string;
  const refollower = userId();
  const leaver = userId();
  const asker = userId();

  async function webhook(events: Record<string, unknown>[]): Promise<void> {
    await deliverWebhook(`${product.baseUrl}/line/webhook`, events);
  }
  const get = async (path: string, token = owner) => {
    const res = await call(api, 'GET', path, { token });
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    line = await new FakeLine().start();
    product = await startProduct(tempDir(), productEnvironment(ADMIN, line));
    api = `${product.baseUrl}/api/v1`;
    owner = await login(api, ADMIN);
    await addOperator(api, owner, { ...SOMSRI, display_name: 'สมศรี', role: 'operator' });
    somsri = await login(api, SOMSRI);

    line.setProfile(refollower, { displayName: 'นภา กลับมาแล้ว' });
    line.setProfile(leaver, { displayName: 'ชาติชาย ลาก่อน' });
    line.setProfile(asker, { displayName: HOSTILE_NAME });
    const t0 = Date.now() - 60_000;
    const token = () => line.issueReplyToken();
    await webhook([followEvent({ userId: refollower, timestamp: t0, replyToken: token() })]);
    await webhook([followEvent({ userId: leaver, timestamp: t0 + 1000, replyToken: token() })]);
    await webhook([unfollowEvent({ userId: refollower, timestamp: t0 + 2000 })]);
    await webhook([unfollowEvent({ userId: leaver, timestamp: t0 + 3000 })]);
    await webhook([followEvent({ userId: refollower, timestamp: t0 + 4000, replyToken: token() })]);
    await webhook([followEvent({ userId: asker, timestamp: t0 + 5000, replyToken: token() })]);

    // The handoff: the keyword, somsri claims, answers and closes.
    await webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: asker, replyToken: token() })]);
    await eventually(async () => (await get('/admin/live-chat/conversations?status=WAITING')).conversations.length === 1);
    assert.strictEqual((await call(api, 'POST', `/admin/live-chat/conversations/${asker}/claim`, { token: somsri })).status, 200);
    const answered = await call(api, 'POST', `/admin/live-chat/conversations/${asker}/messages`, { token: somsri, body: { text: 'สวัสดีค่ะ รับเรื่องค่ะ' } });
    assert.strictEqual(answered.status, 200, JSON.stringify(answered.body));
    assert.strictEqual((await call(api, 'POST', `/admin/live-chat/conversations/${asker}/close`, { token: somsri, body: {} })).status, 200);

    // Profiles are fetched after the webhook is answered.
    await eventually(async () => (await get('/admin/friends')).friends.every((f: any) => f.display_name));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await product?.stop();
    await line?.close();
  });

  const blocked: string[] = [];
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    recordPolicyViolations(page, blocked);
  });
  afterEach(async () => {
    await page.close();
    assert.deepStrictEqual(blocked.splice(0), [], 'nothing blocked by the Content-Security-Policy');
  });

  const rows = () => page.locator('llc-friend-row');
  const row = (text: string) => rows().filter({ hasText: text });
  async function shownIds(): Promise<string[]> {
    await page.locator('llc-friends-page .list[aria-busy="false"]').waitFor();
    return rows().locator('code.line-id').allTextContents();
  }
  async function expectIds(expected: string[]): Promise<void> {
    await eventually(async () => JSON.stringify(await shownIds()) === JSON.stringify(expected)).catch(async () => {
      assert.deepStrictEqual(await shownIds(), expected);
    });
  }

  it('Friends: the contacts with their statuses, filtered, searched, a timeline, a link to the chat', async () => {
    await signIn(page, product.baseUrl, SOMSRI, '/admin/friends');
    await page.getByRole('heading', { name: 'เพื่อน' }).waitFor();
    // Newest contact first, as the API answers.
    const api = (await get('/admin/friends', somsri)).friends;
    await expectIds(api.map((f: any) => f.line_user_id));
    assert.deepStrictEqual(
      api.map((f: any) => f.line_user_id),
      [asker, leaver, refollower],
    );
    const statuses = await rows()
      .locator('.badge.status')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    assert.deepStrictEqual(statuses, ['ACTIVE', 'UNFOLLOWED', 'ACTIVE']);
    assert.match(await row(leaver).locator('.badge.status').innerText(), /เลิกติดตาม/);

    // The hostile display name is text, not markup.
    assert.strictEqual(await row(asker).locator('.name').innerText(), HOSTILE_NAME);
    assert.strictEqual(await page.evaluate(() => (window as any).__xss), undefined);
    assert.strictEqual(await row(asker).locator('img[src="x"]').count(), 0);
    await screenshot(page, 'friends-all');

    await page.getByRole('radio', { name: 'เลิกติดตาม' }).check();
    await expectIds([leaver]);
    await page.getByRole('radio', { name: 'บล็อก' }).check();
    await page.getByText('ไม่พบรายชื่อ').waitFor();
    await page.getByRole('radio', { name: 'ทั้งหมด' }).check();
    await expectIds([asker, leaver, refollower]);

    const search = page.getByRole('searchbox', { name: 'ค้นหาชื่อหรือ LINE ID' });
    await search.fill('นภา');
    await expectIds([refollower]);
    await search.fill(leaver.slice(3, 20));
    await search.press('Enter');
    await expectIds([leaver]);
    await search.fill('');
    await search.press('Enter');
    await expectIds([asker, leaver, refollower]);

    // The keyboard opens the refollower's history: FOLLOW, UNFOLLOW, REFOLLOW, oldest first.
    const history = row(refollower).getByRole('button', { name: 'ประวัติ' });
    await history.focus();
    await page.keyboard.press('Enter');
    assert.strictEqual(await history.getAttribute('aria-expanded'), 'true');
    const events = row(refollower).locator('li[data-event]');
    await events.nth(2).waitFor();
    assert.deepStrictEqual(await events.evaluateAll((els) => els.map((e) => e.getAttribute('data-event'))), ['FOLLOW', 'UNFOLLOW', 'REFOLLOW']);
    assert.deepStrictEqual(await events.locator('strong').allInnerTexts(), ['เพิ่มเพื่อน', 'เลิกติดตาม', 'กลับมาเป็นเพื่อน']);
    const apiEvents = (await get(`/admin/friends/${refollower}/events`, somsri)).events;
    assert.deepStrictEqual(
      await events.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime'))),
      apiEvents.map((e: any) => e.created_at),
    );
    await screenshot(page, 'friends-timeline');

    // English, then back.
    await page.getByLabel('ภาษา').selectOption('en');
    await row(refollower).locator('li[data-event="REFOLLOW"]').getByText('Refollowed').waitFor();
    await page.getByRole('radio', { name: 'Unfollowed' }).waitFor();
    await page.getByLabel('Language').selectOption('th');

    await row(refollower).getByRole('link', { name: 'เปิดแชท' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/live-chat' && url.searchParams.get('user') === refollower);
  });

  it('Friends: usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, product.baseUrl, SOMSRI, '/admin/friends');
    await expectIds([asker, leaver, refollower]);
    await row(refollower).getByRole('button', { name: 'ประวัติ' }).click();
    await row(refollower).locator('li[data-event="REFOLLOW"]').waitFor();
    assert.ok(await page.locator('main').evaluate((el) => el.scrollWidth <= el.clientWidth), 'nothing sticks out sideways');
    await screenshot(page, 'friends-phone');
  });

  async function cardValue(figure: string): Promise<string> {
    return page.locator(`llc-stat-card[data-figure="${figure}"] .value`).innerText();
  }
  /** core/format duration() for short times, as the Thai page writes them. */
  function thaiDuration(seconds: number | null): string {
    if (seconds === null) return '–';
    if (seconds < 60) return `${Math.round(seconds)} วินาที`;
    assert.ok(seconds < 3600, `${seconds} s: longer than this test expects`);
    return `${Math.round(seconds / 60)} นาที`;
  }
  async function chartPainted(chart: Locator): Promise<void> {
    const canvas = chart.locator('canvas');
    await canvas.waitFor();
    await eventually(
      () =>
        canvas.evaluate((c: HTMLCanvasElement) => {
          if (!c.width || !c.height) return false;
          const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
          return painted > 500;
        }),
      5000,
    );
    assert.ok((await canvas.getAttribute('aria-label'))!.length > 10, 'the chart has a text summary');
  }

  it('Analytics: the figures the API answers, both charts, the operator table, presets and the operator filter', async () => {
    await signIn(page, product.baseUrl, SOMSRI, '/admin/live-chat/analytics');
    await page.getByRole('heading', { name: 'สถิติแชทสด' }).waitFor();
    const a = await get('/admin/live-chat/analytics', somsri);
    assert.strictEqual(a.total_sessions, 1);
    assert.strictEqual(a.avg_messages_per_session, 2);
    await page.locator('llc-stat-card[data-figure="total_sessions"]').waitFor();
    assert.strictEqual(await cardValue('total_sessions'), String(a.total_sessions));
    assert.strictEqual(await cardValue('avg_messages_per_session'), String(a.avg_messages_per_session));
    assert.strictEqual(await cardValue('avg_first_response_seconds'), thaiDuration(a.avg_first_response_seconds));
    assert.strictEqual(await cardValue('avg_resolution_seconds'), thaiDuration(a.avg_resolution_seconds));
    assert.match(await page.locator('llc-stat-card[data-figure="total_sessions"] .hint').innerText(), new RegExp(`ปิดแล้ว ${a.closed_sessions}`));
    assert.strictEqual(await page.locator('[data-figure="now"]').innerText(), `ขณะนี้: รอ ${a.waiting_now} · กำลังคุย ${a.active_now}`);

    // The default range is the API's: the last 7 days.
    assert.strictEqual(await page.getByLabel('ตั้งแต่', { exact: true }).inputValue(), a.from_date);
    assert.strictEqual(await page.getByLabel('ถึง', { exact: true }).inputValue(), a.to_date);
    assert.strictEqual(await page.getByRole('button', { name: '7 วันล่าสุด' }).getAttribute('aria-pressed'), 'true');

    await chartPainted(page.locator('llc-sessions-chart'));
    await chartPainted(page.locator('llc-response-chart'));
    // The text alternative: a table of every day, and of every hour.
    assert.strictEqual(await page.locator('llc-sessions-chart table tbody tr').count(), 7);
    assert.strictEqual(await page.locator('llc-response-chart table tbody tr').count(), 24);
    const today = a.sessions_per_day.at(-1);
    assert.strictEqual(today.sessions, 1);
    assert.strictEqual(await page.locator('llc-sessions-chart table tbody tr').last().locator('td').innerText(), '1');

    const ops = (await get('/admin/live-chat/analytics/operators', somsri)).operators;
    assert.deepStrictEqual(
      ops.map((o: any) => [o.username, o.sessions, o.messages_sent]),
      [[SOMSRI.username, 1, 1]],
    );
    const cells = await page.locator(`llc-operator-table tr[data-operator="${SOMSRI.username}"]`).locator('th, td').allInnerTexts();
    assert.deepStrictEqual(cells.slice(0, 8), [
      `สมศรี @${SOMSRI.username}`,
      '1',
      '1',
      thaiDuration(ops[0].avg_first_response_seconds),
      thaiDuration(ops[0].avg_resolution_seconds),
      thaiDuration(ops[0].avg_response_seconds),
      '1',
      '– (0)',
    ]);
    assert.match(cells[8], /^1★ 0\s+2★ 0\s+3★ 0\s+4★ 0\s+5★ 0$/);
    await screenshot(page, 'analytics');

    // 30 days: the inputs follow and the API is asked for them.
    const asked = page.waitForRequest((req) => req.url().includes('/analytics?') && req.url().includes('from_date='));
    await page.getByRole('button', { name: '30 วันล่าสุด' }).click();
    const url = new URL((await asked).url());
    assert.strictEqual(url.searchParams.get('to_date'), a.to_date);
    const from = url.searchParams.get('from_date')!;
    assert.strictEqual((Date.parse(a.to_date) - Date.parse(from)) / 86400000, 29);
    await eventually(async () => (await page.getByLabel('ตั้งแต่', { exact: true }).inputValue()) === from);
    await eventually(async () => (await page.locator('llc-sessions-chart table tbody tr').count()) === 30);
    assert.strictEqual(await cardValue('total_sessions'), '1');

    // A range the wrong way round is refused before asking the API.
    await page.getByLabel('ตั้งแต่', { exact: true }).fill(a.to_date);
    await page.getByLabel('ถึง', { exact: true }).fill(from);
    await page.getByRole('button', { name: 'แสดง' }).click();
    await page.getByRole('alert').filter({ hasText: 'วันเริ่มต้องไม่อยู่หลังวันสิ้นสุด' }).waitFor();

    // One operator's figures: the cards follow, the table marks the row.
    await page.getByLabel('เจ้าหน้าที่', { exact: true }).selectOption({ label: `สมศรี (@${SOMSRI.username})` });
    await eventually(async () => (await page.locator('llc-operator-table tr.selected').count()) === 1);
    const mine = await get(`/admin/live-chat/analytics?operator_id=${ops[0].operator_id}`, somsri);
    await eventually(async () => (await cardValue('total_sessions')) === String(mine.total_sessions));
  });

  it("Analytics: issue 12's figures with today's beside them, the funnel, CSAT, business hours, friend growth, and CSV downloads", async () => {
    await signIn(page, product.baseUrl, SOMSRI, '/admin/live-chat/analytics');
    await page.locator('llc-stat-card[data-figure="missed_sessions"]').waitFor();
    const a = await get('/admin/live-chat/analytics', somsri);
    // The handoff was claimed, answered and closed today; the friends followed, left and came back.
    assert.deepStrictEqual(a.funnel, { asked: 1, claimed: 1, resolved: 1, rated: 0 });
    assert.deepStrictEqual([a.missed_sessions, a.abandoned_sessions, a.replies, a.today.total_sessions], [0, 0, 1, 1]);
    assert.ok(a.friends.follows >= 3 && a.friends.unfollows === 2, JSON.stringify(a.friends));
    assert.strictEqual(await cardValue('avg_response_seconds'), thaiDuration(a.avg_response_seconds));
    assert.strictEqual(await cardValue('missed_sessions'), '0');
    assert.strictEqual(await cardValue('csat'), '–');
    assert.strictEqual(await cardValue('containment_rate'), a.containment_rate === null ? '–' : `${Math.round(a.containment_rate * 1000) / 10}%`);
    assert.strictEqual(await page.locator('llc-stat-card[data-figure="total_sessions"] .today').innerText(), `วันนี้ ${a.today.total_sessions}`);
    assert.strictEqual(
      await page.locator('llc-stat-card[data-figure="missed_sessions"] .today').innerText(),
      `วันนี้ พลาด ${a.today.missed_sessions} · ผู้ใช้ทิ้ง ${a.today.abandoned_sessions}`,
    );

    const bars = async (section: string) =>
      page
        .locator(`section[data-section="${section}"] llc-bar-list li`)
        .evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'), e.querySelector('.count')!.textContent]));
    assert.deepStrictEqual(await bars('funnel'), [
      ['asked', '1'],
      ['claimed', '1'],
      ['resolved', '1'],
      ['rated', '0'],
    ]);
    assert.deepStrictEqual(
      await bars('csat'),
      [5, 4, 3, 2, 1].map((score) => [String(score), '0']),
    );
    assert.deepStrictEqual(await bars('business_hours'), [
      ['in_hours', String(a.business_hours.in_hours_sessions)],
      ['after_hours', String(a.business_hours.after_hours_sessions)],
    ]);
    await chartPainted(page.locator('llc-friends-chart'));
    const friendRows = await page
      .locator('llc-friends-chart table tbody tr')
      .evaluateAll((els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepStrictEqual(
      friendRows,
      a.friend_growth.map((d: any) => [String(d.follows), String(d.refollows), String(d.unfollows)]),
    );

    // Each table and chart downloads its data as CSV, for the range on screen.
    const links = await page.locator('a[data-export]').evaluateAll((els) => els.map((e) => e.getAttribute('data-export')));
    assert.deepStrictEqual(links, ['summary', 'sessions_per_day', 'response_time_by_hour', 'funnel', 'csat', 'business_hours', 'friend_growth', 'operators']);
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'ดาวน์โหลด "เส้นทางการขอคุยกับเจ้าหน้าที่" เป็น CSV' }).click();
    const download = await downloading;
    assert.strictEqual(download.suggestedFilename(), `analytics-funnel-${a.from_date}-${a.to_date}.csv`);
    const fs = await import('node:fs');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    assert.strictEqual(text, '\uFEFFstage,sessions\r\nasked,1\r\nclaimed,1\r\nresolved,1\r\nrated,0\r\n');
    await screenshot(page, 'analytics-service-level');
  });

  it('Analytics: usable at phone width, in English', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, product.baseUrl, SOMSRI, '/admin/live-chat/analytics');
    await page.getByLabel('ภาษา').selectOption('en');
    await page.getByRole('heading', { name: 'Live chat analytics' }).waitFor();
    await page.getByText('Avg messages per session').waitFor();
    await chartPainted(page.locator('llc-sessions-chart'));
    await chartPainted(page.locator('llc-response-chart'));
    assert.ok(await page.locator('main').evaluate((el) => el.scrollWidth <= el.clientWidth), 'nothing sticks out sideways');
    // The operator table scrolls on its own, and takes the keyboard to do it.
    assert.strictEqual(await page.locator('llc-operator-table').getByRole('region', { name: 'Operator performance' }).getAttribute('tabindex'), '0');
    await screenshot(page, 'analytics-phone');
    await page.getByLabel('Language').selectOption('th');
  });

  it('Friends: Load more follows next_cursor (runs last: it adds 50 friends)', async () => {
    const many = Array.from({ length: 50 }, () => userId());
    await webhook(many.map((id, i) => followEvent({ userId: id, timestamp: Date.now() - 50_000 + i, replyToken: line.issueReplyToken() })));
    const first = await get('/admin/friends', somsri);
    assert.strictEqual(first.friends.length, 50);
    assert.ok(first.next_cursor);
    await signIn(page, product.baseUrl, SOMSRI, '/admin/friends');
    await eventually(async () => (await shownIds()).length === 50);
    assert.deepStrictEqual(
      await shownIds(),
      first.friends.map((f: any) => f.line_user_id),
    );
    await page.getByRole('button', { name: 'โหลดเพิ่ม' }).click();
    await eventually(async () => (await rows().count()) === 53);
    assert.deepStrictEqual((await shownIds()).slice(50), [asker, leaver, refollower]);
    assert.strictEqual(await page.getByRole('button', { name: 'โหลดเพิ่ม' }).count(), 0, 'nothing more to load');
    await page.getByText('แสดง 53 รายชื่อ').waitFor();
  });
});
