import assert from 'node:assert';
import path from 'node:path';
import { helper } from '../support/node-red';
import { nodeCatalogs } from '../support/node-catalogs';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import sessionStoreNode from '../../nodes/session-store/session-store';
import credentialNode from '../../nodes/credential/credential';
import type { SessionStoreNode } from '../../nodes/shared/session-store';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

interface Msg {
  _msgid: string;
  credential?: { id: number; name: string; provider: string; secrets: Record<string, string>; metadata: Record<string, unknown> };
  error?: { message: string };
  [key: string]: unknown;
}

describe('credential node', function () {
  this.timeout(30000);
  let dataDir: string;

  const flow = (node: Record<string, unknown>) => [
    { id: 'store', type: 'session-store', name: 'live chat', dataDir, serveHttp: false },
    { id: 'f1', type: 'tab' },
    { id: 'cred', z: 'f1', type: 'credential', store: 'store', provider: 'N8N', wires: [['out']], ...node },
    { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];

  async function deploy(node: Record<string, unknown> = {}) {
    await helper.load([nodeCatalogs, sessionStoreNode, credentialNode, catchNode], flow(node));
    const liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
    await liveChat.credentials.create({
      name: 'Flows',
      provider: 'N8N',
      credentials: { api_key: 'n8n-key-default' },
      metadata: { base_url: 'https://n8n.example' },
    });
    await liveChat.credentials.create({
      name: 'Reports',
      provider: 'N8N',
      credentials: { api_key: 'n8n-key-reports' },
      metadata: { base_url: 'https://reports.example' },
    });
    return liveChat;
  }

  /** Sends `msg` into the credential node; answers the msg that came out, or the one a Catch node saw. */
  function pass(msg: Record<string, unknown>): Promise<{ out?: Msg; caught?: Msg }> {
    return new Promise((resolve) => {
      helper.getNode('out').on('input', (m: Msg) => resolve({ out: m }));
      helper.getNode('caught').on('input', (m: Msg) => resolve({ caught: m }));
      helper.getNode('cred').receive(msg);
    });
  }

  before(async () => helper.startServer());
  after(async () => helper.stopServer());
  beforeEach(async () => {
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(async () => helper.unload());

  it("puts the provider's default credential, decrypted, on msg.credential", async () => {
    await deploy();
    const { out } = await pass({ payload: 'go' });
    assert.ok(out, 'the msg was sent on');
    assert.strictEqual(out.payload, 'go');
    assert.deepStrictEqual(
      { ...out.credential, id: undefined },
      {
        id: undefined,
        name: 'Flows',
        provider: 'N8N',
        secrets: { api_key: 'n8n-key-default' },
        metadata: { base_url: 'https://n8n.example' },
      },
    );
  });

  it('uses the credential the node names, else msg.credentialId', async () => {
    await deploy({ credential: 'Reports' });
    assert.strictEqual((await pass({})).out?.credential?.secrets.api_key, 'n8n-key-reports');
    await helper.unload();
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    const liveChat = await deploy();
    const reports = (await liveChat.credentials.list('N8N')).find((c) => c.name === 'Reports')!;
    assert.strictEqual((await pass({ credentialId: reports.id })).out?.credential?.name, 'Reports');
  });

  it('hands a Catch node the error when there is no such credential, sending nothing on', async () => {
    await deploy({ provider: 'GOOGLE_SHEETS' });
    const { out, caught } = await pass({ payload: 'x' });
    assert.strictEqual(out, undefined);
    assert.match(caught!.error!.message, /no active default GOOGLE_SHEETS credential/);
    assert.strictEqual(caught!.credential, undefined);
  });

  it('refuses to run without a store', async () => {
    await helper.load(
      [nodeCatalogs, sessionStoreNode, credentialNode, catchNode],
      [
        { id: 'f1', type: 'tab' },
        { id: 'cred', z: 'f1', type: 'credential', store: '', provider: 'N8N', wires: [['out']] },
        { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'out', z: 'f1', type: 'helper' },
        { id: 'caught', z: 'f1', type: 'helper' },
      ],
    );
    const { out, caught } = await pass({});
    assert.strictEqual(out, undefined);
    assert.match(caught!.error!.message, /^Error: Choose a session-store for this credential node$/);
  });
});
