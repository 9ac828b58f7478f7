// The login throttle cannot be turned against a user: failures count per address and per
// username from that address, in the database (every instance sees them), and X-Forwarded-For
// decides the address only behind the configured trusted proxy.
import assert from 'node:assert';
import http from 'node:http';
import { describeEachDatabase } from '../support/databases';
import { ADMIN, type ApiServer, startApiServer } from '../support/api-server';

interface From {
  /** The client's own address: any 127.x.y.z reaches the loopback server from that address. */
  localAddress?: string;
  forwardedFor?: string;
}

function loginFrom(
  baseUrl: string,
  body: { username: string; password: string },
  from: From = {},
): Promise<{ status: number; body: any; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/auth/login`,
      {
        method: 'POST',
        localAddress: from.localAddress,
        headers: { 'content-type': 'application/json', ...(from.forwardedFor ? { 'x-forwarded-for': from.forwardedFor } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const wrong = (i: number) => ({ username: ADMIN.username, password: `wrong-password-${i}` });

describeEachDatabase('login throttle', (db) => {
  let api: ApiServer;
  let other: ApiServer | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
    await api.close();
  });

  describe('without a trusted proxy', () => {
    beforeEach(async () => {
      api = await startApiServer(db());
    });

    it("leaves the owner's login from another address working while an attacker is held off", async () => {
      const attacker = { localAddress: '127.0.0.2' };
      for (let i = 0; i < 12; i++) await loginFrom(api.baseUrl, wrong(i), attacker);
      const held = await loginFrom(api.baseUrl, ADMIN, attacker);
      assert.strictEqual(held.status, 429);
      assert.ok(Number(held.headers['retry-after']) >= 1, `Retry-After: ${held.headers['retry-after']}`);
      assert.strictEqual(held.body.retry_after, Number(held.headers['retry-after']));
      assert.strictEqual(held.body.error, 'Too many failed logins; try again later');

      const owner = await loginFrom(api.baseUrl, ADMIN, { localAddress: '127.0.0.3' });
      assert.strictEqual(owner.status, 200, JSON.stringify(owner.body));
    });

    it('holds off an address trying many usernames, and only that address', async () => {
      const attacker = { localAddress: '127.0.0.4' };
      for (let i = 0; i < 30; i++) {
        assert.strictEqual((await loginFrom(api.baseUrl, { username: `guess${i}`, password: 'guess-password' }, attacker)).status, 401);
      }
      assert.strictEqual((await loginFrom(api.baseUrl, { username: 'guess-next', password: 'guess-password' }, attacker)).status, 429);
      assert.strictEqual((await loginFrom(api.baseUrl, ADMIN, { localAddress: '127.0.0.5' })).status, 200);
    });

    it('ignores X-Forwarded-For: the attacker cannot choose an address, nor frame another', async () => {
      for (let i = 0; i < 6; i++) await loginFrom(api.baseUrl, wrong(i), { localAddress: '127.0.0.6', forwardedFor: '198.51.100.7' });
      // a new forwarded address does not free the attacker's own
      assert.strictEqual((await loginFrom(api.baseUrl, ADMIN, { localAddress: '127.0.0.6', forwardedFor: '198.51.100.8' })).status, 429);
      // and the address it named is not held off
      const rows = await db().sql.rows<{ key: string }>(`SELECT key FROM login_failures ORDER BY key`);
      assert.deepStrictEqual(
        rows.map((r) => r.key),
        ['addr:127.0.0.6', 'user:admin@127.0.0.6'],
      );
    });

    it('keeps the counts in the database, so another instance on it holds the attacker off too', async () => {
      other = await startApiServer(db());
      for (let i = 0; i < 6; i++) await loginFrom(api.baseUrl, wrong(i), { localAddress: '127.0.0.7' });
      assert.strictEqual((await loginFrom(other.baseUrl, ADMIN, { localAddress: '127.0.0.7' })).status, 429);
      assert.strictEqual((await loginFrom(other.baseUrl, ADMIN, { localAddress: '127.0.0.8' })).status, 200);
    });

    it("forgets the username's count from an address once its owner logs in there", async () => {
      const from = { localAddress: '127.0.0.9' };
      for (let i = 0; i < 4; i++) await loginFrom(api.baseUrl, wrong(i), from);
      assert.strictEqual((await loginFrom(api.baseUrl, ADMIN, from)).status, 200);
      for (let i = 0; i < 4; i++) assert.strictEqual((await loginFrom(api.baseUrl, wrong(i), from)).status, 401);
      assert.strictEqual((await loginFrom(api.baseUrl, ADMIN, from)).status, 200);
    });
  });

  describe('behind a trusted proxy', () => {
    beforeEach(async () => {
      api = await startApiServer(db(), { trustProxy: 'loopback' });
    });

    it('counts by the client address the proxy forwards', async () => {
      for (let i = 0; i < 6; i++) await loginFrom(api.baseUrl, wrong(i), { forwardedFor: '203.0.113.10' });
      assert.strictEqual((await loginFrom(api.baseUrl, ADMIN, { forwardedFor: '203.0.113.10' })).status, 429);
      // another user behind the same proxy, or the owner elsewhere, is not held off
      assert.strictEqual((await loginFrom(api.baseUrl, ADMIN, { forwardedFor: '203.0.113.11' })).status, 200);
      // a client's own X-Forwarded-For in front of the proxy's entry does not change its address
      assert.strictEqual((await loginFrom(api.baseUrl, ADMIN, { forwardedFor: '203.0.113.99, 203.0.113.10' })).status, 429);
    });
  });
});
