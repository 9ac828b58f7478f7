// The shipped build starts from an empty dist/, so nothing left by a development build (tests,
// source maps, the standalone host, files of deleted sources) can end up in the package.
const fs = require('node:fs');
const path = require('node:path');

fs.rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
