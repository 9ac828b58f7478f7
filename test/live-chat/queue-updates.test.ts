// Queue position and waiting (issue 12): a user handed over is told their place in the queue in
// the greeting's reply, with an estimate from recent claims once there are enough; later, a sweep
// tells them again when their place went down, never more than once per queue_update_minutes,
// once whatever the number of sweeps at once; claimed and closed chats are told nothing.
import assert from 'node:assert';
import { DEFAULT_SETTINGS, updateSettings } from '../../src/live-chat/live-chat-settings';
import { estimateMinutes, medianMs } from '../../src/live-chat/queue-updates';
import { dayIn } from '../../src/analytics/calendar';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';

const MINUTE = 60_000;
const QUEUE = 'คิวที่ {position} รอประมาณ {wait} นาที';
const NO_ESTIMATE = 'คิวที่ {position} กรุณารอสักครู่';

describe('queue estimate arithmetic', () => {
  it('takes the median (the mean of the middle two for an even count) and rounds place × median up to whole minutes', () => {
    assert.strictEqual(medianMs([]), null);
    assert.strictEqual(medianMs([5, 1, 3]), 3);
    assert.strictEqual(medianMs([4, 1, 3, 2]), 2.5);
    assert.strictEqual(estimateMinutes(3 * MINUTE, 1), 3);
    assert.strictEqual(estimateMinutes(2.5 * MINUTE, 3), 8);
    assert.strictEqual(estimateMinutes(1000, 1), 1);
  });
});

