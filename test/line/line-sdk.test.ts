// src/line/line-sdk.ts takes four of @line/bot-sdk's values from their own files rather than its
// index (which loads 383 modules): here, each is the very value the index exports, so an SDK
// release that moves a file fails this test rather than the product.
import assert from 'node:assert';
import crypto from 'node:crypto';
import * as sdk from '@line/bot-sdk';
import * as lineSdk from '../../src/line/line-sdk';

describe('the parts of @line/bot-sdk loaded from their own files', () => {
  it('are the values the SDK exports', () => {
    assert.strictEqual(lineSdk.MessagingApiClient, sdk.messagingApi.MessagingApiClient);
    assert.strictEqual(lineSdk.MessagingApiBlobClient, sdk.messagingApi.MessagingApiBlobClient);
    assert.strictEqual(lineSdk.HTTPFetchError, sdk.HTTPFetchError);
    assert.strictEqual(lineSdk.validateSignature, sdk.validateSignature);
  });

  it('validate a signature as LINE makes it', () => {
    const body = '{"destination":"U0","events":[]}';
    const secret = 'channel-secret';
    const signature = crypto.createHmac('sha256', secret).update(body).digest('base64');
    assert.strictEqual(lineSdk.validateSignature(body, secret, signature), true);
    assert.strictEqual(lineSdk.validateSignature(`${body} `, secret, signature), false);
  });
});
