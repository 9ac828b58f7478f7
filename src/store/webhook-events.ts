// SQL for the webhook_events table: every LINE webhook event once, keyed by its webhookEventId,
// which is how redeliveries (and the same body reaching two instances) are recognised.
import type { Queryable } from '../db/sql';
import { pgTextArray } from './pg-arrays';

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
}

export interface WebhookEventRow extends Omit<WebhookEventInsert, 'event_time'> {
  id: number;
  event_time: Date | null;
  received_at: Date;
  processed_at: Date | null;
  processing_error: string | null;
}

export class WebhookEventsTable {
  constructor(private readonly q: Queryable) {}

  /**
   * Inserts the events in one statement and answers the ids of those that were new; an id
   * already stored (a redelivery, or a concurrent copy) is skipped.
   */
  async insertNew(events: WebhookEventInsert[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = await this.q.rows<{ webhook_event_id: string }>(
      `INSERT INTO webhook_events (webhook_event_id, destination, event_type, mode, source_type, source_id,
         line_user_id, payload, is_redelivery, event_time)
       SELECT e.webhook_event_id, e.destination, e.event_type, e.mode, e.source_type, e.source_id,
         e.line_user_id, e.payload, e.is_redelivery, e.event_time
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS (webhook_event_id text, destination text, event_type text, mode text, source_type text, source_id text,
             line_user_id text, payload jsonb, is_redelivery boolean, event_time timestamptz)) WITH ORDINALITY
         AS e(webhook_event_id, destination, event_type, mode, source_type, source_id, line_user_id, payload,
              is_redelivery, event_time, n)
       ORDER BY n
       ON CONFLICT (webhook_event_id) DO NOTHING
       RETURNING webhook_event_id`,
      [events],
    );
    return new Set(rows.map((r) => r.webhook_event_id));
  }

  byWebhookEventId(id: string): Promise<WebhookEventRow | undefined> {
    return this.q.row<WebhookEventRow>(`SELECT * FROM webhook_events WHERE webhook_event_id = $1`, [id]);
  }

  async markProcessed(ids: string[], error: string | null = null): Promise<void> {
    if (ids.length === 0) return;
    await this.q.exec(`UPDATE webhook_events SET processed_at = now(), processing_error = $2 WHERE webhook_event_id = ANY($1::text[])`, [
      pgTextArray(ids),
      error,
    ]);
  }
}
