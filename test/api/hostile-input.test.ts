// Ids, cursors and paths a client made up: beyond int4 or int8, negative, not numbers, broken
// percent-encoding or NUL characters get a 400 (or 404) in the API's error shape, never a 500.
import assert from 'node:assert';
import http from 'node:http';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, useLiveChatHarness } from '../support/live-chat-harness';

const CHATS = '/admin/live-chat/conversations';

/** A request with the path exactly as written: fetch would re-encode a malformed one. */
function rawRequest(url: string, method: string, token: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const body = method === 'POST' || method === 'PUT' ? '{}' : '';
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(body.length) };
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: left as text for the assertion's message
        }
        resolve({ status: res.statusCode!, body });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describeEachDatabase('the API against made-up ids, cursors and encodings', (db) => {
  const suite = useLiveChatHarness(db);
  let chat: LiveChatHarness;
  let user: string;
  beforeEach(async () => {
    chat = suite.chat;
    user = await chat.waitingChat();
  });

  it('answers 400 or 404 in its error shape, never 500, and changes nothing', async () => {
    const messagesBefore = await chat.messagesOf(user);
    const cases: [string, string][] = [];
    for (const id of ['2147483648', '9223372036854775808', '99999999999999999999', '-1', '0', '1.5', '1e3', 'abc', '0x10', '%2B1']) {
      cases.push(
        ['PUT', `/admin/operators/${id}`],
        ['DELETE', `/admin/operators/${id}`],
        ['GET', `/admin/credentials/${id}`],
        ['DELETE', `/admin/credentials/${id}`],
        ['POST', `/admin/credentials/${id}/verify`],
        ['POST', `/admin/credentials/${id}/set-default`],
        ['POST', `${CHATS}/${user}/messages/${id}/retry`],
        ['GET', `${CHATS}/${user}?cursor=${id}`],
        ['GET', `/admin/friends?cursor=${id}`],
        ['GET', `/admin/live-chat/analytics?operator_id=${id}`],
        ['GET', `${CHATS}?limit=${id}`],
      );
    }
    for (const cursor of ['99999999999999999999_1', '253402300800000000_1', '1700000000000000_2147483648', '1700000000000000_0', '1_-1', '_', 'x_y']) {
      cases.push(['GET', `${CHATS}?cursor=${cursor}`]);
    }
    for (const bad of ['%E0%A4%A', '%FF', '%', '%00', 'U%00']) {
      cases.push(['GET', `${CHATS}/${bad}`], ['POST', `${CHATS}/${bad}/claim`], ['GET', `/admin/friends/${bad}/events`], ['PUT', `/admin/operators/${bad}`]);
    }
    for (const [method, path] of cases) {
      const res = await rawRequest(chat.server.baseUrl + path, method, chat.admin.token);
      assert.ok(res.status === 400 || res.status === 404, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.strictEqual(typeof res.body?.error, 'string', `${method} ${path}: ${JSON.stringify(res.body)}`);
    }
    // a search is text: broken encodings are searched for as written (nothing found), a NUL refused
    for (const bad of ['%E0%A4%A', '%FF', '%']) {
      const res = await rawRequest(`${chat.server.baseUrl}${CHATS}?q=${bad}`, 'GET', chat.admin.token);
      assert.deepStrictEqual([res.status, res.body.conversations], [200, []], bad);
    }
    assert.strictEqual((await rawRequest(`${chat.server.baseUrl}${CHATS}?q=a%00b`, 'GET', chat.admin.token)).status, 400);
    assert.deepStrictEqual(await chat.messagesOf(user), messagesBefore);
    assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
  });

  it('names what is wrong: the id, the cursor, the encoding', async () => {
    const big = await rawRequest(`${chat.server.baseUrl}/admin/operators/2147483648`, 'PUT', chat.admin.token);
    assert.deepStrictEqual([big.status, big.body.field], [400, 'id']);
    const cursor = await rawRequest(`${chat.server.baseUrl}${CHATS}?cursor=1700000000000000_2147483648`, 'GET', chat.admin.token);
    assert.deepStrictEqual([cursor.status, cursor.body.field], [400, 'cursor']);
    const encoding = await rawRequest(`${chat.server.baseUrl}${CHATS}/%E0%A4%A`, 'GET', chat.admin.token);
    assert.deepStrictEqual([encoding.status, encoding.body.error], [400, 'The request path is not valid percent-encoding']);
    // the largest id there can be is simply not found
    const largest = await rawRequest(`${chat.server.baseUrl}/admin/credentials/2147483647`, 'GET', chat.admin.token);
    assert.strictEqual(largest.status, 404);
  });

  it('refuses a NUL character in a body field with 400', async () => {
    const res = await chat.api('POST', `${CHATS}/${user}/close`, chat.admin, { message: 'bye\u0000' });
    assert.strictEqual(res.status, 400);
    assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
    const sent = await chat.api('POST', `${CHATS}/${user}/messages`, chat.admin, { messages: [{ type: 'text', text: 'a\u0000b' }] });
    assert.strictEqual(sent.status, 400);
    const created = await chat.api('POST', '/admin/operators', chat.admin, { username: 'nul\u0000user', password: 'a-long-password' });
    assert.strictEqual(created.status, 400);
  });
});
