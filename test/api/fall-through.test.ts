// The API shares Node-RED's httpNode with the user's own routes: a request it has no route for
// must reach them untouched (not authenticated, its body not read, no 404 of the API's own).
import assert from 'node:assert';
import express from 'express';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';

describeEachDatabase('the API beside other routes', (db) => {
  let server: ApiServer;
  let origin: string;

  beforeEach(async () => {
    server = await startApiServer(db(), {}, {}, (host) => {
      // A user's own http in routes under /api/v1, each reading its body its own way.
      host.get('/api/v1/orders/:id', (req, res) => res.json({ order: req.params.id }));
      host.post('/api/v1/orders', express.raw({ type: () => true }), (req, res) =>
        res.json({ raw: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : null }),
      );
      host.get('/api/v1/admin/friends/:id/photos', (_req, res) => res.json({ photos: [] }));
    });
    origin = server.origin;
  });
  afterEach(() => server.close());

  it("lets a request it has no route for reach the user's route, without asking for a login", async () => {
    const res = await call(origin, 'GET', '/api/v1/orders/42');
    assert.deepStrictEqual([res.status, res.body], [200, { order: '42' }]);
    const deeper = await call(origin, 'GET', '/api/v1/admin/friends/U1/photos');
    assert.deepStrictEqual([deeper.status, deeper.body], [200, { photos: [] }]);
  });

  it('leaves the body of such a request unread, JSON included', async () => {
    const body = '{ "item": "ข้าวมันไก่",  "qty": 2 }';
    const res = await call(origin, 'POST', '/api/v1/orders', { body });
    assert.deepStrictEqual(res.body, { raw: body });
  });

  it("answers a path nobody serves with the host's own 404, not the API's", async () => {
    const res = await call(origin, 'GET', '/api/v1/nothing/here');
    assert.strictEqual(res.status, 404);
    assert.strictEqual(typeof res.body, 'string');
    assert.match(res.body, /Cannot GET \/api\/v1\/nothing\/here/);
  });

  it('still guards and serves its own routes: any case, a trailing slash, parameters, HEAD', async () => {
    for (const [method, path] of [
      ['GET', '/Admin/Friends/'],
      ['GET', '/admin/friends/Uabc/events'],
      ['POST', '/admin/live-chat/conversations/Uabc/messages/7/retry'],
      ['PUT', '/admin/operators/3'],
      ['DELETE', '/admin/credentials/3'],
      ['GET', '/auth/me'],
    ]) {
      const res = await call(server.baseUrl, method, path);
      assert.strictEqual(res.status, 401, `${method} ${path}`);
    }
    const head = await fetch(`${server.baseUrl}/admin/friends`, { method: 'HEAD' });
    assert.strictEqual(head.status, 401);
    const token = await login(server.baseUrl);
    const friends = await call(server.baseUrl, 'GET', '/admin/friends/', { token });
    assert.strictEqual(friends.status, 200);
    const bad = await call(server.baseUrl, 'POST', '/auth/login', { body: '{not json' });
    assert.deepStrictEqual([bad.status, bad.body.error], [400, 'The request body is not valid JSON']);
  });
});
