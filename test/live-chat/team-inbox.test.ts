// Issue 11, the team's side of the inbox: canned responses the admins keep, handing a chat over
// (transfer, an admin's take-over, races) on the chat's timeline, and internal notes that never
// reach LINE. Over the REST API, with the live updates on a real socket.
import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { connectLiveSocket, type LiveSocket } from '../support/live-socket';
import { messageEvent, userId } from '../support/line-webhooks';

const CANNED = '/admin/live-chat/canned-responses';
const chatPath = (user: string) => `/admin/live-chat/conversations/${user}`;

const FLEX = {
  type: 'flex',
  altText: 'ราคาสำหรับคุณ {displayName}',
  contents: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'ดูแลโดย {operatorName}' }] } },
  quickReply: { items: [{ type: 'action', action: { type: 'message', label: 'สั่งซื้อ', text: 'สั่งซื้อ' } }] },
};

describeEachDatabase('team inbox: canned responses, transfer, notes', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  const sockets: LiveSocket[] = [];
  beforeEach(() => ({ fake, chat, somchai, malee } = suite));
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  const live = async (as: TestOperator) => {
    const socket = await connectLiveSocket(chat.server.origin, { auth: { token: as.token } });
    sockets.push(socket);
    await socket.next('hello');
    return socket;
  };
  const ref = (o: TestOperator) => ({ id: o.id, username: o.username, display_name: o.display_name });
  const timeline = async (user: string, as: TestOperator) => (await chat.api('GET', chatPath(user), as)).body.timeline;

  describe('canned responses', () => {
    it('lets an admin add text and Flex ones that every operator reads, change and remove them', async () => {
      const text = await chat.api('POST', CANNED, chat.admin, { title: 'ทักทาย', shortcut: '/hello', text: 'สวัสดีค่ะคุณ {displayName} ดิฉัน {operatorName}' });
      assert.strictEqual(text.status, 201, JSON.stringify(text.body));
      assert.deepStrictEqual([text.body.shortcut, text.body.message], ['hello', { type: 'text', text: 'สวัสดีค่ะคุณ {displayName} ดิฉัน {operatorName}' }]);
      const flex = await chat.api('POST', CANNED, chat.admin, { title: 'ราคา', shortcut: 'ราคา', message: FLEX });
      assert.strictEqual(flex.status, 201, JSON.stringify(flex.body));

      const listed = await chat.api('GET', CANNED, somchai);
      assert.deepStrictEqual(
        listed.body.canned_responses.map((c: any) => [c.title, c.shortcut, c.message.type]),
        [
          ['ทักทาย', 'hello', 'text'],
          ['ราคา', 'ราคา', 'flex'],
        ],
      );

      const changed = await chat.api('PUT', `${CANNED}/${text.body.id}`, chat.admin, { title: 'ทักทาย', shortcut: 'hi', text: 'สวัสดีค่ะ' });
      assert.deepStrictEqual([changed.status, changed.body.shortcut, changed.body.message.text], [200, 'hi', 'สวัสดีค่ะ']);
      assert.strictEqual((await chat.api('DELETE', `${CANNED}/${flex.body.id}`, chat.admin)).status, 204);
      assert.deepStrictEqual(
        (await chat.api('GET', CANNED, somchai)).body.canned_responses.map((c: any) => c.shortcut),
        ['hi'],
      );
      assert.strictEqual((await chat.api('DELETE', `${CANNED}/${flex.body.id}`, chat.admin)).status, 404);
    });

    it('answers 403 to an operator who is not an admin and 401 without a login, changing nothing', async () => {
      const made = await chat.api('POST', CANNED, chat.admin, { title: 'a', shortcut: 'a', text: 'a' });
      for (const [method, path] of [
        ['POST', CANNED],
        ['PUT', `${CANNED}/${made.body.id}`],
        ['DELETE', `${CANNED}/${made.body.id}`],
      ]) {
        assert.strictEqual((await chat.api(method, path, somchai, { title: 'b', shortcut: 'b', text: 'b' })).status, 403, `${method} ${path}`);
      }
      assert.strictEqual((await chat.api('GET', CANNED, null)).status, 401);
      assert.deepStrictEqual(
        (await chat.api('GET', CANNED, somchai)).body.canned_responses.map((c: any) => c.text ?? c.message.text),
        ['a'],
      );
    });

    for (const [name, body, field] of [
      ['no title', { shortcut: 'x', text: 'x' }, 'title'],
      ['a shortcut with a space', { title: 'x', shortcut: 'two words', text: 'x' }, 'shortcut'],
      ['neither text nor message', { title: 'x', shortcut: 'x' }, 'text'],
      ['both text and message', { title: 'x', shortcut: 'x', text: 'x', message: { type: 'text', text: 'x' } }, 'message'],
      ['a blank text', { title: 'x', shortcut: 'x', text: '  ' }, 'text'],
      ['a message that is a list', { title: 'x', shortcut: 'x', message: [FLEX] }, 'message'],
      ['a type LINE does not know', { title: 'x', shortcut: 'x', message: { type: 'banner', text: 'x' } }, 'message'],
      ['Flex without altText', { title: 'x', shortcut: 'x', message: { ...FLEX, altText: undefined } }, 'message'],
      ['Flex whose contents are not a bubble or carousel', { title: 'x', shortcut: 'x', message: { ...FLEX, contents: { type: 'box' } } }, 'message'],
      [
        'quick reply items that are not actions',
        { title: 'x', shortcut: 'x', message: { type: 'text', text: 'x', quickReply: { items: [{ label: 'x' }] } } },
        'message',
      ],
      [
        'an image over http',
        { title: 'x', shortcut: 'x', message: { type: 'image', originalContentUrl: 'http://x.example/a.jpg', previewImageUrl: 'https://x.example/a.jpg' } },
        'message',
      ],
    ] as const) {
      it(`refuses ${name} with {error, field: ${field}}`, async () => {
        const res = await chat.api('POST', CANNED, chat.admin, body);
        assert.strictEqual(res.status, 400, JSON.stringify(res.body));
        assert.strictEqual(res.body.field, field);
        assert.ok(typeof res.body.error === 'string' && res.body.error.length > 0);
        assert.deepStrictEqual((await chat.api('GET', CANNED, chat.admin)).body.canned_responses, []);
      });
    }

    it('refuses a shortcut another response has, in any case (409, field shortcut)', async () => {
      const first = await chat.api('POST', CANNED, chat.admin, { title: 'a', shortcut: 'Price', text: 'a' });
      const second = await chat.api('POST', CANNED, chat.admin, { title: 'b', shortcut: 'price', text: 'b' });
      assert.deepStrictEqual([second.status, second.body.field], [409, 'shortcut']);
      const other = await chat.api('POST', CANNED, chat.admin, { title: 'c', shortcut: 'c', text: 'c' });
      const renamed = await chat.api('PUT', `${CANNED}/${other.body.id}`, chat.admin, { title: 'c', shortcut: 'PRICE', text: 'c' });
      assert.deepStrictEqual([renamed.status, renamed.body.field], [409, 'shortcut']);
      assert.strictEqual(first.status, 201);
    });

    it('fills {displayName} and {operatorName} for the chat and the operator, in every string of the message, and it sends as filled', async () => {
      const flex = await chat.api('POST', CANNED, chat.admin, { title: 'ราคา', shortcut: 'price', message: FLEX });
      const user = userId();
      await chat.webhook([messageEvent('สวัสดี', { userId: user })]);
      await chat.app.db.sql.exec(`UPDATE contacts SET display_name = 'คุณนก' WHERE line_user_id = $1`, [user]);
      await chat.app.sessions.switchMode(user, 'HUMAN', null);

      const filled = await chat.api('GET', `${chatPath(user)}/canned-responses/${flex.body.id}`, somchai);
      assert.strictEqual(filled.status, 200);
      assert.strictEqual(filled.body.message.altText, 'ราคาสำหรับคุณ คุณนก');
      assert.strictEqual(filled.body.message.contents.body.contents[0].text, 'ดูแลโดย สมชาย');
      assert.deepStrictEqual(filled.body.message.quickReply, FLEX.quickReply);

      const sent = await chat.api('POST', `${chatPath(user)}/messages`, somchai, { messages: [filled.body.message] });
      assert.strictEqual(sent.status, 200, JSON.stringify(sent.body));
      const [push] = fake.requestsTo('POST', '/v2/bot/message/push');
      assert.strictEqual(push.body.messages[0].altText, 'ราคาสำหรับคุณ คุณนก');
      assert.strictEqual((await chat.api('GET', `${chatPath(user)}/canned-responses/999999`, somchai)).status, 404);
    });
  });

  describe('transfer', () => {
    it('lets the holder hand the chat to another operator with a note: on the timeline, told live to the new holder', async () => {
      const user = await chat.activeChat(somchai);
      const maleeLive = await live(malee);
      const res = await chat.api('POST', `${chatPath(user)}/transfer`, somchai, { operator_id: malee.id, note: 'ลูกค้ารอใบเสนอราคา' });
      assert.strictEqual(res.status, 200, JSON.stringify(res.body));
      assert.deepStrictEqual([res.body.changed, res.body.session.operator], [true, ref(malee)]);
      assert.strictEqual((await chat.sessionsOf(user))[0].operator_id, malee.id);

      const session = await maleeLive.next('session', (p) => p.line_user_id === user && p.change === 'reassigned');
      assert.deepStrictEqual(session.session.operator, ref(malee));
      const told = await maleeLive.next('timeline', (p) => p.line_user_id === user && p.entry.kind === 'reassigned');
      assert.deepStrictEqual(
        [told.entry.operator, told.entry.from_operator, told.entry.to_operator, told.entry.text],
        [ref(somchai), ref(somchai), ref(malee), 'ลูกค้ารอใบเสนอราคา'],
      );

      const entries = await timeline(user, malee);
      assert.deepStrictEqual(
        entries.map((e: any) => [e.kind, e.operator?.id ?? null, e.from_operator?.id ?? null, e.to_operator?.id ?? null, e.text]),
        [
          ['claimed', somchai.id, null, somchai.id, null],
          ['reassigned', somchai.id, somchai.id, malee.id, 'ลูกค้ารอใบเสนอราคา'],
        ],
      );
      // Now malee holds it: somchai may no longer hand it on.
      const again = await chat.api('POST', `${chatPath(user)}/transfer`, somchai, { operator_id: somchai.id });
      assert.strictEqual(again.status, 409);
      assert.deepStrictEqual(again.body.operator, ref(malee));
    });

    it('lets an admin take over a chat someone else holds, and assign a WAITING one', async () => {
      const user = await chat.activeChat(somchai);
      const taken = await chat.api('POST', `${chatPath(user)}/transfer`, chat.admin, { operator_id: chat.admin.id });
      assert.strictEqual(taken.status, 200, JSON.stringify(taken.body));
      assert.deepStrictEqual(taken.body.session.operator, ref(chat.admin));

      const waiting = await chat.waitingChat(undefined, userId());
      const assigned = await chat.api('POST', `${chatPath(waiting)}/transfer`, chat.admin, { operator_id: malee.id, note: 'ของคุณนะ' });
      assert.deepStrictEqual([assigned.status, assigned.body.session.status, assigned.body.session.operator.id], [200, 'ACTIVE', malee.id]);
      const [entry] = await timeline(waiting, malee);
      assert.deepStrictEqual(
        [entry.kind, entry.operator.id, entry.from_operator, entry.to_operator.id, entry.text],
        ['reassigned', chat.admin.id, null, malee.id, 'ของคุณนะ'],
      );
    });

    it('refuses an operator who does not hold the chat (409 naming the holder), an inactive or unknown target and bad bodies (400)', async () => {
      const user = await chat.activeChat(somchai);
      const stranger = await chat.api('POST', `${chatPath(user)}/transfer`, malee, { operator_id: malee.id });
      assert.deepStrictEqual([stranger.status, stranger.body.operator], [409, ref(somchai)]);
      await chat.app.operators.update(malee.id, { active: false });
      for (const body of [{ operator_id: malee.id }, { operator_id: 999999 }, { operator_id: '2' }, {}, { operator_id: chat.admin.id, note: 5 }]) {
        const res = await chat.api('POST', `${chatPath(user)}/transfer`, somchai, body);
        assert.strictEqual(res.status, 400, JSON.stringify(body));
        assert.ok(['operator_id', 'note'].includes(res.body.field), JSON.stringify(res.body));
      }
      const bot = userId();
      await chat.webhook([messageEvent('hi', { userId: bot })]);
      assert.strictEqual((await chat.api('POST', `${chatPath(bot)}/transfer`, chat.admin, { operator_id: somchai.id })).status, 409);
      assert.strictEqual((await chat.sessionsOf(user))[0].operator_id, somchai.id);
      assert.deepStrictEqual(
        (await timeline(user, somchai)).map((e: any) => e.kind),
        ['claimed'],
      );
    });

    it('of two transfers at once, one wins and the other gets 409; the timeline has the winner only', async () => {
      for (let round = 0; round < 3; round++) {
        const user = await chat.activeChat(somchai, userId());
        const [toMalee, toAdmin] = await Promise.all([
          chat.api('POST', `${chatPath(user)}/transfer`, somchai, { operator_id: malee.id }),
          chat.api('POST', `${chatPath(user)}/transfer`, somchai, { operator_id: chat.admin.id }),
        ]);
        const statuses = [toMalee.status, toAdmin.status].sort();
        assert.deepStrictEqual(statuses, [200, 409], JSON.stringify([toMalee.body, toAdmin.body]));
        const winner = toMalee.status === 200 ? malee.id : chat.admin.id;
        const loser = toMalee.status === 200 ? toAdmin : toMalee;
        assert.strictEqual(loser.body.operator.id, winner);
        assert.strictEqual((await chat.sessionsOf(user))[0].operator_id, winner);
        const reassigned = (await timeline(user, somchai)).filter((e: any) => e.kind === 'reassigned');
        assert.deepStrictEqual(
          reassigned.map((e: any) => e.to_operator.id),
          [winner],
        );
      }
    });

    it('lists the active operators a chat can go to, for every operator', async () => {
      await chat.app.operators.update(malee.id, { active: false });
      const res = await chat.api('GET', '/admin/live-chat/operators', somchai);
      assert.deepStrictEqual(
        res.body.operators.map((o: any) => o.username),
        [chat.admin.username, 'somchai'],
      );
      assert.strictEqual((await chat.api('GET', '/admin/live-chat/operators', null)).status, 401);
    });
  });

  describe('internal notes', () => {
    it('stores a note in the timeline, live to other operators, and never sends it to LINE', async () => {
      const user = await chat.activeChat(somchai);
      const adminLive = await live(chat.admin);
      fake.reset();
      const res = await chat.api('POST', `${chatPath(user)}/notes`, malee, { text: 'ลูกค้าคนนี้โอนแล้ว รอตรวจสลิป' });
      assert.strictEqual(res.status, 201, JSON.stringify(res.body));
      assert.deepStrictEqual([res.body.entry.kind, res.body.entry.operator, res.body.entry.text], ['note', ref(malee), 'ลูกค้าคนนี้โอนแล้ว รอตรวจสลิป']);
      const seen = await adminLive.next('timeline', (p) => p.line_user_id === user && p.entry.kind === 'note');
      assert.strictEqual(seen.entry.id, res.body.entry.id);
      assert.deepStrictEqual((await timeline(user, chat.admin)).map((e: any) => [e.kind, e.text]).at(-1), ['note', 'ลูกค้าคนนี้โอนแล้ว รอตรวจสลิป']);
      // Not a message, not sent: LINE heard nothing, the history's messages are unchanged.
      assert.deepStrictEqual(fake.requests, []);
      assert.ok((await chat.messagesOf(user)).every((m) => !JSON.stringify(m.content).includes('รอตรวจสลิป')));
      for (const body of [{}, { text: '   ' }, { text: 'x'.repeat(2001) }, { text: 3 }]) {
        const bad = await chat.api('POST', `${chatPath(user)}/notes`, malee, body);
        assert.deepStrictEqual([bad.status, bad.body.field], [400, 'text'], JSON.stringify(body));
      }
      assert.strictEqual((await chat.api('POST', `${chatPath(user)}/notes`, null, { text: 'x' })).status, 401);
      assert.strictEqual((await chat.api('POST', `${chatPath(userId())}/notes`, malee, { text: 'x' })).status, 404);
    });

    it('pages the timeline with the messages: an older page carries the entries of its own span', async () => {
      const user = await chat.activeChat(somchai);
      await chat.api('POST', `${chatPath(user)}/notes`, somchai, { text: 'แรก' });
      for (let i = 0; i < 3; i++) await chat.api('POST', `${chatPath(user)}/messages`, somchai, { text: `ข้อความ ${i}` });
      await chat.api('POST', `${chatPath(user)}/notes`, somchai, { text: 'หลัง' });
      const newest = (await chat.api('GET', `${chatPath(user)}?limit=2`, somchai)).body;
      assert.deepStrictEqual(
        newest.timeline.map((e: any) => e.text),
        ['หลัง'],
      );
      const older = (await chat.api('GET', `${chatPath(user)}?limit=50&cursor=${newest.next_cursor}`, somchai)).body;
      assert.deepStrictEqual(
        older.timeline.map((e: any) => e.text ?? e.kind),
        ['claimed', 'แรก'],
      );
    });
  });
});
