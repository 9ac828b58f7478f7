// The parts of @line/bot-sdk the product uses, each from its own file. The SDK's index loads every
// API's client and all their models, 383 modules: 0.05-0.12 s of every start on a slow VM
// (bench/memory-start), for the four names below that need 6. The package's `exports` names only
// its index, so the files are found from the package's own folder (its CommonJS build);
// test/line/line-sdk.test.ts checks that each is the very value the index exports. Types come
// from the package as usual (`import type`).
import path from 'node:path';
import type * as Sdk from '@line/bot-sdk';

const cjsBuild = path.join(path.dirname(require.resolve('@line/bot-sdk/package.json')), 'dist', 'cjs');

function fromSdk<T>(file: string): T {
  return require(path.join(cjsBuild, file)) as T;
}

export const { MessagingApiClient } = fromSdk<{ MessagingApiClient: typeof Sdk.messagingApi.MessagingApiClient }>('messaging-api/api/messagingApiClient.js');
export const { MessagingApiBlobClient } = fromSdk<{ MessagingApiBlobClient: typeof Sdk.messagingApi.MessagingApiBlobClient }>(
  'messaging-api/api/messagingApiBlobClient.js',
);
export const { HTTPFetchError } = fromSdk<{ HTTPFetchError: typeof Sdk.HTTPFetchError }>('exceptions.js');
export type HTTPFetchError = Sdk.HTTPFetchError;
export const validateSignature = fromSdk<{ default: typeof Sdk.validateSignature }>('validate-signature.js').default;
