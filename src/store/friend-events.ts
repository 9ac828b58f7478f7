// SQL for the friend_events table: the history of follows, unfollows and refollows (seed §3).
import type { Queryable } from '../db/sql';

export type FriendEventType = 'FOLLOW' | 'UNFOLLOW' | 'REFOLLOW';
export type FriendEventSource = 'WEBHOOK' | 'MANUAL';

export interface FriendEventRow {
  id: number;
  contact_id: number | null;
  line_user_id: string;
  event_type: FriendEventType;
  source: FriendEventSource;
  webhook_event_id: string | null;
  created_at: Date;
}

export class FriendEventsTable {
  constructor(private readonly q: Queryable) {}

  async insert(values: {
    contact_id: number;
    line_user_id: string;
    event_type: FriendEventType;
    source: FriendEventSource;
    webhook_event_id?: string;
    created_at: Date;
  }): Promise<FriendEventRow> {
    return (await this.q.row<FriendEventRow>(
      `INSERT INTO friend_events (contact_id, line_user_id, event_type, source, webhook_event_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [values.contact_id, values.line_user_id, values.event_type, values.source, values.webhook_event_id ?? null, values.created_at],
    ))!;
  }

  /** The user's history, oldest first. */
  forLineUser(lineUserId: string): Promise<FriendEventRow[]> {
    return this.q.rows<FriendEventRow>(`SELECT * FROM friend_events WHERE line_user_id = $1 ORDER BY created_at, id`, [lineUserId]);
  }

  /** The user's most recent friend event. */
  latestFor(lineUserId: string): Promise<FriendEventRow | undefined> {
    return this.q.row<FriendEventRow>(`SELECT * FROM friend_events WHERE line_user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, [lineUserId]);
  }
}
