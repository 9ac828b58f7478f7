// The inbox's first paint at an Official Account's size (issue 9: < 1 s with 100,000 contacts in
// headless Chromium). The product (default flow) runs on a seeded inbox (bench/seed.ts: 100,000
// contacts / 1,000,000 messages, 10,000 with --quick); an operator signed in (the login cookie)
// opens /admin/live-chat in Chromium (/usr/bin/chromium through playwright-core, as the browser
// tests do). Times are the page's own, from the navigation's start: the first conversation row
// in the document and the list's first page all there, seen on the animation frame before it is
// painted. Each load is with an empty cache (a new browser context) and again with the cache
// warm (a reload). Then the list is scrolled to its end: the next page must come by cursor. The
// list calls and the rows they answer are counted: the page must never ask for all contacts.
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { runAlone } from './context';
import { BENCH_ADMIN, loginWhenReady, percentile, startSeededProduct } from './servers';
import type { BenchContext, BenchDatabase, BenchRow } from './types';

const ADMIN = BENCH_ADMIN;
const LIST_PATH = '/api/v1/admin/live-chat/conversations';
const GOAL_MS = 1000;

/** Installed before the page's own scripts: each animation frame notes how many conversation rows the document holds (through shadow roots). */
const WATCH_ROWS = () => {
  const seen: [number, number][] = [];
  (window as unknown as { __rows: [number, number][] }).__rows = seen;
  const count = (root: Document | ShadowRoot): number => {
    let n = 0;
    for (const el of root.querySelectorAll('*')) {
      if (el.localName === 'llc-conversation-item') n++;
      if (el.shadowRoot) n += count(el.shadowRoot);
    }
    return n;
  };
  const frame = (at: number) => {
    const n = count(document);
    if (n !== (seen.at(-1)?.[1] ?? 0)) seen.push([at, n]);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

interface ListCall {
  url: URL;
  rows: number;
  total: number;
}

interface Load {
  firstRowMs: number;
  firstPageMs: number;
  calls: ListCall[];
}

/** Every list call the page makes, with the rows it got. */
function recordListCalls(page: Page): ListCall[] {
  const calls: ListCall[] = [];
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (url.pathname !== LIST_PATH || res.request().method() !== 'GET') return;
    const body = (await res.json().catch(() => undefined)) as { conversations?: unknown[]; total?: number } | undefined;
    calls.push({ url, rows: body?.conversations?.length ?? 0, total: body?.total ?? 0 });
  });
  return calls;
}

const rowsSeen = (page: Page) => page.evaluate(() => (window as unknown as { __rows: [number, number][] }).__rows);

