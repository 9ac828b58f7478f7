// What a session-store serves inside someone else's Node-RED: everything under httpNodeRoot and
// its base path, nothing that shadows the user's own routes, one base per store, and a warning
// when the editor's httpAdminRoot would answer the inbox's pages first.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { helper, httpProbe, mountHttpNodeIn, serveApp, serveHttpNode } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { call, login } from '../support/api-server';
import { setEnvironment } from '../support/environment';
import { connectLiveSocket, openLiveSocket } from '../support/live-socket';
import sessionStoreNode from '../../nodes/session-store/session-store';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import { inboxScript } from '../support/inbox-bundle';

const httpInNode = require('@node-red/nodes/core/network/21-httpin.js');

type Served = { baseUrl: string; close(): Promise<void> };

describe('session-store over HTTP', function () {
  this.timeout(30000);
  let http: Served | undefined;
  let restoreEnvironment: () => void;

  before(async () => {
    restoreEnvironment = setEnvironment({ ADMIN_PASSWORD: undefined, ADMIN_URL: undefined, DATABASE_URL: undefined });
    await helper.startServer();
  });
  after(async () => {
    restoreEnvironment();
    await helper.stopServer();
  });
  afterEach(async () => {
    await http?.close();
    http = undefined;
    await helper.unload();
    helper.settings({ httpNodeRoot: undefined, httpAdminRoot: undefined });
  });

  /** A store's node config on a fresh embedded database of its own. */
  async function store(id: string, options: Record<string, unknown> = {}) {
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    return { id, type: 'session-store', name: `${id} store`, dataDir, ...options };
  }
  /** The store's own texts (RED._ keys: the helper does not translate), not the core's log lines. */
  const ownTexts = (texts: unknown[]) => texts.filter((text) => String(text).startsWith('session-store.'));
  const adminOf = (config: { dataDir: string }) => ({
    username: 'admin',
    password: fs.readFileSync(path.join(config.dataDir, 'admin-password'), 'utf8').trim(),
  });
  const started = async (...ids: string[]) => Promise.all(ids.map((id) => (helper.getNode(id) as SessionStoreNode).liveChat));
  /** What the store said through status/error/warn (the helper spies on every node's). */
  function calls(id: string, method: 'status' | 'error' | 'warn'): any[] {
    const node = helper.getNode(id) as any;
    return node[method]
      .getCalls()
      .filter((c: any) => c.thisValue === node)
      .map((c: any) => c.args[0]);
  }

  it('serves the pages (with their base written in), the bundle, the API and socket.io under its base path, and nothing at the root', async () => {
    const config = await store('store', { basePath: '/live-chat/' });
    await helper.load([httpProbe, sessionStoreNode], [config, { id: 'probe', type: 'http-probe' }]);
    await started('store');
    http = await serveHttpNode();

    const page = await fetch(`${http.baseUrl}/live-chat/admin/live-chat`);
    assert.strictEqual(page.status, 200);
    const html = await page.text();
    assert.match(html, /<meta name="llc-base" content="\.\.\/">/);
    assert.ok(html.includes(`<script type="module" src="../admin/assets/${inboxScript()}">`), html);
    const analytics = await (await fetch(`${http.baseUrl}/live-chat/admin/live-chat/analytics`)).text();
    assert.match(analytics, /content="\.\.\/\.\.\/"/);
    assert.strictEqual((await fetch(`${http.baseUrl}/live-chat/admin/assets/${inboxScript()}`)).status, 200);

    const token = await login(`${http.baseUrl}/live-chat/api/v1`, adminOf(config));
    const me = await call(`${http.baseUrl}/live-chat/api/v1`, 'GET', '/auth/me', { token });
    assert.strictEqual(me.body.operator.username, 'admin');
    for (const outside of ['/admin/live-chat', `/admin/assets/${inboxScript()}`, '/api/v1/auth/me']) {
      assert.strictEqual((await fetch(`${http.baseUrl}${outside}`)).status, 404, outside);
    }

    const live = await connectLiveSocket(helper.url(), { path: '/live-chat/admin/live-chat/socket.io', transports: ['websocket'], auth: { token } });
    try {
      assert.strictEqual((await live.next('hello')).operator.username, 'admin');
    } finally {
      live.close();
    }
  });

  it('puts everything under httpNodeRoot as well, socket.io included', async () => {
    helper.settings({ httpNodeRoot: '/nr/' });
    const outer = express();
    const config = await store('store', { basePath: '/chat' });
    await helper.load([mountHttpNodeIn(outer, '/nr'), sessionStoreNode], [config]);
    await started('store');
    http = await serveApp(outer);

    const html = await (await fetch(`${http.baseUrl}/nr/chat/admin/settings`)).text();
    assert.match(html, /content="\.\.\/"/);
    const token = await login(`${http.baseUrl}/nr/chat/api/v1`, adminOf(config));
    const live = await connectLiveSocket(helper.url(), { path: '/nr/chat/admin/live-chat/socket.io', transports: ['websocket'], auth: { token } });
    live.close();
    const wrongPath = openLiveSocket(helper.url(), { path: '/chat/admin/live-chat/socket.io', transports: ['websocket'], auth: { token }, timeout: 2000 });
    await assert.rejects(wrongPath.connected);
    wrongPath.close();
  });

  it("leaves the user's own http in routes under /api/v1 working, bodies and all (default base)", async () => {
    const config = await store('store');
    await helper.load(
      [httpProbe, sessionStoreNode, httpInNode],
      [
        config,
        { id: 'probe', type: 'http-probe' },
        { id: 'f1', type: 'tab' },
        { id: 'in-post', z: 'f1', type: 'http in', url: '/api/v1/orders', method: 'post', wires: [['out']] },
        { id: 'in-get', z: 'f1', type: 'http in', url: '/api/v1/orders/:id', method: 'get', wires: [['out']] },
        { id: 'out', z: 'f1', type: 'http response', statusCode: '', headers: {} },
      ],
    );
    await started('store');
    http = await serveHttpNode();

    const posted = await fetch(`${http.baseUrl}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"item":"ข้าวมันไก่"}',
    });
    assert.strictEqual(posted.status, 200);
    assert.deepStrictEqual(await posted.json(), { item: 'ข้าวมันไก่' });
    const got = await fetch(`${http.baseUrl}/api/v1/orders/42`);
    assert.strictEqual(got.status, 200);
    // the store's own API still answers its routes
    assert.strictEqual((await call(`${http.baseUrl}/api/v1`, 'GET', '/auth/me')).status, 401);
  });

  it('serves two stores on their own base paths, and a "modified nodes" deploy without one leaves the other working', async () => {
    const a = await store('a', { basePath: '/a' });
    const b = await store('b', { basePath: '/b' });
    await helper.load([httpProbe, sessionStoreNode], [a, b, { id: 'probe', type: 'http-probe' }]);
    await started('a', 'b');
    http = await serveHttpNode();

    const tokenA = await login(`${http.baseUrl}/a/api/v1`, adminOf(a));
    const tokenB = await login(`${http.baseUrl}/b/api/v1`, adminOf(b));
    // each base is its own store: b's token means nothing to a
    assert.strictEqual((await call(`${http.baseUrl}/a/api/v1`, 'GET', '/auth/me', { token: tokenB })).status, 401);
    assert.strictEqual((await call(`${http.baseUrl}/b/api/v1`, 'GET', '/auth/me', { token: tokenB })).status, 200);
    // one browser signed in to both keeps both logins: each base has its own cookie
    const cookieFrom = async (base: string, config: { dataDir: string }) => {
      const res = await call(`${http!.baseUrl}${base}/api/v1`, 'POST', '/auth/login', { body: adminOf(config) });
      return res.headers.get('set-cookie')!.split(';')[0];
    };
    const cookies = `${await cookieFrom('/a', a)}; ${await cookieFrom('/b', b)}`;
    assert.match(cookies, /^llc_session\.a=[^;]+; llc_session\.b=[^;]+$/);
    for (const base of ['/a', '/b']) {
      assert.strictEqual((await call(`${http.baseUrl}${base}/api/v1`, 'GET', '/auth/me', { headers: { cookie: cookies } })).status, 200, base);
    }
    const byCookie = await connectLiveSocket(helper.url(), {
      path: '/b/admin/live-chat/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: cookies },
    });
    byCookie.close();
    const liveA = await connectLiveSocket(helper.url(), { path: '/a/admin/live-chat/socket.io', transports: ['websocket'], auth: { token: tokenA } });

    await helper.setFlows([a, { id: 'probe', type: 'http-probe' }], 'nodes');
    try {
      assert.strictEqual((await call(`${http.baseUrl}/a/api/v1`, 'GET', '/auth/me', { token: tokenA })).status, 200);
      assert.strictEqual((await fetch(`${http.baseUrl}/a/admin/live-chat`)).status, 200);
      assert.strictEqual(liveA.socket.connected, true);
      // b is gone: nothing of it answers, not even a 503
      assert.strictEqual((await fetch(`${http.baseUrl}/b/api/v1/auth/me`)).status, 404);
      assert.strictEqual((await fetch(`${http.baseUrl}/b/admin/live-chat`)).status, 404);
      const refused = openLiveSocket(helper.url(), { path: '/b/admin/live-chat/socket.io', auth: { token: tokenB } });
      await assert.rejects(refused.connected, (err: Error) => err.message === 'unavailable');
      refused.close();
    } finally {
      liveA.close();
    }
  });

  it('refuses a second store on a base already served, naming the other; its database still works, and it takes over when the first is removed', async () => {
    const first = await store('first');
    const second = await store('second');
    await helper.load([httpProbe, sessionStoreNode], [first, second, { id: 'probe', type: 'http-probe' }]);
    const [, secondChat] = await started('first', 'second');
    http = await serveHttpNode();

    assert.deepStrictEqual(calls('second', 'status').at(-1), { fill: 'red', shape: 'ring', text: 'session-store.status.base-taken' });
    assert.deepStrictEqual(ownTexts(calls('second', 'error')), ['session-store.errors.base-taken']);
    assert.strictEqual(calls('first', 'status').at(-1).fill, 'green');
    assert.strictEqual((await secondChat.operators.checkPassword('admin', adminOf(second).password, 'test')).username, 'admin');
    // the path is the first store's
    await login(`${http.baseUrl}/api/v1`, adminOf(first));
    await assert.rejects(login(`${http.baseUrl}/api/v1`, adminOf(second)), /401/);

    await helper.setFlows([second, { id: 'probe', type: 'http-probe' }], 'nodes');
    assert.strictEqual(calls('second', 'status').at(-1).fill, 'green');
    await login(`${http.baseUrl}/api/v1`, adminOf(second));
  });

  it('answers 503 for its API while it restarts, and forgets a base no store serves once the flows have started', async () => {
    const config = await store('store', { basePath: '/old' });
    await helper.load([httpProbe, sessionStoreNode], [config, { id: 'probe', type: 'http-probe' }]);
    await started('store');
    http = await serveHttpNode();
    await helper.unload();
    const restarting = await call(`${http.baseUrl}/old/api/v1`, 'GET', '/auth/me');
    assert.strictEqual(restarting.status, 503);

    // redeployed on another base: the old one is no longer answered at all
    const moved = { ...config, basePath: '/new' };
    await helper.load([httpProbe, sessionStoreNode], [moved, { id: 'probe', type: 'http-probe' }]);
    await started('store');
    assert.strictEqual((await fetch(`${http.baseUrl}/old/api/v1/auth/me`)).status, 404);
  });

  it('serves nothing, saying why, when Node-RED serves no HTTP nodes (httpNodeRoot false); its database still works', async () => {
    helper.settings({ httpNodeRoot: false });
    const config = await store('store');
    await helper.load([httpProbe, sessionStoreNode], [config, { id: 'probe', type: 'http-probe' }]);
    const [liveChat] = await started('store');
    assert.deepStrictEqual(calls('store', 'status').at(-1), { fill: 'yellow', shape: 'ring', text: 'session-store.status.http-off' });
    assert.deepStrictEqual(ownTexts(calls('store', 'warn')), ['session-store.warnings.http-off']);
    assert.strictEqual((await liveChat.operators.checkPassword('admin', adminOf(config).password, 'test')).username, 'admin');
    http = await serveHttpNode();
    assert.strictEqual((await fetch(`${http.baseUrl}/admin/live-chat`)).status, 404);
  });

  it('warns when the editor (httpAdminRoot) would answer one of its pages, and is quiet under a base of its own', async () => {
    helper.settings({ httpAdminRoot: '/admin' });
    await helper.load([sessionStoreNode], [await store('shadowed')]);
    await started('shadowed');
    assert.deepStrictEqual(calls('shadowed', 'status').at(-1), { fill: 'yellow', shape: 'ring', text: 'session-store.status.shadowed' });
    assert.deepStrictEqual(ownTexts(calls('shadowed', 'warn')), ['session-store.warnings.editor-shadows']);
    await helper.unload();

    await helper.load([sessionStoreNode], [await store('clear', { basePath: '/live-chat' })]);
    await started('clear');
    assert.deepStrictEqual(calls('clear', 'status').at(-1), { fill: 'green', shape: 'dot', text: 'session-store.status.serving' });
    assert.deepStrictEqual(ownTexts(calls('clear', 'warn')), []);
  });
});
