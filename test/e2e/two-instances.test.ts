// Two products as `npm start` runs them, on one PostgreSQL database (each its own port and
// DATA_DIR, one encryption key), as behind a load balancer: an operator connected to one sees,
// live, what reached the other, and the once-across-instances work (closing idle chats) is done
// once.
import assert from 'node:assert';
import { Client } from 'pg';
import { generateFernetKey } from '../../src/crypto/fernet';
import { FakeLine } from '../support/fake-line';
import { deliverWebhook, messageEvent, userId } from '../support/line-webhooks';
import { call, login } from '../support/api-server';
import { scratchDatabaseName, serverUrl, tempDir } from '../support/databases';
import { eventually, productEnvironment, type RunningProduct, startProduct } from '../support/product';
import { connectLiveSocket, type LiveSocket } from '../support/live-socket';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const DATABASE = scratchDatabaseName('two_instances');

describe('two instances on one PostgreSQL database', function () {
  this.timeout(90000);
  let line: FakeLine;
  let admin: Client;
  let a: RunningProduct;
  let b: RunningProduct;
  let live: LiveSocket | undefined;
  let token: string;
  let databaseUrl: string;

  async function postWebhook(product: RunningProduct, events: Record<string, unknown>[]) {
    await deliverWebhook(`${product.baseUrl}/line/webhook`, events);
  }

  before(async function () {
    if (!serverUrl) {
      console.log('      skipped: set TEST_DATABASE_URL to run two instances on one PostgreSQL database');
      this.skip();
    }
    admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    const url = new URL(serverUrl);
    url.pathname = `/${DATABASE}`;
    databaseUrl = url.toString();
    line = await new FakeLine().start();
    const environment = {
      ...productEnvironment(ADMIN, line),
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: generateFernetKey(),
      SWEEP_INTERVAL_SECONDS: '0.2',
    };
    // One after the other: the first leads (it is alone when it starts).
    a = await startProduct(tempDir(), environment);
    b = await startProduct(tempDir(), environment);
    token = await login(`${a.baseUrl}/api/v1`, ADMIN);
  });

  after(async () => {
    live?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await line?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
  });

  it('shows an operator connected to A, live, the message whose webhook reached B', async () => {
    live = await connectLiveSocket(a.baseUrl, { transports: ['websocket'], auth: { token } });
    await live.next('hello');
    const user = userId();
    await postWebhook(b, [messageEvent('สวัสดีครับ ถึงเครื่อง B', { userId: user })]);
    const message = await live.next('message', (p) => p.line_user_id === user, 10000);
    assert.strictEqual(message.message.content.text, 'สวัสดีครับ ถึงเครื่อง B');
    const conversation = await live.next('conversation', (p) => p.conversation.line_user_id === user, 10000);
    assert.strictEqual(conversation.conversation.line_user_id, user);
    // Batched as on one instance: updates arrive in `updates` packets.
    assert.ok(live.batches.some((names) => names.includes('message')));
  });

  it('closes an idle chat once across the two (one close, one closing message), on the leading instance only', async () => {
    const settings = await call(`${b.baseUrl}/api/v1`, 'PUT', '/admin/live-chat/settings', {
      token,
      // The chat below is never claimed: it is missed, and gets the missed message.
      body: { auto_close_minutes: 1, missed_message: 'ปิดแชทอัตโนมัติ' },
    });
    assert.strictEqual(settings.status, 200, JSON.stringify(settings.body));
    const user = userId();
    await postWebhook(b, [messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: line.issueReplyToken() })]);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await eventually(async () => (await db.query(`SELECT 1 FROM chat_sessions WHERE line_user_id = $1 AND status = 'WAITING'`, [user])).rowCount === 1);
      // Idle for ten minutes, as far as the sweeper can tell. Again each round until it closes: the
      // handoff's greeting may be stored after a round, and would make the chat fresh again.
      await eventually(async () => {
        await db.query(`UPDATE messages SET created_at = now() - interval '10 minutes' WHERE contact_id = (SELECT id FROM contacts WHERE line_user_id = $1)`, [
          user,
        ]);
        await db.query(`UPDATE chat_sessions SET started_at = now() - interval '10 minutes' WHERE line_user_id = $1 AND status <> 'CLOSED'`, [user]);
        await new Promise((resolve) => setTimeout(resolve, 400));
        return (await db.query(`SELECT 1 FROM chat_sessions WHERE line_user_id = $1 AND status = 'CLOSED'`, [user])).rowCount === 1;
      }, 20000);
      const closed = await live!.next('session', (p) => p.line_user_id === user && p.change === 'closed', 10000);
      assert.strictEqual(closed.session.status, 'CLOSED');
      // Both sweep every 0.2 s; give them many rounds.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const sessions = await db.query(`SELECT status, closed_by FROM chat_sessions WHERE line_user_id = $1`, [user]);
      assert.deepStrictEqual(sessions.rows, [{ status: 'CLOSED', closed_by: 'SYSTEM' }]);
      const closing = await db.query(
        `SELECT count(*)::int AS n FROM messages WHERE contact_id = (SELECT id FROM contacts WHERE line_user_id = $1) AND sender = 'SYSTEM' AND content->>'text' = 'ปิดแชทอัตโนมัติ'`,
        [user],
      );
      assert.strictEqual(closing.rows[0].n, 1);
      assert.strictEqual(line.requestsTo('POST', '/v2/bot/message/push').filter((r) => r.body.to === user).length, 1);
    } finally {
      await db.end();
    }
    const leads = (p: RunningProduct) => /now runs the work done once across instances/.test(p.output());
    assert.deepStrictEqual([leads(a), leads(b)], [true, false]);
  });
});
