import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { Store } from '../../src/store/store';
import { Analytics } from '../../src/analytics/analytics-service';
import type { HttpError } from '../../src/http/errors';
import { hashPassword } from '../../src/auth/passwords';

// Sessions with known times (Asia/Bangkok is UTC+7, no daylight saving):
//   S1 alice CLOSED  2025-03-10 02:00Z = Bangkok 10 Mar 09:00  claim +60  reply +90   close +600   4 msgs
//   S2 alice CLOSED  2025-03-10 17:30Z = Bangkok 11 Mar 00:30  claim +121 reply +150  close +1200  6 msgs
//   S3 bob   ACTIVE  2025-03-12 03:15Z = Bangkok 12 Mar 10:15  claim +31                           3 msgs
//   S4 -     WAITING 2025-03-12 16:59Z = Bangkok 12 Mar 23:59                                      1 msg
//   S5 bob   CLOSED  2025-03-09 16:59:59Z = Bangkok 9 Mar 23:59:59  (before the range either way)
//   S6 bob   CLOSED  2025-03-12 17:00Z = Bangkok 13 Mar 00:00  claim +40  close +400  2 msgs (in the UTC range only)
// OPERATOR messages: alice 10 Mar 02:01:30Z and 17:32:30Z (Bangkok 11 Mar), carol 11 Mar 05:00Z,
// bob 12 Mar 03:20Z and 17:05Z (Bangkok 13 Mar); dave does nothing.
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

interface Ids {
  alice: number;
  bob: number;
  carol: number;
  dave: number;
}

/** Alice may log in (a plain operator, not an admin). */
const ALICE = { username: 'alice', password: 'alice-password-1' };

