// What the webhook's 200 promises survives a stop: the running product (npm start's entry point)
// is killed (SIGKILL) or stopped (SIGTERM) right after it acknowledged a handoff, then started
// again on the same data; the user's session opens, the greeting reaches LINE once and the alert
// reaches Telegram once, also when the kill lands after LINE carried a send out and before the
// product recorded it (the stand-in holds its answer). On the embedded database and on PostgreSQL.
import assert from 'node:assert';
import { FakeLine } from '../support/fake-line';
import { messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import { call, login } from '../support/api-server';
import { emptyServerTables, serverUrl, tempDir } from '../support/databases';
import { eventually, productEnvironment, type RunningProduct, startProduct } from '../support/product';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const BOT_TOKEN = '7000002:durable-token';
const GREETING = 'เจ้าหน้าที่จะติดต่อกลับในไม่ช้า กรุณารอสักครู่';
/** What the shipped flow's bot answers a plain message with. */
const BOT_ANSWER = 'ได้รับข้อความแล้วครับ';
const DRAIN_SECONDS = 3;

for (const kind of ['embedded', 'postgres'] as const) {
  describe(`an acknowledged handoff survives a stop of the product (${kind})`, function () {
    this.timeout(120000);
    let line: FakeLine;
    let telegram: FakeTelegram;
    let product: RunningProduct | undefined;

    before(async function () {
      if (kind === 'postgres' && !serverUrl) {
        console.log('      skipped: set TEST_DATABASE_URL to run these on PostgreSQL');
        this.skip();
      }
      line = await new FakeLine().start();
      telegram = await startFakeTelegram(BOT_TOKEN);
    });
    beforeEach(async () => {
      line.reset();
      telegram.reset();
      if (kind === 'postgres') await emptyServerTables();
    });
    afterEach(async () => {
      await product?.stop();
      product = undefined;
    });
    after(async () => {
      await line?.close();
      await telegram?.close();
    });

    const environment = () => ({
      ...productEnvironment(ADMIN, line),
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_ADMIN_CHAT_ID: '-1001',
      TELEGRAM_API_ROOT: telegram.url,
      WEBHOOK_FLOW_LEASE_SECONDS: '1',
      SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
      ...(kind === 'postgres' ? { DATABASE_URL: serverUrl! } : {}),
    });

    async function askForHuman(running: RunningProduct, user: string, text = 'ติดต่อเจ้าหน้าที่'): Promise<void> {
      const body = webhookBody([messageEvent(text, { userId: user, replyToken: line.issueReplyToken() })]);
      const res = await fetch(`${running.baseUrl}/line/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
        body: new Uint8Array(body),
      });
      assert.strictEqual(res.status, 200);
    }

    const saying = (text: string) => line.carriedOut.filter((r) => ((r.body as { messages?: { text?: string }[] }).messages?.[0]?.text ?? '').startsWith(text));
    const greetings = () => saying(GREETING);

    /** The user's messages from the product as the inbox shows them (sender, delivery status). */
    async function outgoingOf(running: RunningProduct, user: string): Promise<[string, string][]> {
      const api = `${running.baseUrl}/api/v1`;
      const token = await login(api, ADMIN);
      const res = await call(api, 'GET', `/admin/live-chat/conversations/${user}`, { token });
      assert.strictEqual(res.status, 200, JSON.stringify(res.body));
      return res.body.messages
        .filter((m: { direction: string }) => m.direction === 'OUT')
        .map((m: { sender: string; delivery_status: string }) => [m.sender, m.delivery_status]);
    }

    /** After the restart: the session waits in the inbox, one greeting reached LINE, one alert Telegram, and no more come. */
    async function handedOverOnce(running: RunningProduct, user: string): Promise<void> {
      const api = `${running.baseUrl}/api/v1`;
      const token = await login(api, ADMIN);
      const waiting = await eventually(async () => {
        const res = await call(api, 'GET', '/admin/live-chat/conversations?status=WAITING', { token });
        return res.body.conversations.find((c: { line_user_id: string }) => c.line_user_id === user);
      }, 40000);
      assert.strictEqual(waiting.chat_mode, 'HUMAN');
      await eventually(() => greetings().length >= 1 && telegram.sent.length >= 1, 40000);
      // Past another lease and recovery round: nothing is sent twice.
      await new Promise((resolve) => setTimeout(resolve, 6500));
      assert.strictEqual(greetings().length, 1, JSON.stringify(line.carriedOut.map((r) => r.body)));
      assert.strictEqual(telegram.sent.length, 1);
      assert.ok(telegram.sent[0].plain.includes(user));
    }

    it('kill -9 right after the 200: restarted, it opens the session, greets once and alerts once', async () => {
      const dataDir = tempDir();
      product = await startProduct(dataDir, environment());
      const user = userId();
      // LINE holds the greeting: the event is recorded and its handoff under way (the session
      // open, the greeting sent but not carried out, the alert not sent) when the kill comes.
      const release = line.holdSends();
      await askForHuman(product, user);
      await eventually(() => line.requestsTo('POST', '/v2/bot/message/').length > 0);
      process.kill(product.pid, 'SIGKILL');
      await product.stop();
      // The greeting request of the killed process (if it got that far) goes nowhere.
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      assert.deepStrictEqual([greetings().length, telegram.sent.length], [0, 0]);

      product = await startProduct(dataDir, environment());
      try {
        await handedOverOnce(product, user);
      } catch (err) {
        console.log(`the restarted product said:\n${product.output()}\nLINE got: ${JSON.stringify(line.requests.map((r) => [r.path, r.body]))}`);
        throw err;
      }
    });

    it('kill -9 after LINE carried out the greeting, before the product recorded it: restarted, the greeting is not sent again', async () => {
      const dataDir = tempDir();
      product = await startProduct(dataDir, environment());
      const user = userId();
      // LINE carries the greeting out (the user has it) and its answer never reaches the product.
      const release = line.holdAnswers();
      await askForHuman(product, user);
      await eventually(() => greetings().length === 1);
      process.kill(product.pid, 'SIGKILL');
      await product.stop();
      release();

      product = await startProduct(dataDir, environment());
      try {
        await handedOverOnce(product, user);
        assert.deepStrictEqual(await outgoingOf(product, user), [['SYSTEM', 'SENT']]);
      } catch (err) {
        console.log(`the restarted product said:\n${product.output()}\nLINE got: ${JSON.stringify(line.requests.map((r) => [r.path, r.body]))}`);
        throw err;
      }
    });

    it("kill -9 after LINE carried out the bot's answer, before the product recorded it: restarted, the answer is not sent again", async () => {
      const dataDir = tempDir();
      product = await startProduct(dataDir, environment());
      const user = userId();
      const release = line.holdAnswers();
      await askForHuman(product, user, 'สวัสดีครับ');
      await eventually(() => saying(BOT_ANSWER).length === 1);
      process.kill(product.pid, 'SIGKILL');
      await product.stop();
      release();

      product = await startProduct(dataDir, environment());
      const running = product;
      try {
        // The event's flow is run again after the lease; its answer is then recorded as sent, once.
        await eventually(async () => JSON.stringify(await outgoingOf(running, user)) === JSON.stringify([['BOT', 'SENT']]), 40000);
        await new Promise((resolve) => setTimeout(resolve, 4000));
        assert.strictEqual(saying(BOT_ANSWER).length, 1, JSON.stringify(line.carriedOut.map((r) => r.body)));
        assert.deepStrictEqual(await outgoingOf(running, user), [['BOT', 'SENT']]);
      } catch (err) {
        console.log(`the restarted product said:\n${product.output()}\nLINE got: ${JSON.stringify(line.requests.map((r) => [r.path, r.body]))}`);
        throw err;
      }
    });

    it('SIGTERM right after the 200: it finishes the handoff before it exits, in bounded time, and a restart adds nothing', async () => {
      const dataDir = tempDir();
      product = await startProduct(dataDir, environment());
      const user = userId();
      // A slow LINE: the greeting is answered 1.5 s into the stop.
      const release = line.holdSends();
      await askForHuman(product, user);
      await eventually(() => line.requestsTo('POST', '/v2/bot/message/').length > 0);
      const stopping = Date.now();
      const exited = product.stop();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      release();
      assert.strictEqual(await exited, 0);
      const took = Date.now() - stopping;
      assert.ok(took < (DRAIN_SECONDS + 6) * 1000, `stopped in ${took} ms`);
      // Drained: done before the exit.
      assert.deepStrictEqual([greetings().length, telegram.sent.length], [1, 1]);

      product = await startProduct(dataDir, environment());
      await handedOverOnce(product, user);
    });
  });
}
