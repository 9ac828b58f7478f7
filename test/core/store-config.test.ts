// A session-store's settings: its own values over the environment's, ${ENV} in any of them, each
// checked before anything starts; and the public URL links are made with.
import assert from 'node:assert';
import { readEnvironment } from '../../src/config/environment';
import { substituteEnv } from '../../src/config/env-substitution';
import { checkPublicUrl, listeningUrl } from '../../src/config/public-url';
import { normaliseBasePath, resolveStoreSettings, StoreConfigError, type StoreValues } from '../../src/config/store-config';
import { generateFernetKey } from '../../src/crypto/fernet';
import { pagesShadowedByEditor } from '../../nodes/session-store/admin-collision';
import { inboxPage } from '../../src/http/site';
import { sessionCookie } from '../../src/http/auth-middleware';

const defaults = { dataDir: '/srv/node-red' };
/** A Node-RED environment variable reference, as a user types it: ${NAME}. */
const ref = (name: string) => `\${${name}}`;
const resolve = (values: StoreValues, env: Record<string, string> = {}) => resolveStoreSettings(values, readEnvironment(env), defaults);

function refused(values: StoreValues, field: string, kind = 'invalid', env: Record<string, string> = {}) {
  assert.throws(
    () => resolve(values, env),
    (err: unknown) => err instanceof StoreConfigError && err.field === field && err.kind === kind,
    `${JSON.stringify(values)} should be refused at ${field}`,
  );
}

