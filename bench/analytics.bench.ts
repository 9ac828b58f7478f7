// The analytics dashboard over a year (issue 12) at an Official Account's size: 100,000 contacts,
// 200,000 sessions and 1,000,000 messages (10,000 contacts with --quick), with a friend event per
// contact and a rating on a third of the closed sessions. Timed in the core (as the API route
// calls it): the year's overview and operator table counted live, the roll-up of every finished
// day, then the same year read from the roll-up (today alone live), as the dashboard reads it.
// Sequential calls; other benches may share the machine's two cores, so figures are noisy.
import { Store } from '../src/store/store';
import { Analytics } from '../src/analytics/analytics-service';
import { addDays, dayIn } from '../src/analytics/calendar';
import { isSeeded, openBenchDatabase, seedInbox } from './seed';
import { runAlone } from './context';
import type { BenchContext, BenchDatabase, BenchRow } from './types';

const GOAL_MS: Record<BenchDatabase, number> = { postgres: 300, embedded: 1000 };

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const contacts = ctx.quick ? 10000 : 100000;
  const calls = ctx.quick ? 5 : 20;
  const rows: BenchRow[] = [];
  for (const database of ctx.databases) {
    const db = await openBenchDatabase(ctx, database, `analytics-${contacts}`);
    try {
      if (!(await isSeeded(db, { contacts }))) await seedInbox(db, { contacts }, ctx.log);
      else ctx.log(`${database}: reusing the seeded ${contacts} contacts`);
      // Issue 12's tables: a follow per contact when it became a friend, a rating on a third of
      // the closed, claimed sessions, given ten minutes after the close.
      await db.sql.exec(`TRUNCATE chat_analytics, session_ratings, friend_events RESTART IDENTITY`);
      await db.sql.exec(
        `INSERT INTO friend_events (contact_id, line_user_id, event_type, created_at)
         SELECT id, line_user_id, CASE WHEN id % 10 = 0 THEN 'REFOLLOW' ELSE 'FOLLOW' END, last_message_at - interval '100 days' FROM contacts`,
      );
      await db.sql.exec(
        `INSERT INTO session_ratings (session_id, contact_id, operator_id, asked_at, score, rated_at)
         SELECT id, contact_id, operator_id, closed_at, 1 + id % 5, closed_at + interval '10 minutes'
         FROM chat_sessions WHERE status = 'CLOSED' AND claimed_at IS NOT NULL AND id % 3 = 0`,
      );
      await db.sql.exec(`VACUUM ANALYZE friend_events, session_ratings, chat_analytics`);

      const analytics = new Analytics(new Store(db.sql));
      const today = dayIn('Asia/Bangkok', new Date());
      const year = { fromDate: addDays(today, -365), toDate: today };
      const time = async (work: () => Promise<unknown>) => {
        const started = process.hrtime.bigint();
        await work();
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const median = async (work: () => Promise<unknown>, n: number) => {
        const ms: number[] = [];
        for (let i = 0; i < n; i++) ms.push(await time(work));
        return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
      };

      const liveOverview = await median(() => analytics.overview(year), Math.min(calls, 3));
      const liveOperators = await median(() => analytics.operators(year), Math.min(calls, 3));
      rows.push({ figure: `analytics: a year's overview counted live (${contacts} contacts)`, database, value: `${liveOverview.toFixed(0)} ms` });
      rows.push({ figure: `analytics: a year's operator table counted live`, database, value: `${liveOperators.toFixed(0)} ms` });

      let days = 0;
      const rollUp = await time(async () => {
        for (let date = year.fromDate; date < today; date = addDays(date, 1), days++) await analytics.aggregateDay(date);
      });
      rows.push({ figure: `analytics: roll-up of ${days} days`, database, value: `${(rollUp / days).toFixed(0)} ms a day` });

      const overview = await analytics.overview(year);
      if (overview.rolled_up_days < days - 2) throw new Error(`only ${overview.rolled_up_days} of ${days} days read from the roll-up`);
      const rolledOverview = await median(() => analytics.overview(year), calls);
      const rolledOperators = await median(() => analytics.operators(year), calls);
      const goal = GOAL_MS[database];
      rows.push({
        figure: `analytics: a year's overview from the roll-up (${overview.rolled_up_days} days), median`,
        database,
        value: `${rolledOverview.toFixed(0)} ms`,
        goal: `< ${goal} ms`,
        ok: rolledOverview < goal,
      });
      rows.push({
        figure: `analytics: a year's operator table from the roll-up, median`,
        database,
        value: `${rolledOperators.toFixed(0)} ms`,
        goal: `< ${goal} ms`,
        ok: rolledOperators < goal,
      });
    } finally {
      await db.close();
    }
  }
  return rows;
}

if (require.main === module) runAlone(run);
