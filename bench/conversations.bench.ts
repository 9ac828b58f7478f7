// The inbox list at an Official Account's size (issue 9): 100,000 contacts, 200,000 sessions and
// 1,000,000 messages (10,000 with --quick), timed through the real HTTP API as the inbox calls it:
// the first page of each tab, searches (of 1, 2 and more characters), the next page by cursor, and a conversation's detail;
// with issue 11's labels (one on a third of the chats, one on 1 in 500) and details (an order
// number on 1 contact in 50): a search by order number, each label's first and next page.
// Requests are sequential (one operator refreshing); p50 and p95 over many calls. Other benches
// may share the machine's two cores, so figures are noisy.
import type { Database } from '../src/db/database';
import { type ApiServer, ADMIN, call, login, startApiServer } from '../test/support/api-server';
import { isSeeded, openBenchDatabase, seedInbox } from './seed';
import { Store } from '../src/store/store';
import type { BenchContext, BenchDatabase, BenchRow } from './types';
import { runAlone } from './context';

const LIST = '/admin/live-chat/conversations';
const SEARCH = '/admin/live-chat/messages';
const GOALS: Record<BenchDatabase, { list: number; detail: number }> = {
  postgres: { list: 50, detail: 20 },
  embedded: { list: 150, detail: 20 },
};

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const contacts = ctx.quick ? 10000 : 100000;
  const calls = ctx.quick ? 40 : 200;
  const rows: BenchRow[] = [];
  for (const database of ctx.databases) {
    const db = await openBenchDatabase(ctx, database, `conversations-${contacts}`);
    let server: ApiServer | undefined;
    try {
      if (!(await isSeeded(db, { contacts })) || !(await adminExists(db))) {
        await wipe(db);
        // The server makes the first admin on an empty database; the seed then uses it.
        server = await startApiServer(db);
        const started = Date.now();
        await seedInbox(db, { contacts }, ctx.log);
        rows.push({ figure: `seed ${contacts} contacts / ${contacts * 10} messages`, database, value: `${((Date.now() - started) / 1000).toFixed(1)} s` });
      } else {
        ctx.log(`${database}: reusing the seeded ${contacts} contacts`);
        server = await startApiServer(db);
      }
      const labels = await seedDetails(db);
      rows.push(...(await timeRoutes(server, database, contacts, calls, ctx, labels)));
    } finally {
      await server?.close();
      await db.close();
    }
  }
  return rows;
}

/** Labels and contact details on the seeded contacts (once): the labels' ids, common and rare. */
async function seedDetails(db: Database): Promise<{ common: number; rare: number }> {
  const existing = await db.sql.rows<{ id: number; name: string }>(`SELECT id, name FROM labels WHERE name IN ('ลูกค้าประจำ', 'Refund')`);
  if (existing.length === 2) {
    return { common: existing.find((l) => l.name === 'ลูกค้าประจำ')!.id, rare: existing.find((l) => l.name === 'Refund')!.id };
  }
  const store = new Store(db.sql);
  const common = (await store.labels.create({ name: 'ลูกค้าประจำ', color: '#22c55e' })).id;
  const rare = (await store.labels.create({ name: 'Refund', color: '#ef4444' })).id;
  await db.sql.exec(`UPDATE contacts SET label_ids = ARRAY[$1::int] WHERE id % 3 = 0`, [common]);
  await db.sql.exec(`UPDATE contacts SET label_ids = COALESCE(label_ids, '{}') || $1::int WHERE id % 500 = 0`, [rare]);
  const field = (await store.contactFields.create({ name: 'Order', field_type: 'text', position: 9 })).id;
  await db.sql.exec(`INSERT INTO contact_field_values (contact_id, field_id, value) SELECT id, $1, 'ORD-' || (100000 + id) FROM contacts WHERE id % 50 = 0`, [
    field,
  ]);
  const ids = (await db.sql.rows<{ id: number }>(`SELECT id FROM contacts WHERE id % 50 = 0`)).map((r) => r.id);
  await store.contacts.refreshDetailsSearch(ids);
  await db.sql.exec(`VACUUM ANALYZE contacts, contact_search, contact_field_values`);
  return { common, rare };
}

