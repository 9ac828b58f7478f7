// The session rules that run inside a caller's transaction, shared by the webhook (a user's
// message or unfollow) and the inbox (claim, transfer, close, mode). Each answers what changed so the
// caller can announce it once the transaction has committed.
import type { Store } from '../store/store';
import type { ContactRow } from '../store/contacts';
import type { ChatSessionRow, ClosedBy } from '../store/chat-sessions';
import type { TimelineRow } from '../store/chat-timeline';

export interface SessionChangeResult {
  session: ChatSessionRow;
  contact: ContactRow;
}

/**
 * Opens a WAITING session (marked after_hours when asked for outside business hours) and puts the
 * contact in HUMAN mode; undefined if one is open already.
 */
export async function openSession(
  tx: Store,
  contact: ContactRow,
  triggerEventId: string | null = null,
  afterHours = false,
): Promise<SessionChangeResult | undefined> {
  // The contact first, then its session (the store's lock order).
  await tx.contacts.lock(contact.id);
  const session = await tx.chatSessions.open(contact.id, contact.line_user_id, triggerEventId, afterHours);
  if (!session) return undefined;
  const updated = (await tx.contacts.setChatMode(contact.id, 'HUMAN')) ?? contact;
  return { session, contact: updated };
}

/** Closes the session and hands the contact back to the bot; undefined if it was closed already. */
export async function closeSession(tx: Store, open: Pick<ChatSessionRow, 'id' | 'contact_id'>, closedBy: ClosedBy): Promise<SessionChangeResult | undefined> {
  // The contact first, then its session (the store's lock order), as the webhook's unfollow does.
  await tx.contacts.lock(open.contact_id);
  const session = await tx.chatSessions.close(open.id, closedBy);
  if (!session) return undefined;
  const contact = await tx.contacts.setChatMode(session.contact_id, 'BOT');
  return { session, contact: contact! };
}

export interface HandOverResult {
  session: ChatSessionRow;
  entry: TimelineRow;
}

/**
 * Gives the open session to `toOperatorId` and writes it on the chat's timeline: a WAITING one is
 * claimed for them, an ACTIVE one moves only if `open.operator_id` still holds it (so of two
 * handovers at once one wins). `byOperatorId`: who did it (null: a flow); `note` goes with it.
 * undefined when the session changed meanwhile.
 */
export async function handOver(
  tx: Store,
  open: Pick<ChatSessionRow, 'id' | 'contact_id' | 'status' | 'operator_id'>,
  toOperatorId: number,
  byOperatorId: number | null,
  note: string | null = null,
): Promise<HandOverResult | undefined> {
  await tx.contacts.lock(open.contact_id);
  const waiting = open.status === 'WAITING';
  const session = waiting ? await tx.chatSessions.claim(open.id, toOperatorId) : await tx.chatSessions.reassign(open.id, open.operator_id, toOperatorId);
  if (!session) return undefined;
  const entry = await tx.chatTimeline.insert({
    contact_id: open.contact_id,
    session_id: open.id,
    kind: waiting && byOperatorId === toOperatorId ? 'claimed' : 'reassigned',
    operator_id: byOperatorId,
    from_operator_id: waiting ? null : open.operator_id,
    to_operator_id: toOperatorId,
    text: note,
  });
  return { session, entry };
}
