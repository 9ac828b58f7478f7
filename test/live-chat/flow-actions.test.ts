// The core's actions a flow takes through live-chat-action (assign, the system's close, mode and
// messages) and the "waits too long" announcements live-chat-event listens to.
import assert from 'node:assert';
import type { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/database';
import { generateFernetKey } from '../../src/crypto/fernet';
import { DEFAULT_SETTINGS } from '../../src/live-chat/live-chat-settings';
import type { LiveChatEventMap, SessionChange } from '../../src/events';
import { describeEachDatabase, serverUrl } from '../support/databases';
import { LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';

describeEachDatabase('flow actions on a chat', (db, kind) => {
  const encryptionKey = generateFernetKey();
  const suite = useLiveChatHarness(db, { operators: true, core: { encryptionKey } });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  let changes: { change: SessionChange; operator: number | null; user: string }[];
  let waits: LiveChatEventMap['waiting'][0][];
  beforeEach(() => {
    ({ chat, somchai, malee } = suite);
    changes = [];
    waits = [];
    chat.app.events.on('session', ({ session, change }) => changes.push({ change, operator: session.operator_id, user: session.line_user_id }));
    chat.app.events.on('waiting', (event) => waits.push(event));
  });

  const view = (o: TestOperator) => chat.app.sessions.operator(o.id);

  describe('assign', () => {
    it('claims a WAITING chat for the operator, announcing it as claimed', async () => {
      const user = await chat.waitingChat();
      changes = [];
      const result = await chat.app.sessions.assign(user, await view(malee));
      assert.strictEqual(result.changed, true);
      assert.deepStrictEqual([result.session?.status, result.session?.operator_id], ['ACTIVE', malee.id]);
      assert.deepStrictEqual(changes, [{ change: 'claimed', operator: malee.id, user }]);
    });

    it("hands another operator's ACTIVE chat over, announcing it as reassigned; assigning it to its holder changes nothing", async () => {
      const user = await chat.activeChat(somchai);
      changes = [];
      const moved = await chat.app.sessions.assign(user, await view(malee));
      assert.deepStrictEqual([moved.changed, moved.session?.operator_id], [true, malee.id]);
      const [session] = await chat.sessionsOf(user);
      assert.deepStrictEqual([session.status, session.operator_id], ['ACTIVE', malee.id]);
      assert.deepStrictEqual(changes, [{ change: 'reassigned', operator: malee.id, user }]);

      const again = await chat.app.sessions.assign(user, await view(malee));
      assert.strictEqual(again.changed, false);
      assert.strictEqual(changes.length, 1);
    });

    it('refuses an inactive operator and a chat without an open session (409), changing nothing', async () => {
      const user = await chat.activeChat(somchai);
      await chat.app.operators.update(malee.id, { active: false });
      await assert.rejects(chat.app.sessions.assign(user, await view(malee)), { status: 409, message: /มาลี \(malee\) is not an active operator/ });
      assert.strictEqual((await chat.sessionsOf(user))[0].operator_id, somchai.id);

      const botChat = userId();
      await chat.webhook([messageEvent('สวัสดีครับ', { userId: botChat })]);
      await assert.rejects(chat.app.sessions.assign(botChat, await view(somchai)), { status: 409, message: /no open session to assign/ });
      await assert.rejects(chat.app.sessions.assign('U-nobody', await view(somchai)), { status: 404 });
    });
  });

  it('finds an operator by id, by username in any case, or answers 404', async () => {
    assert.strictEqual((await chat.app.sessions.operator(String(malee.id))).username, 'malee');
    assert.strictEqual((await chat.app.sessions.operator('SomChai')).id, somchai.id);
    await assert.rejects(chat.app.sessions.operator('nobody'), { status: 404, message: 'Operator "nobody" not found' });
    await assert.rejects(chat.app.sessions.operator(9999), { status: 404 });
  });

  describe('the system acting (no operator)', () => {
    it('closes any chat, even one an operator holds, by SYSTEM with the closing message as SYSTEM', async () => {
      const user = await chat.activeChat(somchai);
      const result = await chat.app.sessions.close(user, null);
      assert.deepStrictEqual([result.changed, result.session?.closed_by, result.closingMessage?.status], [true, 'SYSTEM', 'SENT']);
      assert.strictEqual((await chat.contactOf(user)).chat_mode, 'BOT');
      assert.deepStrictEqual(chat.pushedTo(user), [[DEFAULT_SETTINGS.closing_message]]);
      const closing = (await chat.messagesOf(user)).at(-1);
      assert.deepStrictEqual([closing.sender, closing.operator_id], ['SYSTEM', null]);
    });

    it('sends its own closing message as SYSTEM, uncounted, with the named LINE credential', async () => {
      await chat.app.credentials.create({
        name: 'Second OA',
        provider: 'LINE',
        credentials: { channel_secret: 'second-secret', channel_access_token: 'not-the-token-LINE-knows' },
      });
      const user = await chat.waitingChat();
      const refused = await chat.app.sessions.close(user, null, { message: 'ปิดแชทนะคะ', credential: 'Second OA' });
      assert.strictEqual(refused.closingMessage?.status, 'FAILED', 'the other channel token is refused by LINE');
      const closing = (await chat.messagesOf(user)).at(-1);
      assert.deepStrictEqual([closing.sender, closing.delivery_status, closing.content.text], ['SYSTEM', 'FAILED', 'ปิดแชทนะคะ']);
      assert.strictEqual((await chat.sessionsOf(user))[0].message_count, 1);
    });

    it('switches the mode: HUMAN opens a WAITING session, BOT closes it by SYSTEM, sending nothing', async () => {
      const user = userId();
      await chat.webhook([messageEvent('สวัสดีครับ', { userId: user })]);
      const human = await chat.app.sessions.switchMode(user, 'HUMAN', null);
      assert.deepStrictEqual([human.changed, human.session?.status, human.contact.chat_mode], [true, 'WAITING', 'HUMAN']);
      await chat.app.sessions.claim(user, await view(somchai));
      const bot = await chat.app.sessions.switchMode(user, 'BOT', null);
      assert.deepStrictEqual([bot.changed, bot.session?.closed_by, bot.contact.chat_mode], [true, 'SYSTEM', 'BOT']);
      assert.deepStrictEqual(chat.pushedTo(user), []);
      assert.deepStrictEqual(
        changes.map((c) => c.change),
        ['opened', 'claimed', 'closed'],
      );
    });

    it('sends as the BOT to a chat with the bot, and as the SYSTEM into an open session without counting it, both pushed with a retry key', async () => {
      const user = userId();
      await chat.webhook([messageEvent('สวัสดีครับ', { userId: user })]);
      const toBot = await chat.app.operatorMessages.send(user, null, ['ขอบคุณที่ติดต่อเรา']);
      assert.deepStrictEqual([toBot.status, toBot.via, toBot.messages[0].sender, toBot.messages[0].session_id], ['SENT', 'push', 'BOT', null]);

      await chat.app.sessions.switchMode(user, 'HUMAN', null);
      const [session] = await chat.sessionsOf(user);
      const inSession = await chat.app.operatorMessages.send(user, null, [{ type: 'sticker', packageId: '446', stickerId: '1988' }]);
      assert.deepStrictEqual([inSession.status, inSession.messages[0].sender, inSession.messages[0].session_id], ['SENT', 'SYSTEM', session.id]);
      const after = (await chat.sessionsOf(user))[0];
      assert.deepStrictEqual([after.status, after.message_count, after.operator_id], ['WAITING', session.message_count, null]);

      const pushes = chat.fake.requestsTo('POST', '/v2/bot/message/push');
      assert.strictEqual(pushes.length, 2);
      for (const push of pushes) assert.match(String(push.headers['x-line-retry-key']), /^[0-9a-f-]{36}$/);
    });

    it('an operator named by a flow answers as themselves: the WAITING chat is claimed and the message counted', async () => {
      const user = await chat.waitingChat();
      const sent = await chat.app.operatorMessages.send(user, await view(malee), ['สวัสดีค่ะ มาลีรับเรื่องค่ะ']);
      assert.deepStrictEqual([sent.status, sent.messages[0].sender, sent.messages[0].operator_id], ['SENT', 'OPERATOR', malee.id]);
      const [session] = await chat.sessionsOf(user);
      assert.deepStrictEqual([session.status, session.operator_id, session.message_count], ['ACTIVE', malee.id, 2]);
    });
  });

  describe('long waits', () => {
    async function waitingFor(minutes: number): Promise<string> {
      const user = await chat.waitingChat();
      await db().sql.exec(`UPDATE chat_sessions SET started_at = now() - make_interval(secs => $2) WHERE line_user_id = $1`, [user, minutes * 60]);
      return user;
    }

    it('announces each session WAITING past the threshold once, and none that is fresh or claimed', async () => {
      const long = await waitingFor(12);
      await waitingFor(3);
      const claimed = await waitingFor(30);
      await chat.app.sessions.claim(claimed, await view(somchai));

      const first = await chat.app.sessions.announceLongWaits(10);
      assert.deepStrictEqual(
        first.map((s) => s.line_user_id),
        [long],
      );
      assert.deepStrictEqual(
        waits.map((w) => [w.session.line_user_id, w.contact.line_user_id, w.minutes, w.alertedBefore]),
        [[long, long, 10, null]],
      );
      assert.deepStrictEqual(await chat.app.sessions.announceLongWaits(10), []);
      assert.strictEqual(waits.length, 1);
    });

    it('announces a longer threshold again, telling which wait was announced before; a shorter one finds nothing new', async () => {
      const user = await waitingFor(25);
      await chat.app.sessions.announceLongWaits(10);
      await chat.app.sessions.announceLongWaits(20);
      assert.deepStrictEqual(await chat.app.sessions.announceLongWaits(5), []);
      assert.deepStrictEqual(
        waits.map((w) => [w.session.line_user_id, w.minutes, w.alertedBefore]),
        [
          [user, 10, null],
          [user, 20, 10],
        ],
      );
      assert.strictEqual((await chat.sessionsOf(user))[0].waiting_alerted_minutes, 20);
    });

    it('announces once when several rounds look at the same time', async () => {
      const users = [await waitingFor(15), await waitingFor(15), await waitingFor(15)];
      const rounds = await Promise.all([1, 2, 3, 4].map(() => chat.app.sessions.announceLongWaits(10)));
      assert.strictEqual(rounds.flat().length, 3);
      assert.deepStrictEqual(waits.map((w) => w.session.line_user_id).sort(), [...users].sort());
    });

    it('refuses a threshold that is not a whole number of minutes of at least 1', async () => {
      for (const bad of [0, -5, 1.5, Number.NaN]) await assert.rejects(chat.app.sessions.announceLongWaits(bad), /whole number of minutes/);
    });

    if (kind === 'postgres') {
      describe('on two instances sharing the database', () => {
        let otherDb: Database;
        let other: LiveChatHarness;
        beforeEach(async () => {
          otherDb = await openDatabase({ url: serverUrl! });
          other = await LiveChatHarness.start(otherDb, chat.fake, { encryptionKey });
        });
        afterEach(async () => {
          await other.close();
          await otherDb.close();
        });

        it('each long wait is announced by one instance only', async () => {
          const users = [await waitingFor(15), await waitingFor(15), await waitingFor(15), await waitingFor(15)];
          const elsewhere: string[] = [];
          other.app.events.on('waiting', ({ session }) => elsewhere.push(session.line_user_id));
          await Promise.all([chat.app.sessions.announceLongWaits(10), other.app.sessions.announceLongWaits(10), chat.app.sessions.announceLongWaits(10)]);
          const all = [...waits.map((w) => w.session.line_user_id), ...elsewhere];
          assert.deepStrictEqual(all.sort(), [...users].sort());
        });
      });
    }
  });
});
