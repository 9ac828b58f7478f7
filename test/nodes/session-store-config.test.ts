// The session-store's configuration as a Node-RED user sets it: values and secrets in the config
// node (with ${ENV}), over the README's environment variables; a bad value stops the store with a
// clear error; a flow saved before config versions keeps working as it did.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { helper, httpProbe, serveHttpNode } from '../support/node-red';
import { call } from '../support/api-server';
import { freshEmbeddedDir, serverUrl, tempDir } from '../support/databases';
import { setEnvironment } from '../support/environment';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';
import sessionStoreNode from '../../nodes/session-store/session-store';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import { generateFernetKey } from '../../src/crypto/fernet';
import type { StoreConfigError } from '../../src/config/store-config';
import type { LiveChat } from '../../src/live-chat';

const BOT_TOKEN = '123456:telegram-bot-token-XYZ9';
/** A Node-RED environment variable reference, as a user types it: ${NAME}. */
const ref = (name: string) => `\${${name}}`;

describe('session-store configuration', function () {
  this.timeout(30000);
  let telegram: FakeTelegram;
  let restoreEnvironment: () => void;
  let dataDir: string;

  before(async () => {
    telegram = await startFakeTelegram(BOT_TOKEN);
    restoreEnvironment = setEnvironment({
      ADMIN_PASSWORD: undefined,
      ADMIN_URL: undefined,
      DATABASE_URL: undefined,
      ENCRYPTION_KEY: undefined,
      LINE_CHANNEL_SECRET: undefined,
      LINE_CHANNEL_ACCESS_TOKEN: undefined,
      TELEGRAM_BOT_TOKEN: undefined,
      TELEGRAM_ADMIN_CHAT_ID: undefined,
      TELEGRAM_API_ROOT: telegram.url,
      LLC_TEST_HOST: 'chat.example.com',
      LLC_TEST_SECRET: 'line-secret-from-env',
      LLC_TEST_TOKEN: 'from-env',
      LLC_TEST_BASE: '/chat',
    });
    await helper.startServer();
  });
  after(async () => {
    restoreEnvironment();
    await helper.stopServer();
    await telegram.close();
  });
  beforeEach(async () => {
    telegram.reset();
    dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
  });
  afterEach(async () => {
    await helper.unload();
    helper.settings({ httpNodeRoot: undefined, https: undefined, uiHost: undefined });
  });

  async function deploy(config: Record<string, unknown>, credentials: Record<string, string> = {}): Promise<SessionStoreNode> {
    await helper.load(
      [httpProbe, sessionStoreNode],
      [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir, ...config },
        { id: 'probe', type: 'http-probe' },
      ],
      {
        store: credentials,
      },
    );
    return helper.getNode('store') as SessionStoreNode;
  }
  /** What the store said through status/error (the helper spies on every node's). */
  function said(node: SessionStoreNode, method: 'status' | 'error'): any[] {
    const spy = (node as any)[method];
    return spy
      .getCalls()
      .filter((c: any) => c.thisValue === node)
      .map((c: any) => c.args[0]);
  }
  async function chatLinkOf(liveChat: LiveChat): Promise<string> {
    await liveChat.telegram.sendHandoffAlert({ contact: { line_user_id: 'Uabc' }, recentMessages: [] });
    const sent = telegram.sent.at(-1)!;
    return /🔗 เปิดแชท: (\S+)$/.exec(sent.plain)![1];
  }

  it('keeps a flow saved before config versions working as before (v1: name, data folder, serve, its two secrets)', async () => {
    const key = generateFernetKey();
    const credentials: Record<string, string> = { encryptionKey: key };
    if (serverUrl) credentials.databaseUrl = serverUrl;
    const node = await deploy({ serveHttp: true }, credentials);
    const liveChat = await node.liveChat;
    assert.strictEqual(liveChat.db.kind, serverUrl ? 'server' : 'embedded');
    // its key is used: none is generated
    assert.ok(!fs.existsSync(path.join(dataDir, 'encryption.key')));
    const stored = await liveChat.credentials.create({
      name: `n8n ${Date.now()}`,
      provider: 'N8N',
      credentials: { api_key: 'k' },
      metadata: { base_url: 'https://n8n.example.com' },
    });
    assert.strictEqual(stored.credentials_masked, '****');
    // today's paths
    assert.deepStrictEqual(said(node, 'status').at(-1), { fill: 'green', shape: 'dot', text: 'session-store.status.serving' });
    const http = await serveHttpNode();
    try {
      assert.strictEqual((await fetch(`${http.baseUrl}/admin/live-chat`)).status, 200);
      assert.strictEqual((await call(`${http.baseUrl}/api/v1`, 'GET', '/auth/me')).status, 401);
    } finally {
      await http.close();
    }
  });

  it('refuses a config saved by a newer release, and bad values, with a red status and an error naming the value; nothing starts', async () => {
    let node = await deploy({ configVersion: 3 });
    await assert.rejects(node.liveChat, (err: Error) => /saved by a newer version.*config version 3/.test((err.cause as Error).message));
    assert.deepStrictEqual(said(node, 'status').at(-1), { fill: 'red', shape: 'ring', text: 'session-store.status.invalid-config' });
    assert.deepStrictEqual(said(node, 'error'), ['session-store.errors.config']);
    await helper.unload();

    for (const [config, credentials, error] of [
      [{ configVersion: 2, basePath: '/live chat' }, {}, 'invalid-basePath'],
      [{ configVersion: 2, publicUrl: 'chat.example.com' }, {}, 'invalid-publicUrl'],
      [{ configVersion: 2, sweepInterval: '0' }, {}, 'invalid-sweepInterval'],
      [{ configVersion: 2, lineSendBudget: '5' }, {}, 'invalid-lineSendBudget'],
      [{ configVersion: 2, telegramBudget: '700' }, {}, 'invalid-telegramBudget'],
      [{ configVersion: 2 }, { databaseUrl: 'mysql://db/x' }, 'invalid-databaseUrl'],
      [{ configVersion: 2 }, { lineChannelSecret: 'only the secret' }, 'missing-lineChannelAccessToken'],
    ] as const) {
      node = await deploy(config, credentials);
      await assert.rejects(node.liveChat, (err: Error) => (err.cause as StoreConfigError).field === error.replace(/^\w+-/, ''));
      assert.deepStrictEqual(said(node, 'status').at(-1), { fill: 'red', shape: 'ring', text: 'session-store.status.invalid' }, error);
      assert.deepStrictEqual(said(node, 'error'), [`session-store.errors.${error}`]);
      // no database was opened, no file written
      assert.deepStrictEqual(fs.readdirSync(dataDir), ['live-chat-db'], error);
      await helper.unload();
    }
  });

  it('reads environment variables in its values and secrets, seeds the LINE and Telegram credentials from them, and links to its public URL', async () => {
    const node = await deploy(
      { configVersion: 2, basePath: ref('LLC_TEST_BASE'), publicUrl: `https://${ref('LLC_TEST_HOST')}/chat`, telegramChatId: '-1001234567890' },
      { lineChannelSecret: ref('LLC_TEST_SECRET'), lineChannelAccessToken: `token-${ref('LLC_TEST_TOKEN')}`, telegramBotToken: BOT_TOKEN },
    );
    const liveChat = await node.liveChat;
    const line = await liveChat.credentials.resolve('LINE');
    assert.deepStrictEqual([line.name, line.secrets], ['Main LINE OA', { channel_secret: 'line-secret-from-env', channel_access_token: 'token-from-env' }]);
    assert.strictEqual((await liveChat.credentials.resolve('TELEGRAM')).metadata.admin_chat_id, '-1001234567890');
    assert.strictEqual(await chatLinkOf(liveChat), 'https://chat.example.com/chat/admin/live-chat?user=Uabc');
    assert.strictEqual(telegram.sent.at(-1)!.reply_markup?.inline_keyboard[0][0].url, 'https://chat.example.com/chat/admin/live-chat?user=Uabc');
  });

  it('without a public URL or ADMIN_URL, links to where Node-RED listens: https, uiHost, the real port, httpNodeRoot and base', async () => {
    helper.settings({ httpNodeRoot: '/nr/', https: { key: 'unused' }, uiHost: '0.0.0.0' });
    const node = await deploy({ configVersion: 2, basePath: '/chat', telegramChatId: '-100' }, { telegramBotToken: BOT_TOKEN });
    const port = new URL(helper.url()).port;
    assert.strictEqual(await chatLinkOf(await node.liveChat), `https://localhost:${port}/nr/chat/admin/live-chat?user=Uabc`);
  });

  it('uses ADMIN_URL when the store sets no public URL', async () => {
    const restore = setEnvironment({ ADMIN_URL: 'https://inbox.example.com/' });
    try {
      const node = await deploy({ configVersion: 2, telegramChatId: '-100' }, { telegramBotToken: BOT_TOKEN });
      assert.strictEqual(await chatLinkOf(await node.liveChat), 'https://inbox.example.com/admin/live-chat?user=Uabc');
    } finally {
      restore();
    }
  });

  it('gives its LINE sends and Telegram alerts the budgets it sets (an environment reference allowed), each attempt the limit of the environment', async () => {
    const restore = setEnvironment({ LINE_TIMEOUT_SECONDS: '0.4', TELEGRAM_TIMEOUT_SECONDS: '0.3', LLC_TEST_BUDGET: '0.9' });
    try {
      const node = await deploy(
        { configVersion: 2, lineSendBudget: ref('LLC_TEST_BUDGET'), telegramBudget: '0.7', telegramChatId: '-1001234567890' },
        { telegramBotToken: BOT_TOKEN },
      );
      const liveChat = await node.liveChat;
      assert.deepStrictEqual(liveChat.lineClients.deadlines, { attemptMs: 400, replyMs: 5000, pushBudgetMs: 900, callBudgetMs: 10_000 });
      // A Telegram that never answers: an attempt ends at 0.3 s, and the wait before another would end past the 0.7 s budget.
      telegram.failNext('hang', 'hang', 'hang');
      const started = Date.now();
      await assert.rejects(
        liveChat.telegram.sendHandoffAlert({ contact: { line_user_id: 'Uabc' }, recentMessages: [] }),
        /Telegram alert not sent: .*no time left for another attempt within 700 ms/,
      );
      const took = Date.now() - started;
      assert.ok(took >= 250 && took < 1500, `gave up after ${took} ms`);
    } finally {
      restore();
    }
  });

  it('updates the LINE credential it seeded when the node gets a new token', async () => {
    const key = generateFernetKey();
    let node = await deploy({ configVersion: 2 }, { encryptionKey: key, lineChannelSecret: 'secret-1', lineChannelAccessToken: 'token-1' });
    const first = await (await node.liveChat).credentials.resolve('LINE');
    await helper.unload();
    node = await deploy({ configVersion: 2 }, { encryptionKey: key, lineChannelSecret: 'secret-1', lineChannelAccessToken: 'token-2' });
    const second = await (await node.liveChat).credentials.resolve('LINE');
    assert.strictEqual(second.id, first.id);
    assert.strictEqual(second.secrets.channel_access_token, 'token-2');
  });
});
