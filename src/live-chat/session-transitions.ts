// The session rules that run inside a caller's transaction, shared by the webhook (a user's
// message or unfollow) and the inbox (claim, close, mode). Each answers what changed so the
// caller can announce it once the transaction has committed.
import type { Store } from '../store/store';
import type { ContactRow } from '../store/contacts';
import type { ChatSessionRow, ClosedBy } from '../store/chat-sessions';

export interface SessionChangeResult {
  session: ChatSessionRow;
  contact: ContactRow;
}

/** Opens a WAITING session and puts the contact in HUMAN mode; undefined if one is open already. */
export async function openSession(tx: Store, contact: ContactRow, triggerEventId: string | null = null): Promise<SessionChangeResult | undefined> {
  // The contact first, then its session (the store's lock order).
  await tx.contacts.lock(contact.id);
  const session = await tx.chatSessions.open(contact.id, contact.line_user_id, triggerEventId);
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
