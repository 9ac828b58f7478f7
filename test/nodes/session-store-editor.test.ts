// The session-store's editor definition (its .html), run as the editor runs it: registerType's
// defaults check what a user types, and oneditprepare lifts a store saved before config versions.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

interface EditorDefinition {
  defaults: Record<string, { value: unknown; validate?: (v: unknown) => boolean }>;
  credentials: Record<string, { type: string }>;
  label(this: Record<string, unknown>): string;
  oneditprepare(this: Record<string, unknown>): void;
}

/** The editor's jQuery, as the dialog being opened sees it. */
let jquery: (selector: string) => { val(value?: unknown): unknown } = () => {
  throw new Error('no dialog open');
};

function loadDefinition(): EditorDefinition {
  const html = fs.readFileSync(path.join(__dirname, '..', '..', 'nodes', 'session-store', 'session-store.html'), 'utf8');
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)![1];
  let definition: EditorDefinition | undefined;
  const registerType = (type: string, def: EditorDefinition) => {
    if (type === 'session-store') definition = def;
  };
  const RED = { nodes: { registerType } };
  vm.runInNewContext(script, { RED, $: (selector: string) => jquery(selector) });
  return definition!;
}

/** Opens a dialog whose inputs hold `values` (jQuery reaches them by id). */
function dialog(values: Record<string, string>) {
  jquery = (selector: string) => {
    const id = selector.replace('#node-config-input-', '');
    return {
      val(value?: unknown) {
        if (value === undefined) return values[id];
        values[id] = String(value);
      },
    };
  };
  return values;
}

describe('session-store in the editor', () => {
  const definition = loadDefinition();

  it('has the v2 shape: version 2, base path "/", the values and the secrets', () => {
    assert.strictEqual(definition.defaults.configVersion.value, 2);
    assert.strictEqual(definition.defaults.basePath.value, '/');
    assert.deepStrictEqual(Object.keys(definition.defaults).sort(), [
      'basePath',
      'configVersion',
      'dataDir',
      'name',
      'publicUrl',
      'serveHttp',
      'sweepInterval',
      'telegramChatId',
    ]);
    assert.deepStrictEqual(Object.keys(definition.credentials).sort(), [
      'databaseUrl',
      'encryptionKey',
      'lineChannelAccessToken',
      'lineChannelSecret',
      'telegramBotToken',
    ]);
  });

  it('lifts a store saved before config versions to v2 when its dialog opens, keeping what it had', () => {
    const values = dialog({ name: 'shop', dataDir: '/data', basePath: '', configVersion: '' });
    definition.oneditprepare.call({ name: 'shop', dataDir: '/data' });
    assert.deepStrictEqual(values, { name: 'shop', dataDir: '/data', basePath: '/', publicUrl: '', sweepInterval: '', telegramChatId: '', configVersion: '2' });

    const current = dialog({ basePath: '/live-chat', configVersion: '2' });
    definition.oneditprepare.call({ configVersion: 2, basePath: '/live-chat' });
    assert.deepStrictEqual(current, { basePath: '/live-chat', configVersion: '2' });
  });

  it('checks what is typed, letting environment variable references through', () => {
    const valid = (field: string, value: string) => definition.defaults[field].validate!(value);
    for (const ok of ['', '/', '/live-chat', 'live-chat/', '/a/b.c', `\${BASE}`]) assert.ok(valid('basePath', ok), ok);
    for (const bad of ['/live chat', '/a?b']) assert.ok(!valid('basePath', bad), bad);
    for (const ok of ['', 'https://chat.example.com', `https://\${HOST}/chat`]) assert.ok(valid('publicUrl', ok), ok);
    assert.ok(!valid('publicUrl', 'chat.example.com'));
    for (const ok of ['', '0.5', '3600']) assert.ok(valid('sweepInterval', ok), ok);
    for (const bad of ['0', 'soon', '3601']) assert.ok(!valid('sweepInterval', bad), bad);
    for (const ok of ['', '-1001234567890', '@live_admins']) assert.ok(valid('telegramChatId', ok), ok);
    assert.ok(!valid('telegramChatId', 'admins'));
    assert.strictEqual(definition.label.call({ basePath: '/live-chat' }), 'live chat store /live-chat');
    assert.strictEqual(definition.label.call({ name: 'shop', basePath: '/' }), 'shop');
  });
});
