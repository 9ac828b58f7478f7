// The first admin's credentials: ADMIN_USERNAME/ADMIN_PASSWORD, or, with no password set, one
// generated once into the data folder (mode 0600) so that a fresh install is never open and the
// owner can read the password from a file only they can open.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';

export const GENERATED_PASSWORD_FILE = 'admin-password';

export function resolveBootstrapAdmin(options: { username: string; password?: string; dataDir: string; log: Logger }): { username: string; password: string } {
  if (options.password) return { username: options.username, password: options.password };
  const file = path.join(options.dataDir, GENERATED_PASSWORD_FILE);
  if (fs.existsSync(file)) return { username: options.username, password: fs.readFileSync(file, 'utf8').trim() };
  fs.mkdirSync(options.dataDir, { recursive: true });
  const password = crypto.randomBytes(12).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  options.log.warn(`ADMIN_PASSWORD is not set: the first admin "${options.username}" gets the password stored in ${file}`);
  return { username: options.username, password };
}
