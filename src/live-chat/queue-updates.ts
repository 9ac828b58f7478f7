// Issue 12, queue position and waiting: a user waiting for a human is told their place in the
// queue (the WAITING sessions by started_at) and, once enough chats were claimed lately, about
// how long it will be. On handoff the place goes with the greeting (Handoff.greet, one reply);
// afterwards a periodic sweep tells it again when it went down, at most once per
// queue_update_minutes per session. Claimed and closed sessions are told nothing.
//
// The estimate: the median of how long the latest ESTIMATE_SAMPLE sessions claimed within
// ESTIMATE_WINDOW_MS waited to be claimed (claimed_at - started_at; after-hours sessions left
// out), times the place, rounded up to whole minutes (at least 1). With fewer than
// ESTIMATE_MIN_SAMPLES such sessions there is no estimate and queue_message_no_estimate goes.
//
// Each queue message is a SYSTEM message of the session with a send key (queue:<session>:<place>),
// so it is stored and sent once; which instance sends it is decided by a conditional UPDATE of
// chat_sessions.queue_told_at/queue_told_position (ChatSessionsTable.takeQueueUpdates).
import type { Store } from '../store/store';
import { type ChatSessionRow, QUEUE_SEND_KEY } from '../store/chat-sessions';
import type { Credentials } from '../credentials/credential-service';
import type { LineSender } from '../line/line-sender';
import type { Logger } from '../logger';
import { type LiveChatSettings, readSettings } from './live-chat-settings';
import { sendSessionText } from './session-text';
import { isOpenAt } from './business-hours';

export const ESTIMATE_SAMPLE = 20;
export const ESTIMATE_MIN_SAMPLES = 3;
export const ESTIMATE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** A session opened this recently is left to its handoff's reply, which tells the place first. */
const UNTOLD_GRACE_MS = 60_000;
/** Queue updates pushed at once by one sweep. */
const SENDS_AT_ONCE = 20;

/**
 * May queue messages go out at `at`? The one place that decides it: only while the team is open
 * (business_hours), so that a user who asked at night is not told a place nobody is serving.
 */
export function mayTellQueueAt(settings: Readonly<LiveChatSettings>, at: Date): boolean {
  return isOpenAt(settings.business_hours, settings.time_zone, at);
}

/** The middle of the waits (the mean of the two middle ones for an even count); null for none. */
export function medianMs(waits: readonly number[]): number | null {
  if (waits.length === 0) return null;
  const sorted = [...waits].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The estimate in whole minutes: the median wait times the place, rounded up, at least 1. */
export function estimateMinutes(medianWaitMs: number, place: number): number {
  return Math.max(1, Math.ceil((medianWaitMs * place) / 60_000));
}

/** The queue message for `place`: with the estimate when there is a median wait, else without. */
export function queueText(settings: Readonly<LiveChatSettings>, place: number, medianWaitMs: number | null): string {
  const template = medianWaitMs === null ? settings.queue_message_no_estimate : settings.queue_message;
  const wait = medianWaitMs === null ? '' : String(estimateMinutes(medianWaitMs, place));
  return template.replaceAll('{position}', String(place)).replaceAll('{wait}', wait);
}

export class QueueUpdates {
  constructor(
    private readonly store: Store,
    private readonly lineSender: LineSender,
    private readonly credentials: Credentials,
    private readonly log: Logger,
  ) {}

  /** The median wait of recent claims (see the top of this file), or null when there are too few. */
  async medianWait(now = new Date()): Promise<number | null> {
    const waits = await this.store.chatSessions.recentClaimWaits(ESTIMATE_SAMPLE, new Date(now.getTime() - ESTIMATE_WINDOW_MS));
    return waits.length < ESTIMATE_MIN_SAMPLES ? null : medianMs(waits);
  }

  /**
   * The queue message to send with the handoff's greeting, the session marked told at its place;
   * undefined when queue updates are off, not allowed now, the session is not WAITING, or its
   * place was told before (the same handoff run again: its greeting was stored with it).
   */
  async onHandoff(session: Pick<ChatSessionRow, 'id'>, now = new Date()): Promise<string | undefined> {
    const settings = await readSettings(this.store.settings);
    if (!settings.queue_updates || !mayTellQueueAt(settings, now)) return undefined;
    const place = await this.store.chatSessions.queuePlace(session.id);
    if (place === 0) return undefined;
    if (!(await this.store.chatSessions.takeFirstQueueTell(session.id, place, now))) return undefined;
    return queueText(settings, place, await this.medianWait(now));
  }

  /**
   * Tells the waiting users whose place went down since they were last told, at least
   * queue_update_minutes ago, their new place (by push); and those who asked while nobody could
   * tell them (after hours, queue updates off) their place, once the team is open. Safe on several
   * instances at once: each update is taken by one (see takeQueueUpdates). Answers the sessions told.
   */
  async sweep(now = new Date()): Promise<ChatSessionRow[]> {
    const settings = await readSettings(this.store.settings);
    if (!settings.queue_updates || !mayTellQueueAt(settings, now)) return [];
    const taken = await this.store.chatSessions.takeQueueUpdates(
      new Date(now.getTime() - settings.queue_update_minutes * 60_000),
      new Date(now.getTime() - UNTOLD_GRACE_MS),
      now,
    );
    if (taken.length === 0) return [];
    const median = await this.medianWait(now);
    for (let i = 0; i < taken.length; i += SENDS_AT_ONCE) {
      await Promise.all(taken.slice(i, i + SENDS_AT_ONCE).map((session) => this.tell(settings, session, median)));
    }
    return taken;
  }

  private async tell(settings: Readonly<LiveChatSettings>, session: ChatSessionRow, median: number | null): Promise<void> {
    const contact = await this.store.contacts.byId(session.contact_id);
    // An unfollow closes the session; a contact not a friend now is not pushed to.
    if (contact?.friend_status !== 'ACTIVE') return;
    const place = session.queue_told_position!;
    await sendSessionText(this.lineSender, this.credentials, this.log, {
      what: 'queue place',
      contact,
      text: queueText(settings, place, median),
      sender: 'SYSTEM',
      sessionId: session.id,
      sendKey: `${QUEUE_SEND_KEY}${session.id}:${place}`,
    });
  }
}