/** Opens the inbox (or reloads it) and waits for the first page of rows; the times are the page's own. */
async function load(page: Page, url: string, calls: ListCall[], reload: boolean): Promise<Load> {
  calls.length = 0;
  if (reload) await page.reload();
  else await page.goto(url);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const seen = await rowsSeen(page);
    const expected = calls[0]?.rows;
    const full = expected !== undefined && seen.find(([, n]) => n >= expected);
    if (full && seen.length) return { firstRowMs: seen[0][0], firstPageMs: full[0], calls: [...calls] };
    if (Date.now() > deadline) throw new Error(`no first page of rows in 60 s (rows seen ${JSON.stringify(seen)}, list calls ${calls.length})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Scrolls the list to its end and waits for more rows; answers the calls that brought them and the time. */
async function scrollForMore(page: Page, calls: ListCall[], before: number): Promise<{ ms: number; calls: ListCall[]; rows: number }> {
  const from = calls.length;
  const t0 = performance.now();
  await page.evaluate(() => {
    const find = (root: Document | ShadowRoot): HTMLElement | undefined => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === 'llc-conversation-list' && el.shadowRoot) return el.shadowRoot.querySelector<HTMLElement>('.scroll') ?? undefined;
        if (el.shadowRoot) {
          const inner = find(el.shadowRoot);
          if (inner) return inner;
        }
      }
      return undefined;
    };
    const scroller = find(document);
    if (!scroller) throw new Error('no conversation list to scroll');
    scroller.scrollTop = scroller.scrollHeight;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const seen = await rowsSeen(page);
    const rows = seen.at(-1)?.[1] ?? 0;
    if (rows > before) {
      const ms = performance.now() - t0;
      // The response listener reads a call's body before it records the call: the rows can be
      // on the page first.
      while (calls.length === from && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return { ms, calls: calls.slice(from), rows };
    }
    if (Date.now() > deadline) throw new Error(`scrolling to the end brought no more rows in 30 s (still ${rows})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function measure(ctx: BenchContext, database: BenchDatabase, contacts: number): Promise<BenchRow[]> {
  const { server, line } = await startSeededProduct(ctx, database, contacts, 'first-paint');
  const browser = await launchBrowser();
  const at = `${contacts / 1000}k contacts`;
  try {
    await loginWhenReady(server, ADMIN);
    const inbox = `${server.baseUrl}/admin/live-chat`;
    const cold: Load[] = [];
    const warm: Load[] = [];
    let scrolled: { ms: number; calls: ListCall[]; rows: number } | undefined;
    let firstPageRows = 0;
    const loads = ctx.quick ? 5 : 10;
    for (let i = 0; i < loads; i++) {
      const context: BrowserContext = await browser.newContext({ locale: 'th-TH', viewport: { width: 1280, height: 800 } });
      try {
        // The login cookie, set by the API as the login page would.
        const res = await context.request.post(`${server.baseUrl}/api/v1/auth/login`, { data: ADMIN });
        if (res.status() !== 200) throw new Error(`login: ${res.status()}`);
        await context.addInitScript(WATCH_ROWS);
        const page = await context.newPage();
        const calls = recordListCalls(page);
        cold.push(await load(page, inbox, calls, false));
        warm.push(await load(page, inbox, calls, true));
        if (i === 0) {
          firstPageRows = (await rowsSeen(page)).at(-1)?.[1] ?? 0;
          scrolled = await scrollForMore(page, calls, firstPageRows);
        }
      } finally {
        await context.close();
      }
    }
    const times = (list: Load[], pick: (l: Load) => number) => [...list.map(pick)].sort((a, b) => a - b);
    const p = (values: number[], q: number) => percentile(values, q).toFixed(0);
    const firstRowCold = times(cold, (l) => l.firstRowMs);
    const firstPageCold = times(cold, (l) => l.firstPageMs);
    const firstRowWarm = times(warm, (l) => l.firstRowMs);
    const firstPageWarm = times(warm, (l) => l.firstPageMs);
    ctx.log(`${database}: first row cold ${firstRowCold.map((t) => t.toFixed(0)).join(', ')} ms; warm ${firstRowWarm.map((t) => t.toFixed(0)).join(', ')} ms`);
    const opening = cold[0].calls;
    const total = opening[0]?.total ?? 0;
    const rowsOnOpen = opening.reduce((sum, call) => sum + call.rows, 0);
    const scrollCalls = scrolled?.calls ?? [];
    const byCursor = scrollCalls.length > 0 && scrollCalls.every((call) => call.url.searchParams.has('cursor'));
    const allCalls = [...cold, ...warm].flatMap((l) => l.calls).concat(scrollCalls);
    const mostRows = Math.max(...allCalls.map((call) => call.rows));
    return [
      {
        figure: `inbox first paint at ${at}: first conversation row, empty cache (${loads} loads)`,
        database,
        value: `p50 ${p(firstRowCold, 50)} ms / max ${p(firstRowCold, 100)} ms`,
        goal: `< ${GOAL_MS} ms`,
        ok: percentile(firstRowCold, 100) < GOAL_MS,
      },
      {
        figure: `inbox first paint at ${at}: the list's first page complete, empty cache`,
        database,
        value: `p50 ${p(firstPageCold, 50)} ms / max ${p(firstPageCold, 100)} ms`,
        goal: `< ${GOAL_MS} ms`,
        ok: percentile(firstPageCold, 100) < GOAL_MS,
      },
      {
        figure: `inbox first paint at ${at}: first row / first page, cache warm (reload)`,
        database,
        value: `p50 ${p(firstRowWarm, 50)} ms / p50 ${p(firstPageWarm, 50)} ms`,
      },
      {
        figure: `inbox at ${at}: list calls and rows on opening the page`,
        database,
        value: `${opening.length} call(s), ${rowsOnOpen} rows of ${total}`,
        goal: 'one page, not all contacts',
        ok: opening.length >= 1 && rowsOnOpen <= 2 * firstPageRows && rowsOnOpen < total,
      },
      {
        figure: `inbox at ${at}: scrolled to the list's end: the next page`,
        database,
        value: `${scrollCalls.length} call(s)${byCursor ? ' by cursor' : ' NOT by cursor'}, ${firstPageRows} → ${scrolled?.rows ?? 0} rows in ${(scrolled?.ms ?? 0).toFixed(0)} ms; largest answer ${mostRows} rows`,
        goal: 'by cursor, a page at a time',
        ok: byCursor && mostRows <= 200 && (scrolled?.rows ?? 0) > firstPageRows,
      },
    ];
  } finally {
    await browser.close();
    await server.stop();
    await line.close();
  }
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const contacts = ctx.quick ? 10_000 : 100_000;
  const rows: BenchRow[] = [];
  for (const database of ctx.databases) rows.push(...(await measure(ctx, database, contacts)));
  return rows;
}

if (require.main === module) runAlone(run);
