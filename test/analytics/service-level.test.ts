import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { Store } from '../../src/store/store';
import { Analytics } from '../../src/analytics/analytics-service';
import { hashPassword } from '../../src/auth/passwords';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { parseCsv } from '../support/csv';

// Issue 12's figures over two Bangkok days (UTC+7), 10 Mar (finished) and 11 Mar ("today": the
// clock says 11 Mar 12:00 in Bangkok). Times are UTC; "local" is Bangkok.
//   10 Mar
//   S1 U1 alice  09:00 local, in hours; claim +60, first reply +90, closed by OPERATOR +900; 6 msgs; rated 5
//        USER 01:59:50Z (the request) · alice 02:01:30Z (answers after 100 s) · USER 02:03:00Z, 02:03:30Z
//        · alice 02:04:00Z (60 s) · alice 02:04:10Z (answers nothing new)
//   S2 U2 -      02:00 local, after hours; never claimed, closed by SYSTEM +3600: missed; USER 18:59:55Z (9 Mar)
//   S3 U3 -      03:30 local, after hours; never claimed, closed by USER +300 (unfollowed): abandoned; USER 20:29:55Z (9 Mar);
//        a rating asked, never answered
//   U4 USER 05:00Z, 05:01Z and U5 USER 06:00Z, no session: contained
//   friends: FOLLOW U4, U5; UNFOLLOW U3 (20:35Z 9 Mar); REFOLLOW U3
//   11 Mar
//   S4 U6 bob    08:00 local, after hours; claim +120, first reply +180, closed +600; 2 msgs; rated 2
//        USER 00:59:58Z · bob 01:03:00Z (182 s)
//   S5 U7 alice  10:00 local, in hours; claim +30, first reply +45, ACTIVE; 2 msgs; USER 02:59:59Z · alice 03:00:45Z (46 s)
//   S6 U8 -      11:00 local, in hours, WAITING; 1 msg; USER 03:59:59Z
//   U4 USER 02:00Z, no session: contained. friends: FOLLOW U8
const NOW = '2025-03-11T05:00:00Z';
/** Alice logs in for the API (a plain operator); her display name looks like a formula. */
const ALICE = { username: 'alice', password: 'alice-password-1' };
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

interface Ids {
  alice: number;
  bob: number;
}

