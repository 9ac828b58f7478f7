// Bundles the inbox (ui/src, Lit) into ui/dist: one script, one page, no CDN, so the package
// ships it ready and the inbox works on a closed network.

const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const out = path.join(root, 'ui', 'dist');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
esbuild.buildSync({
  entryPoints: [path.join(root, 'ui', 'src', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  // The analytics page (Chart.js) is a chunk of its own, loaded when first opened.
  splitting: true,
  outdir: out,
  entryNames: 'app',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  // Thai strings as they are, not \uXXXX escapes (a third of their size).
  charset: 'utf8',
  logLevel: 'warning',
});
fs.copyFileSync(path.join(root, 'ui', 'index.html'), path.join(out, 'index.html'));