describe('session-store settings', () => {
  it('keeps the defaults when nothing is set: root base, embedded database, Node-RED user directory, 30 s idle check', () => {
    const settings = resolve({});
    assert.deepStrictEqual(settings, {
      basePath: '',
      publicUrl: undefined,
      dataDir: '/srv/node-red',
      sweepIntervalMs: 30_000,
      lineDeadlines: { attemptMs: 10_000, replyMs: 5_000, pushBudgetMs: 30_000, callBudgetMs: 10_000 },
      telegramDeadlines: { attemptMs: 10_000, budgetMs: 30_000 },
      databaseUrl: undefined,
      encryptionKey: undefined,
      trustProxy: undefined,
      credentials: {},
    });
  });

  it('takes the LINE and Telegram time limits from the environment, the two budgets from the node over it', () => {
    const env = {
      LINE_TIMEOUT_SECONDS: '4',
      LINE_REPLY_TIMEOUT_SECONDS: '2.5',
      LINE_PUSH_BUDGET_SECONDS: '20',
      LINE_CALL_BUDGET_SECONDS: '8',
      TELEGRAM_TIMEOUT_SECONDS: '6',
      TELEGRAM_BUDGET_SECONDS: '12',
    };
    const fromEnv = resolve({}, env);
    assert.deepStrictEqual(fromEnv.lineDeadlines, { attemptMs: 4000, replyMs: 2500, pushBudgetMs: 20_000, callBudgetMs: 8000 });
    assert.deepStrictEqual(fromEnv.telegramDeadlines, { attemptMs: 6000, budgetMs: 12_000 });
    const fromNode = resolve({ lineSendBudget: '45', telegramBudget: '90' }, env);
    assert.deepStrictEqual(fromNode.lineDeadlines, { attemptMs: 4000, replyMs: 2500, pushBudgetMs: 45_000, callBudgetMs: 8000 });
    assert.deepStrictEqual(fromNode.telegramDeadlines, { attemptMs: 6000, budgetMs: 90_000 });
    // blank is unset
    assert.strictEqual(resolve({ lineSendBudget: ' ' }, env).lineDeadlines.pushBudgetMs, 20_000);
  });

  it('refuses a time limit out of range, or a budget shorter than one attempt, naming it', () => {
    for (const budget of ['0', '-5', 'soon', '601']) refused({ lineSendBudget: budget }, 'lineSendBudget');
    for (const budget of ['0', '601', 'x']) refused({ telegramBudget: budget }, 'telegramBudget');
    // shorter than one attempt's limit (10 s by default, or what the environment says)
    refused({ lineSendBudget: '5' }, 'lineSendBudget');
    refused({ telegramBudget: '3' }, 'telegramBudget', 'invalid', { TELEGRAM_TIMEOUT_SECONDS: '4' });
    assert.strictEqual(resolve({ telegramBudget: '3' }, { TELEGRAM_TIMEOUT_SECONDS: '2' }).telegramDeadlines.budgetMs, 3000);
    for (const [name, value, reason] of [
      ['LINE_TIMEOUT_SECONDS', '0', /LINE_TIMEOUT_SECONDS must be a number of seconds from 0.1 to 120, not "0"/],
      ['LINE_REPLY_TIMEOUT_SECONDS', '45', /LINE_REPLY_TIMEOUT_SECONDS must be a number of seconds from 0.1 to 30/],
      ['LINE_PUSH_BUDGET_SECONDS', 'half a minute', /LINE_PUSH_BUDGET_SECONDS must be a number of seconds/],
      ['LINE_CALL_BUDGET_SECONDS', '5', /LINE_CALL_BUDGET_SECONDS \(5 s\) must be at least LINE_TIMEOUT_SECONDS \(10 s\)/],
      ['TELEGRAM_TIMEOUT_SECONDS', '121', /TELEGRAM_TIMEOUT_SECONDS must be a number of seconds from 0.1 to 120/],
      ['TELEGRAM_BUDGET_SECONDS', '9', /TELEGRAM_BUDGET_SECONDS \(9 s\) must be at least TELEGRAM_TIMEOUT_SECONDS \(10 s\)/],
    ] as const) {
      assert.throws(() => readEnvironment({ [name]: value }), reason, `${name}=${value}`);
    }
  });

  it('normalises the base path, and refuses one that is not a plain path', () => {
    for (const [given, base] of [
      ['/', ''],
      ['', ''],
      ['live-chat', '/live-chat'],
      ['/live-chat/', '/live-chat'],
      ['/a/b.c/~d_e', '/a/b.c/~d_e'],
    ]) {
      assert.strictEqual(normaliseBasePath(given), base, given);
    }
    for (const bad of ['/live chat', '/a//b', '/../x', '/a?b=1', '/a#b', '/ภาษาไทย', '/%2e%2e', '/a/./b']) refused({ basePath: bad }, 'basePath');
  });

  it('takes each value from the node over its environment variable', () => {
    const key = generateFernetKey();
    const env = {
      DATABASE_URL: 'postgres://env@db/env',
      ENCRYPTION_KEY: generateFernetKey(),
      ADMIN_URL: 'https://env.example.com/',
      SWEEP_INTERVAL_SECONDS: '5',
      LINE_CHANNEL_SECRET: 'env-secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'env-token',
      LINE_CHANNEL_ID: '1650000000',
      TELEGRAM_BOT_TOKEN: '1:env',
      TELEGRAM_ADMIN_CHAT_ID: '-100',
    };
    const fromEnv = resolve({}, env);
    assert.strictEqual(fromEnv.publicUrl, 'https://env.example.com');
    assert.strictEqual(fromEnv.databaseUrl, 'postgres://env@db/env');
    assert.strictEqual(fromEnv.sweepIntervalMs, 5000);
    assert.deepStrictEqual(fromEnv.credentials, {
      line: { channel_secret: 'env-secret', channel_access_token: 'env-token', channel_id: '1650000000' },
      telegram: { bot_token: '1:env', admin_chat_id: '-100' },
    });

    const fromNode = resolve(
      {
        basePath: '/chat',
        publicUrl: 'https://chat.example.com/nr/chat/',
        dataDir: '/data/chat',
        sweepInterval: '2.5',
        databaseUrl: 'postgresql://node@db/node',
        encryptionKey: key,
        lineChannelSecret: 'node-secret',
        lineChannelAccessToken: 'node-token',
        telegramBotToken: '2:node',
        telegramChatId: '@live_chat_admins',
        trustProxy: 'loopback',
      },
      env,
    );
    assert.deepStrictEqual(fromNode, {
      basePath: '/chat',
      publicUrl: 'https://chat.example.com/nr/chat',
      dataDir: '/data/chat',
      sweepIntervalMs: 2500,
      lineDeadlines: { attemptMs: 10_000, replyMs: 5_000, pushBudgetMs: 30_000, callBudgetMs: 10_000 },
      telegramDeadlines: { attemptMs: 10_000, budgetMs: 30_000 },
      databaseUrl: 'postgresql://node@db/node',
      encryptionKey: key,
      trustProxy: 'loopback',
      credentials: {
        line: { channel_secret: 'node-secret', channel_access_token: 'node-token', channel_id: '1650000000' },
        telegram: { bot_token: '2:node', admin_chat_id: '@live_chat_admins' },
      },
    });
    // half from the node, half from the environment makes a whole pair
    assert.deepStrictEqual(resolve({ telegramChatId: '-200' }, env).credentials.telegram, { bot_token: '1:env', admin_chat_id: '-200' });
  });

  it('refuses a bad URL, interval, key or chat id, and half a LINE or Telegram pair', () => {
    refused({ publicUrl: 'chat.example.com' }, 'publicUrl');
    refused({ publicUrl: 'ftp://chat.example.com' }, 'publicUrl');
    for (const interval of ['0', '-1', 'soon', '3601']) refused({ sweepInterval: interval }, 'sweepInterval');
    refused({ databaseUrl: 'mysql://db/x' }, 'databaseUrl');
    refused({ databaseUrl: 'not a url' }, 'databaseUrl');
    refused({ encryptionKey: 'short' }, 'encryptionKey');
    refused({ telegramBotToken: '1:x', telegramChatId: 'admins' }, 'telegramChatId');
    refused({ lineChannelSecret: 's' }, 'lineChannelAccessToken', 'missing');
    refused({ lineChannelAccessToken: 't' }, 'lineChannelSecret', 'missing');
    refused({ telegramBotToken: '1:x' }, 'telegramChatId', 'missing');
    refused({ telegramChatId: '-100' }, 'telegramBotToken', 'missing');
    for (const proxy of ['true', 'not-an-address', '10.0.0.0/99']) refused({ trustProxy: proxy }, 'trustProxy');
    refused({}, 'trustProxy', 'invalid', { TRUST_PROXY: 'true' });
    // a secret never shows in the error
    try {
      resolve({ databaseUrl: 'mysql://user:hunter2@db/x' });
    } catch (err) {
      assert.ok(!(err as Error).message.includes('hunter2') && !(err as StoreConfigError).value.includes('hunter2'));
    }
  });

  it("takes a trusted proxy as express's trust proxy does, from the node over TRUST_PROXY", () => {
    assert.strictEqual(resolve({ trustProxy: 'loopback, 10.0.0.0/8' }, { TRUST_PROXY: '1' }).trustProxy, 'loopback, 10.0.0.0/8');
    assert.strictEqual(resolve({}, { TRUST_PROXY: '2' }).trustProxy, '2');
    assert.strictEqual(resolve({}).trustProxy, undefined);
  });

  it('refuses a bad ADMIN_URL when reading the environment', () => {
    assert.throws(() => readEnvironment({ ADMIN_URL: 'inbox.example.com' }), /ADMIN_URL must be the inbox's public http\(s\) URL/);
    assert.strictEqual(readEnvironment({}).adminUrl, undefined);
  });
});

describe('environment variables in values', () => {
  const env: Record<string, string> = { HOST: 'chat.example.com', SECRET: 's3cr3t' };
  const lookup = (name: string) => env[name];

  it('replaces a whole value and every reference inside a text; an unset one becomes empty', () => {
    assert.strictEqual(substituteEnv(ref('SECRET'), lookup), 's3cr3t');
    assert.strictEqual(substituteEnv(`https://${ref('HOST')}/nr/${ref('NOPE')}chat`, lookup), 'https://chat.example.com/nr/chat');
    const notReferences = `no variables, $HOST or ${ref(' HOST ')}`;
    assert.strictEqual(substituteEnv(notReferences, lookup), notReferences);
  });
});

describe('public URL', () => {
  it('is where Node-RED listens: http or https, uiHost (a wildcard is this machine), the port, httpNodeRoot and base', () => {
    assert.strictEqual(listeningUrl({ https: false, port: 1880, path: '' }), 'http://localhost:1880');
    assert.strictEqual(listeningUrl({ https: false, host: '0.0.0.0', port: 41234, path: '/nr/chat/' }), 'http://localhost:41234/nr/chat');
    assert.strictEqual(listeningUrl({ https: true, host: '::', port: 8443, path: '/nr' }), 'https://localhost:8443/nr');
    assert.strictEqual(listeningUrl({ https: true, host: 'chat.example.com', port: 443, path: '' }), 'https://chat.example.com');
    assert.strictEqual(listeningUrl({ https: false, host: '192.168.1.5', port: 80, path: '/x' }), 'http://192.168.1.5/x');
    assert.strictEqual(listeningUrl({ https: false, host: 'fe80::1', port: 1880, path: '' }), 'http://[fe80::1]:1880');
  });

  it('as configured must be http(s) with a host; its trailing slash goes', () => {
    assert.strictEqual(checkPublicUrl('https://chat.example.com/base/'), 'https://chat.example.com/base');
    assert.throws(() => checkPublicUrl('/relative'), /not a URL/);
    assert.throws(() => checkPublicUrl('mailto:x@example.com'), /not an http\(s\) URL/);
  });
});

describe('the inbox page and the editor', () => {
  it('writes the way back to the base into the page, relative to where the page is', () => {
    const html = '<meta name="llc-base" content="{{base}}"><script src="{{base}}admin/assets/app.js"></script>';
    assert.strictEqual(inboxPage(html, '/admin/live-chat'), '<meta name="llc-base" content="../"><script src="../admin/assets/app.js"></script>');
    assert.match(inboxPage(html, '/admin/live-chat/analytics'), /content="\.\.\/\.\.\/"/);
    assert.match(inboxPage(html, '/admin/live-chat/'), /content="\.\.\/\.\.\/"/);
  });

  it('names each base its own login cookie', () => {
    assert.strictEqual(sessionCookie(''), 'llc_session');
    assert.strictEqual(sessionCookie('/'), 'llc_session');
    assert.strictEqual(sessionCookie('/nr/live-chat'), 'llc_session.nr.live-chat');
    assert.strictEqual(sessionCookie('/a b/;c'), 'llc_session.a_b._c');
  });

  it('finds the inbox pages the editor would answer first (httpAdminRoot)', () => {
    assert.deepStrictEqual(pagesShadowedByEditor('/admin', ''), ['/admin/settings']);
    assert.deepStrictEqual(pagesShadowedByEditor('/admin/', '/nr'), []);
    assert.deepStrictEqual(pagesShadowedByEditor('/nr/admin', '/nr'), ['/nr/admin/settings']);
    assert.deepStrictEqual(pagesShadowedByEditor('/admin/live-chat', ''), ['/admin/live-chat']);
    assert.deepStrictEqual(pagesShadowedByEditor('/admin', '/live-chat'), []);
    assert.deepStrictEqual(pagesShadowedByEditor('/', ''), []);
    assert.deepStrictEqual(pagesShadowedByEditor(undefined, ''), []);
    assert.deepStrictEqual(pagesShadowedByEditor(false, ''), []);
  });
});
