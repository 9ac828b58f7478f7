// The soak benchmark's traffic and its ledger: a steady mix of signed webhooks (plain messages
// from a pool of users, handoff keywords each from a user of its own) sent to whichever products
// are up, every answer but 200 (a 503 of a drain, a connection cut by a kill) delivered again as
// LINE does (same webhookEventId, `deliveryContext.isRedelivery`), until it is acknowledged.
// Then what the acknowledged events promised is counted at fake LINE, fake Telegram and in the
// database: once each, or lost, or duplicated.
import { sign, messageEvent, redelivered, userId, webhookBody } from '../test/support/line-webhooks';
import type { FakeLine } from '../test/support/fake-line';
import type { FakeTelegram } from '../test/support/fake-telegram';
import type { Database } from '../src/db/database';
import { pgTextArray } from '../src/store/pg-arrays';

export const HANDOFF_TEXT = 'ติดต่อเจ้าหน้าที่';
/** The default greeting (src/live-chat/live-chat-settings.ts) and the start of the default flow's bot answer to a text. */
const GREETING = 'เจ้าหน้าที่จะติดต่อกลับในไม่ช้า กรุณารอสักครู่';
const BOT_ANSWER = 'ได้รับข้อความแล้วครับ';
const POST_TIMEOUT_MS = 5000;

interface SentEvent {
  id: string;
  user: string;
  handoff: boolean;
  event: Record<string, unknown>;
  ackedAt?: number;
}

export interface Tally {
  acked: number;
  handoffs: number;
  /** Acknowledged events not stored, and promised sends not made. */
  lost: { stored: number; sessions: number; greetings: number; alerts: number; answers: number };
  duplicated: { stored: number; sessions: number; greetings: number; alerts: number; answers: number };
}

export class SoakTraffic {
  readonly events: SentEvent[] = [];
  /** Answers other than 200 by status ('cut' for a connection ended without one). */
  readonly refused = new Map<string, number>();
  /** When each 200 came (ms since the epoch). */
  readonly acks: number[] = [];
  private readonly pending: SentEvent[] = [];
  private readonly tokenUser = new Map<string, string>();
  private readonly plainUsers = Array.from({ length: 40 }, () => userId());
  private running = false;
  private loops: Promise<void>[] = [];
  private next = 0;

  /** `targets()` answers the base URLs of the products up now (none while all are down). */
  constructor(
    private readonly line: FakeLine,
    private readonly telegram: FakeTelegram,
    private readonly targets: () => string[],
    private readonly perSecond: number,
    private readonly handoffShare = 0.25,
  ) {}

  start(): void {
    this.running = true;
    this.loops = [this.sendLoop(), this.redeliverLoop()];
  }

  /** Stops new events, then delivers again until every event sent is acknowledged (or `timeoutMs`). */
  async stop(timeoutMs = 120_000): Promise<void> {
    this.running = false;
    await this.loops[0];
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length || this.inFlight > 0) {
      if (Date.now() > deadline) throw new Error(`${this.pending.length} events still not acknowledged after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    this.draining = true;
    await this.loops[1];
  }

  private inFlight = 0;
  private draining = false;

  private async sendLoop(): Promise<void> {
    const gap = 1000 / this.perSecond;
    let due = Date.now();
    while (this.running) {
      due += gap;
      void this.deliver(this.newEvent());
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
  }

  private async redeliverLoop(): Promise<void> {
    while (!this.draining) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const event of this.pending.splice(0)) void this.deliver(event);
    }
  }

  private newEvent(): SentEvent {
    const handoff = Math.random() < this.handoffShare;
    const user = handoff ? userId() : this.plainUsers[this.next++ % this.plainUsers.length];
    const replyToken = this.line.issueReplyToken();
    this.tokenUser.set(replyToken, user);
    const event = messageEvent(handoff ? HANDOFF_TEXT : `question ${this.events.length}`, { userId: user, replyToken });
    const sent = { id: event.webhookEventId as string, user, handoff, event };
    this.events.push(sent);
    return sent;
  }

  private async deliver(sent: SentEvent): Promise<void> {
    const targets = this.targets();
    if (!targets.length) {
      this.count('down');
      this.pending.push(sent);
      return;
    }
    const url = targets[Math.floor(Math.random() * targets.length)];
    const event = sent.ackedAt === undefined && this.refusedOnce.has(sent.id) ? redelivered(sent.event) : sent.event;
    const body = webhookBody([event]);
    this.inFlight += 1;
    try {
      const res = await fetch(`${url}/line/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      if (res.status === 200) {
        sent.ackedAt = Date.now();
        this.acks.push(sent.ackedAt);
        return;
      }
      this.count(String(res.status));
    } catch {
      this.count('cut');
    } finally {
      this.inFlight -= 1;
    }
    this.refusedOnce.add(sent.id);
    this.pending.push(sent);
  }

