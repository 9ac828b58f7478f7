// A session-store whose database is not there when it starts heals on its own, and says so
// meanwhile: the API and readyz answer 503 with Retry-After, the status says it waits, and once
// the database answers everything works with no restart. healthz and readyz answer under
// httpNodeRoot + the base path, without a login, for load balancers.
import assert from 'node:assert';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import express from 'express';
import { Client } from 'pg';
import { helper, httpProbe, mountHttpNodeIn, serveApp, serveHttpNode, statusesOf } from '../support/node-red';
import { freshEmbeddedDir, scratchDatabaseName, serverUrl, tempDir } from '../support/databases';
import { call, login } from '../support/api-server';
import { setEnvironment } from '../support/environment';
import { eventually } from '../support/product';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import { messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';

type Served = { baseUrl: string; close(): Promise<void> };

/** A TCP port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Forwards `port` to PostgreSQL, from when it is started: the database "comes up". */
async function startProxy(port: number, target: URL): Promise<() => Promise<void>> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
}

describe('session-store health answers and a database that comes later', function () {
  this.timeout(60000);
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
    helper.settings({ httpNodeRoot: undefined });
  });

  it('answers healthz and readyz under a non-default httpNodeRoot and base path, without a login', async () => {
    helper.settings({ httpNodeRoot: '/nr/' });
    const outer = express();
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    await helper.load([mountHttpNodeIn(outer, '/nr'), sessionStoreNode], [{ id: 'store', type: 'session-store', basePath: '/chat', dataDir }]);
    http = await serveApp(outer);

    const alive = await fetch(`${http.baseUrl}/nr/chat/healthz`);
    assert.deepStrictEqual([alive.status, await alive.json()], [200, { status: 'alive' }]);
    const ready = await fetch(`${http.baseUrl}/nr/chat/readyz`);
    assert.deepStrictEqual([ready.status, await ready.json()], [200, { status: 'ready' }]);
    assert.strictEqual(ready.headers.get('cache-control'), 'no-store');
    // Only under the store's own base: not at the root, not under the base without httpNodeRoot.
    assert.strictEqual((await fetch(`${http.baseUrl}/nr/healthz`)).status, 404);
    assert.strictEqual((await fetch(`${http.baseUrl}/chat/readyz`)).status, 404);
    // The API itself still wants a login.
    assert.strictEqual((await call(`${http.baseUrl}/nr/chat/api/v1`, 'GET', '/auth/me')).status, 401);
  });

  describe('on PostgreSQL', () => {
    const database = scratchDatabaseName('heal');
    let admin: Client;
    let stopProxy: (() => Promise<void>) | undefined;

    before(async function () {
      if (!serverUrl) {
        console.log('      skipped: set TEST_DATABASE_URL to start a store before its PostgreSQL database');
        this.skip();
      }
      admin = new Client({ connectionString: serverUrl });
      await admin.connect();
    });
    after(async () => {
      await admin?.end();
    });
    afterEach(async () => {
      await stopProxy?.();
      stopProxy = undefined;
    });

    it('starts while the server refuses connections, waits (503, Retry-After, status), then serves once the database is there, with no restart', async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      const port = await freePort();
      const target = new URL(serverUrl!);
      const url = new URL(serverUrl!);
      url.port = String(port);
      url.pathname = `/${database}`;
      const dataDir = tempDir();
      await helper.load(
        [httpProbe, sessionStoreNode, lineWebhookNode],
        [
          { id: 'store', type: 'session-store', basePath: '/chat', dataDir },
          { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [[]] },
          { id: 'probe', type: 'http-probe' },
        ],
        { store: { databaseUrl: url.toString() } },
      );
      http = await serveHttpNode();
      const api = `${http.baseUrl}/chat/api/v1`;

      // Nothing listens on the port: the first attempts fail, and every request is answered at once.
      await eventually(() => statusesOf('store').some((s) => s.text === 'session-store.status.waiting-database'), 10000);
      const started = Date.now();
      const notReady = await fetch(`${http.baseUrl}/chat/readyz`);
      assert.strictEqual(notReady.status, 503);
      assert.strictEqual((await notReady.json()).status, 'not-ready');
      assert.ok(Number(notReady.headers.get('retry-after')) >= 1);
      const refused = await call(api, 'POST', '/auth/login', { body: { username: 'admin', password: 'x' } });
      assert.strictEqual(refused.status, 503);
      assert.match(refused.body.error, /Waiting for the database/);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      // LINE's webhook too: refused at once, so that LINE (with redelivery on) sends it again.
      const body = webhookBody([messageEvent('สวัสดี', { userId: userId() })]);
      const hook = await fetch(`${http.baseUrl}/line/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
        body: new Uint8Array(body),
      });
      assert.strictEqual(hook.status, 503);
      assert.ok(Number(hook.headers.get('retry-after')) >= 1);
      assert.ok(Date.now() - started < 2000, 'answered at once, not held until the database comes');
      assert.strictEqual((await fetch(`${http.baseUrl}/chat/healthz`)).status, 200, 'alive all along');

      // The server comes up, but the database is not created yet: still waiting.
      stopProxy = await startProxy(port, target);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.strictEqual((await fetch(`${http.baseUrl}/chat/readyz`)).status, 503);

      // Now it is: the store opens it, migrates it and serves, on its own.
      await admin.query(`CREATE DATABASE ${database}`);
      await eventually(async () => (await fetch(`${http!.baseUrl}/chat/readyz`)).status === 200, 30000);
      assert.strictEqual(statusesOf('store').at(-1)?.text, 'session-store.status.serving');
      const password = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
      const token = await login(api, { username: 'admin', password });
      assert.strictEqual((await call(api, 'GET', '/auth/me', { token })).status, 200);

      await helper.unload();
      await stopProxy();
      stopProxy = undefined;
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });

    it('stops trying when the node is closed while it waits', async () => {
      const port = await freePort();
      const url = new URL(serverUrl!);
      url.port = String(port);
      await helper.load([sessionStoreNode], [{ id: 'store', type: 'session-store', serveHttp: false, dataDir: tempDir() }], {
        store: { databaseUrl: url.toString() },
      });
      await eventually(() => statusesOf('store').some((s) => s.text === 'session-store.status.waiting-database'), 10000);
      const closing = Date.now();
      await helper.unload();
      assert.ok(Date.now() - closing < 2000, 'the close does not wait out the retries');
      // Listening now would be noticed by a retry that went on: nothing connects.
      let connections = 0;
      const server = net.createServer((s) => {
        connections += 1;
        s.destroy();
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await new Promise((resolve) => server.close(resolve));
      assert.strictEqual(connections, 0);
    });
  });
});
