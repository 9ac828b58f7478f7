// SQL for the chat_sessions table: one handoff from WAITING through ACTIVE to CLOSED. At most one
// session per contact is open (a partial unique index), so racing handoffs open exactly one, and
// every state change is one conditional UPDATE, so racing claims or closes have one winner.
import type { Queryable } from '../db/sql';
import { pgIntArray } from './pg-arrays';

export type SessionStatus = 'WAITING' | 'ACTIVE' | 'CLOSED';
export type ClosedBy = 'OPERATOR' | 'SYSTEM' | 'USER';
export const SESSION_STATUSES: readonly SessionStatus[] = ['WAITING', 'ACTIVE', 'CLOSED'];

export interface ChatSessionRow {
  id: number;
  contact_id: number;
  line_user_id: string;
  operator_id: number | null;
  status: SessionStatus;
  started_at: Date;
  claimed_at: Date | null;
  closed_at: Date | null;
  /** When the operator's first message (or own closing message) was sent. */
  first_response_at: Date | null;
  /**
   * The conversation's messages in this session: the user's (the trigger and all while it is
   * open) and the operators' (including their own closing message). The system's greeting and
   * closing texts and the bot's messages are not counted.
   */
  message_count: number;
  closed_by: ClosedBy | null;
  reminded_at: Date | null;
  /** The longest wait (minutes) announced for this session while WAITING; null: none yet. */
  waiting_alerted_minutes: number | null;
  /** The webhook event whose handoff opened it, if one did (a re-run of that event completes it). */
  trigger_event_id: string | null;
  /** When its Telegram handoff alert was sent (once per session). */
  alert_sent_at: Date | null;
  /** Until when an instance is sending that alert (a crash mid-call frees it after). */
  alert_lease_until: Date | null;
  /** It opened outside business hours (the away message went instead of the greeting). */
  after_hours: boolean;
  /** When the waiting user was last told their place in the queue, and that place. */
  queue_told_at: Date | null;
  queue_told_position: number | null;
}

/** A session taken by takeLongWaits, with the longest wait announced before this one. */
export interface LongWaitRow extends ChatSessionRow {
  alerted_before: number | null;
}

export class ChatSessionsTable {
  constructor(private readonly q: Queryable) {}

