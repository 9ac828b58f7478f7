import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { ADMIN, type ApiServer, call, login, startApiServer } from '../support/api-server';

describeEachDatabase('API door: login, tokens, logout', (db) => {
  let api: ApiServer;
  beforeEach(async () => {
    api = await startApiServer(db());
  });
  afterEach(() => api.close());

  it('logs the bootstrap admin in with a token and an HttpOnly SameSite cookie', async () => {
    const res = await call(api.baseUrl, 'POST', '/auth/login', { body: ADMIN });
    assert.strictEqual(res.status, 200);
    assert.match(res.body.token, /^[A-Za-z0-9_-]{40,}$/);
    assert.deepStrictEqual(
      { username: res.body.operator.username, role: res.body.operator.role, active: res.body.operator.active },
      { username: 'admin', role: 'admin', active: true },
    );
    assert.strictEqual(res.body.operator.password_hash, undefined);
    const cookie = res.headers.get('set-cookie')!;
    assert.match(cookie, /^llc_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const viaCookie = await call(api.baseUrl, 'GET', '/auth/me', { headers: { cookie: cookie.split(';')[0] } });
    assert.strictEqual(viaCookie.status, 200);
    assert.strictEqual(viaCookie.body.operator.username, 'admin');
  });

  it('answers 401 to a wrong password and to an unknown user alike', async () => {
    const wrong = await call(api.baseUrl, 'POST', '/auth/login', { body: { username: 'admin', password: 'nope-nope-nope' } });
    const unknown = await call(api.baseUrl, 'POST', '/auth/login', { body: { username: 'ghost', password: 'nope-nope-nope' } });
    assert.strictEqual(wrong.status, 401);
    assert.strictEqual(unknown.status, 401);
    assert.strictEqual(wrong.body.error, unknown.body.error);
  });

  it('answers 400 naming the missing field, and to a body that is not JSON', async () => {
    const missing = await call(api.baseUrl, 'POST', '/auth/login', { body: { username: 'admin' } });
    assert.strictEqual(missing.status, 400);
    assert.strictEqual(missing.body.field, 'password');
    const garbled = await call(api.baseUrl, 'POST', '/auth/login', { body: '{"username":' });
    assert.strictEqual(garbled.status, 400);
  });

  it('refuses every other route without a live token', async () => {
    assert.strictEqual((await call(api.baseUrl, 'GET', '/auth/me')).status, 401);
    assert.strictEqual((await call(api.baseUrl, 'GET', '/admin/operators')).status, 401);
    assert.strictEqual((await call(api.baseUrl, 'GET', '/admin/operators', { token: 'made-up' })).status, 401);
  });

  it('ends the token at logout', async () => {
    const token = await login(api.baseUrl);
    assert.strictEqual((await call(api.baseUrl, 'POST', '/auth/logout', { token })).status, 200);
    assert.strictEqual((await call(api.baseUrl, 'GET', '/auth/me', { token })).status, 401);
    const rows = await db().sql.rows(`SELECT * FROM auth_tokens`);
    assert.strictEqual(rows.length, 0);
  });

  it('keeps only a hash of each token in the database', async () => {
    const token = await login(api.baseUrl);
    const rows = await db().sql.rows<{ token_hash: string }>(`SELECT token_hash FROM auth_tokens`);
    assert.strictEqual(rows.length, 1);
    assert.notStrictEqual(rows[0].token_hash, token);
    assert.match(rows[0].token_hash, /^[0-9a-f]{64}$/);
  });

  it('slows down repeated failures: after five, even the right password waits', async () => {
    for (let i = 0; i < 5; i++) {
      assert.strictEqual((await call(api.baseUrl, 'POST', '/auth/login', { body: { username: 'admin', password: `wrong-${i}-xxxx` } })).status, 401);
    }
    const throttled = await call(api.baseUrl, 'POST', '/auth/login', { body: ADMIN });
    assert.strictEqual(throttled.status, 429);
    assert.ok(throttled.body.retry_after >= 1);
  });
});

describeEachDatabase('API: operator accounts', (db) => {
  let api: ApiServer;
  let admin: string;
  beforeEach(async () => {
    api = await startApiServer(db());
    admin = await login(api.baseUrl);
  });
  afterEach(() => api.close());

  const somchai = { username: 'somchai', password: 'somchai-pass-1', display_name: 'สมชาย นามสมมติ', role: 'operator' };

  it('lets an admin create, list and update operators, never showing a password hash', async () => {
    const created = await call(api.baseUrl, 'POST', '/admin/operators', { token: admin, body: somchai });
    assert.strictEqual(created.status, 201);
    assert.strictEqual(created.body.display_name, 'สมชาย นามสมมติ');
    assert.strictEqual(created.body.role, 'operator');
    const list = await call(api.baseUrl, 'GET', '/admin/operators', { token: admin });
    assert.deepStrictEqual(
      list.body.operators.map((o: { username: string }) => o.username),
      ['admin', 'somchai'],
    );
    assert.doesNotMatch(JSON.stringify(list.body), /hash|scrypt/);
    const promoted = await call(api.baseUrl, 'PUT', `/admin/operators/${created.body.id}`, { token: admin, body: { role: 'admin' } });
    assert.strictEqual(promoted.status, 200);
    assert.strictEqual(promoted.body.role, 'admin');
    const stored = await db().sql.row<{ password_hash: string }>(`SELECT password_hash FROM operators WHERE username = 'somchai'`);
    assert.match(stored!.password_hash, /^scrypt\$/);
  });

  it('answers 400 naming the field, 409 for a taken username, and changes nothing', async () => {
    const badName = await call(api.baseUrl, 'POST', '/admin/operators', { token: admin, body: { ...somchai, username: 'a b' } });
    assert.strictEqual(badName.status, 400);
    assert.strictEqual(badName.body.field, 'username');
    const shortPassword = await call(api.baseUrl, 'POST', '/admin/operators', { token: admin, body: { ...somchai, password: 'short' } });
    assert.strictEqual(shortPassword.body.field, 'password');
    const badRole = await call(api.baseUrl, 'POST', '/admin/operators', { token: admin, body: { ...somchai, role: 'root' } });
    assert.strictEqual(badRole.body.field, 'role');
    const taken = await call(api.baseUrl, 'POST', '/admin/operators', { token: admin, body: { ...somchai, username: 'ADMIN' } });
    assert.strictEqual(taken.status, 409);
    const count = await db().sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM operators`);
    assert.strictEqual(count!.n, 1);
  });

  it('answers 403 to an operator on admin routes', async () => {
    await call(api.baseUrl, 'POST', '/admin/operators', { token: admin, body: somchai });
    const token = await login(api.baseUrl, somchai);
    const res = await call(api.baseUrl, 'GET', '/admin/operators', { token });
    assert.strictEqual(res.status, 403);
    const create = await call(api.baseUrl, 'POST', '/admin/operators', { token, body: { ...somchai, username: 'other' } });
    assert.strictEqual(create.status, 403);
  });

  it('deactivates an operator: its sessions end and it can no longer log in', async () => {
    const created = await call(api.baseUrl, 'POST', '/admin/operators', { token: admin, body: somchai });
    const token = await login(api.baseUrl, somchai);
    const res = await call(api.baseUrl, 'DELETE', `/admin/operators/${created.body.id}`, { token: admin });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.body.active, false);
    assert.strictEqual((await call(api.baseUrl, 'GET', '/auth/me', { token })).status, 401);
    assert.strictEqual((await call(api.baseUrl, 'POST', '/auth/login', { body: somchai })).status, 401);
  });

  it('refuses to leave no active admin', async () => {
    const me = await call(api.baseUrl, 'GET', '/auth/me', { token: admin });
    const res = await call(api.baseUrl, 'PUT', `/admin/operators/${me.body.operator.id}`, { token: admin, body: { role: 'operator' } });
    assert.strictEqual(res.status, 409);
    const still = await call(api.baseUrl, 'GET', '/auth/me', { token: admin });
    assert.strictEqual(still.body.operator.role, 'admin');
  });

  it('answers 404 for an unknown operator and 400 for a bad id', async () => {
    assert.strictEqual((await call(api.baseUrl, 'PUT', '/admin/operators/999', { token: admin, body: { display_name: 'x' } })).status, 404);
    assert.strictEqual((await call(api.baseUrl, 'PUT', '/admin/operators/abc', { token: admin, body: {} })).status, 400);
  });
});
