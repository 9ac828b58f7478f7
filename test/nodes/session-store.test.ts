import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { helper, httpProbe, serveHttpNode } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { call, login } from '../support/api-server';
import { setEnvironment } from '../support/environment';
import { connectLiveSocket, openLiveSocket } from '../support/live-socket';
import sessionStoreNode from '../../nodes/session-store/session-store';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import { inboxScript } from '../support/inbox-bundle';

describe('session-store node', function () {
  this.timeout(30000);
  let dataDir: string;
  let http: { baseUrl: string; close(): Promise<void> } | undefined;
  let restoreEnvironment: () => void;

  const flow = () => [
    { id: 'store', type: 'session-store', name: 'live chat', dataDir },
    { id: 'probe', type: 'http-probe' },
  ];

  async function deploy() {
    await helper.load([httpProbe, sessionStoreNode], flow());
    await (helper.getNode('store') as SessionStoreNode).liveChat;
    http = await serveHttpNode();
  }

  async function stop() {
    await http?.close();
    http = undefined;
    await helper.unload();
  }

  before(async () => {
    restoreEnvironment = setEnvironment({ ADMIN_PASSWORD: undefined });
    await helper.startServer();
  });
  after(async () => {
    restoreEnvironment();
    await helper.stopServer();
  });
  beforeEach(async () => {
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(stop);

  it('opens the embedded database in its data folder and serves the API with a generated admin password', async () => {
    await deploy();
    const passwordFile = path.join(dataDir, 'admin-password');
    assert.strictEqual(fs.statSync(passwordFile).mode & 0o777, 0o600);
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    assert.ok(password.length >= 12);
    const keyFile = path.join(dataDir, 'encryption.key');
    assert.strictEqual(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(keyFile, 'utf8').trim(), /^[A-Za-z0-9_-]{43}=$/);
    const token = await login(`${http!.baseUrl}/api/v1`, { username: 'admin', password });
    const me = await call(`${http!.baseUrl}/api/v1`, 'GET', '/auth/me', { token });
    assert.strictEqual(me.status, 200);
    assert.strictEqual(me.body.operator.role, 'admin');
  });

  it('serves the inbox page on each of its paths, and its bundle', async () => {
    await deploy();
    for (const page of ['/admin/live-chat', '/admin/login', '/admin/friends', '/admin/settings', '/admin/live-chat/analytics']) {
      const res = await fetch(`${http!.baseUrl}${page}`);
      assert.strictEqual(res.status, 200, page);
      assert.match(await res.text(), /<llc-app><\/llc-app>/);
    }
    const bundle = await fetch(`${http!.baseUrl}/admin/assets/${inboxScript()}`);
    assert.strictEqual(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    assert.match(await bundle.text(), /llc-app/);
  });

  it('keeps every record across a redeploy', async () => {
    await deploy();
    const password = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
    const admin = await login(`${http!.baseUrl}/api/v1`, { username: 'admin', password });
    const created = await call(`${http!.baseUrl}/api/v1`, 'POST', '/admin/operators', {
      token: admin,
      body: { username: 'somchai', password: 'operator-pass-1', display_name: 'สมชาย', role: 'operator' },
    });
    assert.strictEqual(created.status, 201);
    await stop();
    await deploy();
    const token = await login(`${http!.baseUrl}/api/v1`, { username: 'somchai', password: 'operator-pass-1' });
    const me = await call(`${http!.baseUrl}/api/v1`, 'GET', '/auth/me', { token });
    assert.strictEqual(me.body.operator.display_name, 'สมชาย');
  });

  it('answers 503 while no store is deployed', async () => {
    await deploy();
    const app = http!;
    await helper.unload();
    const res = await call(`${app.baseUrl}/api/v1`, 'GET', '/auth/me');
    assert.strictEqual(res.status, 503);
    assert.match(res.body.error, /not running/);
  });

  it("serves the live inbox's socket.io on Node-RED's server, and drops it while no store is deployed", async () => {
    await deploy();
    const password = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
    const token = await login(`${http!.baseUrl}/api/v1`, { username: 'admin', password });
    const live = await connectLiveSocket(helper.url(), { transports: ['websocket'], auth: { token } });
    try {
      assert.strictEqual((await live.next('hello')).operator.username, 'admin');
      await helper.unload();
      assert.strictEqual(await live.disconnected, 'transport close');
      const refused = openLiveSocket(helper.url(), { auth: { token } });
      await assert.rejects(refused.connected, (err: Error) => err.message === 'unavailable');
      refused.close();
    } finally {
      live.close();
    }
  });
});
