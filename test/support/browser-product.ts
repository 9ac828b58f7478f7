// A browser test's suite: the product (the LINE stand-in behind it, `admin` its first admin) and
// Chromium, started once before the suite's tests and stopped after them; every test ends by
// checking that the pages opened with `errors` had no script error.
import assert from 'node:assert';
import type { Browser } from 'playwright-core';
import { login } from './api-server';
import { tempDir } from './databases';
import { FakeLine } from './fake-line';
import { launchBrowser } from './browser';
import { productEnvironment, type RunningProduct, startProduct } from './product';

export interface BrowserProduct {
  line: FakeLine;
  product: RunningProduct;
  browser: Browser;
  /** The REST API's base URL, and the admin's token for it. */
  api: string;
  owner: string;
  /** Script errors of the pages (give it to openPage). */
  errors: string[];
}

export function useBrowserProduct(admin: { username: string; password: string }): BrowserProduct {
  const suite = { errors: [] as string[] } as BrowserProduct;
  before(async () => {
    suite.line = await new FakeLine().start();
    [suite.product, suite.browser] = await Promise.all([startProduct(tempDir(), productEnvironment(admin, suite.line)), launchBrowser()]);
    suite.api = `${suite.product.baseUrl}/api/v1`;
    suite.owner = await login(suite.api, admin);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.product?.stop();
    await suite.line?.close();
  });
  afterEach(() => {
    assert.deepStrictEqual(suite.errors, [], 'no script errors in the page');
  });
  return suite;
}
