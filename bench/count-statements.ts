// Preloaded into a server (`node -r dist/bench/count-statements.js …`) by the ingest benchmark:
// counts every statement sent through `pg` (sequelize's driver, on both databases) by its text,
// and on SIGUSR2 writes the tally to STATEMENT_TALLY_FILE and starts counting afresh.
import fs from 'node:fs';

const pg = require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
const tally = new Map<string, number>();
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const config = args[0];
  const text = typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '?');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
  tally.set(key, (tally.get(key) ?? 0) + 1);
  return original.apply(this, args);
};

process.on('SIGUSR2', () => {
  const file = process.env.STATEMENT_TALLY_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(Object.fromEntries(tally)));
  tally.clear();
});
