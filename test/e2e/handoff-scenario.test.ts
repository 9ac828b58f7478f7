// The whole handoff of the seed on the running product (npm start's entry point), against the
// loopback LINE and Telegram stand-ins, on the embedded database and on PostgreSQL: bot chatter,
// the keyword, the greeting by reply, the Telegram alert, HUMAN silence, a claim race, an operator
// push that LINE first fails, close back to BOT, auto-close, and the analytics figures.
import assert from 'node:assert';
import { FakeLine, type RecordedRequest } from '../support/fake-line';
import { CHANNEL_SECRET, messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import { call, login } from '../support/api-server';
import { openDatabase } from '../../src/db/database';
import { resetTables, serverUrl, tempDir } from '../support/databases';
import { eventually, type RunningProduct, startProduct } from '../support/product';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';

const ADMIN = { username: 'owner', password: 'owner-password-1' };
const SOMSRI = { username: 'somsri', password: 'somsri-password-1' };
const INBOX = 'https://inbox.example.com';
const BOT_TOKEN = '7000001:scenario-token';
const ADMIN_CHAT = '-1009876543210';

for (const kind of ['embedded', 'postgres'] as const) {
  describe(`the handoff end to end on the running product (${kind})`, function () {
    this.timeout(90000);
    let line: FakeLine;
    let telegram: FakeTelegram;
    let product: RunningProduct;
    let api: string;
    let owner: string;
    let somsri: string;

    before(async function () {
      if (kind === 'postgres') {
        if (!serverUrl) {
          console.log('      skipped: set TEST_DATABASE_URL to run the scenario on PostgreSQL');
          this.skip();
        }
        const db = await openDatabase({ url: serverUrl });
        await resetTables(db);
        await db.close();
      }
      line = await new FakeLine().start();
      telegram = await startFakeTelegram(BOT_TOKEN);
      product = await startProduct(tempDir(), {
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        ADMIN_URL: INBOX,
        LINE_CHANNEL_SECRET: CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: line.accessToken,
        LINE_API_BASE_URL: line.baseUrl,
        LINE_DATA_API_BASE_URL: line.baseUrl,
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_ADMIN_CHAT_ID: ADMIN_CHAT,
        TELEGRAM_API_ROOT: telegram.url,
        SWEEP_INTERVAL_SECONDS: '0.5',
        ...(kind === 'postgres' ? { DATABASE_URL: serverUrl! } : {}),
      });
      api = `${product.baseUrl}/api/v1`;
      owner = await login(api, ADMIN);
      const created = await call(api, 'POST', '/admin/operators', { token: owner, body: { ...SOMSRI, display_name: 'สมศรี', role: 'operator' } });
      assert.strictEqual(created.status, 201, JSON.stringify(created.body));
      somsri = await login(api, SOMSRI);
    });

    after(async () => {
      await product?.stop();
      await line?.close();
      await telegram?.close();
    });

    const user = userId();
    const otherUser = userId();
    let sessionId: number;
    /** Whoever won the claim race, and the other one. */
    let holder: { token: string; username: string };
    let other: { token: string; username: string };

    async function say(text: string, from = user, replyToken = line.issueReplyToken()) {
      const body = webhookBody([messageEvent(text, { userId: from, replyToken })]);
      const res = await fetch(`${product.baseUrl}/line/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
        body: new Uint8Array(body),
      });
      assert.strictEqual(res.status, 200);
      return replyToken;
    }
    const sent = (): RecordedRequest[] => [...line.requestsTo('POST', '/v2/bot/message/reply'), ...line.requestsTo('POST', '/v2/bot/message/push')];
    const pushes = () => line.requestsTo('POST', '/v2/bot/message/push');
    const conversation = async (token: string, who = user) => (await call(api, 'GET', `/admin/live-chat/conversations/${who}`, { token })).body;

    it('bot chatter: the bot answers by reply token while the chat is BOT', async () => {
      line.setProfile(user, { displayName: 'สมชาย <ทดสอบ> & co' });
      const token = await say('สวัสดีครับ');
      const reply = (await eventually(() => line.requestsTo('POST', '/v2/bot/message/reply').find((r) => r.body.replyToken === token)))!;
      assert.match(reply.body.messages[0].text, /ติดต่อเจ้าหน้าที่/);
    });

    it('the keyword hands the user over: greeting by reply, HUMAN, a WAITING session in the inbox', async () => {
      const token = await say('ติดต่อเจ้าหน้าที่');
      const greeting = (await eventually(() => line.requestsTo('POST', '/v2/bot/message/reply').find((r) => r.body.replyToken === token)))!;
      assert.deepStrictEqual(greeting.body.messages, [{ type: 'text', text: 'เจ้าหน้าที่จะติดต่อกลับในไม่ช้า กรุณารอสักครู่' }]);
      const list = await eventually(async () => {
        const res = await call(api, 'GET', '/admin/live-chat/conversations?status=WAITING', { token: owner });
        return res.body.conversations.length === 1 ? res.body : undefined;
      });
      assert.strictEqual(list.waiting_count, 1);
      assert.strictEqual(list.active_count, 0);
      const [c] = list.conversations;
      assert.strictEqual(c.line_user_id, user);
      assert.strictEqual(c.display_name, 'สมชาย <ทดสอบ> & co');
      assert.strictEqual(c.chat_mode, 'HUMAN');
      assert.strictEqual(c.session.status, 'WAITING');
      assert.strictEqual(c.session.operator, null);
      sessionId = c.session.id;
    });

    it('Telegram tells the admin group: name, LINE ID, the last 3 messages and a link to the chat, escaped', async () => {
      const alert = (await eventually(() => telegram.sent[0]))!;
      assert.strictEqual(String(alert.chat_id), ADMIN_CHAT);
      assert.strictEqual(alert.parse_mode, 'HTML');
      assert.ok(alert.text.includes('สมชาย &lt;ทดสอบ&gt; &amp; co'), alert.text);
      const link = `${INBOX}/admin/live-chat?user=${user}`;
      assert.strictEqual(
        alert.plain,
        [
          '🔔 ผู้ใช้ขอคุยกับเจ้าหน้าที่',
          '',
          '👤 ชื่อ: สมชาย <ทดสอบ> & co',
          `📱 LINE ID: ${user}`,
          '',
          '💬 ข้อความล่าสุด:',
          '• "สวัสดีครับ"',
          '• "ติดต่อเจ้าหน้าที่"',
          '',
          `🔗 เปิดแชท: ${link}`,
        ].join('\n'),
      );
      assert.deepStrictEqual(alert.reply_markup, { inline_keyboard: [[{ text: 'เปิดแชท', url: link }]] });
    });

    it("HUMAN: the user's next message reaches the inbox and the bot stays quiet", async () => {
      const before = sent().length;
      await say('มีเรื่องสอบถามเรื่องคำสั่งซื้อครับ');
      const list = await eventually(async () => {
        const res = await call(api, 'GET', '/admin/live-chat/conversations?status=WAITING', { token: somsri });
        return res.body.conversations[0]?.last_message?.content === 'มีเรื่องสอบถามเรื่องคำสั่งซื้อครับ' ? res.body : undefined;
      });
      // The handoff's trigger and this one; "สวัสดีครับ" went to the bot (unread_bot_messages is off).
      assert.strictEqual(list.conversations[0].unread_count, 2);
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(sent().length, before, 'nothing was sent to the user');
    });

    it('two operators claim at once: exactly one 200 and one 409 naming the owner', async () => {
      const [a, b] = await Promise.all([
        call(api, 'POST', `/admin/live-chat/conversations/${user}/claim`, { token: owner }),
        call(api, 'POST', `/admin/live-chat/conversations/${user}/claim`, { token: somsri }),
      ]);
      assert.deepStrictEqual([a.status, b.status].sort(), [200, 409]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      const owner_ = winner.body.session.operator;
      assert.strictEqual(winner.body.session.status, 'ACTIVE');
      assert.deepStrictEqual(loser.body.operator, owner_);
      assert.match(loser.body.error, new RegExp(owner_.display_name));
      const ownerWon = owner_.username === ADMIN.username;
      holder = ownerWon ? { token: owner, username: ADMIN.username } : { token: somsri, username: SOMSRI.username };
      other = ownerWon ? { token: somsri, username: SOMSRI.username } : { token: owner, username: ADMIN.username };
      const claimedAgain = await call(api, 'POST', `/admin/live-chat/conversations/${user}/claim`, { token: holder.token });
      assert.strictEqual(claimedAgain.status, 200);
      assert.strictEqual(claimedAgain.body.changed, false);
    });

    it('the holder answers: LINE fails with 500, the retry with the same key succeeds', async () => {
      const before = pushes().length;
      line.failNextPushes(500);
      const res = await call(api, 'POST', `/admin/live-chat/conversations/${user}/messages`, { token: holder.token, body: { text: 'สวัสดีค่ะ รับเรื่องค่ะ' } });
      assert.strictEqual(res.status, 200, JSON.stringify(res.body));
      assert.strictEqual(res.body.messages[0].delivery_status, 'SENT');
      assert.strictEqual(res.body.messages[0].delivery_attempts, 2);
      const attempts = pushes().slice(before);
      assert.strictEqual(attempts.length, 2);
      assert.ok(attempts[0].headers['x-line-retry-key']);
      assert.strictEqual(attempts[0].headers['x-line-retry-key'], attempts[1].headers['x-line-retry-key']);
      assert.deepStrictEqual(attempts[1].body, { to: user, messages: [{ type: 'text', text: 'สวัสดีค่ะ รับเรื่องค่ะ' }] });
      const history = await conversation(holder.token);
      assert.strictEqual(history.messages[0].sender, 'OPERATOR');
      assert.strictEqual(history.messages[0].operator.username, holder.username);
      assert.strictEqual(history.session.first_response_at !== null, true);
    });

    it('closing hands the user back to the bot, and the bot answers again', async () => {
      const res = await call(api, 'POST', `/admin/live-chat/conversations/${user}/close`, { token: holder.token, body: {} });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.body.session.status, 'CLOSED');
      assert.strictEqual(res.body.session.closed_by, 'OPERATOR');
      assert.strictEqual(res.body.conversation.chat_mode, 'BOT');
      const again = await call(api, 'POST', `/admin/live-chat/conversations/${user}/close`, { token: other.token, body: {} });
      assert.strictEqual(again.status, 200);
      assert.strictEqual(again.body.changed, false);

      const token = await say('ขอบคุณครับ');
      await eventually(() => line.requestsTo('POST', '/v2/bot/message/reply').find((r) => r.body.replyToken === token));
      const detail = await conversation(holder.token);
      assert.strictEqual(detail.session, null);
      assert.deepStrictEqual(
        detail.messages.slice(0, 3).map((m: any) => m.sender),
        ['BOT', 'USER', 'SYSTEM'],
      );
    });

    it('an idle chat closes by itself after auto_close_minutes; nobody had claimed it, so it is missed and the user is told so', async () => {
      const settings = await call(api, 'PUT', '/admin/live-chat/settings', { token: owner, body: { auto_close_minutes: 0.02 } });
      assert.strictEqual(settings.status, 200, JSON.stringify(settings.body));
      await say('human', otherUser);
      const closed = await eventually(async () => {
        const res = await call(api, 'GET', '/admin/live-chat/conversations?status=CLOSED', { token: owner });
        return res.body.conversations.find((c: any) => c.line_user_id === otherUser);
      }, 15000);
      assert.strictEqual(closed.chat_mode, 'BOT');
      const told = await eventually(() => pushes().find((p) => p.body.to === otherUser && /ไม่สามารถตอบกลับได้ทันเวลา/.test(p.body.messages[0].text)));
      assert.ok(told);
      const missed = await call(api, 'GET', '/admin/live-chat/conversations?status=MISSED', { token: owner });
      assert.deepStrictEqual(
        missed.body.conversations.map((c: any) => c.line_user_id),
        [otherUser],
      );
      await call(api, 'PUT', '/admin/live-chat/settings', { token: owner, body: { auto_close_minutes: 60 } });
    });

    it('the analytics add up', async () => {
      const res = await call(api, 'GET', '/admin/live-chat/analytics', { token: owner });
      assert.strictEqual(res.status, 200, JSON.stringify(res.body));
      const a = res.body;
      assert.strictEqual(a.total_sessions, 2);
      assert.strictEqual(a.closed_sessions, 2);
      assert.strictEqual(a.waiting_now, 0);
      assert.strictEqual(a.active_now, 0);
      // The first chat: the keyword, one more user message and the operator's answer = 3; the
      // second: the keyword only. SYSTEM greetings and closings are not counted.
      assert.strictEqual(a.avg_messages_per_session, 2);
      assert.strictEqual(a.sessions_per_day.at(-1).sessions, 2);
      // Only the first chat was claimed: its claim time is the average first response.
      const closed = await call(api, 'GET', '/admin/live-chat/conversations?status=CLOSED', { token: owner });
      const first = closed.body.conversations.find((c: any) => c.line_user_id === user).session;
      const waited = (Date.parse(first.claimed_at) - Date.parse(first.started_at)) / 1000;
      assert.ok(Math.abs(a.avg_first_response_seconds - waited) <= 0.051, `${a.avg_first_response_seconds} vs ${waited}`);
      assert.strictEqual(
        a.response_time_by_hour.reduce((n: number, h: any) => n + h.sessions, 0),
        2,
      );
      const ops = await call(api, 'GET', '/admin/live-chat/analytics/operators', { token: owner });
      assert.deepStrictEqual(
        ops.body.operators.map((o: any) => [o.username, o.sessions, o.messages_sent]),
        [[holder.username, 1, 1]],
      );
      assert.strictEqual(sessionId > 0, true);
    });
  });
}
