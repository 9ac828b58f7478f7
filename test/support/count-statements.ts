// Counts the SQL statements code sends, at the driver: pg's Client is under both databases (the
// PostgreSQL pool and the embedded PGlite's socket), so what is counted is what goes on the wire.
const pg = require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };

/** Every statement sent through pg while `work` runs, whitespace collapsed, in order. */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const config = args[0];
    const text = typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '?');
    statements.push(text.replace(/\s+/g, ' ').trim());
    return original.apply(this, args);
  };
  try {
    return { result: await work(), statements };
  } finally {
    pg.Client.prototype.query = original;
  }
}
