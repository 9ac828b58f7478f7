// The contract every benchmark under bench/ follows: `run(ctx)` answers rows of one table that
// `npm run bench` (bench/run.ts) prints and writes to bench/results.md.
export type BenchDatabase = 'postgres' | 'embedded';

export interface BenchContext {
  /** The databases to run on: postgres uses `postgresUrl` (a scratch database the bench may wipe). */
  databases: BenchDatabase[];
  postgresUrl: string;
  /** A scratch folder for embedded databases and data dirs. */
  workDir: string;
  /** Smaller sizes for a quick run (`npm run bench -- --quick`). */
  quick: boolean;
  log(line: string): void;
}

export interface BenchRow {
  figure: string;
  database: BenchDatabase | 'baseline' | 'node-red';
  value: string;
  goal?: string;
  ok?: boolean;
}
