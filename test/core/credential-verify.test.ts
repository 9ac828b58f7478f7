import assert from 'node:assert';
import { CredentialVerifier } from '../../src/credentials/verify';
import { listenLoopback, type Loopback } from '../support/loopback';

describe('credential verification timeout', () => {
  let silent: Loopback;
  before(async () => {
    // accepts the request and never answers
    silent = await listenLoopback(() => undefined);
  });
  after(async () => silent.close());

  it('gives up on a service that does not answer, with success false', async () => {
    const verifier = new CredentialVerifier({ lineApiBaseUrl: silent.url, telegramApiRoot: silent.url, timeoutMs: 300 });
    const started = Date.now();
    const results = await Promise.all([
      verifier.verify('LINE', { channel_secret: 's', channel_access_token: 't' }, {}),
      verifier.verify('TELEGRAM', { bot_token: '1:t' }, {}),
      verifier.verify('N8N', { api_key: 'k' }, { base_url: silent.url }),
    ]);
    assert.ok(Date.now() - started < 3000);
    for (const { result } of results) {
      assert.strictEqual(result.success, false);
      assert.match(result.message, /Could not reach .*(did not answer within|no answer in time)/);
    }
  });
});
