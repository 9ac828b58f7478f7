// SQL for the session_ratings table (migration 0020): one CSAT question per closed session, asked
// when it closed, answered whenever the user taps (hours later too) and found by its session,
// never by "the user's latest chat". The analytics that read it are in session-analytics.ts.
import type { Queryable } from '../db/sql';
import { pgIntArray } from './pg-arrays';

export interface SessionRatingRow {
  session_id: number;
  contact_id: number;
  /** Who held the chat when it closed: the operator rated. */
  operator_id: number | null;
  asked_at: Date;
  score: number | null;
  rated_at: Date | null;
  comment: string | null;
  commented_at: Date | null;
}

export class SessionRatingsTable {
  constructor(private readonly q: Queryable) {}

  /** The question asked for this session (once: a second ask changes nothing and answers undefined). */
  ask(rating: { session_id: number; contact_id: number; operator_id: number | null }): Promise<SessionRatingRow | undefined> {
    return this.q.row<SessionRatingRow>(
      `INSERT INTO session_ratings (session_id, contact_id, operator_id) VALUES ($1, $2, $3)
       ON CONFLICT (session_id) DO NOTHING RETURNING *`,
      [rating.session_id, rating.contact_id, rating.operator_id],
    );
  }

  bySession(sessionId: number): Promise<SessionRatingRow | undefined> {
    return this.q.row<SessionRatingRow>(`SELECT * FROM session_ratings WHERE session_id = $1`, [sessionId]);
  }

  /**
   * The user's answer to the question of this session, theirs only (`contact_id` must match):
   * the first answer counts, a later tap changes nothing (answered undefined).
   */
  rate(sessionId: number, contactId: number, score: number, at: Date): Promise<SessionRatingRow | undefined> {
    return this.q.row<SessionRatingRow>(
      `UPDATE session_ratings SET score = $3, rated_at = $4
       WHERE session_id = $1 AND contact_id = $2 AND score IS NULL RETURNING *`,
      [sessionId, contactId, score, at],
    );
  }

  /**
   * Per contact, the newest rating answered since `since` and still without a comment: the one
   * their next text may be the comment of. By session_ratings_contact_idx (the contact's few rows).
   */
  async awaitingComment(contactIds: number[], since: Date): Promise<Map<number, SessionRatingRow>> {
    if (contactIds.length === 0) return new Map();
    const rows = await this.q.rows<SessionRatingRow>(
      `SELECT DISTINCT ON (contact_id) * FROM session_ratings
       WHERE contact_id = ANY($1::int[]) AND score IS NOT NULL AND comment IS NULL AND rated_at >= $2
       ORDER BY contact_id, rated_at DESC`,
      [pgIntArray([...new Set(contactIds)]), since],
    );
    return new Map(rows.map((r) => [r.contact_id, r]));
  }

  /** The comment of an answered rating (the first one counts; answered undefined after). */
  comment(sessionId: number, text: string, at: Date): Promise<SessionRatingRow | undefined> {
    return this.q.row<SessionRatingRow>(
      `UPDATE session_ratings SET comment = $2, commented_at = $3
       WHERE session_id = $1 AND score IS NOT NULL AND comment IS NULL RETURNING *`,
      [sessionId, text, at],
    );
  }
}