async function timeRoutes(
  server: ApiServer,
  database: BenchDatabase,
  contacts: number,
  calls: number,
  ctx: BenchContext,
  labels: { common: number; rare: number },
): Promise<BenchRow[]> {
  const token = await login(server.baseUrl);
  const get = async (route: string) => {
    const res = await call(server.baseUrl, 'GET', route, { token });
    if (res.status !== 200) throw new Error(`GET ${route}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  // Cursors from the first ten pages, and contacts to open, taken before timing.
  const cursors: string[] = [];
  let page = await get(LIST);
  for (let i = 0; i < 10 && page.next_cursor; i++) {
    cursors.push(page.next_cursor);
    page = await get(`${LIST}?cursor=${page.next_cursor}`);
  }
  const labelCursor = (await get(`${LIST}?label=${labels.common}`)).next_cursor as string;
  const openable = (await get(`${LIST}?limit=100`)).conversations.map((c: { line_user_id: string }) => c.line_user_id) as string[];
  const hits = (
    (await get(`${SEARCH}?limit=100&q=${encodeURIComponent('ขอบคุณ')}`)).results as { message: { id: number }; conversation: { line_user_id: string } }[]
  ).map((r) => ({ id: r.message.id, user: r.conversation.line_user_id }));
  const goal = GOALS[database];
  const figures: { figure: string; route: (i: number) => string; goalMs: number }[] = [
    { figure: 'list, first page (ALL)', route: () => LIST, goalMs: goal.list },
    ...['WAITING', 'ACTIVE', 'BOT', 'CLOSED'].map((status) => ({ figure: `list, ${status} tab`, route: () => `${LIST}?status=${status}`, goalMs: goal.list })),
    { figure: 'list, search "Emma"', route: () => `${LIST}?q=Emma`, goalMs: goal.list },
    { figure: 'list, search "สมชาย" in CLOSED', route: () => `${LIST}?status=CLOSED&q=${encodeURIComponent('สมชาย')}`, goalMs: goal.list },
    // Short searches (a Thai name is often searched by its first letter or two; trigrams need 3).
    { figure: 'list, search "ธ" (1 character)', route: () => `${LIST}?q=${encodeURIComponent('ธ')}`, goalMs: goal.list },
    { figure: 'list, search "สม" (2 characters)', route: () => `${LIST}?q=${encodeURIComponent('สม')}`, goalMs: goal.list },
    { figure: 'list, search "Em" (2 characters)', route: () => `${LIST}?q=Em`, goalMs: goal.list },
    // In nearly every LINE user id (hex): every contact matches, so it is counted in full.
    { figure: 'list, search "e" (1 character, matches nearly all)', route: () => `${LIST}?q=e`, goalMs: goal.list },
    { figure: 'list, search an order number "ORD-101000" (contact details)', route: () => `${LIST}?q=ORD-101000`, goalMs: goal.list },
    { figure: 'list, label on a third of the chats', route: () => `${LIST}?label=${labels.common}`, goalMs: goal.list },
    { figure: 'list, label on a third of the chats, next page', route: () => `${LIST}?label=${labels.common}&cursor=${labelCursor}`, goalMs: goal.list },
    { figure: 'list, label on 1 chat in 500', route: () => `${LIST}?label=${labels.rare}`, goalMs: goal.list },
    {
      figure: 'list, label on a third of the chats, search "สม"',
      route: () => `${LIST}?label=${labels.common}&q=${encodeURIComponent('สม')}`,
      goalMs: goal.list,
    },
    { figure: 'list, next page by cursor (pages 2-11)', route: (i) => `${LIST}?cursor=${cursors[i % cursors.length]}`, goalMs: goal.list },
    { figure: 'conversation detail (marks it read)', route: (i) => `${LIST}/${openable[i % openable.length]}`, goalMs: goal.detail },
    // Search of the message history (migration 0019): a text in a sixth of all messages, and one in none.
    { figure: 'message search "ราคาหน่อย" (common)', route: () => `${SEARCH}?q=${encodeURIComponent('ราคาหน่อย')}`, goalMs: goal.list },
    { figure: 'message search "ใบเสร็จ" (no match)', route: () => `${SEARCH}?q=${encodeURIComponent('ใบเสร็จ')}`, goalMs: goal.list },
    {
      figure: 'conversation detail around a search hit',
      route: (i) => `${LIST}/${hits[i % hits.length].user}?around=${hits[i % hits.length].id}`,
      goalMs: goal.detail,
    },
  ];
  const rows: BenchRow[] = [];
  for (const { figure, route, goalMs } of figures) {
    for (let i = 0; i < 5; i++) await get(route(i));
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      await get(route(i));
      times.push(performance.now() - started);
    }
    const p50 = percentile(times, 0.5);
    const p95 = percentile(times, 0.95);
    ctx.log(`${database}: ${figure}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    rows.push({
      figure: `GET conversations at ${contacts / 1000}k contacts: ${figure}`,
      database,
      value: `p50 ${p50.toFixed(1)} ms / p95 ${p95.toFixed(1)} ms`,
      goal: `p95 < ${goalMs} ms`,
      ok: p95 < goalMs,
    });
  }
  return rows;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function adminExists(db: Database): Promise<boolean> {
  return (await db.sql.row(`SELECT 1 FROM operators WHERE lower(username) = lower($1)`, [ADMIN.username])) !== undefined;
}

/** Empties every table of the scratch database (the schema stays). */
async function wipe(db: Database): Promise<void> {
  const tables = await db.sql.rows<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  );
  if (tables.length) await db.sql.exec(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

if (require.main === module) runAlone(run);
