// LINE redelivers a webhook answered 5xx, not one answered 404: while the running product (npm
// start's entry point) stops on SIGTERM, starts, or redeploys its whole flow, every POST to its
// webhook is answered 200 (stored) or 503 with Retry-After, never 404; then 200 again.
// On the embedded database and on PostgreSQL.
import assert from 'node:assert';
import { FakeLine } from '../support/fake-line';
import { assertNeverGone, pollWebhook, tally, type WebhookAnswer } from '../support/line-webhooks';
import { freePort } from '../support/stock-node-red';
import { emptyServerTables, serverUrl, tempDir } from '../support/databases';
import { productEnvironment, type RunningProduct, startProduct } from '../support/product';

const ADMIN = { username: 'owner', password: 'owner-password-1' };

for (const kind of ['embedded', 'postgres'] as const) {
  describe(`the LINE webhook while the product stops or redeploys (${kind})`, function () {
    this.timeout(120000);
    let line: FakeLine;
    let product: RunningProduct | undefined;

    before(async function () {
      if (kind === 'postgres' && !serverUrl) {
        console.log('      skipped: set TEST_DATABASE_URL to run these on PostgreSQL');
        this.skip();
      }
      line = await new FakeLine().start();
    });
    beforeEach(async () => {
      if (kind === 'postgres') await emptyServerTables();
    });
    afterEach(async () => {
      await product?.stop();
      product = undefined;
    });
    after(async () => {
      await line?.close();
    });

    const environment = () => ({ ...productEnvironment(ADMIN, line), ...(kind === 'postgres' ? { DATABASE_URL: serverUrl! } : {}) });

    it('answers 503 with Retry-After, never 404, from SIGTERM until the process is gone', async () => {
      product = await startProduct(tempDir(), environment());
      const webhook = `${product.baseUrl}/line/webhook`;
      const polling = pollWebhook(webhook, () => false);
      // (a few answers before the stop: the poller is under way when it comes)
      await new Promise((resolve) => setTimeout(resolve, 500));
      const exited = product.stop();
      const answers = await polling;
      assert.strictEqual(await exited, 0);
      assertNeverGone(answers);
      assert.strictEqual(answers.at(-1)?.status, 'refused', 'polled until the process stopped listening');
      assert.ok(
        answers.some((a) => a.status === 503),
        `the stop was seen: ${JSON.stringify(tally(answers))} ${answers.at(-1)?.error}\n${product.output()}`,
      );
    });

    it('answers 503, never 404, from the moment it listens until its flow is up (a restart)', async () => {
      const port = await freePort();
      const starting = startProduct(tempDir(), { ...environment(), PORT: String(port) });
      starting.catch(() => undefined);
      const url = `http://127.0.0.1:${port}/line/webhook`;
      const answers: WebhookAnswer[] = [];
      const deadline = Date.now() + 60000;
      while (!answers.some((a) => a.status === 200) && Date.now() < deadline) {
        answers.push(...(await pollWebhook(url, (so) => so.at(-1)?.status === 200)));
        // not listening yet
        if (answers.at(-1)?.status === 'refused') await new Promise((resolve) => setTimeout(resolve, 20));
      }
      product = await starting;
      const heard = answers.filter((a) => a.status !== 'refused');
      assertNeverGone(heard);
      assert.strictEqual(heard.at(-1)?.status, 200);
      assert.ok(
        heard.some((a) => a.status === 503),
        `the start was seen: ${JSON.stringify(tally(heard))}`,
      );
    });

    it('answers 200 or 503, never 404, through a full redeploy, and 200 after it', async () => {
      product = await startProduct(tempDir(), environment());
      const running = product;
      const tokenRes = await fetch(`${running.baseUrl}/red/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', ...ADMIN }),
      });
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;
      const editor = { authorization: `Bearer ${token}` };
      const flows = await (await fetch(`${running.baseUrl}/red/flows`, { headers: editor })).json();

      let deployed = false;
      // Node-RED answers the deploy before the new flow is up: the poller goes on until a 200 after it.
      const polling = pollWebhook(`${running.baseUrl}/line/webhook`, (so) => deployed && so.at(-1)?.status === 200);
      const deploy = await fetch(`${running.baseUrl}/red/flows`, {
        method: 'POST',
        headers: { ...editor, 'content-type': 'application/json', 'node-red-deployment-type': 'full' },
        body: JSON.stringify(flows),
      });
      assert.strictEqual(deploy.status, 204, await deploy.text());
      deployed = true;
      const seen = await polling;
      assertNeverGone(seen);
      assert.strictEqual(seen.at(-1)?.status, 200, `answers: ${JSON.stringify(tally(seen))}`);
      assert.ok(!seen.some((a) => a.status === 'refused'));
    });
  });
}
