// SQL for the webhook_events table: every LINE webhook event once, keyed by its webhookEventId,
// which is how redeliveries (and the same body reaching two instances) are recognised. A row is
// also the event's job: stored before LINE's 200, claimed (processed_at set) by whichever
// instance records it, in the same transaction as the record, so it is processed exactly once.
// Its msgs then run through the flow under a lease (flow_lease_until): the flow's work done, it
// is marked flow_done_at; a lease that ran out first (a crash, a SIGTERM) lets any instance's
// recovery pass take it again (migration 0008).
import { prepared, type Queryable } from '../db/sql';
import { pgIntArray, pgTextArray } from './pg-arrays';

export interface WebhookEventInsert {
  webhook_event_id: string;
  destination: string | null;
  event_type: string;
  mode: string | null;
  source_type: string | null;
  source_id: string | null;
  line_user_id: string | null;
  payload: Record<string, unknown>;
  is_redelivery: boolean;
  event_time: string | null;
  /** The LINE credential (id or name) of the webhook that received it; null: the default one. */
  credential_ref: string | null;
}

export interface WebhookEventRow extends Omit<WebhookEventInsert, 'event_time'> {
  id: number;
  event_time: Date | null;
  received_at: Date;
  processed_at: Date | null;
  processing_error: string | null;
  flow_done_at: Date | null;
  flow_lease_until: Date | null;
  /** How often its msgs were emitted into the flow. */
  flow_attempts: number;
}

/** A newly stored event's row id and receipt time. */
export interface StoredWebhookEvent {
  id: number;
  received_at: Date;
}

// Every webhook event runs these (sql.ts, prepared()).
const INSERT_NEW = prepared(
  `INSERT INTO webhook_events (webhook_event_id, destination, event_type, mode, source_type, source_id,
       line_user_id, payload, is_redelivery, event_time, credential_ref)
     SELECT e.webhook_event_id, e.destination, e.event_type, e.mode, e.source_type, e.source_id,
       e.line_user_id, e.payload, e.is_redelivery, e.event_time, e.credential_ref
     FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
       AS (webhook_event_id text, destination text, event_type text, mode text, source_type text, source_id text,
           line_user_id text, payload jsonb, is_redelivery boolean, event_time timestamptz, credential_ref text)) WITH ORDINALITY
       AS e(webhook_event_id, destination, event_type, mode, source_type, source_id, line_user_id, payload,
            is_redelivery, event_time, credential_ref, n)
     ORDER BY n
     ON CONFLICT (webhook_event_id) DO NOTHING
     RETURNING id, webhook_event_id, received_at`,
);
const CLAIM = prepared(
  `UPDATE webhook_events SET processed_at = now(), flow_lease_until = now() + $2 * interval '1 millisecond', flow_attempts = 1
     WHERE id = ANY($1::int[]) AND processed_at IS NULL RETURNING id`,
);
const MARK_FLOW_DONE = prepared(`UPDATE webhook_events SET flow_done_at = now() WHERE webhook_event_id = ANY($1::text[]) AND flow_done_at IS NULL`);

export class WebhookEventsTable {
  constructor(private readonly q: Queryable) {}

  /**
   * Inserts the events in one statement and answers, per event in order, its row when it was
   * new, or null when that id was already stored (a redelivery, a concurrent copy, or the same
   * id earlier in `events`: the first copy is the one stored).
   */
  async insertNew(events: WebhookEventInsert[]): Promise<(StoredWebhookEvent | null)[]> {
    if (events.length === 0) return [];
    const rows = await this.q.rows<StoredWebhookEvent & { webhook_event_id: string }>(INSERT_NEW, [events]);
    const fresh = new Map(rows.map((r) => [r.webhook_event_id, { id: r.id, received_at: r.received_at }]));
    return events.map((e) => {
      const row = fresh.get(e.webhook_event_id);
      // delete: a second copy of the id in `events` was not the one stored
      fresh.delete(e.webhook_event_id);
      return row ?? null;
    });
  }

  byWebhookEventId(id: string): Promise<WebhookEventRow | undefined> {
    return this.q.row<WebhookEventRow>(`SELECT * FROM webhook_events WHERE webhook_event_id = $1`, [id]);
  }

  /**
   * Marks the unprocessed ones of these rows processed and answers their ids: run in the
   * transaction that records them, only the claimer records an event, once, and a rollback
   * gives the claim back. A concurrent claimer waits for the row lock and then finds it taken.
   */
  async claim(ids: number[], flowLeaseMs: number): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    // The claim is also the first emission of its msgs: the flow's lease starts here.
    const rows = await this.q.rows<{ id: number }>(CLAIM, [pgIntArray([...ids].sort((a, b) => a - b)), flowLeaseMs]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Rows stored but never processed, received at least `minAgeMs` ago (by the database's
   * clock, which every instance shares), oldest first; the partial index on unprocessed rows
   * serves it, whatever the table's size.
   */
  unprocessed(minAgeMs: number, limit: number): Promise<WebhookEventRow[]> {
    return this.q.rows<WebhookEventRow>(
      `SELECT * FROM webhook_events
       WHERE processed_at IS NULL AND received_at <= now() - $1 * interval '1 millisecond'
       ORDER BY received_at, id LIMIT $2`,
      [minAgeMs, limit],
    );
  }

  /** Gives up on an event that cannot be recorded (kept, with why, and not tried again). */
  async markFailed(id: number, error: string): Promise<void> {
    await this.q.exec(`UPDATE webhook_events SET processed_at = now(), flow_done_at = now(), processing_error = $2 WHERE id = $1 AND processed_at IS NULL`, [
      id,
      error,
    ]);
  }

  /** Marks the flow's work of these events done (their msgs have all left the flow). */
  async markFlowDone(webhookEventIds: string[]): Promise<void> {
    if (webhookEventIds.length === 0) return;
    await this.q.exec(MARK_FLOW_DONE, [pgTextArray([...new Set(webhookEventIds)].sort())]);
  }

  /**
   * Takes up to `limit` recorded events of these credentials ('' = the default one) whose flow is
   * not done and whose lease ran out, for another emission: each gets a new lease and one more
   * attempt. Rows another instance is taking are skipped (SKIP LOCKED), and the conditional
   * UPDATE re-checks the lease, so two instances never both take one. Oldest first.
   */
  takeExpiredFlows(credentials: string[], leaseMs: number, limit: number): Promise<WebhookEventRow[]> {
    if (credentials.length === 0) return Promise.resolve([]);
    return this.q.rows<WebhookEventRow>(
      `UPDATE webhook_events SET flow_lease_until = now() + $2 * interval '1 millisecond', flow_attempts = flow_attempts + 1
       WHERE id IN (
         SELECT id FROM webhook_events
         WHERE processed_at IS NOT NULL AND flow_done_at IS NULL AND flow_lease_until < now()
           AND COALESCE(credential_ref, '') = ANY($1::text[])
         ORDER BY flow_lease_until, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       AND flow_done_at IS NULL AND flow_lease_until < now()
       RETURNING *`,
      [pgTextArray(credentials), leaseMs, limit],
    );
  }

  /** Gives up the flow of an event emitted too often (kept, with why, and not emitted again). */
  async giveUpFlow(id: number, error: string): Promise<void> {
    await this.q.exec(`UPDATE webhook_events SET flow_done_at = now(), processing_error = $2 WHERE id = $1 AND flow_done_at IS NULL`, [id, error]);
  }
}
