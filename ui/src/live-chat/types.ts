// The live-chat API's JSON as the inbox reads it (src/live-chat/conversation-json.ts): the same
// shapes come over REST and in the socket.io events.
export type Filter = 'ALL' | 'WAITING' | 'ACTIVE' | 'BOT' | 'CLOSED' | 'MISSED';
export const FILTERS: readonly Filter[] = ['ALL', 'WAITING', 'ACTIVE', 'BOT', 'CLOSED', 'MISSED'];

/** Closed by the system before anyone claimed it: the team could not answer in time. */
export function isMissed(s: Pick<Session, 'status' | 'claimed_at' | 'closed_by'> | null | undefined): boolean {
  return s?.status === 'CLOSED' && s.closed_by === 'SYSTEM' && !s.claimed_at;
}

export type ChatMode = 'BOT' | 'HUMAN';
export type SessionStatus = 'WAITING' | 'ACTIVE' | 'CLOSED';
export type FriendStatus = 'ACTIVE' | 'BLOCKED' | 'UNFOLLOWED';
export type DeliveryStatus = 'RECEIVED' | 'PENDING' | 'SENT' | 'FAILED';

export interface OperatorRef {
  id: number;
  username: string | null;
  display_name: string | null;
}

export interface Session {
  id: number;
  status: SessionStatus;
  started_at: string;
  claimed_at: string | null;
  first_response_at?: string | null;
  closed_at?: string | null;
  closed_by?: string | null;
  message_count?: number;
  operator: OperatorRef | null;
}

export interface Conversation {
  line_user_id: string;
  display_name: string | null;
  picture_url: string | null;
  friend_status: FriendStatus;
  chat_mode: ChatMode;
  /** The latest session, CLOSED ones included. */
  session: Session | null;
  last_message: {
    id: number;
    content: string;
    message_type: string;
    direction: 'IN' | 'OUT';
    sender: Sender;
    created_at: string;
  } | null;
  unread_count: number;
}

export type Sender = 'USER' | 'BOT' | 'OPERATOR' | 'SYSTEM';

export interface Message {
  id: number;
  session_id: number | null;
  direction: 'IN' | 'OUT';
  sender: Sender;
  operator: OperatorRef | null;
  message_type: string;
  /** The LINE message object, as received or as sent. */
  content: Record<string, unknown>;
  delivery_status: DeliveryStatus;
  delivery_attempts: number;
  delivery_error: string | null;
  created_at: string;
}

export interface Contact {
  line_user_id: string;
  display_name: string | null;
  picture_url: string | null;
  status_message: string | null;
  language: string | null;
  friend_status: FriendStatus;
  friend_since: string | null;
  chat_mode: ChatMode;
  last_message_at: string | null;
}

export interface ConversationPage {
  conversations: Conversation[];
  total: number;
  waiting_count: number;
  active_count: number;
  next_cursor: string | null;
}

export interface ConversationDetail {
  contact: Contact;
  /** The open session (WAITING or ACTIVE), if any. */
  session: Session | null;
  /** Newest first. */
  messages: Message[];
  next_cursor: string | null;
  /** Newer messages exist (a page opened around a search hit). */
  newer_cursor?: string | null;
}

export interface ActionResult {
  changed: boolean;
  conversation: Conversation | null;
  session: Session | null;
  closing_message?: { status: string; error?: string };
}

export interface SendAnswer {
  status: 'SENT' | 'FAILED';
  messages: Message[];
  error?: string;
}

/** A LINE message object to send ({type: 'text', text}, a sticker, a Flex message…). */
export type LineMessage = { type: string } & Record<string, unknown>;

/** One message found by the history search, with a snippet around the match. */
export interface MessageHit {
  message: { id: number; direction: 'IN' | 'OUT'; sender: string; created_at: string };
  conversation: { line_user_id: string; display_name: string | null; picture_url: string | null };
  snippet: { before: string; match: string; after: string };
}

export interface MessageSearchPage {
  results: MessageHit[];
  next_cursor: string | null;
}
