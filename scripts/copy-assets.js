// Copies what tsc does not: each node's editor .html and locale strings next to its compiled
// runtime file (Node-RED looks for them there), and the shipped flows into examples/ so that
// Node-RED offers them under Import > Examples.

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function copyTree(from, to, keep) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyTree(source, target, keep);
    } else if (keep(source)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

const isNodeAsset = (file) => file.endsWith('.html') || file.split(path.sep).includes('locales');
copyTree(path.join(root, 'nodes'), path.join(root, 'dist', 'nodes'), isNodeAsset);

fs.rmSync(path.join(root, 'examples'), { recursive: true, force: true });
copyTree(path.join(root, 'flows'), path.join(root, 'examples'), (file) => file.endsWith('.json'));
