import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, startApiServer } from '../support/api-server';
import { environmentCredentials } from '../../src/credentials/credential-service';
import { readEnvironment } from '../../src/config/environment';
import { generateFernetKey } from '../../src/crypto/fernet';

describeEachDatabase('credentials service', (db) => {
  let server: ApiServer;
  const credentials = () => server.app.credentials;
  const countRows = async () => (await db().sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM credentials`))!.n;

  afterEach(async () => server?.close());

  const env = {
    line: { channel_secret: 'env-line-secret', channel_access_token: 'env-line-token-0001', channel_id: '165000' },
    telegram: { bot_token: '42:env-telegram-token', admin_chat_id: '-1001' },
  };

  it('seeds the LINE and Telegram defaults from the environment once, not again', async () => {
    const encryptionKey = generateFernetKey();
    server = await startApiServer(db(), { encryptionKey, environmentCredentials: env });
    const seeded = await credentials().list();
    assert.deepStrictEqual(
      seeded.map((c) => [c.name, c.provider, c.is_default, c.is_active, c.metadata]),
      [
        ['Main LINE OA', 'LINE', true, true, { channel_id: '165000' }],
        ['Telegram admin alerts', 'TELEGRAM', true, true, { admin_chat_id: '-1001' }],
      ],
    );
    assert.deepStrictEqual((await credentials().resolve('TELEGRAM')).secrets, { bot_token: '42:env-telegram-token' });
    await server.close();
    // a restart with the same values creates nothing and changes nothing
    server = await startApiServer(db(), { encryptionKey, environmentCredentials: env });
    assert.strictEqual(await countRows(), 2);
    assert.deepStrictEqual((await credentials().resolve('LINE')).secrets.channel_access_token, 'env-line-token-0001');
  });

  it('updates the credential it seeded when the configured values change, and nothing else', async () => {
    const encryptionKey = generateFernetKey();
    server = await startApiServer(db(), { encryptionKey, environmentCredentials: env });
    const line = await credentials().resolve('LINE');
    // an operator edits the seeded credential: it stands while the configured values stay the same
    await credentials().update(line.id, { credentials: { channel_access_token: 'edited-by-an-operator' } });
    assert.deepStrictEqual(await credentials().seedFromEnvironment(env), []);
    assert.strictEqual((await credentials().resolve('LINE')).secrets.channel_access_token, 'edited-by-an-operator');
    await server.close();

    // the configured values change (the session-store's field, an environment variable): it follows them
    const changed = { line: { channel_secret: 'new-line-secret', channel_access_token: 'new-line-token-0002', channel_id: '165001' }, telegram: env.telegram };
    server = await startApiServer(db(), { encryptionKey, environmentCredentials: changed });
    assert.strictEqual(await countRows(), 2);
    const updated = await credentials().resolve('LINE');
    assert.strictEqual(updated.id, line.id);
    assert.deepStrictEqual(updated.secrets, { channel_secret: 'new-line-secret', channel_access_token: 'new-line-token-0002' });
    assert.deepStrictEqual(updated.metadata, { channel_id: '165001' });
    assert.deepStrictEqual((await credentials().resolve('TELEGRAM')).secrets, { bot_token: '42:env-telegram-token' });

    // a default an operator made instead is never touched
    const own = await credentials().create({
      name: 'Operator OA',
      provider: 'LINE',
      credentials: { channel_secret: 's1', channel_access_token: 't1' },
      is_default: true,
    });
    await credentials().delete(line.id);
    assert.deepStrictEqual(await credentials().seedFromEnvironment({ line: { ...changed.line, channel_access_token: 'third-token-0003' } }), []);
    const kept = await credentials().resolve('LINE');
    assert.deepStrictEqual([kept.id, kept.secrets.channel_access_token], [own.id, 't1']);
  });

  it('does not seed a provider that already has a default, and skips incomplete variables with a warning', async () => {
    const warnings: string[] = [];
    server = await startApiServer(db(), { log: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined } });
    await credentials().create({ name: 'Existing', provider: 'LINE', credentials: { channel_secret: 's', channel_access_token: 't' } });
    const created = await credentials().seedFromEnvironment({ line: env.line, telegram: { bot_token: '' } });
    assert.deepStrictEqual(created, []);
    assert.strictEqual(await countRows(), 1);
    assert.match(
      warnings.join('\n'),
      /configured TELEGRAM values \(session-store or environment variables\) were not stored.*credentials\.bot_token is required/,
    );
  });

  it('maps the environment variables to seed credentials', () => {
    const e = readEnvironment({ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_CHANNEL_ID: '1', TELEGRAM_BOT_TOKEN: 'b' });
    assert.deepStrictEqual(environmentCredentials(e), {
      line: { channel_secret: 's', channel_access_token: 't', channel_id: '1' },
      telegram: { bot_token: 'b', admin_chat_id: undefined },
    });
    assert.deepStrictEqual(environmentCredentials(readEnvironment({})), {});
  });

  it('resolves the active default, or one chosen by id or name, decrypted', async () => {
    server = await startApiServer(db());
    const a = await credentials().create({ name: 'Flows', provider: 'N8N', credentials: { api_key: 'key-a' }, metadata: { base_url: 'http://a.example' } });
    const b = await credentials().create({ name: 'Backup', provider: 'N8N', credentials: { api_key: 'key-b' }, metadata: { base_url: 'http://b.example' } });
    assert.deepStrictEqual(await credentials().resolve('N8N'), {
      id: a.id,
      name: 'Flows',
      provider: 'N8N',
      secrets: { api_key: 'key-a' },
      metadata: { base_url: 'http://a.example' },
    });
    assert.strictEqual((await credentials().resolve('N8N', b.id)).secrets.api_key, 'key-b');
    assert.strictEqual((await credentials().resolve('N8N', String(b.id))).secrets.api_key, 'key-b');
    assert.strictEqual((await credentials().resolve('N8N', 'backup')).secrets.api_key, 'key-b');
    await assert.rejects(credentials().resolve('N8N', 'nothing'), /no N8N credential "nothing"/);
    await assert.rejects(credentials().resolve('LINE', a.id), /no LINE credential/);
    await assert.rejects(credentials().resolve('TELEGRAM'), /no active default TELEGRAM credential/);
  });

  it('serves resolve from memory, forgetting it on every write', async () => {
    server = await startApiServer(db());
    const a = await credentials().create({ name: 'LINE', provider: 'LINE', credentials: { channel_secret: 's', channel_access_token: 'first' } });
    const first = await credentials().resolve('LINE');
    // a caller changing its copy does not change what others get
    first.secrets.channel_access_token = 'mutated';
    // a change behind the service's back is not seen while cached...
    await db().sql.exec(`UPDATE credentials SET name = 'renamed behind' WHERE id = $1`, [a.id]);
    const cached = await credentials().resolve('LINE');
    assert.deepStrictEqual([cached.name, cached.secrets.channel_access_token], ['LINE', 'first']);
    // ...but every write through the service is
    await credentials().update(a.id, { credentials: { channel_access_token: 'second' } });
    const fresh = await credentials().resolve('LINE');
    assert.deepStrictEqual([fresh.name, fresh.secrets.channel_access_token], ['renamed behind', 'second']);
    // one secret (line-reply's, per msg) comes from the same cache, and changes with it
    assert.strictEqual(await credentials().secret('LINE', undefined, 'channel_access_token'), 'second');
    assert.strictEqual(await credentials().secret('LINE', a.id, 'no_such_secret'), undefined);
    await credentials().update(a.id, { credentials: { channel_access_token: 'third' } });
    assert.strictEqual(await credentials().secret('LINE', 'renamed behind', 'channel_access_token'), 'third');
    await credentials().update(a.id, { is_active: false });
    await assert.rejects(credentials().resolve('LINE'), /no active default LINE credential/);
    await assert.rejects(credentials().resolve('LINE', a.id), /is not active/);
    await credentials().update(a.id, { is_active: true });
    await credentials().delete(a.id);
    await assert.rejects(credentials().resolve('LINE'), /no active default/);
  });
});
