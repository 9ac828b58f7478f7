// The admin route the edit dialogs list stored credentials from (nodes/shared/credential-choices):
// its answers and its errors, on the helper's admin app. That it sits behind the editor's login
// is Node-RED's needsPermission (the browser test of the editor signs in for it).
import assert from 'node:assert';
import path from 'node:path';
import { helper, useLineNodeRuntime } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import sessionStoreNode from '../../nodes/session-store/session-store';
import credentialNode from '../../nodes/credential/credential';
import lineReplyNode from '../../nodes/line-reply/line-reply';
import type { SessionStoreNode } from '../../nodes/shared/session-store';

describe('the admin route of stored credentials', function () {
  this.timeout(30000);
  useLineNodeRuntime();
  let dataDir: string;

  beforeEach(async () => {
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(async () => helper.unload());

  async function deploy(credentials: Record<string, Record<string, string>> = {}) {
    await helper.load(
      [sessionStoreNode, credentialNode, lineReplyNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
        { id: 'f1', type: 'tab' },
        { id: 'cred', z: 'f1', type: 'credential', store: 'store', provider: 'N8N', wires: [[]] },
        { id: 'reply', z: 'f1', type: 'line-reply', store: 'store', wires: [[]] },
      ],
      credentials,
    );
  }

  const choices = (query: string) => helper.request().get(`/line-live-chat/credentials${query}`);

  it("lists a provider's stored credentials: id, name, provider, default and active, never a secret", async () => {
    await deploy();
    const liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    const branch = await liveChat.credentials.create({
      name: 'สาขา 2',
      provider: 'LINE',
      credentials: { channel_secret: 'branch-secret', channel_access_token: 'branch-token-1234' },
      is_active: false,
    });
    await liveChat.credentials.create({ name: 'Flows', provider: 'N8N', credentials: { api_key: 'n8n-key' }, metadata: { base_url: 'https://n8n.example' } });

    const line = await choices('?store=store&provider=LINE');
    assert.strictEqual(line.status, 200);
    assert.deepStrictEqual(
      line.body.credentials.map((c: any) => ({ ...c, id: typeof c.id })),
      [
        { id: 'number', name: 'Main LINE OA', provider: 'LINE', is_default: true, is_active: true },
        { id: 'number', name: 'สาขา 2', provider: 'LINE', is_default: false, is_active: false },
      ],
    );
    assert.strictEqual(line.body.credentials[1].id, branch.id);
    assert.ok(!/secret|token|1234/i.test(JSON.stringify(line.body)), 'no secret, masked or not');

    const n8n = await choices('?store=store&provider=N8N');
    assert.deepStrictEqual(
      n8n.body.credentials.map((c: any) => c.name),
      ['Flows'],
    );
    assert.deepStrictEqual((await choices('?store=store&provider=GOOGLE_SHEETS')).body, { credentials: [] });
  });

  it('answers a clear JSON error without a store, for an unknown provider, and for a store that is not deployed', async () => {
    await deploy();
    const cases: [string, number, string, RegExp][] = [
      ['?provider=LINE', 400, 'no-store', /store \(the id of a session-store node\) is required/],
      ['?store=store&provider=SLACK', 400, 'unknown-provider', /provider must be one of LINE, TELEGRAM, N8N, GOOGLE_SHEETS, CUSTOM/],
      ['?store=store', 400, 'unknown-provider', /provider must be one of/],
      ['?store=new-store-id&provider=LINE', 404, 'store-not-deployed', /session-store new-store-id is not deployed yet/],
      ['?store=reply&provider=LINE', 404, 'store-not-deployed', /session-store reply is not deployed yet/],
    ];
    for (const [query, status, code, error] of cases) {
      const res = await choices(query);
      assert.strictEqual(res.status, status, query);
      assert.match(String(res.headers['content-type']), /application\/json/);
      assert.strictEqual(res.body.code, code, query);
      assert.match(res.body.error, error, query);
    }
  });

  it('answers 503 when the store is deployed but its database could not be opened', async () => {
    await deploy({ store: { databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere' } });
    const res = await choices('?store=store&provider=LINE');
    assert.strictEqual(res.status, 503);
    assert.strictEqual(res.body.code, 'store-unavailable');
    assert.match(res.body.error, /the session-store store is not running: .*ECONNREFUSED/);
  });
});
