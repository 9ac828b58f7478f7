// The inbox in Chromium inside a Node-RED with httpNodeRoot "/nr" and a session-store on the base
// path "/chat": the page learns its base from the server, and every URL it uses (bundle, its
// analytics chunk, the API, socket.io, its own links) stays under /nr/chat.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { helper, mountHttpNodeIn, serveOnRuntimeServer } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { FakeLine } from '../support/fake-line';
import { CHANNEL_SECRET, messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import { setEnvironment } from '../support/environment';
import { launchBrowser, recordPolicyViolations, screenshot, signIn } from '../support/browser';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import type { SessionStoreNode } from '../../nodes/shared/session-store';

const BASE = '/nr/chat';

describe('inbox in the browser under httpNodeRoot and a base path', function () {
  this.timeout(60000);
  let line: FakeLine;
  let browser: Browser;
  let page: Page;
  let restoreEnvironment: () => void;
  let restoreServer: () => void;
  let admin: { username: string; password: string };
  const requested: string[] = [];
  const errors: string[] = [];

  before(async () => {
    line = await new FakeLine().start();
    restoreEnvironment = setEnvironment({ ADMIN_PASSWORD: undefined, ADMIN_URL: undefined, DATABASE_URL: undefined, LINE_API_BASE_URL: line.baseUrl });
    await helper.startServer();
    helper.settings({ httpNodeRoot: '/nr/' });
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    const outer = express();
    await helper.load(
      [mountHttpNodeIn(outer, '/nr'), sessionStoreNode, lineWebhookNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir, basePath: '/chat', configVersion: 2 },
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook' },
      ],
      { store: { lineChannelSecret: CHANNEL_SECRET, lineChannelAccessToken: line.accessToken } },
    );
    await (helper.getNode('store') as SessionStoreNode).liveChat;
    admin = { username: 'admin', password: fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim() };
    restoreServer = serveOnRuntimeServer(outer);
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(10000);
    page.on('request', (req) => requested.push(new URL(req.url()).pathname));
    page.on('pageerror', (err) => errors.push(err.message));
    recordPolicyViolations(page, errors);
  });
  after(async () => {
    await browser?.close();
    restoreServer?.();
    await helper.unload();
    helper.settings({ httpNodeRoot: undefined });
    await helper.stopServer();
    restoreEnvironment?.();
    await line?.close();
  });

  it('signs in, gets live updates over socket.io, and moves between its pages, all under its base', async () => {
    const live = page.waitForEvent('websocket', (ws) => new URL(ws.url()).pathname === `${BASE}/admin/live-chat/socket.io/`);
    await signIn(page, helper.url(), admin, `${BASE}/admin/live-chat`);
    await live;

    // A LINE user writes: the row appears without a reload, pushed over socket.io.
    const user = userId();
    line.setProfile(user, { displayName: 'ลูกค้าใต้พาธ' });
    const body = webhookBody([messageEvent('สวัสดีค่ะ', { userId: user })]);
    const res = await fetch(`${helper.url()}/nr/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
      body: new Uint8Array(body),
    });
    assert.strictEqual(res.status, 200);
    await page.locator('llc-conversation-item').filter({ hasText: 'ลูกค้าใต้พาธ' }).waitFor();
    await screenshot(page, 'base-path-live-chat');

    await page.getByRole('link', { name: 'เพื่อน' }).click();
    await page.getByRole('heading', { name: 'เพื่อน' }).waitFor();
    assert.strictEqual(new URL(page.url()).pathname, `${BASE}/admin/friends`);
    await page.reload();
    await page.getByRole('heading', { name: 'เพื่อน' }).waitFor();

    await page.getByRole('link', { name: 'สถิติ' }).click();
    await page.getByRole('heading', { name: 'สถิติแชทสด' }).waitFor();
    assert.strictEqual(new URL(page.url()).pathname, `${BASE}/admin/live-chat/analytics`);

    const outside = requested.filter((p) => !p.startsWith(`${BASE}/`));
    assert.deepStrictEqual(outside, [], 'every request stays under the base');
    assert.ok(
      requested.some((p) => p.startsWith(`${BASE}/admin/assets/chunk-`)),
      'the analytics chunk came from under the base',
    );
    assert.ok(requested.includes(`${BASE}/api/v1/auth/me`));
    assert.deepStrictEqual(errors, []);
  });
});