async function seed(store: Store): Promise<Ids> {
  const sql = store.sql;
  const hash = await hashPassword(ALICE.password);
  const operator = async (username: string) =>
    (await store.operators.insert({ username, display_name: username === 'alice' ? '=ALICE' : 'BOB', password_hash: hash, role: 'operator' })).id;
  const ids = { alice: await operator('alice'), bob: await operator('bob') };
  const contacts = new Map<string, number>();
  for (const u of ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8']) {
    contacts.set(u, (await sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id) VALUES ($1) RETURNING id`, [u]))!.id);
  }
  const session = async (
    user: string,
    s: {
      operator?: number;
      status: string;
      started: string;
      afterHours: boolean;
      claim?: number;
      reply?: number;
      close?: number;
      by?: string;
      messages: number;
    },
  ) =>
    (await sql.row<{ id: number }>(
      `INSERT INTO chat_sessions (contact_id, line_user_id, operator_id, status, started_at, claimed_at, first_response_at, closed_at,
         message_count, closed_by, after_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        contacts.get(user)!,
        user,
        s.operator ?? null,
        s.status,
        at(s.started),
        s.claim === undefined ? null : at(s.started, s.claim),
        s.reply === undefined ? null : at(s.started, s.reply),
        s.close === undefined ? null : at(s.started, s.close),
        s.messages,
        s.by ?? null,
        s.afterHours,
      ],
    ))!.id;
  const message = (user: string, session: number | null, sender: 'USER' | 'OPERATOR', created: string, operatorId: number | null = null) =>
    sql.exec(
      `INSERT INTO messages (contact_id, session_id, direction, sender, operator_id, message_type, content, delivery_status, created_at)
       VALUES ($1, $2, $3, $4, $5, 'text', $6, $7, $8)`,
      [
        contacts.get(user)!,
        session,
        sender === 'USER' ? 'IN' : 'OUT',
        sender,
        operatorId,
        { type: 'text', text: 'hi' },
        sender === 'USER' ? 'RECEIVED' : 'SENT',
        at(created),
      ],
    );
  const rating = (sessionId: number, user: string, operatorId: number | null, score: number | null, rated: string | null) =>
    sql.exec(`INSERT INTO session_ratings (session_id, contact_id, operator_id, asked_at, score, rated_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      sessionId,
      contacts.get(user)!,
      operatorId,
      at(rated ?? '2025-03-10T00:00:00Z', -60),
      score,
      rated === null ? null : at(rated),
    ]);
  const friend = (user: string, type: string, created: string) =>
    sql.exec(`INSERT INTO friend_events (contact_id, line_user_id, event_type, created_at) VALUES ($1, $2, $3, $4)`, [
      contacts.get(user)!,
      user,
      type,
      at(created),
    ]);

  const s1 = await session('U1', {
    operator: ids.alice,
    status: 'CLOSED',
    started: '2025-03-10T02:00:00Z',
    afterHours: false,
    claim: 60,
    reply: 90,
    close: 900,
    by: 'OPERATOR',
    messages: 6,
  });
  await message('U1', s1, 'USER', '2025-03-10T01:59:50Z');
  await message('U1', s1, 'OPERATOR', '2025-03-10T02:01:30Z', ids.alice);
  await message('U1', s1, 'USER', '2025-03-10T02:03:00Z');
  await message('U1', s1, 'USER', '2025-03-10T02:03:30Z');
  await message('U1', s1, 'OPERATOR', '2025-03-10T02:04:00Z', ids.alice);
  await message('U1', s1, 'OPERATOR', '2025-03-10T02:04:10Z', ids.alice);
  await rating(s1, 'U1', ids.alice, 5, '2025-03-10T02:20:00Z');
  const s2 = await session('U2', { status: 'CLOSED', started: '2025-03-09T19:00:00Z', afterHours: true, close: 3600, by: 'SYSTEM', messages: 1 });
  await message('U2', s2, 'USER', '2025-03-09T18:59:55Z');
  const s3 = await session('U3', { status: 'CLOSED', started: '2025-03-09T20:30:00Z', afterHours: true, close: 300, by: 'USER', messages: 1 });
  await message('U3', s3, 'USER', '2025-03-09T20:29:55Z');
  await rating(s3, 'U3', null, null, null);
  await message('U4', null, 'USER', '2025-03-10T05:00:00Z');
  await message('U4', null, 'USER', '2025-03-10T05:01:00Z');
  await message('U5', null, 'USER', '2025-03-10T06:00:00Z');
  await friend('U4', 'FOLLOW', '2025-03-10T04:00:00Z');
  await friend('U5', 'FOLLOW', '2025-03-10T04:30:00Z');
  await friend('U3', 'UNFOLLOW', '2025-03-09T20:35:00Z');
  await friend('U3', 'REFOLLOW', '2025-03-10T10:00:00Z');

  const s4 = await session('U6', {
    operator: ids.bob,
    status: 'CLOSED',
    started: '2025-03-11T01:00:00Z',
    afterHours: true,
    claim: 120,
    reply: 180,
    close: 600,
    by: 'OPERATOR',
    messages: 2,
  });
  await message('U6', s4, 'USER', '2025-03-11T00:59:58Z');
  await message('U6', s4, 'OPERATOR', '2025-03-11T01:03:00Z', ids.bob);
  await rating(s4, 'U6', ids.bob, 2, '2025-03-11T01:15:00Z');
  const s5 = await session('U7', {
    operator: ids.alice,
    status: 'ACTIVE',
    started: '2025-03-11T03:00:00Z',
    afterHours: false,
    claim: 30,
    reply: 45,
    messages: 2,
  });
  await message('U7', s5, 'USER', '2025-03-11T02:59:59Z');
  await message('U7', s5, 'OPERATOR', '2025-03-11T03:00:45Z', ids.alice);
  const s6 = await session('U8', { status: 'WAITING', started: '2025-03-11T04:00:00Z', afterHours: false, messages: 1 });
  await message('U8', s6, 'USER', '2025-03-11T03:59:59Z');
  await message('U4', null, 'USER', '2025-03-11T02:00:00Z');
  await friend('U8', 'FOLLOW', '2025-03-11T03:50:00Z');
  return ids;
}

const distribution = (...counts: number[]) => counts.map((ratings, i) => ({ score: i + 1, ratings }));

/** 11 Mar alone (today), live. */
const TODAY = {
  date: '2025-03-11',
  total_sessions: 3,
  closed_sessions: 1,
  avg_first_response_seconds: 75, // (120 + 30) / 2
  avg_first_reply_seconds: 112.5, // (180 + 45) / 2
  avg_resolution_seconds: 600,
  avg_messages_per_session: 1.7, // 5 / 3
  avg_response_seconds: 114, // (182 + 46) / 2
  replies: 2,
  missed_sessions: 0,
  abandoned_sessions: 0,
  conversations: 4, // U6 U7 U8 U4
  contained_conversations: 1, // U4
  containment_rate: 0.25,
  funnel: { asked: 3, claimed: 2, resolved: 1, rated: 1 },
  csat: { ratings: 1, average: 2, distribution: distribution(0, 1, 0, 0, 0) },
  business_hours: { in_hours_sessions: 2, after_hours_sessions: 1 },
  friends: { follows: 1, unfollows: 0, refollows: 0 },
};

describeEachDatabase('analytics: what the manager sees (issue 12)', (db) => {
  let store: Store;
  let ids: Ids;
  const analytics = () => new Analytics(store, () => new Date(NOW));
  const range = { fromDate: '2025-03-10', toDate: '2025-03-11' };

  beforeEach(async () => {
    store = new Store(db().sql);
    ids = await seed(store);
  });

  it('answers every figure of the range exactly, today beside it', async () => {
    const { waiting_now, active_now, response_time_by_hour, ...overview } = await analytics().overview(range);
    assert.deepStrictEqual(overview, {
      from_date: '2025-03-10',
      to_date: '2025-03-11',
      time_zone: 'Asia/Bangkok',
      total_sessions: 6,
      closed_sessions: 4,
      avg_first_response_seconds: 70, // (60 + 120 + 30) / 3
      avg_first_reply_seconds: 105, // (90 + 180 + 45) / 3
      avg_resolution_seconds: 1350, // (900 + 3600 + 300 + 600) / 4
      avg_messages_per_session: 2.2, // 13 / 6
      avg_response_seconds: 97, // (100 + 60 + 182 + 46) / 4
      replies: 4,
      missed_sessions: 1,
      abandoned_sessions: 1,
      conversations: 9,
      contained_conversations: 3,
      containment_rate: 0.333,
      funnel: { asked: 6, claimed: 3, resolved: 2, rated: 2 },
      csat: { ratings: 2, average: 3.5, distribution: distribution(0, 1, 0, 0, 1) },
      business_hours: { in_hours_sessions: 3, after_hours_sessions: 3 },
      friends: { follows: 3, unfollows: 1, refollows: 1 },
      sessions_per_day: [
        { date: '2025-03-10', sessions: 3, missed_sessions: 1, abandoned_sessions: 1 },
        { date: '2025-03-11', sessions: 3, missed_sessions: 0, abandoned_sessions: 0 },
      ],
      friend_growth: [
        { date: '2025-03-10', follows: 2, unfollows: 1, refollows: 1 },
        { date: '2025-03-11', follows: 1, unfollows: 0, refollows: 0 },
      ],
      today: TODAY,
      rolled_up_days: 0,
    });
    assert.deepStrictEqual([waiting_now, active_now], [1, 1]);
    assert.deepStrictEqual(
      response_time_by_hour.filter((h) => h.sessions > 0),
      [
        { hour: 2, sessions: 1, avg_first_response_seconds: null },
        { hour: 3, sessions: 1, avg_first_response_seconds: null },
        { hour: 8, sessions: 1, avg_first_response_seconds: 120 },
        { hour: 9, sessions: 1, avg_first_response_seconds: 60 },
        { hour: 10, sessions: 1, avg_first_response_seconds: 30 },
        { hour: 11, sessions: 1, avg_first_response_seconds: null },
      ],
    );
  });

  it("answers today's figures live beside a range that ends before today", async () => {
    const yesterday = await analytics().overview({ fromDate: '2025-03-10', toDate: '2025-03-10' });
    assert.deepStrictEqual(yesterday.today, TODAY);
    assert.deepStrictEqual(
      [yesterday.total_sessions, yesterday.missed_sessions, yesterday.abandoned_sessions, yesterday.avg_response_seconds, yesterday.contained_conversations],
      [3, 1, 1, 80, 2], // replies 100 and 60
    );
  });

  it("narrows to one operator's sessions, replies and ratings; containment and friends stay the account's", async () => {
    const alice = await analytics().overview({ ...range, operatorId: ids.alice });
    assert.deepStrictEqual(
      {
        total: alice.total_sessions,
        response: alice.avg_response_seconds,
        replies: alice.replies,
        funnel: alice.funnel,
        csat: alice.csat,
        missed: alice.missed_sessions,
        hours: alice.business_hours,
        contained: [alice.conversations, alice.contained_conversations],
        friends: alice.friends,
        today: [alice.today.total_sessions, alice.today.avg_response_seconds, alice.today.csat.ratings],
      },
      {
        total: 2,
        response: 68.7, // (100 + 60 + 46) / 3
        replies: 3,
        funnel: { asked: 2, claimed: 2, resolved: 1, rated: 1 },
        csat: { ratings: 1, average: 5, distribution: distribution(0, 0, 0, 0, 1) },
        missed: 0,
        hours: { in_hours_sessions: 2, after_hours_sessions: 0 },
        contained: [9, 3],
        friends: { follows: 3, unfollows: 1, refollows: 1 },
        today: [1, 46, 0],
      },
    );
  });

  it('answers each operator with the response time of every reply and their CSAT', async () => {
    const report = await analytics().operators(range);
    assert.deepStrictEqual(report.operators, [
      {
        operator_id: ids.alice,
        username: 'alice',
        display_name: '=ALICE',
        sessions: 2,
        closed_sessions: 1,
        avg_first_response_seconds: 45,
        avg_first_reply_seconds: 67.5,
        avg_resolution_seconds: 900,
        messages_sent: 4,
        replies: 3,
        avg_response_seconds: 68.7,
        missed_sessions: 0,
        resolved_sessions: 1,
        csat: { ratings: 1, average: 5, distribution: distribution(0, 0, 0, 0, 1) },
      },
      {
        operator_id: ids.bob,
        username: 'bob',
        display_name: 'BOB',
        sessions: 1,
        closed_sessions: 1,
        avg_first_response_seconds: 120,
        avg_first_reply_seconds: 180,
        avg_resolution_seconds: 600,
        messages_sent: 1,
        replies: 1,
        avg_response_seconds: 182,
        missed_sessions: 0,
        resolved_sessions: 1,
        csat: { ratings: 1, average: 2, distribution: distribution(0, 1, 0, 0, 0) },
      },
    ]);
  });

  describe('the roll-up', () => {
    it('gives the same answer as the live count, reading the finished day from chat_analytics', async () => {
      const live = await analytics().overview(range);
      const liveOperators = await analytics().operators(range);
      const liveAlice = await analytics().overview({ ...range, operatorId: ids.alice });
      await analytics().aggregateDay('2025-03-10');
      // The roll-up really is read: a session added behind its back on 10 Mar is not seen.
      await store.sql.exec(
        `INSERT INTO chat_sessions (contact_id, line_user_id, started_at, status) SELECT id, line_user_id, $1, 'CLOSED' FROM contacts WHERE line_user_id = 'U5'`,
        [at('2025-03-10T07:00:00Z')],
      );
      const rolled = await analytics().overview(range);
      assert.strictEqual(rolled.rolled_up_days, 1);
      assert.deepStrictEqual({ ...rolled, rolled_up_days: 0 }, live);
      assert.deepStrictEqual(await analytics().operators(range), liveOperators);
      assert.deepStrictEqual({ ...(await analytics().overview({ ...range, operatorId: ids.alice })), rolled_up_days: 0 }, liveAlice);
      // today is never read from the roll-up, even once rolled up
      await analytics().aggregateDay('2025-03-11');
      assert.strictEqual((await analytics().overview(range)).rolled_up_days, 1);
    });

    it('reads a day live while it was rolled up with sessions still open, until the daily run settles it', async () => {
      const later = () => new Analytics(store, () => new Date('2025-03-13T05:00:00Z'));
      await later().aggregateDay('2025-03-11'); // S5 and S6 still open
      const before = await later().overview(range);
      assert.strictEqual(before.rolled_up_days, 0);
      await store.sql.exec(
        `UPDATE chat_sessions SET status = 'CLOSED', closed_at = started_at + interval '100 seconds', closed_by = 'SYSTEM' WHERE status <> 'CLOSED'`,
      );
      const closed = await later().overview(range);
      assert.deepStrictEqual([closed.rolled_up_days, closed.missed_sessions, closed.closed_sessions], [0, 2, 6]);

      const daily = await later().aggregateDay(); // yesterday (12 Mar), and 11 Mar again
      assert.deepStrictEqual([daily.date, daily.settled_dates], ['2025-03-12', ['2025-03-11']]);
      await later().aggregateDay('2025-03-10');
      const settled = await later().overview(range);
      assert.strictEqual(settled.rolled_up_days, 2);
      assert.deepStrictEqual({ ...settled, rolled_up_days: 0 }, closed);
      assert.deepStrictEqual((await later().aggregateDay()).settled_dates, [], 'nothing left to settle');
    });

    it("counts a late rating in its chat's day once the daily run rolls that day up again", async () => {
      const later = () => new Analytics(store, () => new Date('2025-03-12T05:00:00Z'));
      await later().aggregateDay('2025-03-10');
      // S3's rating, asked on 10 Mar, answered on 11 Mar
      await store.sql.exec(`UPDATE session_ratings SET score = 4, rated_at = $1 WHERE score IS NULL`, [at('2025-03-11T06:00:00Z')]);
      const day10 = { fromDate: '2025-03-10', toDate: '2025-03-10' };
      assert.deepStrictEqual((await later().overview(day10)).funnel.rated, 1, 'the roll-up, as it was');
      const daily = await later().aggregateDay(); // 11 Mar, and 10 Mar again
      assert.deepStrictEqual([daily.date, daily.settled_dates], ['2025-03-11', ['2025-03-10']]);
      const settled = await later().overview(range);
      assert.deepStrictEqual([settled.rolled_up_days, (await later().overview(day10)).funnel.rated], [1, 2]);
      assert.deepStrictEqual(settled.csat, { ratings: 3, average: 3.67, distribution: distribution(0, 1, 0, 1, 1) });
    });

    it('is read only in the zone it was counted in', async () => {
      await analytics().aggregateDay('2025-03-10');
      const utc = await analytics().overview({ ...range, timeZone: 'UTC' });
      assert.strictEqual(utc.rolled_up_days, 0);
      // In UTC, S2 and S3 started on 9 Mar
      assert.deepStrictEqual([utc.total_sessions, utc.missed_sessions, utc.abandoned_sessions], [4, 0, 0]);
    });

    it('stores sums and counts, and the same rows when run again', async () => {
      const first = await analytics().aggregateDay('2025-03-10');
      const whole = first.rows[0];
      assert.deepStrictEqual(
        {
          operator_id: whole.operator_id,
          time_zone: whole.time_zone,
          total_sessions: whole.total_sessions,
          open_sessions: whole.open_sessions,
          first_response_seconds: whole.first_response_seconds,
          reply_seconds: whole.reply_seconds,
          replies: whole.replies,
          ratings_by_score: whole.ratings_by_score,
          missed: whole.missed_sessions,
          abandoned: whole.abandoned_sessions,
          after_hours: whole.after_hours_sessions,
          conversations: [whole.conversations, whole.contained_conversations],
          friends: [whole.follows, whole.unfollows, whole.refollows],
          sessions_by_hour: whole.sessions_by_hour.slice(0, 10),
        },
        {
          operator_id: null,
          time_zone: 'Asia/Bangkok',
          total_sessions: 3,
          open_sessions: 0,
          first_response_seconds: 60,
          reply_seconds: 160,
          replies: 2,
          ratings_by_score: [0, 0, 0, 0, 1],
          missed: 1,
          abandoned: 1,
          after_hours: 2,
          conversations: [5, 2],
          friends: [2, 1, 1],
          sessions_by_hour: [0, 0, 1, 1, 0, 0, 0, 0, 0, 1],
        },
      );
      assert.deepStrictEqual(
        first.rows.map((r) => r.operator_id),
        [null, ids.alice],
      );
      assert.deepStrictEqual(await analytics().aggregateDay('2025-03-10'), first);
      assert.deepStrictEqual(await store.chatAnalytics.forRange('2025-03-10', '2025-03-10'), first.rows);
    });
  });
  describe('CSV export', () => {
    let server: ApiServer;
    let token: string;
    beforeEach(async () => {
      server = await startApiServer(db());
      token = await login(server.baseUrl, ALICE);
    });
    afterEach(() => server.close());
    const download = (query: string, as = token) => call(server.baseUrl, 'GET', `/admin/live-chat/analytics/export?${query}`, { token: as });
    const table = async (name: string, extra = '') => {
      const res = await fetch(`${server.baseUrl}/admin/live-chat/analytics/export?table=${name}&from_date=2025-03-10&to_date=2025-03-11${extra}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.strictEqual(res.status, 200, bytes.toString());
      assert.strictEqual(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.strictEqual(res.headers.get('content-disposition'), `attachment; filename="analytics-${name}-2025-03-10-2025-03-11.csv"`);
      assert.deepStrictEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM for Excel');
      return parseCsv(bytes.toString('utf8'));
    };

    it('answers every table and chart of the dashboard as CSV, with the figures of the API', async () => {
      assert.deepStrictEqual(await table('sessions_per_day'), [
        ['date', 'sessions', 'missed_sessions', 'abandoned_sessions'],
        ['2025-03-10', '3', '1', '1'],
        ['2025-03-11', '3', '0', '0'],
      ]);
      assert.deepStrictEqual(await table('funnel'), [
        ['stage', 'sessions'],
        ['asked', '6'],
        ['claimed', '3'],
        ['resolved', '2'],
        ['rated', '2'],
      ]);
      assert.deepStrictEqual(await table('csat'), [
        ['score', 'ratings'],
        ['1', '0'],
        ['2', '1'],
        ['3', '0'],
        ['4', '0'],
        ['5', '1'],
      ]);
      assert.deepStrictEqual(await table('business_hours'), [
        ['period', 'sessions'],
        ['in_hours', '3'],
        ['after_hours', '3'],
      ]);
      assert.deepStrictEqual(await table('friend_growth'), [
        ['date', 'follows', 'unfollows', 'refollows'],
        ['2025-03-10', '2', '1', '1'],
        ['2025-03-11', '1', '0', '0'],
      ]);
      const hours = await table('response_time_by_hour');
      assert.deepStrictEqual(
        [hours.length, hours[0], hours[9], hours[12]],
        [25, ['hour', 'sessions', 'avg_first_response_seconds'], ['8', '1', '120'], ['11', '1', '']],
      );

      const summary = await table('summary');
      const today = summary[0][2];
      assert.match(today, /^today \d{4}-\d{2}-\d{2}$/);
      assert.deepStrictEqual(summary[0], ['figure', '2025-03-10..2025-03-11', today]);
      const byName = new Map(summary.slice(1).map(([name, range]) => [name, range]));
      assert.deepStrictEqual(
        [
          'total_sessions',
          'avg_response_seconds',
          'missed_sessions',
          'abandoned_sessions',
          'containment_rate',
          'funnel_rated',
          'csat_average',
          'csat_score_5',
          'after_hours_sessions',
          'refollows',
          'waiting_now',
        ].map((n) => byName.get(n)),
        ['6', '97', '1', '1', '0.333', '2', '3.5', '1', '3', '1', '1'],
      );

      const operators = await table('operators');
      assert.deepStrictEqual(operators[0].slice(0, 4), ['operator_id', 'username', 'display_name', 'sessions']);
      assert.deepStrictEqual(operators[0].slice(-7), [
        'csat_ratings',
        'csat_average',
        'csat_score_1',
        'csat_score_2',
        'csat_score_3',
        'csat_score_4',
        'csat_score_5',
      ]);
      const alice = Object.fromEntries(operators[0].map((column, i) => [column, operators[1][i]]));
      assert.deepStrictEqual(
        [alice.username, alice.display_name, alice.sessions, alice.avg_response_seconds, alice.replies, alice.csat_average, alice.csat_score_5],
        ['alice', "'=ALICE", '2', '68.7', '3', '5', '1'],
        'a name that looks like a formula stays text',
      );
      assert.strictEqual(operators.length, 3);
    });

    it("narrows to one operator's figures", async () => {
      assert.deepStrictEqual(await table('funnel', `&operator_id=${ids.bob}`), [
        ['stage', 'sessions'],
        ['asked', '1'],
        ['claimed', '1'],
        ['resolved', '1'],
        ['rated', '1'],
      ]);
    });

    it('refuses a missing or unknown table, a bad range and strangers with the field named', async () => {
      assert.strictEqual((await download('table=funnel', '')).status, 401);
      for (const [query, field] of [
        ['', 'table'],
        ['table=everything', 'table'],
        ['table=funnel&from_date=2025-02-30', 'from_date'],
        ['table=funnel&tz=Mars/Olympus_Mons', 'tz'],
        ['table=funnel&operator_id=999', 'operator_id'],
      ]) {
        const res = await download(query);
        assert.deepStrictEqual([res.status, res.body.field], [400, field], query);
      }
    });
  });
});