describeEachDatabase('queue position and waiting', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => ({ chat, somchai } = suite));

  const queueOn = (extra: Record<string, unknown> = {}) =>
    updateSettings(chat.app.store.settings, { queue_updates: true, queue_message: QUEUE, queue_message_no_estimate: NO_ESTIMATE, ...extra });

  /** Closed sessions of one contact, claimed `waitMinutes` after they started, the claim `claimedMinutesAgo` ago. */
  async function history(sessions: { waitMinutes: number; claimedMinutesAgo: number; afterHours?: boolean }[]): Promise<void> {
    const user = userId();
    const contact = await db().sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id) VALUES ($1) RETURNING id`, [user]);
    for (const s of sessions) {
      await db().sql.exec(
        `INSERT INTO chat_sessions (contact_id, line_user_id, status, started_at, claimed_at, closed_at, closed_by, after_hours)
         VALUES ($1, $2, 'CLOSED', now() - ($3::int + $4::int) * interval '1 minute', now() - $3::int * interval '1 minute', now(), 'OPERATOR', $5)`,
        [contact!.id, user, s.claimedMinutesAgo, s.waitMinutes, s.afterHours ?? false],
      );
    }
  }

  const sessionOf = async (user: string) => (await chat.sessionsOf(user)).at(-1);
  const sweep = (minutesFromNow: number) => chat.app.queue.sweep(new Date(Date.now() + minutesFromNow * MINUTE));

  it('is off by default: the greeting goes alone and the sweep tells nobody', async () => {
    assert.deepStrictEqual([DEFAULT_SETTINGS.queue_updates, DEFAULT_SETTINGS.queue_update_minutes], [false, 5]);
    const settings = await chat.api('GET', '/admin/live-chat/settings', somchai);
    assert.strictEqual(settings.body.settings.queue_updates, false);
    assert.match(settings.body.settings.queue_message, /\{position\}.*\{wait\}/);
    await chat.waitingChat();
    const second = await chat.waitingChat();
    assert.deepStrictEqual(chat.replied(), [[DEFAULT_SETTINGS.handoff_greeting], [DEFAULT_SETTINGS.handoff_greeting]]);
    await chat.activeChat(somchai, userId());
    assert.deepStrictEqual(await sweep(60), []);
    assert.strictEqual((await sessionOf(second)).queue_told_at, null);
  });

  it('checks its settings strictly: a 400 naming the field, and nothing stored', async () => {
    const refusals: [string, unknown][] = [
      ['queue_updates', 'yes'],
      ['queue_update_minutes', 0],
      ['queue_update_minutes', 2.5],
      ['queue_update_minutes', 1441],
      ['queue_update_minutes', '5'],
      ['queue_message', 'คุณรอประมาณ {wait} นาที'],
      ['queue_message', 'คิวที่ {position} ({name})'],
      ['queue_message', '   '],
      ['queue_message_no_estimate', 'คิวที่ {position} ประมาณ {wait} นาที'],
      ['queue_message_no_estimate', 42],
    ];
    for (const [field, value] of refusals) {
      const refused = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { queue_updates: true, [field]: value });
      assert.deepStrictEqual([refused.status, refused.body.field], [400, field], `${field} = ${JSON.stringify(value)}`);
    }
    const now = await chat.api('GET', '/admin/live-chat/settings', chat.admin);
    assert.strictEqual(now.body.settings.queue_updates, false);

    const saved = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, {
      queue_updates: true,
      queue_update_minutes: 10,
      queue_message: '  Number {position}, about {wait} min  ',
      queue_message_no_estimate: 'Number {position}',
    });
    assert.strictEqual(saved.status, 200, JSON.stringify(saved.body));
    assert.deepStrictEqual(
      [
        saved.body.settings.queue_updates,
        saved.body.settings.queue_update_minutes,
        saved.body.settings.queue_message,
        saved.body.settings.queue_message_no_estimate,
      ],
      [true, 10, 'Number {position}, about {wait} min', 'Number {position}'],
    );
    const operator = await chat.api('PUT', '/admin/live-chat/settings', somchai, { queue_updates: false });
    assert.strictEqual(operator.status, 403);
  });

  it('tells each user their place with the greeting in one reply, estimated from the median of the latest 20 claims within 7 days', async () => {
    // The latest 20 claims: ten waited 1 minute, ten 5 minutes (median 3). Left out: a 21st,
    // older claim (60), one claimed 8 days ago (100), and an after-hours one (500); any of them
    // counted would move the median to 5.
    await history([
      ...Array.from({ length: 10 }, (_, i) => ({ waitMinutes: 1, claimedMinutesAgo: 10 + i })),
      ...Array.from({ length: 10 }, (_, i) => ({ waitMinutes: 5, claimedMinutesAgo: 30 + i })),
      { waitMinutes: 60, claimedMinutesAgo: 3 * 24 * 60 },
      { waitMinutes: 100, claimedMinutesAgo: 8 * 24 * 60 },
      { waitMinutes: 500, claimedMinutesAgo: 1, afterHours: true },
    ]);
    await queueOn();
    const first = await chat.waitingChat();
    const second = await chat.waitingChat();
    const third = await chat.waitingChat();
    const greeting = DEFAULT_SETTINGS.handoff_greeting;
    assert.deepStrictEqual(chat.replied(), [
      [greeting, 'คิวที่ 1 รอประมาณ 3 นาที'],
      [greeting, 'คิวที่ 2 รอประมาณ 6 นาที'],
      [greeting, 'คิวที่ 3 รอประมาณ 9 นาที'],
    ]);
    assert.deepStrictEqual(await Promise.all([first, second, third].map(async (u) => (await sessionOf(u)).queue_told_position)), [1, 2, 3]);
    // Stored as the session's SYSTEM messages, under the greeting's send key.
    const stored = (await chat.messagesOf(third)).filter((m) => m.direction === 'OUT');
    assert.deepStrictEqual(
      stored.map((m) => [m.sender, m.session_id, m.content.text, m.delivery_status]),
      [
        ['SYSTEM', (await sessionOf(third)).id, greeting, 'SENT'],
        ['SYSTEM', (await sessionOf(third)).id, 'คิวที่ 3 รอประมาณ 9 นาที', 'SENT'],
      ],
    );
    assert.strictEqual(await chat.app.store.chatSessions.queuePlace((await sessionOf(third)).id), 3);
  });

  it('tells the place once when the same handoff event is run again (emitted again after a crash)', async () => {
    await queueOn();
    await chat.waitingChat();
    const user = userId();
    const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: chat.fake.issueReplyToken() })]);
    const first = await chat.handoff(output, { webhookEventId: output.line.webhookEventId });
    assert.strictEqual(first?.outcome, 'opened');
    const contact = await chat.contactOf(user);
    const again = await chat.handoff(
      { ...output, contact, line: { ...output.line, redelivery: true } },
      { webhookEventId: output.line.webhookEventId, redelivery: true },
    );
    assert.ok(again?.outcome === 'opened' && again.resumed && 'sentBefore' in again.greeting && again.greeting.sentBefore);
    assert.deepStrictEqual(chat.replied()[1], [DEFAULT_SETTINGS.handoff_greeting, 'คิวที่ 2 กรุณารอสักครู่']);
    assert.strictEqual(chat.fake.carriedOut.length, 2);
    const system = (await chat.messagesOf(user)).filter((m) => m.sender === 'SYSTEM');
    assert.deepStrictEqual(
      system.map((m) => m.content.text),
      [DEFAULT_SETTINGS.handoff_greeting, 'คิวที่ 2 กรุณารอสักครู่'],
    );
    assert.strictEqual((await sessionOf(user)).queue_told_position, 2);
  });

  it('says no estimate while fewer than 3 chats were claimed lately', async () => {
    await history([
      { waitMinutes: 2, claimedMinutesAgo: 5 },
      { waitMinutes: 2, claimedMinutesAgo: 6 },
    ]);
    await queueOn();
    await chat.waitingChat();
    assert.deepStrictEqual(chat.replied(), [[DEFAULT_SETTINGS.handoff_greeting, 'คิวที่ 1 กรุณารอสักครู่']]);
    await history([{ waitMinutes: 2, claimedMinutesAgo: 7 }]);
    await chat.waitingChat();
    assert.deepStrictEqual(chat.replied()[1], [DEFAULT_SETTINGS.handoff_greeting, 'คิวที่ 2 รอประมาณ 4 นาที']);
  });

  it('tells a place again only when it went down, at most once per N minutes, by push; claimed and closed chats get none', async () => {
    await queueOn({ queue_update_minutes: 5 });
    const a = await chat.waitingChat();
    const b = await chat.waitingChat();
    const c = await chat.waitingChat();
    const d = await chat.waitingChat();
    assert.deepStrictEqual(await sweep(10), [], 'nobody moved');

    const claimed = await chat.api('POST', `/admin/live-chat/conversations/${a}/claim`, somchai);
    assert.strictEqual(claimed.status, 200);
    assert.deepStrictEqual(await sweep(1), [], 'told less than 5 minutes ago');
    const told = await sweep(6);
    assert.deepStrictEqual(
      told.map((s) => [s.line_user_id, s.queue_told_position]).sort(),
      [
        [b, 1],
        [c, 2],
        [d, 3],
      ].sort(),
    );
    // One chat claimed so far: too few for an estimate.
    assert.deepStrictEqual(chat.pushedTo(b), [['คิวที่ 1 กรุณารอสักครู่']]);
    assert.deepStrictEqual(chat.pushedTo(c), [['คิวที่ 2 กรุณารอสักครู่']]);
    assert.deepStrictEqual(chat.pushedTo(a), []);
    const update = (await chat.messagesOf(c)).at(-1);
    assert.deepStrictEqual(
      [update.sender, update.session_id, update.send_key, update.delivery_status],
      ['SYSTEM', (await sessionOf(c)).id, `queue:${(await sessionOf(c)).id}:2`, 'SENT'],
    );

    // b is claimed and c's chat closed: d moves from 3 to 1, told once the 5 minutes are up.
    await chat.api('POST', `/admin/live-chat/conversations/${b}/claim`, somchai);
    await chat.api('POST', `/admin/live-chat/conversations/${c}/close`, somchai, { message: '' });
    assert.deepStrictEqual(await sweep(8), []);
    assert.deepStrictEqual(
      (await sweep(12)).map((s) => [s.line_user_id, s.queue_told_position]),
      [[d, 1]],
    );
    assert.deepStrictEqual(await sweep(30), [], 'first in the queue: nothing more to tell');
    assert.deepStrictEqual(chat.pushedTo(d), [['คิวที่ 3 กรุณารอสักครู่'], ['คิวที่ 1 กรุณารอสักครู่']]);
    assert.deepStrictEqual([chat.pushedTo(a), chat.pushedTo(b).length, chat.pushedTo(c).length], [[], 1, 1]);
  });

  it('tells nobody while the team is closed: after hours the away message goes alone, and the sweep waits for the opening', async () => {
    await queueOn();
    const told = await chat.waitingChat();
    const ahead = await chat.waitingChat();
    // Closed today and the next two days (holidays in the time zone), open every hour otherwise.
    const day = (offset: number) => dayIn('Asia/Bangkok', new Date(Date.now() + offset * 24 * 60 * MINUTE));
    const allDay = [{ from: '00:00', to: '24:00' }];
    await updateSettings(chat.app.store.settings, {
      time_zone: 'Asia/Bangkok',
      business_hours: {
        enabled: true,
        weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
        holidays: [day(0), day(1), day(2)],
      },
    });
    const night = await chat.waitingChat();
    const reply = chat.replied().at(-1)!;
    assert.strictEqual(reply.length, 1, 'the away message alone, no place in the queue');
    assert.match(reply[0], /เปิดอีกครั้ง/);
    assert.strictEqual((await sessionOf(night)).queue_told_at, null);
    // Someone ahead is claimed, but nobody is told a new place while closed.
    await chat.api('POST', `/admin/live-chat/conversations/${told}/claim`, somchai);
    assert.deepStrictEqual(await sweep(6), []);
    assert.deepStrictEqual(chat.pushedTo(ahead), []);
    // Open again: the user told a place on their handoff hears the new one, and the night's user
    // theirs for the first time (an hour's sweep: whenever the team opens).
    await updateSettings(chat.app.store.settings, { business_hours: { enabled: false, weekly: {}, holidays: [] } });
    assert.deepStrictEqual(
      (await sweep(6)).map((s) => [s.line_user_id, s.queue_told_position]).sort(),
      [
        [ahead, 1],
        [night, 2],
      ].sort(),
    );
    assert.deepStrictEqual(chat.pushedTo(ahead), [['คิวที่ 1 กรุณารอสักครู่']]);
    assert.deepStrictEqual(chat.pushedTo(night), [['คิวที่ 2 กรุณารอสักครู่']]);
    assert.deepStrictEqual(await sweep(30), [], 'nothing moved since');
  });

  it('leaves a chat an operator opened untold until the user writes, and a handoff of the last minute to its own reply', async () => {
    await queueOn();
    const switched = userId();
    await chat.webhook([messageEvent('สวัสดี', { userId: switched })]);
    assert.strictEqual((await chat.api('POST', `/admin/live-chat/conversations/${switched}/mode`, somchai, { mode: 'HUMAN' })).status, 200);
    const asked = await chat.waitingChat();
    assert.deepStrictEqual(chat.replied().at(-1), [DEFAULT_SETTINGS.handoff_greeting, 'คิวที่ 2 กรุณารอสักครู่']);
    assert.deepStrictEqual(await sweep(0.5), []);
    assert.deepStrictEqual(await sweep(60), []);
    assert.deepStrictEqual([chat.pushedTo(switched), chat.pushedTo(asked)], [[], []]);
    // The user writes in the chat the operator opened: now they wait too, and hear their place.
    await chat.webhook([messageEvent('มีใครอยู่ไหมคะ', { userId: switched })]);
    assert.deepStrictEqual(
      (await sweep(60)).map((s) => [s.line_user_id, s.queue_told_position]),
      [[switched, 1]],
    );
    assert.deepStrictEqual(chat.pushedTo(switched), [['คิวที่ 1 กรุณารอสักครู่']]);
  });

  it('sends each update once when two sweeps run at once', async () => {
    await queueOn();
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await chat.waitingChat());
    // Two claims: still too few for an estimate.
    for (const u of users.slice(0, 2)) await chat.api('POST', `/admin/live-chat/conversations/${u}/claim`, somchai);
    const [one, two] = await Promise.all([sweep(6), sweep(6)]);
    assert.strictEqual(one.length + two.length, 3);
    for (const [i, u] of users.slice(2).entries()) {
      assert.deepStrictEqual(chat.pushedTo(u), [[`คิวที่ ${i + 1} กรุณารอสักครู่`]]);
      const keyed = (await chat.messagesOf(u)).filter((m) => m.send_key?.startsWith('queue:'));
      assert.strictEqual(keyed.length, 1);
    }
  });

  it('lets a chat that only got queue updates close idle', async () => {
    await updateSettings(chat.app.store.settings, { auto_close_minutes: 60 });
    await queueOn();
    const first = await chat.waitingChat();
    const second = await chat.waitingChat();
    await db().sql.exec(`UPDATE chat_sessions SET started_at = started_at - interval '2 hours', queue_told_at = queue_told_at - interval '2 hours'`);
    await db().sql.exec(`UPDATE messages SET created_at = created_at - interval '2 hours'`);
    await chat.api('POST', `/admin/live-chat/conversations/${first}/claim`, somchai);
    assert.deepStrictEqual(
      (await sweep(0)).map((s) => s.line_user_id),
      [second],
    );
    // The claim is fresh; the queue update (sent just now) is no sign of life.
    const closed = await chat.app.sessions.closeIdle();
    assert.deepStrictEqual(
      closed.map((s) => s.line_user_id),
      [second],
    );
  });
});
