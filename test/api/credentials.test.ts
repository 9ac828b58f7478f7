import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { startFakeTelegram, FAKE_BOT } from '../support/fake-telegram';
import { startFakeN8n } from '../support/fake-n8n';
import { startFakeLineBotInfo, FAKE_LINE_BOT } from '../support/fake-line-bot-info';
import type { Loopback } from '../support/loopback';
import { Fernet, generateFernetKey } from '../../src/crypto/fernet';

// The fernet/spec key; PYTHON_ROW is what the seed's Python app (cryptography 48, Fernet(key)
// .encrypt(json.dumps(...))) stored for a LINE credential with that key.
const SPEC_KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const PYTHON_ROW =
  'gAAAAABrBg7boUaPLEy6iVBOchMbapBS6YVG9-MZfub86G1nCyjOhaTQ2XOLygiERZVASCw75o-egMLmyUfUnqVnquveLIAgitzCjbhAbpOVJEI06zF_b73fskA5fPvGDqokYaDHHagsmEQOr_NujWV12ZpZw_u2gs0-ihwYAX7h1LO4DkoSW5m3dFzJE7eL8pX13wkQjj2m';

const LINE_SECRET = 'line-channel-secret-9f8e7d6c';
const LINE_TOKEN = 'line-access-token-QWERTYF0A3';
const TELEGRAM_TOKEN = '123456:telegram-bot-token-XYZ9';
const N8N_KEY = 'n8n-api-key-secret-K3Y7';

const line = (name = 'Main LINE OA', token = LINE_TOKEN) => ({
  name,
  provider: 'LINE',
  credentials: { channel_secret: LINE_SECRET, channel_access_token: token },
  metadata: { channel_id: '1234567890', liff_id: '1234-abcd' },
});
const telegram = (name = 'Alerts', token = TELEGRAM_TOKEN) => ({
  name,
  provider: 'TELEGRAM',
  credentials: { bot_token: token },
  metadata: { admin_chat_id: -100123 },
});

