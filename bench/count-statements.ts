// Preloaded into a server (`node -r dist/bench/count-statements.js …`) by the ingest benchmark:
// counts every statement sent through `pg` (sequelize's driver, on both databases) by its text,
// and on SIGUSR2 writes the tally to STATEMENT_TALLY_FILE and starts counting afresh.
//
// With STATEMENT_PGLITE_TIMES=1 (the embedded database) it also adds up, per statement, the time
// PGlite spent running it on the server's thread: PGlite runs each protocol message synchronously
// in execProtocolRawSync, so its wall time there is the database's CPU, the figure PostgreSQL's
// process CPU gives for the other subjects.
import fs from 'node:fs';

/** What the tally file holds: statements sent by text, and PGlite's ms per text (embedded only). */
export interface StatementTally {
  counts: Record<string, number>;
  pgliteMs: Record<string, number>;
}

const statementKey = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 90);

const pg = require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
const counts = new Map<string, number>();
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const config = args[0];
  const text = typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '?');
  const key = statementKey(text);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return original.apply(this, args);
};

const pgliteMs = new Map<string, number>();
if (process.env.STATEMENT_PGLITE_TIMES === '1') timePglite();

/**
 * pg sends a statement as Parse, Bind, Describe, Execute and Sync (or one simple Query), and
 * PGlite's socket server hands them to execProtocolRawSync one at a time: each message's time goes
 * to the statement text of the last Parse or Query (one connection, so one statement at a time).
 */
function timePglite(): void {
  const { PGlite } = require('@electric-sql/pglite') as { PGlite: { prototype: { execProtocolRawSync(message: Uint8Array): Uint8Array } } };
  const run = PGlite.prototype.execProtocolRawSync;
  let current = '?';
  // A prepared statement (src/db/sql.ts) is parsed once and then only bound by its name.
  const preparedKeys = new Map<string, string>();
  PGlite.prototype.execProtocolRawSync = function (this: unknown, message: Uint8Array) {
    const statement = parsedStatement(message);
    if (statement !== undefined) {
      current = statementKey(statement.text);
      if (statement.name) preparedKeys.set(statement.name, current);
    }
    const bound = boundStatementName(message);
    if (bound) current = preparedKeys.get(bound) ?? current;
    const started = process.hrtime.bigint();
    try {
      return run.call(this, message);
    } finally {
      pgliteMs.set(current, (pgliteMs.get(current) ?? 0) + Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
}

/** The name and SQL of a Parse ('P': name, then the text) or Query ('Q': the text, no name) message; undefined for others. */
function parsedStatement(message: Uint8Array): { name: string; text: string } | undefined {
  const buffer = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (message[0] === 0x51) return { name: '', text: buffer.toString('utf8', 5, Math.max(5, buffer.indexOf(0, 5))) };
  if (message[0] !== 0x50) return undefined;
  const nameEnd = buffer.indexOf(0, 5);
  const textStart = nameEnd + 1;
  return { name: buffer.toString('utf8', 5, nameEnd), text: buffer.toString('utf8', textStart, Math.max(textStart, buffer.indexOf(0, textStart))) };
}

/** The statement a Bind ('B': portal, then statement name) runs; undefined for others and the unnamed one. */
function boundStatementName(message: Uint8Array): string | undefined {
  if (message[0] !== 0x42) return undefined;
  const buffer = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const nameStart = buffer.indexOf(0, 5) + 1;
  return buffer.toString('utf8', nameStart, Math.max(nameStart, buffer.indexOf(0, nameStart))) || undefined;
}

process.on('SIGUSR2', () => {
  const file = process.env.STATEMENT_TALLY_FILE;
  const tally: StatementTally = { counts: Object.fromEntries(counts), pgliteMs: Object.fromEntries(pgliteMs) };
  if (file) fs.writeFileSync(file, JSON.stringify(tally));
  counts.clear();
  pgliteMs.clear();
});
