// The package as an integrator gets it. The files of this checkout that git would commit (tracked
// and new ones; nothing ignored, so no dist/, examples/, ui/dist or test output) are copied to a
// temporary folder and packed there with `npm pack`, which runs the shipped build (npm's
// `prepare`) as it does for `npm publish` and an install from a git URL. The checkout's
// node_modules is linked in for that build, so packing takes seconds. Packed once per test run.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './databases';

export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

export interface PackageManifest {
  name: string;
  version: string;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  'node-red': { nodes: Record<string, string> };
}

export interface PackedPackage {
  /** The .tgz file. */
  tarball: string;
  /** Every file in it, as a path inside the package (without the tarball's `package/`). */
  files: string[];
  manifest: PackageManifest;
  /** Reads a file of the package, as text. */
  read(file: string): Promise<string>;
}

let packing: Promise<PackedPackage> | undefined;

export function packedPackage(): Promise<PackedPackage> {
  packing ??= pack();
  return packing;
}

async function pack(): Promise<PackedPackage> {
  const work = tempDir();
  const tree = path.join(work, 'tree');
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO_ROOT);
  for (const file of listed.split('\0').filter(Boolean)) {
    const source = path.join(REPO_ROOT, file);
    // a tracked file deleted in the working tree is not part of what gets committed
    if (!fs.existsSync(source)) continue;
    fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    fs.copyFileSync(source, path.join(tree, file));
  }
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');

  await run('npm', ['pack', '--pack-destination', work], tree, 180000);
  const tarballs = fs.readdirSync(work).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack made ${tarballs.length} tarballs: ${tarballs.join(', ')}`);
  const tarball = path.join(work, tarballs[0]);
  const read = (file: string) => run('tar', ['-xzOf', tarball, `package/${file}`], work);
  const files = (await run('tar', ['-tzf', tarball], work))
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''));
  return { tarball, files, manifest: JSON.parse(await read('package.json')), read };
}

/** Runs a command to its end (within `timeoutMs`) and answers its standard output. */
export function run(command: string, args: string[], cwd: string, timeoutMs = 60000, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      // This checkout's tools first (Node 22, npm, tsc), as in its npm scripts.
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...env, PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}${path.delimiter}${env.PATH ?? ''}` },
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