  private readonly refusedOnce = new Set<string>();

  private count(what: string): void {
    this.refused.set(what, (this.refused.get(what) ?? 0) + 1);
  }

  /** How many times LINE and Telegram carried out each kind of send for `user`. */
  private sendsTo(): { greetings: Map<string, number>; answers: Map<string, number>; alerts: Map<string, number> } {
    const greetings = new Map<string, number>();
    const answers = new Map<string, number>();
    const alerts = new Map<string, number>();
    const add = (map: Map<string, number>, user: string | undefined) => user && map.set(user, (map.get(user) ?? 0) + 1);
    for (const request of this.line.carriedOut) {
      const body = request.body as { to?: string; replyToken?: string; messages?: { text?: string }[] };
      const user = body.to ?? (body.replyToken ? this.tokenUser.get(body.replyToken) : undefined);
      const text = body.messages?.[0]?.text ?? '';
      if (text === GREETING) add(greetings, user);
      else if (text.startsWith(BOT_ANSWER)) add(answers, user);
    }
    const users = new Set(this.events.map((e) => e.user));
    for (const message of this.telegram.sent) {
      const user = /U[0-9a-f]{32}/.exec(message.plain)?.[0];
      if (user && users.has(user)) add(alerts, user);
    }
    return { greetings, answers, alerts };
  }

  /** True once every event acknowledged by `before` has its greeting and alert, or its answer. */
  doneUpTo(before: number): boolean {
    return this.missingUpTo(before) === '';
  }

  /** What the events acknowledged by `before` still miss ('' when nothing). */
  missingUpTo(before: number): string {
    const sends = this.sendsTo();
    const answersDue = new Map<string, number>();
    let greetings = 0;
    let alerts = 0;
    let answers = 0;
    for (const e of this.events) {
      if (e.ackedAt === undefined || e.ackedAt > before) continue;
      if (e.handoff) {
        if (!sends.greetings.get(e.user)) greetings += 1;
        if (!sends.alerts.get(e.user)) alerts += 1;
      } else answersDue.set(e.user, (answersDue.get(e.user) ?? 0) + 1);
    }
    for (const [user, due] of answersDue) answers += Math.max(0, due - (sends.answers.get(user) ?? 0));
    return greetings + alerts + answers ? `greetings ${greetings}, alerts ${alerts}, answers ${answers} missing` : '';
  }

  /** The final count, against the database (the products stopped) and the fakes. */
  async tally(db: Database): Promise<Tally> {
    const acked = this.events.filter((e) => e.ackedAt !== undefined);
    const zero = () => ({ stored: 0, sessions: 0, greetings: 0, alerts: 0, answers: 0 });
    const tally: Tally = { acked: acked.length, handoffs: acked.filter((e) => e.handoff).length, lost: zero(), duplicated: zero() };
    const off = (kind: keyof Tally['lost'], got: number, due: number) => {
      if (got < due) tally.lost[kind] += due - got;
      if (got > due) tally.duplicated[kind] += got - due;
    };

    const stored = await db.sql.rows<{ webhook_event_id: string; n: number }>(
      `SELECT webhook_event_id, count(*)::int AS n FROM messages WHERE direction = 'IN' AND webhook_event_id = ANY($1::text[]) GROUP BY webhook_event_id`,
      [pgTextArray(acked.map((e) => e.id))],
    );
    const storedCount = new Map(stored.map((row) => [row.webhook_event_id, row.n]));
    for (const e of acked) off('stored', storedCount.get(e.id) ?? 0, 1);

    const handoffUsers = acked.filter((e) => e.handoff).map((e) => e.user);
    const sessions = await db.sql.rows<{ line_user_id: string; n: number }>(
      `SELECT line_user_id, count(*)::int AS n FROM chat_sessions WHERE line_user_id = ANY($1::text[]) GROUP BY line_user_id`,
      [pgTextArray(handoffUsers)],
    );
    const sessionCount = new Map(sessions.map((row) => [row.line_user_id, row.n]));
    const sends = this.sendsTo();
    for (const user of handoffUsers) {
      off('sessions', sessionCount.get(user) ?? 0, 1);
      off('greetings', sends.greetings.get(user) ?? 0, 1);
      off('alerts', sends.alerts.get(user) ?? 0, 1);
    }
    const answersDue = new Map<string, number>();
    for (const e of acked) if (!e.handoff) answersDue.set(e.user, (answersDue.get(e.user) ?? 0) + 1);
    for (const [user, due] of answersDue) off('answers', sends.answers.get(user) ?? 0, due);
    return tally;
  }
}

export const sum = (counts: Tally['lost']): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** "stored 0, sessions 0, greetings 1, …" */
export function spelled(counts: Tally['lost']): string {
  return Object.entries(counts)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}
