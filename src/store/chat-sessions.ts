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

/** The send keys of queue updates start with this (queue:<session id>:<place>). */
export const QUEUE_SEND_KEY = 'queue:';

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
         AND GREATEST(s.started_at, s.claimed_at, (SELECT max(m.created_at) FROM messages m
           -- A queue update (issue 12) is no sign of life: the chat idles through it.
           WHERE m.session_id = s.id AND (m.send_key IS NULL OR m.send_key NOT LIKE '${QUEUE_SEND_KEY}%'))) < $1
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

  /**
   * The session's place in the queue: the WAITING sessions started before it (by started_at,
   * then id), itself included; 0 when it is not WAITING. A range of chat_sessions_status_idx.
   */
  async queuePlace(id: number): Promise<number> {
    const row = await this.q.row<{ place: number }>(
      `WITH me AS (SELECT started_at FROM chat_sessions WHERE id = $1 AND status = 'WAITING')
       SELECT count(*)::int AS place FROM chat_sessions w
       WHERE w.status = 'WAITING' AND w.started_at <= (SELECT started_at FROM me) AND (w.started_at < (SELECT started_at FROM me) OR w.id <= $1)`,
      [id],
    );
    return row?.place ?? 0;
  }

  /**
   * How long (ms) the latest `limit` sessions claimed since `since` waited to be claimed, newest
   * claim first; sessions opened after hours are left out (chat_sessions_claimed_idx, 0022).
   */
  async recentClaimWaits(limit: number, since: Date): Promise<number[]> {
    const rows = await this.q.rows<{ wait_ms: number }>(
      `SELECT (extract(epoch FROM claimed_at - started_at) * 1000)::float8 AS wait_ms FROM chat_sessions
       WHERE claimed_at IS NOT NULL AND NOT after_hours AND claimed_at >= $2
       ORDER BY claimed_at DESC LIMIT $1`,
      [limit, since],
    );
    return rows.map((r) => Number(r.wait_ms));
  }

  /**
   * Takes the first telling of a WAITING session's place (its handoff): marks it told at `place`
   * at `at`; undefined when it was told before (a re-run) or is not WAITING any more.
   */
  takeFirstQueueTell(id: number, place: number, at: Date): Promise<ChatSessionRow | undefined> {
    return this.q.row<ChatSessionRow>(
      `UPDATE chat_sessions SET queue_told_at = $3, queue_told_position = $2
       WHERE id = $1 AND status = 'WAITING' AND queue_told_at IS NULL RETURNING *`,
      [id, place, at],
    );
  }

  /**
   * Takes the WAITING sessions told their place before `toldBefore` whose place went down since,
   * and those never told that hold a message of the user (they asked, or wrote since an operator
   * opened the chat) and opened before `untoldBefore` (after hours, or while queue updates were
   * off; a newer one is left to its handoff's own reply), marking each told at `at` at its new place (queue_told_position)
   * in the same statement: of two sweeps at once, the second finds the row told just now (READ
   * COMMITTED re-checks the WHERE on the row the first wrote) and skips it, so each update goes
   * out once. The queue is the WAITING sessions, read from chat_sessions_status_idx.
   */
  takeQueueUpdates(toldBefore: Date, untoldBefore: Date, at: Date): Promise<ChatSessionRow[]> {
    return this.q.rows<ChatSessionRow>(
      `WITH queue AS (
         SELECT id, row_number() OVER (ORDER BY started_at, id)::int AS place FROM chat_sessions WHERE status = 'WAITING'
       )
       UPDATE chat_sessions s SET queue_told_at = $3, queue_told_position = queue.place
       FROM queue
       WHERE s.id = queue.id AND s.status = 'WAITING'
         AND ((s.queue_told_at <= $1 AND queue.place < s.queue_told_position)
           OR (s.queue_told_at IS NULL AND s.message_count > 0 AND s.started_at <= $2))
       RETURNING s.*`,
      [toldBefore, untoldBefore, at],
    );
  }

  /** Gives back a reminder that could not be sent, so a later round tries again. */
  async untakeReminder(id: number): Promise<void> {
    await this.q.exec(`UPDATE chat_sessions SET reminded_at = NULL WHERE id = $1 AND status = 'WAITING'`, [id]);
  }
}
