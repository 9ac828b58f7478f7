// One benchmark context for `npm run bench` and for a benchmark run alone
// (`node dist/bench/<name>.bench.js [--quick] [--db postgres|embedded]`), from the command line
// and the environment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext, BenchDatabase, BenchRow } from './types';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/llc_bench';
const DATABASES: BenchDatabase[] = ['postgres', 'embedded'];

export interface BenchOptions {
  quick: boolean;
  databases: BenchDatabase[];
  /** Benchmark names (file names without .bench.js) to run; empty = all. */
  only: string[];
}

/** `--quick`, `--only <name>[,<name>]` (repeatable), `--db <postgres|embedded>[,...]`. */
export function parseArguments(argv: string[]): BenchOptions {
  const options: BenchOptions = { quick: false, databases: [...DATABASES], only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next.split(',').filter(Boolean);
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only') options.only.push(...value());
    else if (arg === '--db') {
      const named = value();
      const unknown = named.filter((name) => !DATABASES.includes(name as BenchDatabase));
      if (unknown.length) throw new Error(`--db takes ${DATABASES.join(' or ')}, not ${unknown.join(', ')}`);
      options.databases = named as BenchDatabase[];
    } else throw new Error(`unknown argument ${arg} (use --quick, --only <name>, --db <postgres|embedded>)`);
  }
  return options;
}

/** A context with a fresh scratch folder; `dispose` removes the folder. */
export function createContext(options: BenchOptions): BenchContext & { dispose(): void } {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llc-bench-'));
  return {
    databases: options.databases,
    postgresUrl: process.env.BENCH_DATABASE_URL || DEFAULT_POSTGRES_URL,
    workDir,
    quick: options.quick,
    log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
    dispose: () => fs.rmSync(workDir, { recursive: true, force: true }),
  };
}

/** For `if (require.main === module)` in a benchmark file: runs it alone and prints its rows. */
export function runAlone(run: (ctx: BenchContext) => Promise<BenchRow[]>): void {
  const ctx = createContext(parseArguments(process.argv.slice(2)));
  run(ctx)
    .then((rows) => console.log(formatTable(rows)))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exitCode = 1;
    })
    .finally(() => ctx.dispose());
}

const COLUMNS = ['figure', 'database', 'value', 'goal', 'ok'] as const;

function cells(row: BenchRow): string[] {
  return [row.figure, row.database, row.value, row.goal ?? '', row.ok === undefined ? '' : row.ok ? 'yes' : 'NO'];
}

/** The rows as a markdown table (also readable as plain text). */
export function formatTable(rows: BenchRow[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((name, i) => Math.max(name.length, 3, ...body.map((line) => line[i].length)));
  const line = (values: string[]) => `| ${values.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line([...COLUMNS]), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}
