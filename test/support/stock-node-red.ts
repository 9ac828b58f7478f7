// A stock Node-RED as an integrator runs one: the `node-red` command (its red.js) on a user
// directory of its own, into which the packed tarball is installed with npm, with the
// settings.js Node-RED writes into a new user directory, or that file edited as a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './databases';
import { run } from './packed-package';
import { pathOnly } from './product';

const NODE_RED_HOME = path.dirname(require.resolve('node-red/package.json'));

/** A new Node-RED user directory with the package installed as `npm install <tarball>` there does. */
export async function userDirWith(tarball: string): Promise<string> {
  const dir = tempDir();
  // the package.json Node-RED itself writes into a new user directory
  const project = { name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(project, null, 4));
  // The npm cache holds every dependency once this checkout's `npm ci` has run.
  await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], dir, 180000);
  return dir;
}

/**
 * Writes the user directory's settings.js as Node-RED does on a first start (a copy of its
 * default one), with each `[text, replacement]` edit made in it as a user would make it.
 */
export function editSettings(userDir: string, edits: [string, string][]): void {
  let settings = fs.readFileSync(path.join(NODE_RED_HOME, 'settings.js'), 'utf8');
  for (const [text, replacement] of edits) {
    if (!settings.includes(text)) throw new Error(`Node-RED's default settings.js has no "${text}" to edit`);
    settings = settings.replace(text, replacement);
  }
  fs.writeFileSync(path.join(userDir, 'settings.js'), settings);
}

/** A TCP port that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface StockNodeRed {
  /** The port it listens on (all interfaces, as Node-RED does without uiHost). */
  port: number;
  /** The process id (benchmarks read its memory from /proc). */
  pid: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it as Ctrl-C would (or with `signal`) and waits for the exit (killed after 20 s): its exit code, null when killed. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `node-red -u <userDir> ...args` and waits until it has started its flows. Its server
 * listens before that, but a deploy that arrives while Node-RED still loads its (empty) flow and
 * credential files is undone by that load: the deployed nodes start without their credentials.
 */
export async function startNodeRed(userDir: string, args: string[], env: Record<string, string>, timeoutMs = 60000): Promise<StockNodeRed> {
  const child: ChildProcess = spawn(process.execPath, [path.join(NODE_RED_HOME, 'red.js'), '-u', userDir, ...args], {
    cwd: userDir,
    env: { ...pathOnly(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const look = () => {
      const running = /Server now running at https?:\/\/[^\s/]*:(\d+)\//.exec(output);
      if (running && /\[info\] Started flows/.test(output)) {
        clearTimeout(timer);
        resolve(Number(running[1]));
      }
    };
    child.stdout!.on('data', look);
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${child.exitCode} before it listened:\n${output}`));
    });
  });

  return {
    port,
    pid: child.pid!,
    origin: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop(signal = 'SIGINT') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      // Node-RED gives each node's close 15 s.
      const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
      await exited;
      clearTimeout(killer);
      return child.exitCode;
    },
  };
}
