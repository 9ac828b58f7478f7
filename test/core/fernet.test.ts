import assert from 'node:assert';
import { Fernet, InvalidFernetKey, InvalidFernetToken, checkFernetKey, generateFernetKey } from '../../src/crypto/fernet';

// The official vectors of github.com/fernet/spec (generate.json, verify.json, invalid.json), as
// Python's cryptography.fernet also passes them.
const SECRET = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const SPEC_TOKEN = 'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';
const SPEC_IV = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

const INVALID: { desc: string; token: string; now: string }[] = [
  {
    desc: 'incorrect mac',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==',
    now: '1985-10-26T01:20:01-07:00',
  },
  { desc: 'too short', token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==', now: '1985-10-26T01:20:01-07:00' },
  {
    desc: 'invalid base64',
    token: '%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'payload size not multiple of block size',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'payload padding error',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'far-future TS (unacceptable clock skew)',
    token: 'gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'expired TTL',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==',
    now: '1985-10-26T01:21:31-07:00',
  },
  {
    desc: 'incorrect IV (causes padding error)',
    token: 'gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==',
    now: '1985-10-26T01:20:01-07:00',
  },
  { desc: 'trailing characters after b64 padding', token: `${SPEC_TOKEN}trailingdata`, now: '1985-10-26T01:20:01-07:00' },
  {
    desc: 'invalid characters in b64',
    token: '*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'invalid non-urlsafe characters in b64',
    token: 'gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
    now: '1985-10-26T01:20:01-07:00',
  },
];

describe('fernet', () => {
  it('makes the spec token from the spec key, time and IV (generate.json)', () => {
    const token = new Fernet(SECRET).encrypt('hello', { now: new Date('1985-10-26T01:20:00-07:00'), iv: SPEC_IV });
    assert.strictEqual(token, SPEC_TOKEN);
  });

  it('reads the spec token within its ttl (verify.json)', () => {
    const plain = new Fernet(SECRET).decrypt(SPEC_TOKEN, { ttlSeconds: 60, now: new Date('1985-10-26T01:20:01-07:00') });
    assert.strictEqual(plain.toString('utf8'), 'hello');
  });

  for (const vector of INVALID) {
    it(`refuses an invalid token: ${vector.desc} (invalid.json)`, () => {
      assert.throws(() => new Fernet(SECRET).decrypt(vector.token, { ttlSeconds: 60, now: new Date(vector.now) }), InvalidFernetToken);
    });
  }

  it('round-trips UTF-8 text with a generated key, each token different', () => {
    const fernet = new Fernet(generateFernetKey());
    const text = JSON.stringify({ channel_secret: 'ความลับ', n: 1 });
    const a = fernet.encrypt(text);
    const b = fernet.encrypt(text);
    assert.notStrictEqual(a, b);
    assert.match(a, /^gAAAAA[A-Za-z0-9_-]+=*$/);
    assert.strictEqual(fernet.decrypt(a).toString('utf8'), text);
  });

  it('without a ttl, reads a token of any age, as cryptography does', () => {
    assert.strictEqual(new Fernet(SECRET).decrypt(SPEC_TOKEN).toString(), 'hello');
  });

  it('refuses a token made with another key', () => {
    const token = new Fernet(generateFernetKey()).encrypt('secret');
    assert.throws(() => new Fernet(SECRET).decrypt(token), /not made with this key/);
  });

  it('takes only 32-byte urlsafe base64 keys', () => {
    assert.doesNotThrow(() => checkFernetKey(SECRET));
    assert.strictEqual(Buffer.from(generateFernetKey(), 'base64url').length, 32);
    for (const bad of ['', 'short', SECRET.slice(0, 40), 'cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=', `${SECRET}AAAA`]) {
      assert.throws(() => new Fernet(bad), InvalidFernetKey, bad);
    }
  });
});
