// The key credentials are encrypted with: ENCRYPTION_KEY when set, else one generated once into
// the data folder. Losing that file makes every stored credential unreadable, hence the warning.
import fs from 'node:fs';
import path from 'node:path';
import { checkFernetKey, generateFernetKey, InvalidFernetKey } from '../crypto/fernet';
import type { Logger } from '../logger';

export const ENCRYPTION_KEY_FILE = 'encryption.key';

export function resolveEncryptionKey(options: { configured?: string; dataDir: string; log: Pick<Logger, 'warn'> }): string {
  if (options.configured !== undefined && options.configured.trim() !== '') {
    return checked(options.configured.trim(), 'ENCRYPTION_KEY');
  }
  const file = path.join(options.dataDir, ENCRYPTION_KEY_FILE);
  const existing = readKeyFile(file);
  if (existing !== undefined) return checked(existing, file);
  fs.mkdirSync(options.dataDir, { recursive: true });
  const key = generateFernetKey();
  try {
    // 'wx': another process starting at the same moment may have written it first; then use that one.
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return checked(readKeyFile(file) ?? '', file);
    throw err;
  }
  options.log.warn(
    `ENCRYPTION_KEY is not set: generated an encryption key for stored credentials in ${file}. ` +
      'Back this file up, or set ENCRYPTION_KEY to its content: without it the stored credentials cannot be decrypted.',
  );
  return key;
}

function readKeyFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function checked(key: string, source: string): string {
  try {
    checkFernetKey(key);
    return key;
  } catch (err) {
    if (err instanceof InvalidFernetKey) throw new Error(`${source} is not a valid encryption key. ${err.message}.`);
    throw err;
  }
}
