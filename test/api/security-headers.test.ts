// The security headers go on everything the store serves (pages, bundle, API, its 503) and on
// nothing else: an integrator's own routes beside the inbox keep their own headers.
import assert from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createSite } from '../../src/http/site';
import { CONTENT_SECURITY_POLICY } from '../../src/http/security-headers';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, startApiServer } from '../support/api-server';
import { inboxScript } from '../support/inbox-bundle';

const EXPECTED = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

function securityHeadersOf(res: Response): Record<string, string | null> {
  return Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, res.headers.get(name)]));
}

describeEachDatabase('security headers', (db) => {
  let api: ApiServer;
  let server: http.Server;
  let origin: string;
  let running = true;

  beforeEach(async () => {
    api = await startApiServer(db());
    running = true;
    const host = express();
    host.use(
      '/shop',
      createSite(async () => {
        if (!running) throw new Error('stopped');
        return api.app;
      }),
    );
    // the integrator's own routes, beside and under the store's base
    host.get('/shop/api/v1/orders/:id', (req, res) => res.json({ order: req.params.id }));
    host.get('/shop/menu', (_req, res) => res.type('html').send('<p>menu</p>'));
    server = http.createServer(host);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shop`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await api.close();
  });

  it('sends CSP with frame-ancestors, nosniff, X-Frame-Options and Referrer-Policy on the pages, bundle and API', async () => {
    assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
    for (const path of ['/admin/live-chat', '/admin/login', `/admin/assets/${inboxScript()}`, '/api/v1/auth/me', '/api/v1/admin/friends']) {
      const res = await fetch(origin + path);
      assert.ok(res.status === 200 || res.status === 401, `${path}: ${res.status}`);
      assert.deepStrictEqual(securityHeadersOf(res), EXPECTED, path);
    }
    const login = await fetch(`${origin}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.deepStrictEqual([login.status, securityHeadersOf(login)], [400, EXPECTED]);
    running = false;
    const unavailable = await fetch(`${origin}/api/v1/auth/me`);
    assert.deepStrictEqual([unavailable.status, securityHeadersOf(unavailable)], [503, EXPECTED]);
  });

  it("leaves the integrator's own routes without them", async () => {
    for (const path of ['/api/v1/orders/7', '/menu']) {
      const res = await fetch(origin + path);
      assert.strictEqual(res.status, 200, path);
      for (const [name, value] of Object.entries(securityHeadersOf(res))) assert.strictEqual(value, null, `${path} ${name}`);
    }
    // a bundle name it does not have goes on to the host (express's own 404, with its own CSP)
    const missing = await fetch(`${origin}/admin/assets/nothing-ABCDEFGH.js`);
    assert.strictEqual(missing.status, 404);
    assert.strictEqual(missing.headers.get('x-frame-options'), null);
  });
});
