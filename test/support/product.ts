// The product as `npm start` runs it (dist/src/standalone/main.js), in a child process with its
// own DATA_DIR and environment, on a free loopback port.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { FakeLine } from './fake-line';
import { CHANNEL_SECRET } from './line-webhooks';

export interface RunningProduct {
  baseUrl: string;
  /** The process id (benchmarks read its memory from /proc). */
  pid: number;
  dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Stops it with SIGTERM, as an operator's Ctrl-C would, and waits for the exit. */
  stop(): Promise<number | null>;
}

const MAIN = path.join(__dirname, '..', '..', 'src', 'standalone', 'main.js');

export async function startProduct(dataDir: string, env: Record<string, string> = {}, timeoutMs = 60000): Promise<RunningProduct> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { ...pathOnly(), PORT: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the product did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const look = () => {
      const ready = /ready on (http:\/\/localhost:\d+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', look);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the product exited with ${code} before it was ready:\n${output}`));
    });
  });

  return {
    baseUrl,
    pid: child.pid!,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A clean environment: nothing of the developer's own LINE/Telegram/database settings leaks in. */
export function pathOnly(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}

/** Waits until `check` passes (answers truthy without throwing), or fails with its last error. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result) return result;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw last instanceof Error ? last : new Error('condition not met in time');
}

/** The environment of a product whose first admin is `admin` and whose LINE is the loopback stand-in. */
export function productEnvironment(admin: { username: string; password: string }, line: FakeLine): Record<string, string> {
  return {
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    LINE_CHANNEL_SECRET: CHANNEL_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: line.accessToken,
    LINE_CHANNEL_ID: '1650000000',
    LINE_API_BASE_URL: line.baseUrl,
    LINE_DATA_API_BASE_URL: line.baseUrl,
  };
}
