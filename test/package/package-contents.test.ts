// What `npm pack` ships (and so `npm publish` and a git-URL install): everything the nodes, the
// examples and the inbox load, and nothing else: no tests, no TypeScript sources, no source maps,
// no code the nodes never load.
import assert from 'node:assert';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { type PackedPackage, packedPackage, REPO_ROOT } from '../support/packed-package';

/** Files under `dir` of this checkout, as paths relative to it. */
function filesUnder(dir: string): string[] {
  const root = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** What tsc makes of a module that holds types only. */
function isEmptyModule(code: string): boolean {
  return code.replace('"use strict";', '').replace('Object.defineProperty(exports, "__esModule", { value: true });', '').trim() === '';
}

describe('the packed package', function () {
  this.timeout(180000);
  let pkg: PackedPackage;
  let shipped: Set<string>;
  const missing = (wanted: string[]) => wanted.filter((file) => !shipped.has(file));

  before(async () => {
    pkg = await packedPackage();
    shipped = new Set(pkg.files);
  });

  it('holds every node: its runtime, its editor .html and its locales', () => {
    const nodes = Object.entries(pkg.manifest['node-red'].nodes);
    assert.ok(nodes.length >= 8, `node-red.nodes lists ${nodes.length} nodes`);
    for (const [type, runtime] of nodes) {
      assert.match(runtime, /^dist\/nodes\/[^/]+\/[^/]+\.js$/, `${type}: ${runtime}`);
      const source = path.posix.dirname(runtime).replace(/^dist\//, '');
      const assets = filesUnder(source).filter((file) => file.endsWith('.html') || file.includes('/locales/'));
      const wanted = [runtime, runtime.replace(/\.js$/, '.html'), ...assets.map((file) => `dist/${file}`)];
      assert.ok(
        assets.some((file) => file.endsWith(`/locales/en-US/${path.posix.basename(runtime, '.js')}.json`)),
        `${type} has en-US messages`,
      );
      assert.deepStrictEqual(missing(wanted), [], `${type}'s files`);
    }
  });

  it('holds the example flows (Import ▸ Examples), the inbox and the migrations', async () => {
    const flows = filesUnder('flows').filter((file) => file.endsWith('.json'));
    assert.ok(flows.includes('flows/live-chat-handoff.json'));
    const examples = flows.map((file) => file.replace(/^flows\//, 'examples/'));
    assert.deepStrictEqual(missing(examples), []);
    for (const example of examples) assert.ok(Array.isArray(JSON.parse(await pkg.read(example))), `${example} is a flow`);

    const script = /admin\/assets\/(app-[A-Z0-9]+\.js)"/.exec(await pkg.read('ui/dist/index.html'))?.[1];
    assert.ok(script, 'the page names its app-<hash>.js');
    assert.deepStrictEqual(missing([`ui/dist/${script}`, `ui/dist/${script}.br`, `ui/dist/${script}.gz`]), []);
    const migrations = filesUnder('migrations').filter((file) => file.endsWith('.ts'));
    assert.ok(migrations.length >= 3);
    assert.deepStrictEqual(missing(migrations.map((file) => `dist/${file.replace(/\.ts$/, '.js')}`)), []);
    assert.deepStrictEqual(missing(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']), []);
  });

  it('holds the migrations of this checkout, no more and no fewer, each as compiled from its source', async () => {
    const sources = filesUnder('migrations').filter((file) => file.endsWith('.ts'));
    const compiled = (file: string) => `dist/${file.replace(/\.ts$/, '.js')}`;
    const inPackage = pkg.files.filter((file) => /^dist\/migrations\/[^/]+\.js$/.test(file)).sort();
    assert.deepStrictEqual(inPackage, sources.map(compiled).sort());
    for (const file of sources) {
      // The id each one records in the migrations table: its file name, in the package as here.
      const code = await pkg.read(compiled(file));
      assert.ok(!isEmptyModule(code), `${compiled(file)} is empty`);
      assert.match(code, /\bup\b/, `${compiled(file)} has its up()`);
    }
  });

  it("holds issue 10's modules: flow work and its hooks, leadership, the instance link, LINE's deadlines, health, security headers", () => {
    assert.deepStrictEqual(
      missing([
        'dist/src/line/flow-work.js',
        'dist/nodes/shared/flow-work-hooks.js',
        'dist/src/db/leadership.js',
        'dist/src/realtime/instance-link.js',
        'dist/src/line/line-deadlines.js',
        'dist/src/http/health.js',
        'dist/src/http/security-headers.js',
        'dist/migrations/0008-durable-flow-work.js',
        'dist/migrations/0010-login-failures.js',
        'dist/migrations/0011-socket-io-attachments.js',
      ]),
      [],
    );
  });

  it('holds no tests, sources, source maps or dev-only code', () => {
    const unwanted = pkg.files.filter(
      (file) =>
        /^(dist\/)?(test|bench)\//.test(file) ||
        file.startsWith('dist/src/standalone/') ||
        /^(src|nodes|ui\/src|migrations|scripts|flows|test-output|data|node_modules)\//.test(file) ||
        file.endsWith('.ts') ||
        file.endsWith('.map'),
    );
    assert.deepStrictEqual(unwanted, []);
    const expected = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/(src|nodes|migrations)\/.+|examples\/[^/]+\.json|ui\/dist\/.+|resources\/.+)$/;
    assert.deepStrictEqual(
      pkg.files.filter((file) => !expected.test(file)),
      [],
      'only what the nodes, the examples and the inbox need',
    );
  });

  it('ships only code the nodes load, and every module that code requires', async () => {
    const dependencies = new Set(Object.keys(pkg.manifest.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const resolve = (from: string, request: string) =>
      [request, `${request}.js`, `${request}.json`, `${request}/index.js`]
        .map((candidate) => path.posix.join(path.posix.dirname(from), candidate))
        .find((file) => shipped.has(file));

    // Node-RED loads the node entries; the migrator loads every dist/migrations/*.js.
    const loaded = new Set<string>();
    const queue = [...Object.values(pkg.manifest['node-red'].nodes), ...pkg.files.filter((file) => /^dist\/migrations\/[^/]+\.js$/.test(file))];
    const problems: string[] = [];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (loaded.has(file)) continue;
      loaded.add(file);
      if (!file.endsWith('.js')) continue;
      const code = await pkg.read(file);
      assert.ok(!code.includes('sourceMappingURL'), `${file} points at a source map`);
      // tsc writes a static import as require("…") and a dynamic import() as require('…')
      for (const [, , request] of code.matchAll(/\brequire\((["'])([^"']+)\1\)/g)) {
        if (request.startsWith('.')) {
          const target = resolve(file, request);
          if (target) queue.push(target);
          else problems.push(`${file} requires ${request}, which is not in the package`);
        } else {
          const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
          if (!builtins.has(request.replace(/^node:/, '')) && !dependencies.has(name)) problems.push(`${file} requires ${request}, which is not a dependency`);
        }
      }
    }
    assert.deepStrictEqual(problems, []);
    // A module of types only compiles to an empty one that nothing requires: not code.
    const neverLoaded: string[] = [];
    for (const file of pkg.files.filter((name) => name.startsWith('dist/') && name.endsWith('.js') && !loaded.has(name))) {
      if (!isEmptyModule(await pkg.read(file))) neverLoaded.push(file);
    }
    assert.deepStrictEqual(neverLoaded, [], 'shipped code that nothing loads');
  });

  it('names no made-up repository, and builds itself when packed', () => {
    assert.ok(!JSON.stringify(pkg.manifest).includes('example.invalid'));
    // npm runs `prepare` for npm pack, npm publish and an install from a git URL.
    assert.match(pkg.manifest.scripts?.prepare ?? '', /tsconfig\.package\.json/);
  });
});