describeEachDatabase('credentials API', (db) => {
  let fakeLine: Loopback;
  let fakeTelegram: Loopback;
  let server: ApiServer;
  let token: string;
  const api = (method: string, path: string, body?: unknown) => call(server.baseUrl, method, path, { token, body });
  const secretsIn = (text: string) => [LINE_SECRET, LINE_TOKEN, TELEGRAM_TOKEN, N8N_KEY, 'py-secret-1234', 'py-token-ABCD5678'].filter((s) => text.includes(s));
  const rawJson = async (path: string) => {
    const res = await fetch(server.baseUrl + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, text: await res.text() };
  };
  const tableRows = () => db().sql.rows<{ id: number; provider: string; credentials: string; is_default: boolean }>(`SELECT * FROM credentials ORDER BY id`);

  before(async () => {
    fakeLine = await startFakeLineBotInfo(LINE_TOKEN);
    fakeTelegram = await startFakeTelegram(TELEGRAM_TOKEN);
  });
  after(async () => {
    // Also runs when the suite was skipped (no TEST_DATABASE_URL) and before() never did.
    await fakeLine?.close();
    await fakeTelegram?.close();
  });
  beforeEach(async () => {
    server = await startApiServer(db(), { encryptionKey: SPEC_KEY, lineApiBaseUrl: fakeLine.url, telegramApiRoot: fakeTelegram.url });
    token = await login(server.baseUrl);
  });
  afterEach(async () => server.close());

  it('creates a credential, answering it masked; the first of a provider becomes its default', async () => {
    const first = await api('POST', '/admin/credentials', line());
    assert.strictEqual(first.status, 201);
    assert.deepStrictEqual(
      { ...first.body, id: undefined, created_at: undefined, updated_at: undefined },
      {
        id: undefined,
        name: 'Main LINE OA',
        provider: 'LINE',
        metadata: { channel_id: '1234567890', liff_id: '1234-abcd' },
        is_active: true,
        is_default: true,
        credentials_masked: '****F0A3',
        created_at: undefined,
        updated_at: undefined,
      },
    );
    const second = await api('POST', '/admin/credentials', line('Second OA', 'other-line-token-1111'));
    assert.strictEqual(second.status, 201);
    assert.strictEqual(second.body.is_default, false);
    assert.strictEqual(second.body.credentials_masked, '****1111');
  });

  it('never lets a secret out: list, get, create, update, set-default answers hold none', async () => {
    const texts: string[] = [];
    const created = await call(server.baseUrl, 'POST', '/admin/credentials', { token, body: line() });
    texts.push(JSON.stringify(created.body));
    texts.push(JSON.stringify((await api('POST', '/admin/credentials', telegram())).body));
    texts.push(
      JSON.stringify(
        (
          await api('POST', '/admin/credentials', {
            name: 'flows',
            provider: 'N8N',
            credentials: { api_key: N8N_KEY },
            metadata: { base_url: 'http://n8n.example' },
          })
        ).body,
      ),
    );
    texts.push((await rawJson('/admin/credentials')).text);
    texts.push((await rawJson(`/admin/credentials/${created.body.id}`)).text);
    texts.push(JSON.stringify((await api('PUT', `/admin/credentials/${created.body.id}`, { credentials: { channel_access_token: LINE_TOKEN } })).body));
    texts.push(JSON.stringify((await api('POST', `/admin/credentials/${created.body.id}/set-default`)).body));
    for (const text of texts) assert.deepStrictEqual(secretsIn(text), [], text);
    const list = JSON.parse(texts[3]);
    assert.deepStrictEqual(
      list.credentials.map((c: { credentials_masked: string }) => c.credentials_masked),
      ['****F0A3', '****K3Y7', '****XYZ9'],
    );
  });

  it('stores the secrets as a Fernet token of the key, not in clear', async () => {
    await api('POST', '/admin/credentials', line());
    const [row] = await tableRows();
    assert.deepStrictEqual(secretsIn(row.credentials), []);
    assert.match(row.credentials, /^gAAAAA/);
    assert.deepStrictEqual(JSON.parse(new Fernet(SPEC_KEY).decrypt(row.credentials).toString()), {
      channel_secret: LINE_SECRET,
      channel_access_token: LINE_TOKEN,
    });
  });

  it('reads a row written by the Python app with the same key', async () => {
    await db().sql.exec(
      `INSERT INTO credentials (name, provider, credentials, metadata, is_active, is_default) VALUES ('Python OA', 'LINE', $1, '{}', TRUE, TRUE)`,
      [PYTHON_ROW],
    );
    const list = await api('GET', '/admin/credentials');
    assert.strictEqual(list.body.credentials[0].credentials_masked, '****5678');
    const resolved = await server.app.credentials.resolve('LINE');
    assert.deepStrictEqual(resolved.secrets, { channel_secret: 'py-secret-1234', channel_access_token: 'py-token-ABCD5678' });
  });

  it('lists by provider', async () => {
    await api('POST', '/admin/credentials', line());
    await api('POST', '/admin/credentials', telegram());
    const lines = await api('GET', '/admin/credentials?provider=LINE');
    assert.deepStrictEqual(
      lines.body.credentials.map((c: { name: string }) => c.name),
      ['Main LINE OA'],
    );
    const all = await api('GET', '/admin/credentials');
    assert.strictEqual(all.body.credentials.length, 2);
    const bad = await api('GET', '/admin/credentials?provider=SLACK');
    assert.strictEqual(bad.status, 400);
    assert.strictEqual(bad.body.field, 'provider');
  });

  it('refuses bad input with a 400 naming the field, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ ...line(), provider: 'SLACK' }, 'provider'],
      [{ ...line(), provider: undefined }, 'provider'],
      [{ ...line(), name: undefined }, 'name'],
      [{ ...line(), name: 42 }, 'name'],
      [{ ...line(), name: 'x'.repeat(101) }, 'name'],
      [{ ...line(), credentials: undefined }, 'credentials'],
      [{ ...line(), credentials: 'secret' }, 'credentials'],
      [{ ...line(), credentials: { channel_access_token: LINE_TOKEN } }, 'credentials.channel_secret'],
      [{ ...line(), credentials: { channel_secret: 12345, channel_access_token: LINE_TOKEN } }, 'credentials.channel_secret'],
      [{ ...line(), credentials: { channel_secret: LINE_SECRET, channel_access_token: LINE_TOKEN, password: 'x' } }, 'credentials.password'],
      [{ ...line(), metadata: { channel_id: { x: 1 } } }, 'metadata.channel_id'],
      [{ ...line(), metadata: { secret_thing: 'x' } }, 'metadata.secret_thing'],
      [{ ...line(), is_active: 'yes' }, 'is_active'],
      [{ name: 'n', provider: 'N8N', credentials: { api_key: N8N_KEY }, metadata: { base_url: 'ftp://n8n.example' } }, 'metadata.base_url'],
      [{ name: 'n', provider: 'N8N', credentials: { api_key: N8N_KEY } }, 'metadata.base_url'],
      [
        { name: 'g', provider: 'GOOGLE_SHEETS', credentials: { service_account_json: '{not json' }, metadata: { spreadsheet_id: 's' } },
        'credentials.service_account_json',
      ],
      [{ name: 'c', provider: 'CUSTOM', credentials: { api_key: 'k'.repeat(10) }, metadata: { headers: ['x'] } }, 'metadata.headers'],
      [{ ...telegram(), metadata: { admin_chat_id: 'group chat' } }, 'metadata.admin_chat_id'],
    ];
    for (const [body, field] of cases) {
      const res = await api('POST', '/admin/credentials', body);
      assert.strictEqual(res.status, 400, JSON.stringify(body));
      assert.strictEqual(res.body.field, field, JSON.stringify(res.body));
    }
    assert.deepStrictEqual(await tableRows(), []);
  });

  it('refuses a bad update whole, keeping the credential as it was', async () => {
    const created = (await api('POST', '/admin/credentials', line())).body;
    const before = await tableRows();
    for (const [body, field] of [
      [{ name: 'Renamed', credentials: { channel_secret: null } }, 'credentials.channel_secret'],
      [{ name: 'Renamed', provider: 'TELEGRAM' }, 'provider'],
      [{ name: 'Renamed', metadata: { liff_id: ['x'] } }, 'metadata.liff_id'],
      [{ name: 'Renamed', is_active: 1 }, 'is_active'],
    ] as const) {
      const res = await api('PUT', `/admin/credentials/${created.id}`, body);
      assert.strictEqual(res.status, 400, JSON.stringify(res.body));
      assert.strictEqual(res.body.field, field);
    }
    assert.deepStrictEqual(await tableRows(), before);
  });

  it('updates partially: omitted secrets and metadata are kept', async () => {
    const created = (await api('POST', '/admin/credentials', line())).body;
    const res = await api('PUT', `/admin/credentials/${created.id}`, {
      name: 'Renamed',
      credentials: { channel_access_token: 'new-access-token-NEW1' },
      metadata: { bot_name: 'Bot', liff_id: null },
    });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.body.name, 'Renamed');
    assert.strictEqual(res.body.credentials_masked, '****NEW1');
    assert.deepStrictEqual(res.body.metadata, { channel_id: '1234567890', bot_name: 'Bot' });
    const resolved = await server.app.credentials.resolve('LINE');
    assert.deepStrictEqual(resolved.secrets, { channel_secret: LINE_SECRET, channel_access_token: 'new-access-token-NEW1' });
  });

  it('refuses a second credential of the same name for a provider with 409', async () => {
    await api('POST', '/admin/credentials', line());
    const clash = await api('POST', '/admin/credentials', line('main line oa'));
    assert.strictEqual(clash.status, 409);
    assert.strictEqual(clash.body.field, 'name');
    assert.strictEqual((await api('POST', '/admin/credentials', { ...telegram('Main LINE OA') })).status, 201);
  });

  it('keeps exactly one default per provider through set-default', async () => {
    const a = (await api('POST', '/admin/credentials', line('A'))).body;
    const b = (await api('POST', '/admin/credentials', line('B', 'token-of-b-0000'))).body;
    const t = (await api('POST', '/admin/credentials', telegram())).body;
    const res = await api('POST', `/admin/credentials/${b.id}/set-default`);
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.body.is_default, true);
    const defaults = (await tableRows()).filter((r) => r.is_default).map((r) => r.id);
    assert.deepStrictEqual(defaults, [b.id, t.id]);
    assert.strictEqual((await server.app.credentials.resolve('LINE')).name, 'B');
    // a new credential asked to be the default takes over
    const c = (await api('POST', '/admin/credentials', { ...line('C', 'token-of-c-0000'), is_default: true })).body;
    assert.deepStrictEqual(
      (await tableRows()).filter((r) => r.is_default).map((r) => r.id),
      [t.id, c.id],
    );
    assert.strictEqual(a.is_default, true);
  });

  it('deletes, then answers 404', async () => {
    const created = (await api('POST', '/admin/credentials', line())).body;
    const res = await api('DELETE', `/admin/credentials/${created.id}`);
    assert.deepStrictEqual([res.status, res.body], [200, { ok: true }]);
    assert.deepStrictEqual(await tableRows(), []);
    assert.strictEqual((await api('DELETE', `/admin/credentials/${created.id}`)).status, 404);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    for (const [method, path] of [
      ['GET', '/admin/credentials/999'],
      ['PUT', '/admin/credentials/999'],
      ['DELETE', '/admin/credentials/999'],
      ['POST', '/admin/credentials/999/verify'],
      ['POST', '/admin/credentials/999/set-default'],
    ]) {
      const res = await api(method, path, method === 'PUT' ? { name: 'x' } : undefined);
      assert.strictEqual(res.status, 404, `${method} ${path}`);
    }
    const bad = await api('GET', '/admin/credentials/abc');
    assert.deepStrictEqual([bad.status, bad.body.field], [400, 'id']);
  });

  it('is for admins only: 403 for an operator, 401 without a token', async () => {
    const created = (await api('POST', '/admin/credentials', line())).body;
    assert.strictEqual((await api('POST', '/admin/operators', { username: 'somchai', password: 'operator-pass-1', role: 'operator' })).status, 201);
    const operatorToken = await login(server.baseUrl, { username: 'somchai', password: 'operator-pass-1' });
    for (const [method, path] of [
      ['GET', '/admin/credentials'],
      ['GET', `/admin/credentials/${created.id}`],
      ['POST', '/admin/credentials'],
      ['PUT', `/admin/credentials/${created.id}`],
      ['DELETE', `/admin/credentials/${created.id}`],
      ['POST', `/admin/credentials/${created.id}/verify`],
      ['POST', `/admin/credentials/${created.id}/set-default`],
    ]) {
      const res = await call(server.baseUrl, method, path, { token: operatorToken, body: method === 'GET' ? undefined : line('Other') });
      assert.strictEqual(res.status, 403, `${method} ${path}`);
    }
    assert.strictEqual((await call(server.baseUrl, 'GET', '/admin/credentials')).status, 401);
    assert.strictEqual((await tableRows()).length, 1);
  });

  it('still lists a row the key cannot decrypt, flagged, and verify says why', async () => {
    await api('POST', '/admin/credentials', telegram());
    const foreign = new Fernet(generateFernetKey()).encrypt(JSON.stringify({ channel_secret: 's', channel_access_token: 't' }));
    await db().sql.exec(`INSERT INTO credentials (name, provider, credentials, is_active) VALUES ('Old OA', 'LINE', $1, TRUE)`, [foreign]);
    const list = await api('GET', '/admin/credentials');
    assert.strictEqual(list.status, 200);
    const old = list.body.credentials.find((c: { name: string }) => c.name === 'Old OA');
    assert.strictEqual(old.credentials_masked, null);
    assert.match(old.decryption_error, /cannot be decrypted: ENCRYPTION_KEY/);
    const verify = await api('POST', `/admin/credentials/${old.id}/verify`);
    assert.deepStrictEqual([verify.status, verify.body.success], [200, false]);
    assert.match(verify.body.message, /cannot be decrypted/);
    await assert.rejects(server.app.credentials.resolve('LINE', 'Old OA'), /cannot be decrypted: ENCRYPTION_KEY/);
    // giving all its secrets again repairs it
    const repaired = await api('PUT', `/admin/credentials/${old.id}`, { credentials: { channel_secret: LINE_SECRET, channel_access_token: LINE_TOKEN } });
    assert.strictEqual(repaired.body.credentials_masked, '****F0A3');
  });

  describe('verify', () => {
    it('LINE: reads the bot info with the access token and remembers the bot name', async () => {
      const created = (await api('POST', '/admin/credentials', line())).body;
      const res = await api('POST', `/admin/credentials/${created.id}/verify`);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.body.success, true);
      assert.strictEqual(res.body.bot_info.display_name, FAKE_LINE_BOT.displayName);
      assert.strictEqual(res.body.bot_info.basic_id, FAKE_LINE_BOT.basicId);
      assert.deepStrictEqual([res.body.code, res.body.params], ['connected', { service: 'LINE', name: FAKE_LINE_BOT.displayName }]);
      assert.strictEqual((await api('GET', `/admin/credentials/${created.id}`)).body.metadata.bot_name, 'SKN Bot');
    });

    it('LINE: a refused token is success false with the reason, still HTTP 200', async () => {
      const created = (await api('POST', '/admin/credentials', line('Bad', 'revoked-token-0000'))).body;
      const res = await api('POST', `/admin/credentials/${created.id}/verify`);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.body.success, false);
      assert.match(res.body.message, /HTTP 401: Authentication failed/);
      assert.ok(!res.body.message.includes('revoked-token-0000'));
      assert.deepStrictEqual([res.body.code, res.body.params.service], ['refused', 'LINE']);
      assert.match(res.body.params.detail, /^HTTP 401: Authentication failed/);
    });

    it('Telegram: getMe with the bot token fills bot_username and bot_name', async () => {
      const created = (await api('POST', '/admin/credentials', telegram())).body;
      const res = await api('POST', `/admin/credentials/${created.id}/verify`);
      assert.strictEqual(res.body.success, true, res.body.message);
      assert.strictEqual(res.body.bot_info.username, FAKE_BOT.username);
      const after = (await api('GET', `/admin/credentials/${created.id}`)).body;
      assert.deepStrictEqual(after.metadata, { admin_chat_id: '-100123', bot_username: FAKE_BOT.username, bot_name: FAKE_BOT.first_name });
    });

    it('Telegram: an unauthorised token is success false', async () => {
      const created = (await api('POST', '/admin/credentials', telegram('Bad', '999:wrong-token'))).body;
      const res = await api('POST', `/admin/credentials/${created.id}/verify`);
      assert.deepStrictEqual([res.status, res.body.success], [200, false]);
      assert.match(res.body.message, /401: Unauthorized/);
      assert.ok(!res.body.message.includes('wrong-token'));
    });

    it('N8N: healthz answers for a healthy instance, with the API key header', async () => {
      const n8n = await startFakeN8n({ healthy: true });
      const sick = await startFakeN8n({ healthy: false });
      try {
        const good = (
          await api('POST', '/admin/credentials', { name: 'n8n', provider: 'N8N', credentials: { api_key: N8N_KEY }, metadata: { base_url: `${n8n.url}/` } })
        ).body;
        const res = await api('POST', `/admin/credentials/${good.id}/verify`);
        assert.strictEqual(res.body.success, true, res.body.message);
        assert.deepStrictEqual(n8n.apiKeys, [N8N_KEY]);
        const bad = (
          await api('POST', '/admin/credentials', { name: 'sick', provider: 'N8N', credentials: { api_key: N8N_KEY }, metadata: { base_url: sick.url } })
        ).body;
        const failed = await api('POST', `/admin/credentials/${bad.id}/verify`);
        assert.deepStrictEqual([failed.status, failed.body.success], [200, false]);
        assert.match(failed.body.message, /HTTP 503/);
      } finally {
        await n8n.close();
        await sick.close();
      }
      const gone = (
        await api('POST', '/admin/credentials', {
          name: 'gone',
          provider: 'N8N',
          credentials: { api_key: N8N_KEY },
          metadata: { base_url: 'http://127.0.0.1:1' },
        })
      ).body;
      const unreachable = await api('POST', `/admin/credentials/${gone.id}/verify`);
      assert.deepStrictEqual([unreachable.status, unreachable.body.success], [200, false]);
      assert.match(unreachable.body.message, /Could not reach n8n/);
    });

    it('Google Sheets and custom: not supported yet', async () => {
      const sheets = (
        await api('POST', '/admin/credentials', {
          name: 'sheets',
          provider: 'GOOGLE_SHEETS',
          credentials: { service_account_json: { type: 'service_account', private_key_id: 'abcdef0123456789' } },
          metadata: { spreadsheet_id: 'sheet-1' },
        })
      ).body;
      assert.strictEqual(sheets.credentials_masked, '****6789');
      const custom = (
        await api('POST', '/admin/credentials', {
          name: 'crm',
          provider: 'CUSTOM',
          credentials: { api_key: 'custom-key-abcd' },
          metadata: { base_url: 'https://crm.example', headers: { 'X-Tenant': 't1' } },
        })
      ).body;
      for (const [credential, provider] of [
        [sheets, 'GOOGLE_SHEETS'],
        [custom, 'CUSTOM'],
      ]) {
        const res = await api('POST', `/admin/credentials/${credential.id}/verify`);
        assert.deepStrictEqual(
          [res.status, res.body],
          [200, { success: false, message: `Verification is not supported yet for ${provider}`, code: 'unsupported', params: { service: provider } }],
        );
      }
    });
  });
});
