// Issue 12's "done means", as one day: a user who asks for a human while the team is closed hears
// when it opens; a user who asks once it is open is told their place in the queue and sees the
// typing animation, and is asked for a rating when done; nobody claims the night's chat, so the
// idle sweep closes it as missed; and the manager's dashboard shows that missed handoff, the
// funnel, the business-hours split and the rating, each figure known. Everything goes through the
// real paths: signed webhooks, the handoff, the REST API, the sweeps, the LINE stand-in.
import assert from 'node:assert';
import { addDays, dayIn } from '../../src/analytics/calendar';
import { updateSettings } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, postbackEvent, userId } from '../support/line-webhooks';

const ZONE = 'Asia/Bangkok';
const CHATS = '/admin/live-chat/conversations';

describeEachDatabase('a day of service level, end to end', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => ({ chat, somchai } = suite));

  /** The user's texts the LINE stand-in got by reply and by push, in order. */
  const repliesOf = (replyToken: string) =>
    chat.fake
      .requestsTo('POST', '/v2/bot/message/reply')
      .filter((r) => r.body?.replyToken === replyToken)
      .flatMap((r) => r.body.messages.map((m: { text?: string }) => m.text));

  it('the night handoff hears when the team opens; the morning one its place, the typing and the rating question; the dashboard counts it all', async () => {
    const allDay = [{ from: '00:00', to: '24:00' }];
    const week = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };
    const today = dayIn(ZONE, new Date());
    // The team is closed today (a holiday, in the time zone) and opens at 00:00 tomorrow.
    const closed = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, {
      time_zone: ZONE,
      business_hours: { enabled: true, weekly: week, holidays: [today] },
      away_message: 'ขณะนี้ปิดทำการ จะเปิดอีกครั้ง {next_opening}',
      queue_updates: true,
      queue_message: 'คุณอยู่คิวที่ {position}',
      queue_message_no_estimate: 'คุณอยู่คิวที่ {position}',
      csat_enabled: true,
      auto_close_minutes: 60,
    });
    assert.strictEqual(closed.status, 200, JSON.stringify(closed.body));

    // The night: the user is told when the team opens, and their chat waits.
    const night = userId();
    const nightToken = chat.fake.issueReplyToken();
    await chat.webhookThroughHandoff([messageEvent('ติดต่อเจ้าหน้าที่', { userId: night, replyToken: nightToken })]);
    assert.deepStrictEqual(repliesOf(nightToken), ['ขณะนี้ปิดทำการ จะเปิดอีกครั้ง พรุ่งนี้ เวลา 00:00 น.']);
    const [nightSession] = await chat.sessionsOf(night);
    assert.deepStrictEqual([nightSession.status, nightSession.after_hours], ['WAITING', true]);
    const hours = await chat.api('GET', '/admin/live-chat/business-hours', somchai);
    assert.strictEqual(hours.body.open_now, false);

    // The team opens (no holiday any more). The morning's user is second in the queue.
    await updateSettings(chat.app.store.settings, { business_hours: { enabled: true, weekly: week, holidays: [] } });
    const morning = userId();
    const morningToken = chat.fake.issueReplyToken();
    await chat.webhookThroughHandoff([messageEvent('ติดต่อเจ้าหน้าที่', { userId: morning, replyToken: morningToken })]);
    const greeting = (await chat.api('GET', '/admin/live-chat/settings', somchai)).body.settings.handoff_greeting;
    assert.deepStrictEqual(repliesOf(morningToken), [greeting, 'คุณอยู่คิวที่ 2']);
    const [morningSession] = await chat.sessionsOf(morning);
    assert.strictEqual(morningSession.after_hours, false);

    // Somchai takes the morning's chat; while he types, the user sees LINE's loading animation.
    assert.strictEqual((await chat.api('POST', `${CHATS}/${morning}/claim`, somchai)).status, 200);
    assert.strictEqual((await chat.api('POST', `${CHATS}/${morning}/typing`, somchai)).status, 204);
    await chat.app.typing.settled();
    assert.deepStrictEqual(chat.fake.loadingCalls(), [{ chatId: morning, loadingSeconds: 20 }]);
    const answer = await chat.api('POST', `${CHATS}/${morning}/messages`, somchai, { text: 'สวัสดีค่ะ ยินดีให้บริการ' });
    assert.strictEqual(answer.status, 200, JSON.stringify(answer.body));
    assert.strictEqual((await chat.api('POST', `${CHATS}/${morning}/close`, somchai, {})).status, 200);

    // Asked for a rating; the tap is stored against the chat and somchai, and reaches no flow.
    const question = chat.fake
      .requestsTo('POST', '/v2/bot/message/push')
      .filter((r) => r.body?.to === morning)
      .flatMap((r) => r.body.messages)
      .find((m: { quickReply?: unknown }) => m.quickReply);
    assert.ok(question, 'the rating question was pushed');
    const five = question.quickReply.items.find((i: { action: { data: string } }) => i.action.data.endsWith(':5')).action.data;
    assert.strictEqual(five, `csat:${morningSession.id}:5`);
    const outputs = await chat.webhook([postbackEvent(five, { userId: morning, replyToken: chat.fake.issueReplyToken() })]);
    await chat.app.lineWebhook.idle();
    assert.deepStrictEqual(outputs, []);
    const rating = await chat.app.store.sessionRatings.bySession(morningSession.id);
    assert.deepStrictEqual([rating?.score, rating?.operator_id], [5, somchai.id]);

    // Nobody claims the night's chat: an hour later the idle sweep closes it as missed.
    const swept = await chat.app.sessions.closeIdle(new Date(Date.now() + 61 * 60 * 1000));
    assert.deepStrictEqual(
      swept.map((s) => [s.id, s.closed_by, s.claimed_at]),
      [[nightSession.id, 'SYSTEM', null]],
    );

    // The dashboard (yesterday too, in case the test runs across midnight in the zone).
    const range = `from_date=${addDays(dayIn(ZONE, new Date()), -1)}&to_date=${dayIn(ZONE, new Date())}`;
    const overview = (await chat.api('GET', `/admin/live-chat/analytics?${range}`, somchai)).body;
    assert.deepStrictEqual(
      {
        sessions: overview.total_sessions,
        missed: overview.missed_sessions,
        abandoned: overview.abandoned_sessions,
        funnel: overview.funnel,
        hours: overview.business_hours,
        csat: [overview.csat.ratings, overview.csat.average],
        replies: overview.replies,
      },
      {
        sessions: 2,
        missed: 1,
        abandoned: 0,
        funnel: { asked: 2, claimed: 1, resolved: 1, rated: 1 },
        hours: { in_hours_sessions: 1, after_hours_sessions: 1 },
        csat: [1, 5],
        replies: 1,
      },
    );
    const operators = (await chat.api('GET', `/admin/live-chat/analytics/operators?${range}`, somchai)).body.operators;
    const own = operators.find((o: { operator_id: number }) => o.operator_id === somchai.id);
    assert.deepStrictEqual([own.sessions, own.resolved_sessions, own.csat.ratings, own.csat.average], [1, 1, 1, 5]);
  });
});
