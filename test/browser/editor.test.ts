// The nodes' edit dialogs in Node-RED's own editor (Chromium, the product as `npm start` runs
// it: the package loaded from its user directory, the editor behind a login): the credential
// fields offer the stored credentials of their provider from the admin route, keep free text,
// say why nothing can be listed, and a flow saved before config versions is lifted on Done.
// The admin route and the shared editor script are checked over HTTP too, login included.
import assert from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import { FakeLine } from '../support/fake-line';
import { call, login } from '../support/api-server';
import { tempDir } from '../support/databases';
import { type RunningProduct, startProduct } from '../support/product';
import { launchBrowser, screenshot } from '../support/browser';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
// biome-ignore lint/suspicious/noTemplateCurlyInString: Node-RED's ${ENV_VAR} syntax, as a user types it in the field
const ENV_CREDENTIAL = '${LINE_CREDENTIAL}';

declare const RED: any;
declare const $: any;

describe('the edit dialogs in the Node-RED editor', function () {
  this.timeout(90000);
  let line: FakeLine;
  let product: RunningProduct;
  let browser: Browser;
  let editorToken: string;

  before(async () => {
    line = await new FakeLine().start();
    product = await startProduct(tempDir(), {
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LINE_CHANNEL_SECRET: 'env-channel-secret',
      LINE_CHANNEL_ACCESS_TOKEN: line.accessToken,
      LINE_API_BASE_URL: line.baseUrl,
      TELEGRAM_BOT_TOKEN: '123456:editor-test-token',
      TELEGRAM_ADMIN_CHAT_ID: '-100123',
    });
    const api = `${product.baseUrl}/api/v1`;
    const token = await login(api, ADMIN);
    const created = await call(api, 'POST', '/admin/credentials', {
      token,
      body: { name: 'LINE สาขา 2', provider: 'LINE', credentials: { channel_secret: 'branch-secret', channel_access_token: 'branch-token-0001' } },
    });
    assert.strictEqual(created.status, 201, JSON.stringify(created.body));
    const answer = await fetch(`${product.baseUrl}/red/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', ...ADMIN }),
    });
    editorToken = ((await answer.json()) as { access_token: string }).access_token;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await product?.stop();
    await line?.close();
  });

  const editor = (path: string, headers: Record<string, string> = {}) => fetch(`${product.baseUrl}/red/${path}`, { headers });
  const signedIn = { authorization: '' };
  beforeEach(() => (signedIn.authorization = `Bearer ${editorToken}`));

  it("lists a store's credentials on the admin route only for the editor's signed-in users, and serves the shared dialog script", async () => {
    const path = 'line-live-chat/credentials?store=llc-store&provider=LINE';
    assert.strictEqual((await editor(path)).status, 401);
    const listed = await editor(path, signedIn);
    assert.strictEqual(listed.status, 200);
    assert.deepStrictEqual(
      ((await listed.json()) as { credentials: { name: string }[] }).credentials.map((c) => c.name),
      ['Main LINE OA', 'LINE สาขา 2'],
    );
    const script = await editor('resources/node-red-contrib-line-live-chat/live-chat-editor.js');
    assert.strictEqual(script.status, 200);
    assert.match(String(script.headers.get('content-type')), /javascript/);
    assert.match(await script.text(), /window\.LineLiveChat = \{ credentialPicker, prepareConfig, saveConfig \}/);
  });

  it('serves each node its help in English and in Thai', async () => {
    const help = async (lang: string) => (await editor('nodes', { ...signedIn, accept: 'text/html', 'accept-language': lang })).text();
    const [english, thai] = [await help('en-US'), await help('th')];
    assert.match(english, /data-help-name="live-chat-action"[\s\S]*Does to a LINE user's chat, from a flow/);
    assert.match(thai, /data-help-name="live-chat-action"[\s\S]*ทำงานกับแชทของผู้ใช้ LINE จาก flow/);
    assert.match(thai, /data-help-name="handoff"[\s\S]*ส่งต่อแชท LINE ให้เจ้าหน้าที่/);
  });

  let answeredUpdates = false;
  /** A page signed in to the editor, in `locale`, once the shipped flow is loaded. */
  async function openEditor(locale: string, user = ADMIN): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/red/`);
    await page.locator('#node-dialog-login-username').fill(user.username);
    await page.locator('#node-dialog-login-password').fill(user.password);
    await page.locator('#node-dialog-login-submit').click();
    await page.waitForFunction(() => (window as { RED?: any }).RED?.nodes?.node('llc-line-webhook'), undefined, { timeout: 30000 });
    // Node-RED asks once, on a fresh install, whether to check for updates: a second or so after
    // the flows, many more on a loaded machine, so the first editor waits for it in earnest.
    const noUpdates = page.getByRole('button', { name: 'No, do not enable notifications' });
    await noUpdates.click({ timeout: answeredUpdates ? 5000 : 30000 }).then(
      () => (answeredUpdates = true),
      () => undefined,
    );
    return page;
  }

  const tip = (page: Page) => page.locator('.llc-credential-tip');
  /** A node's properties in the editor, in the order of `keys`. */
  const fieldsOf = (page: Page, id: string, keys: string[]) =>
    page.evaluate(([nodeId, names]) => (names as string[]).map((key) => RED.nodes.node(nodeId)[key]), [id, keys] as const);
  /** A screenshot once the edit tray has slid in. */
  async function shoot(page: Page, name: string) {
    await page.waitForFunction(
      () =>
        new Promise((settled) => {
          const tray = document.querySelector('.red-ui-tray:last-of-type');
          const before = tray?.getBoundingClientRect().left;
          requestAnimationFrame(() => requestAnimationFrame(() => settled(tray !== null && tray.getBoundingClientRect().left === before)));
        }),
    );
    await screenshot(page, name);
  }

  it("offers the provider's stored credentials under a credential field, keeps free text, and lifts a flow saved before config versions", async () => {
    const page = await openEditor('en-US');
    assert.strictEqual(
      await page.evaluate(() => RED.nodes.node('llc-line-webhook').configVersion),
      undefined,
      'the shipped flow is version 1: no configVersion',
    );
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('llc-line-webhook')));
    const choices = page.locator('#node-input-credential-choices option');
    await choices.nth(1).waitFor({ state: 'attached' });
    assert.deepStrictEqual(await choices.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)), ['Main LINE OA', 'LINE สาขา 2']);
    assert.match(await choices.first().textContent().then(String), /^Main LINE OA \(#\d+, default\)$/);
    assert.strictEqual(await page.locator('#node-input-credential').getAttribute('list'), 'node-input-credential-choices');
    assert.match(await tip(page).innerText(), /^2 stored LINE credential\(s\) in the list\. You may also type a name, an id or \$\{ENV_VAR\}/);
    await shoot(page, 'editor-credential-choices');

    await page.locator('#node-input-credential').fill(ENV_CREDENTIAL);
    await page.locator('.red-ui-tray #node-dialog-ok').click();
    await page.locator('#node-input-credential').waitFor({ state: 'detached' });
    const saved = await page.evaluate(() => {
      const node = RED.nodes.node('llc-line-webhook');
      return { credential: node.credential, configVersion: node.configVersion, dirty: RED.nodes.dirty() };
    });
    assert.deepStrictEqual(saved, { credential: ENV_CREDENTIAL, configVersion: 1, dirty: true });

    // Telegram's field lists Telegram's credentials; cancelling changes nothing.
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('llc-telegram')));
    await page.locator('#node-input-credential-choices option').first().waitFor({ state: 'attached' });
    assert.deepStrictEqual(
      await page.locator('#node-input-credential-choices option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
      ['Telegram admin alerts'],
    );
    await page.locator('.red-ui-tray #node-dialog-cancel').click();
    await page.locator('#node-input-credential').waitFor({ state: 'detached' });
    assert.strictEqual(await page.evaluate(() => RED.nodes.node('llc-telegram').configVersion), undefined);

    // A future version 2 of a node's config: the dialog lifts the fields it shows at once and the
    // others on Done, as the runtime's migration would; Cancel keeps version 1.
    const liftTo2 = () => {
      RED.editor.edit(RED.nodes.node('llc-telegram'));
      const steps = { 1: (config: any) => ({ ...config, name: `${config.name} (v2)`, reminderCheckSeconds: 60 }) };
      (window as any).liftTelegram = () => (window as any).LineLiveChat.prepareConfig(RED.nodes.node('llc-telegram'), 2, steps);
    };
    await page.evaluate(liftTo2);
    await page.locator('#node-input-name').waitFor();
    await page.evaluate(() => (window as any).liftTelegram());
    assert.strictEqual(await page.locator('#node-input-name').inputValue(), 'alert the admins (v2)');
    await page.locator('.red-ui-tray #node-dialog-cancel').click();
    await page.locator('#node-input-name').waitFor({ state: 'detached' });
    assert.deepStrictEqual(await fieldsOf(page, 'llc-telegram', ['name', 'reminderCheckSeconds', 'configVersion']), ['alert the admins', 30, undefined]);
    await page.evaluate(liftTo2);
    await page.locator('#node-input-name').waitFor();
    await page.evaluate(() => (window as any).liftTelegram());
    await page.locator('.red-ui-tray #node-dialog-ok').click();
    await page.locator('#node-input-name').waitFor({ state: 'detached' });
    assert.deepStrictEqual(await fieldsOf(page, 'llc-telegram', ['name', 'reminderCheckSeconds', 'configVersion']), ['alert the admins (v2)', 60, 2]);

    // A real step: chat-mode-router's version 2 added In order (seconds), 5 for a flow saved before.
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('llc-chat-mode')));
    await page.locator('#node-input-orderWait').waitFor();
    assert.strictEqual(await page.locator('#node-input-orderWait').inputValue(), '5');
    await page.locator('.red-ui-tray #node-dialog-ok').click();
    await page.locator('#node-input-orderWait').waitFor({ state: 'detached' });
    assert.deepStrictEqual(await fieldsOf(page, 'llc-chat-mode', ['orderWait', 'configVersion']), ['5', 2]);
    await page.context().close();
  });

  it('follows the provider of the credential node, and says when the store is not deployed yet (in Thai for a Thai editor)', async () => {
    const page = await openEditor('th-TH');
    await page.evaluate(() => {
      RED.nodes.import([
        { id: 'new-store', type: 'session-store', name: 'another store' },
        { id: 'n8n-credential', type: 'credential', z: 'llc-tab', store: 'llc-store', provider: 'N8N', credential: '', x: 200, y: 400, wires: [[]] },
        { id: 'new-reply', type: 'line-reply', z: 'llc-tab', store: 'new-store', credential: '', x: 200, y: 460, wires: [[]] },
      ]);
    });
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('n8n-credential')));
    await tip(page).filter({ hasText: 'ยังไม่มีข้อมูลเชื่อมต่อ N8N' }).waitFor();
    await page.locator('#node-input-provider').selectOption('LINE');
    await tip(page).filter({ hasText: 'มีข้อมูลเชื่อมต่อ LINE ที่บันทึกไว้ 2 รายการ' }).waitFor();
    assert.strictEqual(
      await page
        .locator('label[for="node-input-credential"]')
        .innerText()
        .then((t) => t.trim()),
      'ข้อมูลเชื่อมต่อ',
    );
    await page.locator('.red-ui-tray #node-dialog-cancel').click();
    await page.locator('#node-input-credential').waitFor({ state: 'detached' });

    await page.evaluate(() => RED.editor.edit(RED.nodes.node('new-reply')));
    await tip(page).filter({ hasText: 'ที่เก็บข้อมูลนี้ยังไม่ได้ deploy' }).waitFor();
    assert.strictEqual(await page.locator('#node-input-credential-choices option').count(), 0);
    await shoot(page, 'editor-store-not-deployed-th');
    await page.context().close();
  });

  it('asks an admin deactivated while the editor is open to log in again, within seconds', async () => {
    const api = `${product.baseUrl}/api/v1`;
    const token = await login(api, ADMIN);
    const dao = { username: 'dao', password: 'dao-password-1' };
    const created = await call(api, 'POST', '/admin/operators', { token, body: { ...dao, role: 'admin' } });
    assert.strictEqual(created.status, 201, JSON.stringify(created.body));
    const page = await openEditor('en-US', dao);
    const loginForm = page.locator('#node-dialog-login-username');
    assert.strictEqual(await loginForm.isVisible(), false);
    assert.strictEqual((await call(api, 'DELETE', `/admin/operators/${created.body.id}`, { token })).status, 200);
    // Its editor websocket is closed; reconnecting, its token is refused and the editor asks for a login.
    await loginForm.waitFor({ state: 'visible', timeout: 20000 });
    await page.context().close();
  });
});
