// What the server sends an operator's socket: `hello`, then `updates` (batches of named updates).
// The shapes are the REST API's own (conversation-json), so the inbox merges an update into what
// it fetched.
import type { SessionChange } from '../events';
import type { conversationJson, messageJson, sessionJson } from '../live-chat/conversation-json';
import type { timelineJson } from '../live-chat/chat-timeline';
import type { OperatorRole } from '../store/operators';
import type { catalogJson, detailsJson } from '../live-chat/contact-details';

export interface HelloPayload {
  operator: { id: number; username: string; display_name: string; role: OperatorRole };
  waiting_count: number;
  active_count: number;
  /** The live mark the socket joined under (RealtimeHub.liveMark; the list and the chat answer theirs). */
  live_mark: string;
}

/** A message was stored or its delivery state changed (the same id again is an update). */
export interface MessagePayload {
  line_user_id: string;
  message: ReturnType<typeof messageJson>;
}

/** A conversation's list row as the receiving operator sees it (its own unread_count). */
export interface ConversationPayload {
  conversation: ReturnType<typeof conversationJson>;
  waiting_count: number;
  active_count: number;
}

export interface SessionPayload {
  line_user_id: string;
  change: SessionChange;
  session: ReturnType<typeof sessionJson>;
}

/** A chat's timeline got an entry (a note, a claim or handover; issue 11). */
export interface TimelinePayload {
  line_user_id: string;
  entry: ReturnType<typeof timelineJson>;
}

/** The updates an operator's socket gets, by name. */
export interface UpdatePayloads {
  message: MessagePayload;
  conversation: ConversationPayload;
  session: SessionPayload;
  timeline: TimelinePayload;
  /** A contact's note, fields or labels changed (issue 11). */
  contact_details: Awaited<ReturnType<typeof detailsJson>>;
  /** The fields or labels defined in Settings changed: all of them. */
  contact_catalog: Awaited<ReturnType<typeof catalogJson>>;
}

/** One update: its name and payload. */
export type Update = { [E in keyof UpdatePayloads]: [E, UpdatePayloads[E]] }[keyof UpdatePayloads];

export interface ServerToClientEvents {
  hello: (payload: HelloPayload) => void;
  /**
   * The updates of a short window in the order they happened: one packet (one write) per socket
   * for all of them, not one per update, so a burst of events does not cost a write per socket each.
   */
  updates: (batch: Update[]) => void;
}
