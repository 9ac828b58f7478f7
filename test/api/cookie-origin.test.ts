// Cross-site request forgery and the login cookie: a state-changing request made with the cookie
// must come from the inbox's own origin (or its configured public URL); a Bearer token is not a
// cookie and is left alone. And the cookie is Secure when the inbox is reached over HTTPS, which
// behind a proxy is known only from a trusted one.
import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { ADMIN, call } from '../support/api-server';
import { type LiveChatHarness, useLiveChatHarness } from '../support/live-chat-harness';

const CHATS = '/admin/live-chat/conversations';

async function loginCookie(baseUrl: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await call(baseUrl, 'POST', '/auth/login', { body: ADMIN, headers });
  assert.strictEqual(res.status, 200, JSON.stringify(res.body));
  return res.headers.get('set-cookie')!;
}

describeEachDatabase('the login cookie and where requests come from', (db) => {
  describe('without a trusted proxy', () => {
    const suite = useLiveChatHarness(db);
    let chat: LiveChatHarness;
    let user: string;
    let cookie: string;
    beforeEach(async () => {
      chat = suite.chat;
      user = await chat.waitingChat();
      cookie = (await loginCookie(chat.server.baseUrl)).split(';')[0];
    });

    const claim = (headers: Record<string, string>) => call(chat.server.baseUrl, 'POST', `${CHATS}/${user}/claim`, { headers: { cookie, ...headers } });

    it('refuses a cookie request from another site, or another port of this one, with 403, changing nothing', async () => {
      const samePort = new URL(chat.server.origin);
      const otherPort = `http://${samePort.hostname}:${Number(samePort.port) + 1}`;
      const sources: Record<string, string>[] = [
        { origin: 'http://evil.example' },
        { origin: otherPort },
        { origin: 'null' },
        { referer: `${otherPort}/page` },
        {},
      ];
      for (const headers of sources) {
        const res = await claim(headers);
        assert.strictEqual(res.status, 403, JSON.stringify(headers));
        assert.match(res.body.error, /another site/);
      }
      const close = await call(chat.server.baseUrl, 'POST', `${CHATS}/${user}/close`, { headers: { cookie, origin: 'http://evil.example' }, body: {} });
      assert.strictEqual(close.status, 403);
      const [session] = await chat.sessionsOf(user);
      assert.deepStrictEqual([session.status, session.operator_id], ['WAITING', null]);
    });

    it("takes a cookie request from the inbox's own origin, by Origin or Referer, and from the public URL", async () => {
      assert.strictEqual((await claim({ origin: chat.server.origin })).status, 200);
      const other = await chat.waitingChat();
      const byReferer = await call(chat.server.baseUrl, 'POST', `${CHATS}/${other}/claim`, {
        headers: { cookie, referer: `${chat.server.origin}/admin/live-chat` },
      });
      assert.strictEqual(byReferer.status, 200);
      // startApiServer's public URL is http://inbox.example
      const third = await chat.waitingChat();
      const fromPublic = await call(chat.server.baseUrl, 'POST', `${CHATS}/${third}/claim`, { headers: { cookie, origin: 'http://inbox.example' } });
      assert.strictEqual(fromPublic.status, 200);
      // reads are not checked
      assert.strictEqual((await call(chat.server.baseUrl, 'GET', '/auth/me', { headers: { cookie, origin: 'http://evil.example' } })).status, 200);
    });

    it('leaves Bearer requests alone, whatever their Origin', async () => {
      const res = await call(chat.server.baseUrl, 'POST', `${CHATS}/${user}/claim`, { token: chat.admin.token, headers: { origin: 'http://evil.example' } });
      assert.strictEqual(res.status, 200);
    });

    it('believes no X-Forwarded-Host: a forged one does not make a foreign Origin its own', async () => {
      const res = await claim({ origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' });
      assert.strictEqual(res.status, 403);
    });

    it('sets no Secure flag over plain HTTP, whatever X-Forwarded-Proto claims', async () => {
      assert.doesNotMatch(await loginCookie(chat.server.baseUrl, { 'x-forwarded-proto': 'https' }), /;\s*Secure/i);
    });
  });

  describe('behind a trusted proxy', () => {
    const suite = useLiveChatHarness(db, { core: { trustProxy: 'loopback' } });

    it('makes the cookie Secure when the proxy says the browser came over HTTPS', async () => {
      assert.match(await loginCookie(suite.chat.server.baseUrl, { 'x-forwarded-proto': 'https' }), /;\s*Secure/i);
      assert.doesNotMatch(await loginCookie(suite.chat.server.baseUrl, { 'x-forwarded-proto': 'http' }), /;\s*Secure/i);
    });

    it('checks the Origin against the host the proxy forwards', async () => {
      const user = await suite.chat.waitingChat();
      const cookie = (await loginCookie(suite.chat.server.baseUrl)).split(';')[0];
      const path = `${CHATS}/${user}/claim`;
      const foreign = await call(suite.chat.server.baseUrl, 'POST', path, {
        headers: { cookie, origin: 'https://evil.example', 'x-forwarded-host': 'chat.example.com' },
      });
      assert.strictEqual(foreign.status, 403);
      const own = await call(suite.chat.server.baseUrl, 'POST', path, {
        headers: { cookie, origin: 'https://chat.example.com', 'x-forwarded-host': 'chat.example.com' },
      });
      assert.strictEqual(own.status, 200, JSON.stringify(own.body));
    });
  });
});
