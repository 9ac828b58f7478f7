// The session-store's texts go through RED._ (the test runtime answers the keys themselves), so
// this holds the catalogs to the code: every key it can ask for is in en-US and in th, with the
// same __placeholders__, and the help is there in both languages.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';

const NODE_DIR = path.join(__dirname, '..', '..', 'nodes', 'session-store');
const SOURCE = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'nodes', 'session-store', 'session-store.ts'), 'utf8');
const FIELDS = [
  'basePath',
  'publicUrl',
  'dataDir',
  'sweepInterval',
  'lineSendBudget',
  'telegramBudget',
  'databaseUrl',
  'encryptionKey',
  'lineChannelSecret',
  'lineChannelAccessToken',
  'telegramBotToken',
  'telegramChatId',
];

function catalog(lang: string): Map<string, string> {
  const json = JSON.parse(fs.readFileSync(path.join(NODE_DIR, 'locales', lang, 'session-store.json'), 'utf8'));
  const flat = new Map<string, string>();
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'string') flat.set(prefix, value);
    else for (const [k, v] of Object.entries(value as object)) walk(prefix ? `${prefix}.${k}` : k, v);
  };
  walk('', json);
  return flat;
}
const placeholders = (text: string) => [...text.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();

describe('session-store texts', () => {
  const en = catalog('en-US');
  const th = catalog('th');

  it('has every key the node asks for, in en-US and th', () => {
    const literal = [...SOURCE.matchAll(/\bt\('([\w.-]+)'/g)].map((m) => `session-store.${m[1]}`);
    assert.ok(literal.length >= 10, 'found the keys in the source');
    // built keys: errors.<kind>-<field> for every StoreConfigError, label.<field> for the status
    const built = [
      ...['basePath', 'publicUrl', 'sweepInterval', 'lineSendBudget', 'telegramBudget', 'databaseUrl', 'encryptionKey', 'telegramChatId'].map(
        (f) => `session-store.errors.invalid-${f}`,
      ),
      ...['lineChannelSecret', 'lineChannelAccessToken', 'telegramBotToken', 'telegramChatId'].map((f) => `session-store.errors.missing-${f}`),
      ...FIELDS.map((f) => `session-store.label.${f}`),
    ];
    for (const key of [...literal, ...built]) {
      assert.ok(en.has(key), `en-US lacks ${key}`);
      assert.ok(th.has(key), `th lacks ${key}`);
    }
  });

  it('says the same things in both languages, with the same placeholders', () => {
    assert.deepStrictEqual([...th.keys()].sort(), [...en.keys()].sort());
    for (const [key, text] of en) assert.deepStrictEqual(placeholders(th.get(key)!), placeholders(text), key);
  });

  it('has its help in locales/en-US and locales/th, and none left in the editor file', () => {
    for (const lang of ['en-US', 'th']) {
      const help = fs.readFileSync(path.join(NODE_DIR, 'locales', lang, 'session-store.html'), 'utf8');
      assert.match(help, /<script type="text\/html" data-help-name="session-store">/);
      for (const word of ['httpAdminRoot', 'ADMIN_URL', '/live-chat']) assert.ok(help.includes(word), `${lang} help mentions ${word}`);
    }
    assert.doesNotMatch(fs.readFileSync(path.join(NODE_DIR, 'session-store.html'), 'utf8'), /data-help-name/);
  });
});
