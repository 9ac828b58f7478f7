// The analytics keep to indexes at size: on a seeded database (20,000 contacts, 40,000 sessions,
// 200,000 messages, a follow per contact, a rating on a third of the closed sessions, ANALYZEd),
// the daily roll-up of each finished day of a year, then the dashboard's overview (a week, a
// year, one operator), the operator table and a CSV export as the API runs them, are EXPLAINed:
// none may scan the sessions, messages, ratings or friend events sequentially.
import assert from 'node:assert';
import { seedInbox } from '../../bench/seed';
import { Analytics } from '../../src/analytics/analytics-service';
import { addDays, dayIn } from '../../src/analytics/calendar';
import { Store } from '../../src/store/store';
import { describeEachDatabase } from '../support/databases';
import { RecordingSql, sequentialScans } from '../support/query-plans';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';

const CONTACTS = 20000;
const WATCHED = ['contacts', 'messages', 'chat_sessions', 'session_ratings', 'friend_events'];

describeEachDatabase('analytics at size: query plans', (db) => {
  let server: ApiServer | undefined;
  afterEach(() => server?.close());

  it('the roll-up of a day, the overview (a week, a year, one operator), the operator table and an export use no sequential scan', async function () {
    this.timeout(300000);
    const recorder = new RecordingSql(db().sequelize);
    server = await startApiServer({ ...db(), sql: recorder });
    const token = await login(server.baseUrl);
    await seedInbox(db(), { contacts: CONTACTS });
    await db().sql.exec(
      `INSERT INTO friend_events (contact_id, line_user_id, event_type, created_at)
       SELECT id, line_user_id, 'FOLLOW', last_message_at - interval '100 days' FROM contacts`,
    );
    await db().sql.exec(
      `INSERT INTO session_ratings (session_id, contact_id, operator_id, asked_at, score, rated_at)
       SELECT id, contact_id, operator_id, closed_at, 1 + id % 5, closed_at + interval '10 minutes'
       FROM chat_sessions WHERE status = 'CLOSED' AND claimed_at IS NOT NULL AND id % 3 = 0`,
    );
    await db().sql.exec(`VACUUM ANALYZE friend_events, session_ratings`);

    // The daily roll-up of the year's finished days, as the analytics-aggregate node runs it.
    const today = dayIn('Asia/Bangkok', new Date());
    const analytics = new Analytics(new Store(db().sql));
    for (let date = addDays(today, -366); date < today; date = addDays(date, 1)) await analytics.aggregateDay(date);
    // A busy day's roll-up, recorded.
    const busiest = (await db().sql.row<{ day: string }>(
      `SELECT (started_at AT TIME ZONE 'Asia/Bangkok')::date::text AS day FROM chat_sessions GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    ))!.day;
    await new Analytics(new Store(recorder)).aggregateDay(busiest);
    await db().sql.exec(`ANALYZE chat_analytics`);

    const get = async (path: string) => {
      const res = await call(server!.baseUrl, 'GET', path, { token });
      assert.strictEqual(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const week = await get('/admin/live-chat/analytics');
    assert.ok(week.rolled_up_days >= 5, `${week.rolled_up_days} days of the week from the roll-up`);
    const year = `from_date=${addDays(today, -365)}&to_date=${today}`;
    const overview = await get(`/admin/live-chat/analytics?${year}`);
    assert.ok(overview.rolled_up_days >= 363, `${overview.rolled_up_days} days of the year from the roll-up`);
    assert.strictEqual(overview.total_sessions, 2 * CONTACTS);
    const operatorId = (await db().sql.row<{ id: number }>(`SELECT id FROM operators ORDER BY id LIMIT 1`))!.id;
    await get(`/admin/live-chat/analytics?${year}&operator_id=${operatorId}`);
    await get(`/admin/live-chat/analytics/operators?${year}`);
    const csv = await call(server.baseUrl, 'GET', `/admin/live-chat/analytics/export?table=summary&${year}`, { token });
    assert.strictEqual(csv.status, 200);

    const { looked, offending } = await sequentialScans(db(), recorder.statements, {
      watched: WATCHED,
      // The roll-up's rows too (a year of them is most of that small table: read whole).
      mentioning: [...WATCHED, 'chat_analytics'],
      writes: false,
    });
    assert.ok(looked >= 15, `recorded ${looked} statements`);
    assert.deepStrictEqual(offending, []);
  });
});
