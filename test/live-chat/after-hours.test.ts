import assert from 'node:assert';
import { DEFAULT_SETTINGS, readSettings } from '../../src/live-chat/live-chat-settings';
import type { HandoffResult } from '../../src/live-chat/handoff';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram';
import { type LiveChatHarness, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, userId } from '../support/line-webhooks';

const TOKEN = '123456:telegram-bot-token-XYZ9';
const AWAY = 'เราปิดทำการแล้ว จะเปิดอีกครั้ง {next_opening}';
const OFFICE = { from: '09:00', to: '18:00' };
const HOURS = {
  enabled: true,
  weekly: { mon: [OFFICE], tue: [OFFICE], wed: [OFFICE], thu: [OFFICE], fri: [OFFICE], sat: [], sun: [] },
  holidays: ['2030-01-01'],
};
/** Bangkok (UTC+7) on Tuesday 8 January 2030, a working day: the wall clock time as UTC. */
const bangkok = (time: string) => new Date(`2030-01-08T${time}:00+07:00`);

describeEachDatabase('business hours in the live chat', (db) => {
  let telegram: FakeTelegram;
  /** The core's clock (LiveChatOptions.clock). */
  let now = bangkok('02:00');
  const suite = useLiveChatHarness(db, {
    core: {
      clock: () => now,
      get telegramApiRoot() {
        return telegram.url;
      },
    },
  });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  before(async () => {
    telegram = await startFakeTelegram(TOKEN);
  });
  after(() => telegram?.close());
  beforeEach(async () => {
    ({ fake, chat } = suite);
    telegram.reset();
    now = bangkok('02:00');
    await chat.app.credentials.create({ name: 'Alerts', provider: 'TELEGRAM', credentials: { bot_token: TOKEN }, metadata: { admin_chat_id: '-100123' } });
    const saved = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, {
      business_hours: HOURS,
      away_message: AWAY,
      auto_close_minutes: 60,
      time_zone: 'Asia/Bangkok',
    });
    assert.strictEqual(saved.status, 200, JSON.stringify(saved.body));
  });

  const opened = (result: HandoffResult | undefined) => {
    assert.strictEqual(result?.outcome, 'opened');
    return result as Extract<HandoffResult, { outcome: 'opened' }>;
  };

  it('a handoff at 02:00 opens a WAITING after-hours session, the user hears when the team opens, the alert says after hours, and the night does not count as idle', async () => {
    assert.deepStrictEqual((await chat.api('GET', '/admin/live-chat/business-hours', chat.admin)).body, {
      open_now: false,
      next_opening: bangkok('09:00').toISOString(),
    });

    const user = userId();
    const replyToken = fake.issueReplyToken();
    const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken })]);
    const result = opened(await chat.handoff(output));

    // By reply token, the away message instead of the greeting, with the real next opening.
    const away = 'เราปิดทำการแล้ว จะเปิดอีกครั้ง วันนี้ เวลา 09:00 น.';
    assert.deepStrictEqual(
      fake.requestsTo('POST', '/v2/bot/message/reply').map((r) => r.body),
      [{ replyToken, messages: [{ type: 'text', text: away }] }],
    );
    assert.deepStrictEqual(chat.pushedTo(user), []);
    const [session] = await chat.sessionsOf(user);
    assert.deepStrictEqual([session.status, session.after_hours], ['WAITING', true]);
    assert.strictEqual(result.session.after_hours, true);
    assert.deepStrictEqual(
      (await chat.messagesOf(user)).map((m) => [m.sender, m.content.text, m.session_id]),
      [
        ['USER', 'ติดต่อเจ้าหน้าที่', session.id],
        ['SYSTEM', away, session.id],
      ],
    );
    // Once per session, as the greeting: the same handoff run again sends nothing more.
    const again = await chat.app.handoff.greet({ contact: result.contact }, result);
    assert.strictEqual('sentBefore' in again && again.sentBefore, true);
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/reply').length + fake.requestsTo('POST', '/v2/bot/message/push').length, 1);

    // The Telegram alert, as the telegram-notify node sends it after the handoff node.
    await chat.app.telegram.sendHandoffAlert({ contact: result.contact, session: result.session, recentMessages: result.recentMessages });
    assert.strictEqual(telegram.sent.length, 1);
    assert.match(telegram.sent[0].plain, /^🔔 ผู้ใช้ขอคุยกับเจ้าหน้าที่\n🌙 นอกเวลาทำการ \(เปิดอีกครั้ง วันนี้ เวลา 09:00 น\.\)\n/);

    // Nobody answers overnight: the chat stays open while closed, and for an hour after opening.
    for (const time of ['03:00', '08:59', '09:30', '09:59']) {
      now = bangkok(time);
      assert.deepStrictEqual(await chat.app.sessions.closeIdle(), [], time);
    }
    assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
    // Still quiet an hour after opening: now it closes, missed.
    now = bangkok('10:01');
    assert.deepStrictEqual(
      (await chat.app.sessions.closeIdle()).map((s) => s.line_user_id),
      [user],
    );
    assert.deepStrictEqual(chat.pushedTo(user), [[DEFAULT_SETTINGS.missed_message]]);
  });

  it('in hours: the greeting, not after hours, an alert without the note, idle chats close as before', async () => {
    now = bangkok('10:00');
    assert.deepStrictEqual((await chat.api('GET', '/admin/live-chat/business-hours', chat.admin)).body, { open_now: true, next_opening: null });
    const user = userId();
    const [output] = await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, replyToken: fake.issueReplyToken() })]);
    const result = opened(await chat.handoff(output));
    assert.deepStrictEqual(chat.replied(), [[DEFAULT_SETTINGS.handoff_greeting]]);
    assert.strictEqual((await chat.sessionsOf(user))[0].after_hours, false);
    await chat.app.telegram.sendHandoffAlert({ contact: result.contact, session: result.session });
    assert.doesNotMatch(telegram.sent[0].plain, /นอกเวลาทำการ/);
    // The session's activity is real time, long before this clock: idle since 09:00 opening, so closed at 10:01.
    now = bangkok('10:01');
    assert.deepStrictEqual(
      (await chat.app.sessions.closeIdle()).map((s) => s.line_user_id),
      [user],
    );
  });

  it('a holiday is closed all day; the away message names the next working day; blank sends nothing', async () => {
    now = new Date('2030-01-01T10:00:00+07:00'); // Tuesday 1 January, a holiday
    const first = userId();
    const [output] = await chat.webhook([messageEvent('agent', { userId: first, replyToken: fake.issueReplyToken() })]);
    opened(await chat.handoff(output));
    assert.deepStrictEqual(chat.replied(), [['เราปิดทำการแล้ว จะเปิดอีกครั้ง พรุ่งนี้ เวลา 09:00 น.']]);

    await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { away_message: "We're closed; we open at {next_opening}." });
    now = new Date('2030-01-04T19:00:00+07:00'); // Friday evening
    await chat.waitingChat('agent');
    assert.deepStrictEqual(chat.replied().at(-1), ["We're closed; we open at 09:00 on Monday."]);

    await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { away_message: '' });
    const silent = await chat.waitingChat('agent');
    assert.strictEqual(chat.replied().length, 2);
    assert.deepStrictEqual(
      (await chat.messagesOf(silent)).map((m) => m.sender),
      ['USER'],
    );
    assert.strictEqual((await chat.sessionsOf(silent))[0].after_hours, true);
  });

  it('the settings round-trip through the API; bad hours are a 400 naming the field and change nothing', async () => {
    const read = await chat.api('GET', '/admin/live-chat/settings', chat.admin);
    assert.deepStrictEqual([read.body.settings.business_hours, read.body.settings.away_message], [HOURS, AWAY]);

    const bad: [unknown, string][] = [
      [{ ...HOURS, weekly: { ...HOURS.weekly, mon: [{ from: '18:00', to: '09:00' }] } }, 'business_hours.weekly.mon[0].to'],
      [{ ...HOURS, weekly: { ...HOURS.weekly, tue: [OFFICE, { from: '17:00', to: '20:00' }] } }, 'business_hours.weekly.tue[1]'],
      [{ ...HOURS, weekly: { ...HOURS.weekly, wed: [{ from: '25:00', to: '26:00' }] } }, 'business_hours.weekly.wed[0].from'],
      [{ ...HOURS, holidays: ['2030-13-01'] }, 'business_hours.holidays[0]'],
      [{ ...HOURS, enabled: 'yes' }, 'business_hours.enabled'],
    ];
    for (const [business_hours, field] of bad) {
      const res = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { away_message: 'changed', business_hours });
      assert.deepStrictEqual([res.status, res.body.field], [400, field], JSON.stringify(res.body));
    }
    const after = await readSettings(chat.app.store.settings);
    assert.deepStrictEqual([after.business_hours, after.away_message], [HOURS, AWAY]);
    const tooLong = await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { away_message: 'x'.repeat(5001) });
    assert.deepStrictEqual([tooLong.status, tooLong.body.field], [400, 'away_message']);

    // Off again: always open, whatever the clock.
    await chat.api('PUT', '/admin/live-chat/settings', chat.admin, { business_hours: { ...HOURS, enabled: false } });
    assert.deepStrictEqual((await chat.api('GET', '/admin/live-chat/business-hours', chat.admin)).body, { open_now: true, next_opening: null });
  });
});
