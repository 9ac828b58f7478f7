// `npm run bench [-- --quick] [-- --only <name>] [-- --db postgres|embedded]`: runs every
// dist/bench/*.bench.js in turn with one context, prints one table of their figures and writes
// it, with the machine it ran on, to bench/results.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext, formatTable, parseArguments } from './context';
import type { BenchContext, BenchRow } from './types';

const SUFFIX = '.bench.js';
const RESULTS = path.join(__dirname, '..', '..', 'bench', 'results.md');

type Bench = { run(ctx: BenchContext): Promise<BenchRow[]> };

export function benchNames(dir = __dirname): string[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const names = benchNames();
  const unknown = options.only.filter((name) => !names.includes(name));
  if (unknown.length) throw new Error(`no benchmark named ${unknown.join(', ')} (there are: ${names.join(', ')})`);
  const chosen = options.only.length ? names.filter((name) => options.only.includes(name)) : names;

  const ctx = createContext(options);
  const rows: BenchRow[] = [];
  const started = new Date();
  try {
    for (const name of chosen) {
      ctx.log(`${name}: starting`);
      const t0 = Date.now();
      try {
        const bench = require(path.join(__dirname, name + SUFFIX)) as Bench;
        rows.push(...(await bench.run(ctx)));
        ctx.log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      } catch (err) {
        // One benchmark failing still leaves the others' figures, and says so in the table.
        ctx.log(`${name}: failed: ${err instanceof Error ? err.stack : String(err)}`);
        rows.push({ figure: `${name} (failed: ${err instanceof Error ? err.message : String(err)})`, database: ctx.databases[0], value: '–', ok: false });
      }
    }
  } finally {
    ctx.dispose();
  }

  const table = formatTable(rows);
  console.log(table);
  const missed = rows.filter((row) => row.ok === false).length;
  const header = [
    '# Benchmark results',
    '',
    `Run ${started.toISOString()} with \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\``,
    `on ${machine()}.`,
    'Benchmarks of several parts may share this machine, so figures are noisy; latencies are given as p50 / p95.',
    '',
  ];
  fs.writeFileSync(RESULTS, `${[...header, table, '', `${missed} figure(s) miss their goal.`].join('\n')}\n`);
  formatAsTheLinterWants(RESULTS);
  console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS)}; ${missed} figure(s) miss their goal`);
}

/**
 * The table pads its columns by string length; biome pads Thai by its width on screen, and the
 * linter (`npm run lint`, part of the tests) refuses the file until it is formatted its way.
 */
function formatAsTheLinterWants(file: string): void {
  try {
    execFileSync(process.execPath, [require.resolve('@biomejs/biome/bin/biome'), 'format', '--write', file], { stdio: 'ignore' });
  } catch (err) {
    console.warn(`${path.relative(process.cwd(), file)} is not formatted (npm run format does it): ${(err as Error).message}`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
