// Fernet tokens (github.com/fernet/spec), byte for byte the format of Python's
// `cryptography.fernet`, so credentials written by the seed's Python app decrypt here:
//   base64url(0x80 | 8-byte big-endian seconds | 16-byte IV | AES-128-CBC ciphertext | HMAC-SHA256)
// The key is the urlsafe base64 of 32 bytes: the first 16 sign, the last 16 encrypt.
import crypto from 'node:crypto';

const VERSION = 0x80;
const HEADER_LENGTH = 1 + 8 + 16;
const HMAC_LENGTH = 32;
const BLOCK_LENGTH = 16;
/** As in `cryptography`: a token stamped more than this far in the future is refused when a ttl is checked. */
const MAX_CLOCK_SKEW_SECONDS = 60;

export class InvalidFernetKey extends Error {}
export class InvalidFernetToken extends Error {}

/** Strict urlsafe base64: only the urlsafe alphabet, padding only at the end and only to a multiple of 4. */
function decodeUrlsafeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return undefined;
  if (text.includes('=') && text.length % 4 !== 0) return undefined;
  if (text.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64url');
}

const encodeUrlsafeBase64 = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

export function generateFernetKey(): string {
  return encodeUrlsafeBase64(crypto.randomBytes(32));
}

/** Throws InvalidFernetKey unless `key` is the urlsafe base64 of exactly 32 bytes. */
export function checkFernetKey(key: string): void {
  decodeKey(key);
}

function decodeKey(key: unknown): { signing: Buffer; encryption: Buffer } {
  const bytes = typeof key === 'string' ? decodeUrlsafeBase64(key.trim()) : undefined;
  if (bytes?.length !== 32) {
    throw new InvalidFernetKey('A Fernet key must be 32 bytes in urlsafe base64 (44 characters ending in "="), as made by Fernet.generate_key()');
  }
  return { signing: bytes.subarray(0, 16), encryption: bytes.subarray(16) };
}

const toSeconds = (now: Date | number | undefined) => Math.floor((now instanceof Date ? now.getTime() : (now ?? Date.now())) / 1000);

export interface EncryptOptions {
  /** The time stamped in the token (default now); fixed only by tests. */
  now?: Date;
  /** The 16-byte IV (default random); fixed only by tests. */
  iv?: Buffer;
}

export interface DecryptOptions {
  /** Refuse tokens older than this many seconds. */
  ttlSeconds?: number;
  /** The time the ttl is measured against (default now). */
  now?: Date;
}

export class Fernet {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(key: string) {
    const { signing, encryption } = decodeKey(key);
    this.signingKey = signing;
    this.encryptionKey = encryption;
  }

  encrypt(plaintext: string | Buffer, options: EncryptOptions = {}): string {
    const iv = options.iv ?? crypto.randomBytes(16);
    if (iv.length !== 16) throw new Error('A Fernet IV is 16 bytes');
    const header = Buffer.alloc(HEADER_LENGTH);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(toSeconds(options.now)), 1);
    iv.copy(header, 9);
    const cipher = crypto.createCipheriv('aes-128-cbc', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const signed = Buffer.concat([header, ciphertext]);
    const hmac = crypto.createHmac('sha256', this.signingKey).update(signed).digest();
    return encodeUrlsafeBase64(Buffer.concat([signed, hmac]));
  }

  /** The plaintext of `token`; throws InvalidFernetToken for anything not made with this key (or too old). */
  decrypt(token: string, options: DecryptOptions = {}): Buffer {
    const bytes = typeof token === 'string' ? decodeUrlsafeBase64(token) : undefined;
    if (!bytes) throw new InvalidFernetToken('The token is not urlsafe base64');
    if (bytes.length < HEADER_LENGTH + BLOCK_LENGTH + HMAC_LENGTH || bytes[0] !== VERSION) {
      throw new InvalidFernetToken('The token is not a Fernet token');
    }
    const signed = bytes.subarray(0, bytes.length - HMAC_LENGTH);
    const expected = crypto.createHmac('sha256', this.signingKey).update(signed).digest();
    if (!crypto.timingSafeEqual(expected, bytes.subarray(bytes.length - HMAC_LENGTH))) {
      throw new InvalidFernetToken('The token was not made with this key, or it was altered');
    }
    if (options.ttlSeconds !== undefined) {
      const stamped = Number(bytes.readBigUInt64BE(1));
      const now = toSeconds(options.now);
      if (stamped + options.ttlSeconds < now) throw new InvalidFernetToken('The token has expired');
      if (now + MAX_CLOCK_SKEW_SECONDS < stamped) throw new InvalidFernetToken('The token is stamped in the future');
    }
    const ciphertext = signed.subarray(HEADER_LENGTH);
    if (ciphertext.length % BLOCK_LENGTH !== 0) throw new InvalidFernetToken('The token payload is not whole blocks');
    try {
      const decipher = crypto.createDecipheriv('aes-128-cbc', this.encryptionKey, signed.subarray(9, HEADER_LENGTH));
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new InvalidFernetToken('The token payload is not padded correctly');
    }
  }
}
