// The inbox bundle as scripts/build-ui.js wrote it: its entry script is named by a content hash.
import fs from 'node:fs';
import path from 'node:path';

export const UI_DIST = path.join(__dirname, '..', '..', '..', 'ui', 'dist');

/** The entry script's file name (app-<hash>.js), as the built page names it. */
export function inboxScript(): string {
  const page = fs.readFileSync(path.join(UI_DIST, 'index.html'), 'utf8');
  const script = /admin\/assets\/(app-[A-Z0-9]+\.js)"/.exec(page);
  if (!script) throw new Error('ui/dist/index.html names no app-<hash>.js');
  return script[1];
}
