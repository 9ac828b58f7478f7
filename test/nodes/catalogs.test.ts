// What each node shows people is in its catalogs, in English and Thai: every key the runtime and
// the editor use exists in both, with the same __placeholders__; the help is in
// locales/<lang>/<node>.html; and the config version the editor stamps is the runtime's.
import assert from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nodeTypes = Object.keys(packageJson['node-red'].nodes) as string[];
const LANGS = ['en-US', 'th'];
const THAI = /[\u0E00-\u0E7F]/;

type Catalog = { [key: string]: string | Catalog };

/** Every "a.b.c" key of a catalog with its text. */
function leaves(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of leaves(value, full)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();

describe('node catalogs and help', () => {
  for (const type of nodeTypes) {
    describe(type, () => {
      const dir = path.join(root, 'nodes', type);
      const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
      const catalog = (lang: string) => leaves(JSON.parse(read(`locales/${lang}/${type}.json`)));

      before(function () {
        // The session-store's catalogs and help are its owner's (issue 8 part A); checked once they have a Thai catalog.
        if (!fs.existsSync(path.join(dir, 'locales', 'th'))) {
          console.log(`      skipped: nodes/${type} has no Thai catalog yet`);
          this.skip();
        }
      });

      it('has en-US and th catalogs with the same keys and the same placeholders, the Thai one in Thai', () => {
        const [en, th] = LANGS.map(catalog);
        assert.deepStrictEqual([...th.keys()].sort(), [...en.keys()].sort());
        for (const [key, text] of en) assert.deepStrictEqual(placeholders(th.get(key)!), placeholders(text), key);
        for (const [key, text] of th) {
          if (/\.(label|placeholder|event|action|matchMode|errors|editor)\./.test(key) && /[a-z]{4}/.test(en.get(key)!)) {
            assert.match(text, THAI, `${key} is not in Thai: ${text}`);
          }
        }
      });

      it('has every key its runtime and its editor use, and the keys its shared code asks for', () => {
        const en = catalog('en-US');
        const runtime = read(`${type}.ts`);
        const editor = read(`${type}.html`);
        const used = new Set<string>();
        const keyPattern = new RegExp(`['"\`](${type.replace(/-/g, '\\-')}\\.[\\w.-]+)['"\`]`, 'g');
        for (const [, key] of runtime.matchAll(keyPattern)) used.add(key);
        for (const [, key] of editor.matchAll(/data-i18n="(?:\[\w+\])?([^"]+)"/g)) used.add(key);
        for (const [, key] of editor.matchAll(keyPattern)) used.add(key);
        // nodes/shared: readNodeConfig, startStoreNode, readyStoreNode and runningLiveChat speak through `${node.type}.…`
        if (runtime.includes('readNodeConfig(')) used.add(`${type}.status.newerConfig`).add(`${type}.errors.newerConfig`);
        if (runtime.includes('runningLiveChat(')) used.add(`${type}.errors.storeFailed`);
        if (runtime.includes('startStoreNode(')) used.add(`${type}.status.noStore`).add(`${type}.status.newerConfig`).add(`${type}.errors.newerConfig`);
        if (runtime.includes('readyStoreNode(')) used.add(`${type}.errors.notConfigured`).add(`${type}.errors.noStore`);
        assert.ok(used.size > 3, 'found the keys in use');
        const missing = [...used].filter((key) => !en.has(key));
        assert.deepStrictEqual(missing, []);
      });

      it("has its help in locales/en-US and locales/th, and none left in the node's HTML", () => {
        assert.doesNotMatch(read(`${type}.html`), /data-help-name/);
        for (const lang of LANGS) {
          const help = read(`locales/${lang}/${type}.html`);
          assert.match(help, new RegExp(`^<script type="text/html" data-help-name="${type}">`));
          assert.match(help, /<\/script>\s*$/);
          if (lang === 'th') assert.ok((help.match(/[\u0E00-\u0E7F]/g) ?? []).length > 100, 'the Thai help is in Thai');
        }
      });

      it('stamps in its dialog the config version its runtime reads', () => {
        const runtime = read(`${type}.ts`);
        const editor = read(`${type}.html`);
        const inRuntime = /const \w+_CONFIG_VERSION = (\d+);/.exec(runtime)?.[1];
        const inDefaults = /configVersion: \{ value: (\d+) \}/.exec(editor)?.[1];
        const inPrepare = /LineLiveChat\.prepareConfig\(this, (\d+),/.exec(editor)?.[1];
        assert.ok(inRuntime, 'the runtime has a config version');
        assert.deepStrictEqual([inDefaults, inPrepare], [inRuntime, inRuntime]);
        assert.match(editor, /LineLiveChat\.saveConfig\(this\)/);
        assert.match(editor, /<script src="resources\/node-red-contrib-line-live-chat\/live-chat-editor\.js"><\/script>/);
      });
    });
  }
});
