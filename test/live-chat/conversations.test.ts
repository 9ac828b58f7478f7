import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';
import { RecordingSql } from '../support/query-plans';
import { MARK_AS_READ_WINDOW, MessagesTable } from '../../src/store/messages';

const LIST = '/admin/live-chat/conversations';

describeEachDatabase('conversations', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  beforeEach(() => ({ fake, chat, somchai, malee } = suite));

  const list = (query = '', as: TestOperator = somchai) => chat.api('GET', `${LIST}${query ? `?${query}` : ''}`, as);
  const ids = (res: { body: any }) => res.body.conversations.map((c: any) => c.line_user_id);
  /** A contact who wrote one bot-mode message at `at`. */
  const botChat = async (at: number, text = 'สวัสดีครับ') => {
    const user = userId();
    await chat.webhook([messageEvent(text, { userId: user, timestamp: at })]);
    return user;
  };

  describe('list', () => {
    it("answers the seed appendix shape, the user's message as last_message", async () => {
      fake.setProfile('Uappendix0000000000000000000000a', { displayName: 'สมชาย นามสมมติ', pictureUrl: 'https://profile.line-scdn.net/abc' });
      const user = await chat.waitingChat('ติดต่อเจ้าหน้าที่', 'Uappendix0000000000000000000000a');
      const [session] = await chat.sessionsOf(user);
      const trigger = (await chat.messagesOf(user))[0];

      const res = await list();
      assert.strictEqual(res.status, 200);
      // Where the live updates stood as it was read (compared with the socket's hello).
      assert.match(res.body.live_mark, /^[0-9a-f]{12}\.\d+$/);
      const { live_mark: _mark, ...body } = res.body;
      assert.deepStrictEqual(body, {
        conversations: [
          {
            line_user_id: user,
            display_name: 'สมชาย นามสมมติ',
            picture_url: 'https://profile.line-scdn.net/abc',
            friend_status: 'ACTIVE',
            chat_mode: 'HUMAN',
            session: { id: session.id, status: 'WAITING', started_at: session.started_at.toISOString(), claimed_at: null, closed_by: null, operator: null },
            last_message: {
              id: trigger.id,
              content: 'ติดต่อเจ้าหน้าที่',
              message_type: 'text',
              direction: 'IN',
              sender: 'USER',
              created_at: trigger.created_at.toISOString(),
            },
            unread_count: 1,
            labels: [],
          },
        ],
        total: 1,
        waiting_count: 1,
        active_count: 0,
        next_cursor: null,
      });
    });

    it('filters by status ALL, WAITING, ACTIVE, BOT and CLOSED, with the open counts', async () => {
      const bot = await botChat(Date.now() - 60_000);
      const closed = await chat.waitingChat();
      await chat.api('POST', `${LIST}/${closed}/close`, somchai, { message: '' });
      const waiting = await chat.waitingChat();
      const active = await chat.activeChat(malee);

      const expect = async (status: string, users: string[]) => {
        const res = await list(status ? `status=${status}` : '');
        assert.strictEqual(res.status, 200);
        assert.deepStrictEqual(ids(res), users, status);
        assert.deepStrictEqual([res.body.total, res.body.waiting_count, res.body.active_count], [users.length, 1, 1], status);
      };
      await expect('', [active, waiting, closed, bot]);
      await expect('ALL', [active, waiting, closed, bot]);
      await expect('WAITING', [waiting]);
      await expect('ACTIVE', [active]);
      await expect('BOT', [closed, bot]);
      await expect('CLOSED', [closed]);

      const activeRow = (await list('status=ACTIVE')).body.conversations[0];
      assert.deepStrictEqual(activeRow.session.operator, { id: malee.id, username: 'malee', display_name: 'มาลี' });
      const closedRow = (await list('status=CLOSED')).body.conversations[0];
      assert.deepStrictEqual([closedRow.chat_mode, closedRow.session.status], ['BOT', 'CLOSED']);
      assert.strictEqual((await list('status=BOT')).body.conversations[1].session, null);
    });

    it('finds by part of the display name or the LINE user id, taking % and _ literally', async () => {
      const t = Date.now() - 60_000;
      const [a, b, c] = [await botChat(t), await botChat(t + 1), await botChat(t + 2)];
      const contactId = async (u: string) => (await chat.contactOf(u)).id;
      await chat.app.store.contacts.setProfile(await contactId(a), { display_name: 'มาลี ใจดี', picture_url: null, status_message: null, language: 'th' });
      await chat.app.store.contacts.setProfile(await contactId(b), { display_name: 'Malee 100%', picture_url: null, status_message: null, language: 'en' });

      assert.deepStrictEqual(ids(await list(`q=${encodeURIComponent('ใจดี')}`)), [a]);
      assert.deepStrictEqual(ids(await list('q=MALEE')), [b]);
      assert.deepStrictEqual(ids(await list('q=%25')), [b]);
      assert.deepStrictEqual(ids(await list('q=_')), []);
      // One and two characters (migration 0007's index finds them): the same rule, case-insensitive.
      assert.deepStrictEqual(ids(await list(`q=${encodeURIComponent('ใ')}`)), [a]);
      assert.deepStrictEqual(ids(await list('q=mA')), [b]);
      assert.deepStrictEqual(ids(await list('q=0%25')), [b]);
      assert.strictEqual((await list('q=0%25')).body.total, 1);
      assert.deepStrictEqual(ids(await list(`q=${encodeURIComponent('ใจ')}&status=WAITING`)), []);
      assert.deepStrictEqual(ids(await list(`q=${c.slice(3, 20)}`)), [c]);
      assert.strictEqual((await list(`q=${c.slice(3, 20)}`)).body.total, 1);
      assert.deepStrictEqual(ids(await list(`q=${c.slice(3, 20)}&status=WAITING`)), []);
    });

    it('puts the newest activity first: a new message or a new session moves a chat up', async () => {
      const t = Date.now() - 60_000;
      const users = [await botChat(t), await botChat(t + 1000), await botChat(t + 2000)];
      assert.deepStrictEqual(ids(await list()), [users[2], users[1], users[0]]);
      await chat.webhook([messageEvent('อีกเรื่องครับ', { userId: users[0], timestamp: t + 3000 })]);
      assert.deepStrictEqual(ids(await list()), [users[0], users[2], users[1]]);
      await chat.waitingChat('agent', users[1]);
      assert.deepStrictEqual(ids(await list()), [users[1], users[0], users[2]]);
    });

    it('pages by cursor without duplicates or gaps, also across equal times', async () => {
      const t = Date.now() - 60_000;
      const users: string[] = [];
      for (let i = 0; i < 7; i += 1) users.push(await botChat(t + Math.floor(i / 3) * 1000));
      const all = ids(await list());
      assert.strictEqual(all.length, 7);
      for (const limit of [1, 2, 3, 7]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: any = await list(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
          assert.strictEqual(res.status, 200);
          assert.strictEqual(res.body.total, 7);
          seen.push(...ids(res));
          cursor = res.body.next_cursor;
          pages += 1;
        } while (cursor && pages < 20);
        assert.deepStrictEqual(seen, all, `limit ${limit}`);
        assert.strictEqual(pages, Math.ceil(7 / limit), `limit ${limit}`);
      }
    });

    for (const [query, field] of [
      ['status=waiting', 'status'],
      ['status=OPEN', 'status'],
      ['status=ALL&status=BOT', 'status'],
      ['cursor=abc', 'cursor'],
      ['cursor=12_x', 'cursor'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
    ]) {
      it(`answers 400 naming ${field} for ?${query}`, async () => {
        const res = await list(query);
        assert.deepStrictEqual([res.status, res.body.field], [400, field]);
      });
    }
  });

  describe('detail', () => {
    it('answers the contact, the open session and the messages newest first, page by page', async () => {
      const user = await chat.activeChat(somchai);
      await chat.api('POST', `${LIST}/${user}/messages`, somchai, { text: 'สวัสดีค่ะ' });
      await chat.webhook([messageEvent('ขอบคุณครับ', { userId: user })]);
      const stored = await chat.messagesOf(user);
      const [session] = await chat.sessionsOf(user);

      const res = await chat.api('GET', `${LIST}/${user}?limit=3`, somchai);
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(Object.keys(res.body).sort(), ['contact', 'live_mark', 'messages', 'newer_cursor', 'next_cursor', 'session', 'timeline']);
      assert.deepStrictEqual([res.body.contact.line_user_id, res.body.contact.chat_mode], [user, 'HUMAN']);
      assert.deepStrictEqual(
        [res.body.session.id, res.body.session.status, res.body.session.message_count, res.body.session.operator],
        [session.id, 'ACTIVE', 3, { id: somchai.id, username: 'somchai', display_name: 'สมชาย' }],
      );
      assert.deepStrictEqual(
        res.body.messages.map((m: any) => m.content.text),
        ['ขอบคุณครับ', 'สวัสดีค่ะ', stored[1].content.text],
      );
      assert.strictEqual(res.body.next_cursor, String(stored[1].id));

      const older = await chat.api('GET', `${LIST}/${user}?limit=3&cursor=${res.body.next_cursor}`, somchai);
      assert.deepStrictEqual(
        older.body.messages.map((m: any) => m.content.text),
        ['ติดต่อเจ้าหน้าที่'],
      );
      assert.strictEqual(older.body.next_cursor, null);
    });

    it('answers session null once the chat is closed, and 400 for a bad cursor', async () => {
      const user = await chat.waitingChat();
      await chat.api('POST', `${LIST}/${user}/close`, somchai);
      const res = await chat.api('GET', `${LIST}/${user}`, somchai);
      assert.deepStrictEqual([res.status, res.body.session, res.body.contact.chat_mode], [200, null, 'BOT']);
      const bad = await chat.api('GET', `${LIST}/${user}?cursor=-1`, somchai);
      assert.deepStrictEqual([bad.status, bad.body.field], [400, 'cursor']);
    });

    it('marks the conversation read for the operator who opens it, not for the others', async () => {
      const user = await chat.waitingChat();
      await chat.webhook([messageEvent('ยังรออยู่ครับ', { userId: user })]);
      const unread = async (as: TestOperator) => (await list('', as)).body.conversations[0].unread_count;
      assert.deepStrictEqual([await unread(somchai), await unread(malee)], [2, 2]);

      assert.strictEqual((await chat.api('GET', `${LIST}/${user}`, somchai)).status, 200);
      assert.deepStrictEqual([await unread(somchai), await unread(malee)], [0, 2]);

      await chat.webhook([messageEvent('มีใครอยู่ไหม', { userId: user })]);
      assert.deepStrictEqual([await unread(somchai), await unread(malee)], [1, 3]);
      // Reading older pages does not move the mark.
      const newest = (await chat.messagesOf(user)).at(-1);
      await chat.api('GET', `${LIST}/${user}?cursor=${newest.id}`, somchai);
      assert.strictEqual(await unread(somchai), 1);
    });

    it('tells LINE the chat was read with the newest mark-as-read token, once', async () => {
      const user = await chat.waitingChat();
      await chat.webhook([messageEvent('ข้อความที่สอง', { userId: user })]);
      const newestToken = (await chat.messagesOf(user)).filter((m) => m.sender === 'USER').at(-1).content.markAsReadToken;
      const markAsRead = () => fake.requestsTo('POST', '/v2/bot/chat/markAsRead');

      await Promise.all([chat.api('GET', `${LIST}/${user}`, somchai), chat.api('GET', `${LIST}/${user}`, malee)]);
      await chat.app.conversations.settled();
      assert.deepStrictEqual(
        markAsRead().map((r) => r.body),
        [{ markAsReadToken: newestToken }],
      );
      assert.strictEqual(markAsRead()[0].headers.authorization, `Bearer ${fake.accessToken}`);

      await chat.api('GET', `${LIST}/${user}`, somchai);
      await chat.app.conversations.settled();
      assert.strictEqual(markAsRead().length, 1, 'nothing new to mark');

      await chat.webhook([messageEvent('ข้อความที่สาม', { userId: user })]);
      const third = (await chat.messagesOf(user)).at(-1).content.markAsReadToken;
      await chat.api('GET', `${LIST}/${user}`, malee);
      await chat.app.conversations.settled();
      assert.deepStrictEqual(
        markAsRead().map((r) => r.body.markAsReadToken),
        [newestToken, third],
      );
    });

    it("looks for the token among the user's newest messages only, however long the history", async () => {
      const user = await chat.waitingChat();
      const contact = await chat.contactOf(user);
      // 3,000 older messages whose tokens were taken long ago.
      await chat.app.db.sql.exec(
        `INSERT INTO messages (contact_id, direction, sender, message_type, content, delivery_status, created_at)
         SELECT $1, 'IN', 'USER', 'text', '{"type":"text","text":"เก่า"}', 'SENT', now() - interval '1 day' - g * interval '1 second'
         FROM generate_series(1, 3000) g`,
        [contact.id],
      );
      await chat.app.db.sql.exec(`ANALYZE messages`);
      const recorder = new RecordingSql(chat.app.db.sequelize);
      const taken = await new MessagesTable(recorder).takeMarkAsReadToken(contact.id);
      assert.ok(taken?.token, 'the newest message has its token');
      assert.strictEqual(await new MessagesTable(chat.app.db.sql).takeMarkAsReadToken(contact.id), undefined, 'taken once');

      // Run again (rolled back), the statement reads at most the window of the user's messages.
      const [statement] = recorder.statements;
      let read = 0;
      const count = (node: any): void => {
        if (node['Relation Name'] === 'messages' || /^messages_/.test(node['Index Name'] ?? '')) read += node['Actual Rows'] * node['Actual Loops'];
        for (const child of node.Plans ?? []) count(child);
      };
      await chat.app.db.sql
        .transaction(async (tx) => {
          const [row] = await tx.rows<{ 'QUERY PLAN': [{ Plan: unknown }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.params);
          count(row['QUERY PLAN'][0].Plan);
          throw new Error('rolled back');
        })
        .catch((err: Error) => assert.strictEqual(err.message, 'rolled back'));
      assert.ok(read > 0 && read <= 3 * MARK_AS_READ_WINDOW && read < 1000, `read ${read} rows of messages of 3,001`);
    });

    it('answers the same when LINE refuses the mark-as-read', async () => {
      const user = await chat.waitingChat();
      // Every attempt: a 5xx is tried again within the call's budget, a 4xx is not.
      fake.failNextMarkAsRead(500, 500, 500);
      const res = await chat.api('GET', `${LIST}/${user}`, somchai);
      await chat.app.conversations.settled();
      assert.strictEqual(res.status, 200);
      assert.strictEqual(fake.requestsTo('POST', '/v2/bot/chat/markAsRead').length, 3);
      assert.strictEqual((await list()).body.conversations[0].unread_count, 0);
    });
  });
});