  byId(id: number): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(`SELECT * FROM chat_sessions WHERE id = $1`, [id]);
  }

  /** The contact's WAITING or ACTIVE session. */
  openFor(contactId: number): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(`SELECT * FROM chat_sessions WHERE contact_id = $1 AND status <> 'CLOSED'`, [contactId]);
  }

  /** The session a webhook event opened, open or closed (the contact's few sessions are searched). */
  openedByEvent(lineUserId: string, webhookEventId: string): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(`SELECT * FROM chat_sessions WHERE line_user_id = $1 AND trigger_event_id = $2`, [lineUserId, webhookEventId]);
  }

  /** Opens a WAITING session; undefined when the contact has an open one already. */
  open(contactId: number, lineUserId: string, triggerEventId: string | null = null, afterHours = false): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(
      `INSERT INTO chat_sessions (contact_id, line_user_id, status, trigger_event_id, after_hours) VALUES ($1, $2, 'WAITING', $3, $4)
       ON CONFLICT (contact_id) WHERE status <> 'CLOSED' DO NOTHING
       RETURNING *`,
      [contactId, lineUserId, triggerEventId, afterHours],
    );
  }

  /**
   * Takes the sending of the session's handoff alert for `leaseMs`: true when it was not sent and
   * nobody else is sending it (a lease that ran out, a crash mid-call, is taken again). With
   * `takeOver`, a lease still running is taken too: its holder is known to be gone.
   */
  async takeAlert(id: number, leaseMs: number, takeOver = false): Promise<boolean> {
    const row = await this.q.row<{ id: number }>(
      `UPDATE chat_sessions SET alert_lease_until = now() + $2 * interval '1 millisecond'
       WHERE id = $1 AND alert_sent_at IS NULL AND (alert_lease_until IS NULL OR alert_lease_until < now() OR $3)
       RETURNING id`,
      [id, leaseMs, takeOver],
    );
    return row !== undefined;
  }

  /** The alert taken by takeAlert() was sent (true) or gives it back for another try (false). */
  async finishAlert(id: number, sent: boolean): Promise<void> {
    await this.q.exec(
      sent
        ? `UPDATE chat_sessions SET alert_sent_at = now(), alert_lease_until = NULL WHERE id = $1`
        : `UPDATE chat_sessions SET alert_lease_until = NULL WHERE id = $1 AND alert_sent_at IS NULL`,
      [id],
    );
  }

  /** WAITING -> ACTIVE for `operatorId`; undefined when the session is not WAITING any more. */
  claim(id: number, operatorId: number): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(
      `UPDATE chat_sessions SET status = 'ACTIVE', operator_id = $2, claimed_at = now()
       WHERE id = $1 AND status = 'WAITING' RETURNING *`,
      [id, operatorId],
    );
  }

  /**
   * Hands an ACTIVE session held by `fromOperatorId` to `toOperatorId`; undefined when it is not
   * ACTIVE, no longer held by `fromOperatorId` (another handover won), or theirs already.
   */
  reassign(id: number, fromOperatorId: number | null, toOperatorId: number): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(
      `UPDATE chat_sessions SET operator_id = $3
       WHERE id = $1 AND status = 'ACTIVE' AND operator_id IS NOT DISTINCT FROM $2 AND operator_id IS DISTINCT FROM $3 RETURNING *`,
      [id, fromOperatorId, toOperatorId],
    );
  }

  /** Closes an open session; undefined when it was closed already. */
  close(id: number, closedBy: ClosedBy): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(
      `UPDATE chat_sessions SET status = 'CLOSED', closed_at = now(), closed_by = $2
       WHERE id = $1 AND status <> 'CLOSED' RETURNING *`,
      [id, closedBy],
    );
  }

  /** Counts `count` more messages; an operator's first one sets first_response_at. */
  countMessages(id: number, count: number, byOperator: boolean): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(
      `UPDATE chat_sessions SET message_count = message_count + $2,
         first_response_at = CASE WHEN $3::boolean THEN COALESCE(first_response_at, now()) ELSE first_response_at END
       WHERE id = $1 RETURNING *`,
      [id, count, byOperator],
    );
  }

  /** Counts more users' messages in several sessions at once (countMessages without an operator). */
  async countUserMessages(counts: Map<number, number>): Promise<void> {
    if (counts.size === 0) return;
    const ids = [...counts.keys()].sort((a, b) => a - b);
    await this.q.exec(
      `UPDATE chat_sessions s SET message_count = s.message_count + c.n
       FROM unnest($1::int[], $2::int[]) AS c(id, n) WHERE s.id = c.id`,
      [pgIntArray(ids), pgIntArray(ids.map((id) => counts.get(id)!))],
    );
  }

  /** Open sessions whose last message (or start, or claim) is older than `cutoff`. */
  idleSince(cutoff: Date): Promise<ChatSessionRow[]> {
    return this.q.rows<ChatSessionRow>(
      `SELECT s.* FROM chat_sessions s
       WHERE s.status <> 'CLOSED'
         AND GREATEST(s.started_at, s.claimed_at, (SELECT max(m.created_at) FROM messages m WHERE m.session_id = s.id)) < $1
       ORDER BY s.id`,
      [cutoff],
    );
  }

  /**
   * Takes the WAITING sessions started before `cutoff` that had no reminder yet, marking them
   * reminded in the same statement, so each gets one reminder whoever else is looking.
   */
  takeDueReminders(cutoff: Date): Promise<ChatSessionRow[]> {
    return this.q.rows<ChatSessionRow>(
      `UPDATE chat_sessions SET reminded_at = now()
       WHERE status = 'WAITING' AND reminded_at IS NULL AND started_at < $1
       RETURNING *`,
      [cutoff],
    );
  }

  /**
   * Takes the WAITING sessions started before `cutoff` (now - `minutes`) whose wait of `minutes`
   * was not announced yet, marking them in the same statement, so each (session, threshold) is
   * announced once whoever else is looking. The locked read re-checks a row another instance
   * marked meanwhile. `alerted_before` tells a listener with a shorter threshold that it was
   * passed too.
   */
  takeLongWaits(minutes: number, cutoff: Date): Promise<LongWaitRow[]> {
    return this.q.rows<LongWaitRow>(
      `UPDATE chat_sessions s SET waiting_alerted_minutes = $1
       FROM (SELECT id, waiting_alerted_minutes FROM chat_sessions
             WHERE status = 'WAITING' AND started_at < $2 AND (waiting_alerted_minutes IS NULL OR waiting_alerted_minutes < $1)
             ORDER BY id FOR UPDATE) AS before
       WHERE s.id = before.id
       RETURNING s.*, before.waiting_alerted_minutes AS alerted_before`,
      [minutes, cutoff],
    );
  }

  /** Gives back a reminder that could not be sent, so a later round tries again. */
  async untakeReminder(id: number): Promise<void> {
    await this.q.exec(`UPDATE chat_sessions SET reminded_at = NULL WHERE id = $1 AND status = 'WAITING'`, [id]);
  }
}
