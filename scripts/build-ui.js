// Bundles the inbox (ui/src, Lit) into ui/dist: one script, one page, no CDN, so the package
// ships it ready and the inbox works on a closed network. File names carry a hash of their
// content, so browsers may keep them for a year (src/http/static-assets.ts), and each comes
// precompressed (.br, .gz) so that serving it costs no compression per request.

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const out = path.join(root, 'ui', 'dist');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const result = esbuild.buildSync({
  entryPoints: [path.join(root, 'ui', 'src', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  // The analytics page (Chart.js) is a chunk of its own, loaded when first opened.
  splitting: true,
  outdir: out,
  entryNames: 'app-[hash]',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  // Thai strings as they are, not \uXXXX escapes (a third of their size).
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.resolve(root, file));
const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint);
if (!entry) throw new Error('esbuild named no entry script');
const entryName = path.basename(entry[0]);

// The page names the hashed entry script; it is not hashed itself (its address is the inbox's).
// The chunks the entry imports statically are named too, as modulepreload links before it: the
// browser fetches them beside the entry instead of after it has read the entry's imports, one
// round trip less before the inbox can start (the analytics chunk, imported when its page
// opens, is left out).
const page = fs.readFileSync(path.join(root, 'ui', 'index.html'), 'utf8');
const script = '<script type="module" src="{{base}}admin/assets/app.js"></script>';
if (!page.includes(script)) throw new Error(`ui/index.html does not hold ${script}`);
const preloads = entry[1].imports
  .filter((imported) => imported.kind === 'import-statement')
  .map((imported) => `<link rel="modulepreload" href="{{base}}admin/assets/${path.basename(imported.path)}">\n  `)
  .join('');
fs.writeFileSync(path.join(out, 'index.html'), page.replace(script, `${preloads}${script.replace('app.js', entryName)}`));

for (const file of outputs) {
  const content = fs.readFileSync(file);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
}