async function seed(store: Store): Promise<Ids> {
  const sql = store.sql;
  const aliceHash = await hashPassword(ALICE.password);
  const operator = async (username: string, display_name: string) =>
    (await store.operators.insert({ username, display_name, password_hash: username === 'alice' ? aliceHash : 'not-a-hash', role: 'operator' })).id;
  const ids = {
    alice: await operator('alice', 'Alice A.'),
    bob: await operator('bob', 'Bob B.'),
    carol: await operator('carol', 'Carol C.'),
    dave: await operator('dave', 'Dave D.'),
  };
  let contacts = 0;
  const session = async (s: { operator: number | null; status: string; started: string; claim?: number; reply?: number; close?: number; messages: number }) => {
    const contact = (await sql.row<{ id: number }>(`INSERT INTO contacts (line_user_id) VALUES ($1) RETURNING id`, [`U${++contacts}`]))!.id;
    await sql.exec(
      `INSERT INTO chat_sessions (contact_id, line_user_id, operator_id, status, started_at, claimed_at, first_response_at, closed_at, message_count, closed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        contact,
        `U${contacts}`,
        s.operator,
        s.status,
        at(s.started),
        s.claim === undefined ? null : at(s.started, s.claim),
        s.reply === undefined ? null : at(s.started, s.reply),
        s.close === undefined ? null : at(s.started, s.close),
        s.messages,
        s.status === 'CLOSED' ? 'OPERATOR' : null,
      ],
    );
    return contact;
  };
  const c1 = await session({ operator: ids.alice, status: 'CLOSED', started: '2025-03-10T02:00:00Z', claim: 60, reply: 90, close: 600, messages: 4 });
  await session({ operator: ids.alice, status: 'CLOSED', started: '2025-03-10T17:30:00Z', claim: 121, reply: 150, close: 1200, messages: 6 });
  await session({ operator: ids.bob, status: 'ACTIVE', started: '2025-03-12T03:15:00Z', claim: 31, messages: 3 });
  await session({ operator: null, status: 'WAITING', started: '2025-03-12T16:59:00Z', messages: 1 });
  await session({ operator: ids.bob, status: 'CLOSED', started: '2025-03-09T16:59:59Z', claim: 5, reply: 6, close: 7, messages: 9 });
  await session({ operator: ids.bob, status: 'CLOSED', started: '2025-03-12T17:00:00Z', claim: 40, close: 400, messages: 2 });

  const message = (sender: string, operatorId: number | null, created: string) =>
    sql.exec(
      `INSERT INTO messages (contact_id, direction, sender, operator_id, message_type, content, delivery_status, created_at)
       VALUES ($1, $2, $3, $4, 'text', $5, $6, $7)`,
      [c1, sender === 'USER' ? 'IN' : 'OUT', sender, operatorId, { type: 'text', text: 'hi' }, sender === 'USER' ? 'RECEIVED' : 'SENT', at(created)],
    );
  await message('OPERATOR', ids.alice, '2025-03-10T02:01:30Z');
  await message('OPERATOR', ids.alice, '2025-03-10T17:32:30Z');
  await message('OPERATOR', ids.carol, '2025-03-11T05:00:00Z');
  await message('OPERATOR', ids.bob, '2025-03-12T03:20:00Z');
  await message('OPERATOR', ids.bob, '2025-03-12T17:05:00Z');
  await message('USER', null, '2025-03-11T06:00:00Z');
  await message('BOT', null, '2025-03-11T06:00:01Z');
  return ids;
}

const pick = <T extends object>(o: T, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
/** The overview's seed figures (issue 12's are tested in service-level.test.ts). */
const seedFigures = (o: any) => ({
  ...pick(o, [
    'from_date',
    'to_date',
    'time_zone',
    'total_sessions',
    'closed_sessions',
    'waiting_now',
    'active_now',
    'avg_first_response_seconds',
    'avg_first_reply_seconds',
    'avg_resolution_seconds',
    'avg_messages_per_session',
    'response_time_by_hour',
  ]),
  sessions_per_day: o.sessions_per_day.map((d: any) => ({ date: d.date, sessions: d.sessions })),
});
const OPERATOR_SEED_KEYS = [
  'operator_id',
  'username',
  'display_name',
  'sessions',
  'closed_sessions',
  'avg_first_response_seconds',
  'avg_first_reply_seconds',
  'avg_resolution_seconds',
  'messages_sent',
];
/** A chat_analytics row's seed columns. */
const seedColumns = (rows: any[]) =>
  rows.map((r) => pick(r, ['date', 'operator_id', 'total_sessions', 'avg_response_time_seconds', 'avg_resolution_time_seconds', 'total_messages_sent']));

const hours = (filled: Record<number, [number, number | null]>) =>
  Array.from({ length: 24 }, (_, hour) => ({ hour, sessions: filled[hour]?.[0] ?? 0, avg_first_response_seconds: filled[hour]?.[1] ?? null }));

describeEachDatabase('analytics', (db) => {
  let store: Store;
  let ids: Ids;
  /** Analytics whose clock says `now`. */
  const analyticsAt = (now: string) => new Analytics(store, () => new Date(now));
  const analytics = () => analyticsAt('2025-03-20T00:00:00Z');

  beforeEach(async () => {
    store = new Store(db().sql);
    ids = await seed(store);
  });

  describe('overview', () => {
    it('counts and times the sessions started in the range, by day and hour in Asia/Bangkok (the default zone)', async () => {
      assert.deepStrictEqual(seedFigures(await analytics().overview({ fromDate: '2025-03-10', toDate: '2025-03-12' })), {
        from_date: '2025-03-10',
        to_date: '2025-03-12',
        time_zone: 'Asia/Bangkok',
        total_sessions: 4,
        closed_sessions: 2,
        waiting_now: 1,
        active_now: 1,
        avg_first_response_seconds: 70.7, // (60 + 121 + 31) / 3
        avg_first_reply_seconds: 120, // (90 + 150) / 2
        avg_resolution_seconds: 900, // (600 + 1200) / 2
        avg_messages_per_session: 3.5, // (4 + 6 + 3 + 1) / 4
        sessions_per_day: [
          { date: '2025-03-10', sessions: 1 },
          { date: '2025-03-11', sessions: 1 },
          { date: '2025-03-12', sessions: 2 },
        ],
        response_time_by_hour: hours({ 0: [1, 121], 9: [1, 60], 10: [1, 31], 23: [1, null] }),
      });
    });

    it('counts days and hours in the zone asked for, and fills days without sessions with zero', async () => {
      const utc = await analytics().overview({ fromDate: '2025-03-10', toDate: '2025-03-12', timeZone: 'UTC' });
      assert.deepStrictEqual(
        {
          total: utc.total_sessions,
          closed: utc.closed_sessions,
          first: utc.avg_first_response_seconds,
          reply: utc.avg_first_reply_seconds,
          resolution: utc.avg_resolution_seconds,
          messages: utc.avg_messages_per_session,
        },
        // S1 S2 S3 S4 S6: first (60 + 121 + 31 + 40) / 4 = 63; resolution (600 + 1200 + 400) / 3 = 733.33…; messages 16 / 5
        { total: 5, closed: 3, first: 63, reply: 120, resolution: 733.3, messages: 3.2 },
      );
      assert.strictEqual(utc.time_zone, 'UTC');
      assert.deepStrictEqual(seedFigures(utc).sessions_per_day, [
        { date: '2025-03-10', sessions: 2 },
        { date: '2025-03-11', sessions: 0 },
        { date: '2025-03-12', sessions: 3 },
      ]);
      assert.deepStrictEqual(utc.response_time_by_hour, hours({ 2: [1, 60], 3: [1, 31], 16: [1, null], 17: [2, 80.5] }));

      const week = await analytics().overview({ fromDate: '2025-03-06', toDate: '2025-03-12', timeZone: 'UTC' });
      assert.deepStrictEqual(
        week.sessions_per_day.map((d) => d.sessions),
        [0, 0, 0, 1, 2, 0, 3],
      );
      assert.strictEqual(week.total_sessions, 6);
    });

    it("narrows to one operator's sessions; waiting sessions are everyone's", async () => {
      const alice = await analytics().overview({ fromDate: '2025-03-10', toDate: '2025-03-12', operatorId: ids.alice });
      assert.deepStrictEqual(
        { ...seedFigures(alice), response_time_by_hour: undefined },
        {
          from_date: '2025-03-10',
          to_date: '2025-03-12',
          time_zone: 'Asia/Bangkok',
          total_sessions: 2,
          closed_sessions: 2,
          waiting_now: 1,
          active_now: 0,
          avg_first_response_seconds: 90.5,
          avg_first_reply_seconds: 120,
          avg_resolution_seconds: 900,
          avg_messages_per_session: 5,
          sessions_per_day: [
            { date: '2025-03-10', sessions: 1 },
            { date: '2025-03-11', sessions: 1 },
            { date: '2025-03-12', sessions: 0 },
          ],
          response_time_by_hour: undefined,
        },
      );
      const bob = await analytics().overview({ fromDate: '2025-03-10', toDate: '2025-03-12', operatorId: ids.bob });
      assert.deepStrictEqual(
        [
          bob.total_sessions,
          bob.closed_sessions,
          bob.active_now,
          bob.avg_first_response_seconds,
          bob.avg_first_reply_seconds,
          bob.avg_resolution_seconds,
          bob.avg_messages_per_session,
        ],
        [1, 0, 1, 31, null, null, 3],
      );
      const dave = await analytics().overview({ fromDate: '2025-03-10', toDate: '2025-03-12', operatorId: ids.dave });
      assert.deepStrictEqual(
        [dave.total_sessions, dave.active_now, dave.avg_first_response_seconds, dave.avg_messages_per_session, dave.sessions_per_day.map((d) => d.sessions)],
        [0, 0, null, null, [0, 0, 0]],
      );
    });

    it('defaults to the last seven days up to today in the zone, and to the time_zone setting', async () => {
      // 18:00Z on 12 Mar is already 13 Mar in Bangkok
      const bangkok = await analyticsAt('2025-03-12T18:00:00Z').overview({});
      assert.deepStrictEqual(
        [bangkok.from_date, bangkok.to_date, bangkok.time_zone, bangkok.sessions_per_day.length],
        ['2025-03-07', '2025-03-13', 'Asia/Bangkok', 7],
      );
      assert.strictEqual(bangkok.total_sessions, 6); // 7 to 13 Mar in Bangkok holds all six, S5 (9 Mar) to S6 (13 Mar)
      await store.settings.set('time_zone', 'UTC');
      const utc = await analyticsAt('2025-03-12T18:00:00Z').overview({ fromDate: '2025-03-10' });
      assert.deepStrictEqual([utc.from_date, utc.to_date, utc.time_zone, utc.total_sessions], ['2025-03-10', '2025-03-12', 'UTC', 5]);
    });

    const refusals: [string, Record<string, unknown>, string][] = [
      ['a date that does not exist', { fromDate: '2025-02-30' }, 'from_date'],
      ['a date in another format', { toDate: '12/03/2025' }, 'to_date'],
      ['from after to', { fromDate: '2025-03-13', toDate: '2025-03-12' }, 'from_date'],
      ['more than 366 days', { fromDate: '2024-03-11', toDate: '2025-03-12' }, 'from_date'],
      ['an unknown zone', { timeZone: 'Mars/Olympus_Mons' }, 'tz'],
      ['an offset instead of a zone', { timeZone: '+07:00' }, 'tz'],
      ['an unknown operator', { operatorId: 999 }, 'operator_id'],
    ];
    for (const [what, query, field] of refusals) {
      it(`refuses ${what} with a 400 naming ${field}`, async () => {
        await assert.rejects(analytics().overview(query), (err: HttpError) => err.status === 400 && err.field === field);
      });
    }

    it('takes exactly 366 days', async () => {
      const year = await analytics().overview({ fromDate: '2024-03-12', toDate: '2025-03-12' });
      assert.strictEqual(year.sessions_per_day.length, 366);
      assert.strictEqual(year.total_sessions, 5);
    });
  });

  describe('operators', () => {
    it('answers each operator with sessions or sent messages in the range, most sessions first', async () => {
      const report = await analytics().operators({ fromDate: '2025-03-10', toDate: '2025-03-12' });
      assert.deepStrictEqual(
        { ...report, operators: report.operators.map((o) => pick(o, OPERATOR_SEED_KEYS)) },
        {
          from_date: '2025-03-10',
          to_date: '2025-03-12',
          time_zone: 'Asia/Bangkok',
          operators: [
            {
              operator_id: ids.alice,
              username: 'alice',
              display_name: 'Alice A.',
              sessions: 2,
              closed_sessions: 2,
              avg_first_response_seconds: 90.5,
              avg_first_reply_seconds: 120,
              avg_resolution_seconds: 900,
              messages_sent: 2,
            },
            {
              operator_id: ids.bob,
              username: 'bob',
              display_name: 'Bob B.',
              sessions: 1,
              closed_sessions: 0,
              avg_first_response_seconds: 31,
              avg_first_reply_seconds: null,
              avg_resolution_seconds: null,
              messages_sent: 1,
            },
            {
              operator_id: ids.carol,
              username: 'carol',
              display_name: 'Carol C.',
              sessions: 0,
              closed_sessions: 0,
              avg_first_response_seconds: null,
              avg_first_reply_seconds: null,
              avg_resolution_seconds: null,
              messages_sent: 1,
            },
          ],
        },
      );
    });

    it('counts in the zone asked for', async () => {
      const utc = await analytics().operators({ fromDate: '2025-03-12', toDate: '2025-03-12', timeZone: 'UTC' });
      // S3 and S6 and both of bob's messages are on 12 Mar in UTC
      assert.deepStrictEqual(
        utc.operators.map((o) => [o.username, o.sessions, o.closed_sessions, o.avg_first_response_seconds, o.avg_resolution_seconds, o.messages_sent]),
        [['bob', 2, 1, 35.5, 400, 2]],
      );
    });
  });

  describe('aggregateDay', () => {
    const stored = async () => seedColumns(await store.chatAnalytics.forRange('2025-01-01', '2025-12-31'));

    it('rolls a day into a whole-day row and one row per operator active that day', async () => {
      // Bangkok 11 Mar: S2 (alice), alice's 17:32:30Z message and carol's message
      const result = await analytics().aggregateDay('2025-03-11');
      const expected = [
        { date: '2025-03-11', operator_id: null, total_sessions: 1, avg_response_time_seconds: 121, avg_resolution_time_seconds: 1200, total_messages_sent: 2 },
        {
          date: '2025-03-11',
          operator_id: ids.alice,
          total_sessions: 1,
          avg_response_time_seconds: 121,
          avg_resolution_time_seconds: 1200,
          total_messages_sent: 1,
        },
        {
          date: '2025-03-11',
          operator_id: ids.carol,
          total_sessions: 0,
          avg_response_time_seconds: null,
          avg_resolution_time_seconds: null,
          total_messages_sent: 1,
        },
      ];
      assert.deepStrictEqual({ ...result, rows: seedColumns(result.rows) }, { date: '2025-03-11', rows: expected, settled_dates: [] });
      assert.deepStrictEqual(await stored(), expected);
    });

    it('rounds the averages to whole seconds and counts the day in the time_zone setting', async () => {
      await store.settings.set('time_zone', 'UTC');
      // UTC 10 Mar: S1 and S2 (alice): response (60 + 121) / 2 = 90.5 → 91, resolution 900
      assert.deepStrictEqual(seedColumns((await analytics().aggregateDay('2025-03-10')).rows), [
        { date: '2025-03-10', operator_id: null, total_sessions: 2, avg_response_time_seconds: 91, avg_resolution_time_seconds: 900, total_messages_sent: 2 },
        {
          date: '2025-03-10',
          operator_id: ids.alice,
          total_sessions: 2,
          avg_response_time_seconds: 91,
          avg_resolution_time_seconds: 900,
          total_messages_sent: 2,
        },
      ]);
    });

    it('replaces the day when run again: the same rows, or the new figures', async () => {
      const first = await analytics().aggregateDay('2025-03-11');
      await analytics().aggregateDay('2025-03-12');
      const before = await stored();
      const second = await analytics().aggregateDay('2025-03-11');
      assert.deepStrictEqual(second, first);
      assert.deepStrictEqual(await stored(), before);
      assert.strictEqual(before.length, 5);

      await store.sql.exec(`DELETE FROM messages WHERE operator_id = $1`, [ids.carol]);
      const third = await analytics().aggregateDay('2025-03-11');
      assert.deepStrictEqual(
        third.rows.map((r) => [r.operator_id, r.total_messages_sent]),
        [
          [null, 1],
          [ids.alice, 1],
        ],
      );
      assert.deepStrictEqual(
        (await stored()).filter((r) => r.date === '2025-03-11'),
        seedColumns(third.rows),
      );
      assert.strictEqual((await stored()).filter((r) => r.date === '2025-03-12').length, 2, 'other days are left alone');
    });

    it('stores a whole-day row of zeros for a day without anything', async () => {
      assert.deepStrictEqual(seedColumns((await analytics().aggregateDay('2025-03-01')).rows), [
        {
          date: '2025-03-01',
          operator_id: null,
          total_sessions: 0,
          avg_response_time_seconds: null,
          avg_resolution_time_seconds: null,
          total_messages_sent: 0,
        },
      ]);
    });

    it('rolls up yesterday in the zone by default', async () => {
      // 18:00Z on 12 Mar is 13 Mar in Bangkok: yesterday is 12 Mar (S3 bob, S4 waiting, bob's 03:20Z message)
      const yesterday = await analyticsAt('2025-03-12T18:00:00Z').aggregateDay();
      assert.deepStrictEqual(
        { ...yesterday, rows: seedColumns(yesterday.rows) },
        {
          date: '2025-03-12',
          rows: [
            {
              date: '2025-03-12',
              operator_id: null,
              total_sessions: 2,
              avg_response_time_seconds: 31,
              avg_resolution_time_seconds: null,
              total_messages_sent: 1,
            },
            {
              date: '2025-03-12',
              operator_id: ids.bob,
              total_sessions: 1,
              avg_response_time_seconds: 31,
              avg_resolution_time_seconds: null,
              total_messages_sent: 1,
            },
          ],
          settled_dates: [],
        },
      );
      await store.settings.set('time_zone', 'UTC');
      assert.strictEqual((await analyticsAt('2025-03-12T18:00:00Z').aggregateDay()).date, '2025-03-11');
    });

    it('refuses a bad date, naming it, and stores nothing', async () => {
      await assert.rejects(analytics().aggregateDay('2025-3-1'), (err: HttpError) => err.status === 400 && err.field === 'date');
      assert.deepStrictEqual(await stored(), []);
    });
  });

  describe('API', () => {
    let server: ApiServer;
    let token: string;
    beforeEach(async () => {
      // The operators are seeded already, so no bootstrap admin is made: alice logs in.
      server = await startApiServer(db());
      token = await login(server.baseUrl, ALICE);
    });
    afterEach(() => server.close());
    const get = (path: string, as = token) => call(server.baseUrl, 'GET', path, { token: as });

    it('answers the overview and the operator table to any logged-in operator, not to others', async () => {
      assert.strictEqual((await call(server.baseUrl, 'GET', '/admin/live-chat/analytics')).status, 401);
      assert.strictEqual((await call(server.baseUrl, 'GET', '/admin/live-chat/analytics/operators')).status, 401);
      assert.strictEqual((await get('/admin/live-chat/analytics', 'not-a-token')).status, 401);

      const overview = await get(`/admin/live-chat/analytics?from_date=2025-03-10&to_date=2025-03-12&tz=UTC&operator_id=${ids.alice}`);
      assert.strictEqual(overview.status, 200);
      assert.deepStrictEqual(seedFigures(overview.body), {
        from_date: '2025-03-10',
        to_date: '2025-03-12',
        time_zone: 'UTC',
        total_sessions: 2,
        closed_sessions: 2,
        waiting_now: 1,
        active_now: 0,
        avg_first_response_seconds: 90.5,
        avg_first_reply_seconds: 120,
        avg_resolution_seconds: 900,
        avg_messages_per_session: 5,
        sessions_per_day: [
          { date: '2025-03-10', sessions: 2 },
          { date: '2025-03-11', sessions: 0 },
          { date: '2025-03-12', sessions: 0 },
        ],
        response_time_by_hour: hours({ 2: [1, 60], 17: [1, 121] }),
      });

      const operators = await get('/admin/live-chat/analytics/operators?from_date=2025-03-10&to_date=2025-03-12');
      assert.strictEqual(operators.status, 200);
      assert.deepStrictEqual(Object.keys(operators.body), ['from_date', 'to_date', 'time_zone', 'operators']);
      assert.deepStrictEqual(
        operators.body.operators.map((o: any) => [o.username, o.sessions, o.messages_sent]),
        [
          ['alice', 2, 2],
          ['bob', 1, 1],
          ['carol', 0, 1],
        ],
      );
      assert.deepStrictEqual(Object.keys(operators.body.operators[0]), [
        'operator_id',
        'username',
        'display_name',
        'sessions',
        'closed_sessions',
        'avg_first_response_seconds',
        'avg_first_reply_seconds',
        'avg_resolution_seconds',
        'messages_sent',
        'replies',
        'avg_response_seconds',
        'missed_sessions',
        'resolved_sessions',
        'csat',
      ]);
    });

    it('defaults to the last seven days', async () => {
      const res = await get('/admin/live-chat/analytics');
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.body.time_zone, 'Asia/Bangkok');
      assert.strictEqual(res.body.sessions_per_day.length, 7);
      assert.strictEqual(res.body.sessions_per_day[6].date, res.body.to_date);
      assert.strictEqual(res.body.response_time_by_hour.length, 24);
    });

    const refusals: [string, string][] = [
      ['from_date=2025-13-01', 'from_date'],
      ['to_date=yesterday', 'to_date'],
      ['from_date=2025-03-13&to_date=2025-03-12', 'from_date'],
      ['from_date=2020-01-01&to_date=2025-03-12', 'from_date'],
      ['from_date=2025-03-01&from_date=2025-03-02', 'from_date'],
      ['tz=Mars/Olympus_Mons', 'tz'],
      ['tz=%2B07:00', 'tz'],
      ['operator_id=abc', 'operator_id'],
      ['operator_id=999', 'operator_id'],
    ];
    for (const [query, field] of refusals) {
      it(`answers 400 naming ${field} for ?${query}`, async () => {
        const res = await get(`/admin/live-chat/analytics?${query}`);
        assert.strictEqual(res.status, 400);
        assert.strictEqual(res.body.field, field);
        if (field !== 'operator_id') {
          const ops = await get(`/admin/live-chat/analytics/operators?${query}`);
          assert.strictEqual(ops.status, 400);
          assert.strictEqual(ops.body.field, field);
        }
      });
    }
  });
});
