// SQL for the chat_timeline table (migration 0017): what happens in a chat besides its messages,
// shown between them by time. Internal notes (never sent to LINE), the chat changing hands, and
// the user's rating of it (migration 0023).
import type { Queryable } from '../db/sql';

export type TimelineKind = 'note' | 'claimed' | 'reassigned' | 'rated' | 'commented';

export interface TimelineRow {
  id: number;
  contact_id: number;
  session_id: number | null;
  kind: TimelineKind;
  /** Who wrote the note, or did the claim or handover (null: a flow, the system). */
  operator_id: number | null;
  /** reassigned: the holder before. */
  from_operator_id: number | null;
  /** claimed, reassigned: the holder after. */
  to_operator_id: number | null;
  /** The note, the note that went with a handover, or the user's comment on the chat (commented). */
  text: string | null;
  /** rated: the user's score, 1 to 5. */
  score: number | null;
  created_at: Date;
}

export type TimelineEntry = Omit<TimelineRow, 'id' | 'created_at' | 'score'> & { score?: number | null };

/** The most entries one page of a chat shows (a page spans one page of messages). */
export const TIMELINE_PAGE_MAX = 200;

export class ChatTimelineTable {
  constructor(private readonly q: Queryable) {}

  async insert(entry: TimelineEntry): Promise<TimelineRow> {
    return (await this.q.row<TimelineRow>(
      `INSERT INTO chat_timeline (contact_id, session_id, kind, operator_id, from_operator_id, to_operator_id, text, score)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [entry.contact_id, entry.session_id, entry.kind, entry.operator_id, entry.from_operator_id, entry.to_operator_id, entry.text, entry.score ?? null],
    ))!;
  }

  byId(id: number): Promise<TimelineRow | undefined> {
    return this.q.row<TimelineRow>(`SELECT * FROM chat_timeline WHERE id = $1`, [id]);
  }

  /** The contact's entries from `from` (inclusive) until `until` (exclusive), oldest first; null: unbounded. */
  between(contactId: number, from: Date | null, until: Date | null): Promise<TimelineRow[]> {
    return this.q.rows<TimelineRow>(
      `SELECT * FROM (
         SELECT * FROM chat_timeline WHERE contact_id = $1
           AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
         ORDER BY created_at DESC, id DESC LIMIT $4
       ) newest ORDER BY created_at, id`,
      [contactId, from, until, TIMELINE_PAGE_MAX],
    );
  }
}
