import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveEncryptionKey } from '../../src/credentials/encryption-key';
import { Fernet, generateFernetKey } from '../../src/crypto/fernet';

describe('encryption key', () => {
  let dataDir: string;
  let warnings: string[];
  const log = { warn: (m: string) => warnings.push(m) };

  beforeEach(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'llc-key-')), 'data');
    warnings = [];
  });
  afterEach(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it('uses ENCRYPTION_KEY when it is set, and writes no file', () => {
    const key = generateFernetKey();
    assert.strictEqual(resolveEncryptionKey({ configured: ` ${key} `, dataDir, log }), key);
    assert.strictEqual(fs.existsSync(dataDir), false);
    assert.deepStrictEqual(warnings, []);
  });

  it('refuses a bad ENCRYPTION_KEY, naming it', () => {
    assert.throws(() => resolveEncryptionKey({ configured: 'not-a-key', dataDir, log }), /ENCRYPTION_KEY is not a valid encryption key/);
  });

  it('generates a key once into the data folder, readable only by its owner, with a warning', () => {
    const first = resolveEncryptionKey({ dataDir, log });
    assert.doesNotThrow(() => new Fernet(first));
    const file = path.join(dataDir, 'encryption.key');
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0], /ENCRYPTION_KEY.*Back this file up/s);
    assert.ok(!warnings[0].includes(first), 'the warning does not print the key');

    const second = resolveEncryptionKey({ dataDir, log });
    assert.strictEqual(second, first);
    assert.strictEqual(warnings.length, 1);
  });

  it('refuses a damaged key file, naming it', () => {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'encryption.key'), 'garbage');
    assert.throws(() => resolveEncryptionKey({ dataDir, log }), /encryption\.key is not a valid encryption key/);
  });
});
