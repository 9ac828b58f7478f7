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
  oneditsave(this: Record<string, unknown>): void;
}

interface DialogField {
  length: number;
  val(value?: unknown): unknown;
  is(selector: string): boolean;
  prop(name: string, value: unknown): void;
  trigger(event: string): DialogField;
}

/** The dialog's inputs by id, as the editor's jQuery reaches them (none while no dialog is open). */
let fields: Record<string, string> | undefined;

function field(selector: string): DialogField {
  const id = selector.replace('#node-config-input-', '');
  const present = fields !== undefined && id in fields;
  const self: DialogField = {
    length: present ? 1 : 0,
    val(value?: unknown) {
      if (!fields) throw new Error('no dialog open');
      if (value === undefined) return fields[id];
      fields[id] = String(value);
      return self;
    },
    is: () => false,
    prop: () => undefined,
    trigger: () => self,
  };
  return self;
}

/** jQuery's deep extend, as the shared editor code copies values with it. */
function extend(_deep: boolean, ...objects: object[]): object {
  return Object.assign({}, ...objects.map((o) => structuredClone(o)));
}

/** The session-store's registerType definition, run with the editor's shared script (resources/). */
function loadDefinition(): EditorDefinition {
  const root = path.join(__dirname, '..', '..', '..');
  const html = fs.readFileSync(path.join(root, 'nodes', 'session-store', 'session-store.html'), 'utf8');
  const shared = fs.readFileSync(path.join(root, 'resources', 'live-chat-editor.js'), 'utf8');
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)![1];
  let definition: EditorDefinition | undefined;
  const registerType = (type: string, def: EditorDefinition) => {
    if (type === 'session-store') definition = def;
  };
  const $ = Object.assign((selector: string) => field(selector), {
    extend: (...args: unknown[]) => (args[0] === true ? extend(true, ...(args.slice(1) as object[])) : Object.assign({}, ...(args as object[]))),
  });
  const window: Record<string, unknown> = {};
  const context = vm.createContext({ RED: { nodes: { registerType }, _: (key: string) => key, notify: () => undefined }, $, window });
  vm.runInContext(shared, context);
  context.LineLiveChat = window.LineLiveChat;
  vm.runInContext(script, context);
  return definition!;
}

/** Opens a dialog whose inputs hold `values`. */
function dialog(values: Record<string, string>) {
  fields = values;
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
      'lineSendBudget',
      'name',
      'publicUrl',
      'serveHttp',
      'sweepInterval',
      'telegramBudget',
      'telegramChatId',
      'trustProxy',
    ]);
    assert.deepStrictEqual(Object.keys(definition.credentials).sort(), [
      'databaseUrl',
      'encryptionKey',
      'lineChannelAccessToken',
      'lineChannelSecret',
      'telegramBotToken',
    ]);
  });

  it('lifts a store saved before config versions to v2 when its dialog opens, keeping what it had, and stamps v2 on Done', () => {
    const defaults = { _def: definition };
    const old: Record<string, unknown> = { ...defaults, type: 'session-store', name: 'shop', dataDir: '/data' };
    const values = dialog({ name: 'shop', dataDir: '/data', basePath: '', publicUrl: '', sweepInterval: '', telegramChatId: '', serveHttp: '' });
    definition.oneditprepare.call(old);
    assert.deepStrictEqual(values, { name: 'shop', dataDir: '/data', basePath: '/', publicUrl: '', sweepInterval: '', telegramChatId: '', serveHttp: '' });
    definition.oneditsave.call(old);
    assert.strictEqual(old.configVersion, 2);

    const current: Record<string, unknown> = { ...defaults, type: 'session-store', configVersion: 2, basePath: '/live-chat' };
    const held = dialog({ basePath: '/live-chat' });
    definition.oneditprepare.call(current);
    definition.oneditsave.call(current);
    assert.deepStrictEqual(held, { basePath: '/live-chat' });
    assert.strictEqual(current.configVersion, 2);
  });

  it('checks what is typed, letting environment variable references through', () => {
    const valid = (field: string, value: string) => definition.defaults[field].validate!(value);
    for (const ok of ['', '/', '/live-chat', 'live-chat/', '/a/b.c', `\${BASE}`]) assert.ok(valid('basePath', ok), ok);
    for (const bad of ['/live chat', '/a?b']) assert.ok(!valid('basePath', bad), bad);
    for (const ok of ['', 'https://chat.example.com', `https://\${HOST}/chat`]) assert.ok(valid('publicUrl', ok), ok);
    assert.ok(!valid('publicUrl', 'chat.example.com'));
    for (const ok of ['', '0.5', '3600']) assert.ok(valid('sweepInterval', ok), ok);
    for (const bad of ['0', 'soon', '3601']) assert.ok(!valid('sweepInterval', bad), bad);
    for (const field of ['lineSendBudget', 'telegramBudget']) {
      for (const ok of ['', '0.5', '45', '600', `\${BUDGET}`]) assert.ok(valid(field, ok), `${field} ${ok}`);
      for (const bad of ['0', 'soon', '601']) assert.ok(!valid(field, bad), `${field} ${bad}`);
    }
    for (const ok of ['', '-1001234567890', '@live_admins']) assert.ok(valid('telegramChatId', ok), ok);
    assert.ok(!valid('telegramChatId', 'admins'));
    assert.strictEqual(definition.label.call({ basePath: '/live-chat' }), 'live chat store /live-chat');
    assert.strictEqual(definition.label.call({ name: 'shop', basePath: '/' }), 'shop');
  });
});
