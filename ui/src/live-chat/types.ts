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
  /** Label ids (names and colours: the catalog). */
  labels: number[];
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
  /** The image, video, audio or file (stored here), once fetched from LINE or uploaded. */
  media?: MessageMedia;
}

/** Served at api/v1/admin/live-chat/media/<key> (and …/preview, a small JPEG, when `preview`). */
export interface MessageMedia {
  key: string;
  status: 'STORED' | 'GONE' | 'TOO_LARGE' | 'FAILED';
  content_type: string | null;
  byte_size: number | null;
  file_name: string | null;
  preview: boolean;
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
  /** Where the live updates stood as this was read (compared with the socket's hello). */
  live_mark?: string;
}

export interface ConversationDetail {
  contact: Contact;
  /** The open session (WAITING or ACTIVE), if any. */
  session: Session | null;
  /** Newest first. */
  messages: Message[];
  next_cursor: string | null;
  /** Notes and changes of hands in the span of these messages, oldest first. */
  timeline?: TimelineEntry[];
  /** Newer messages exist (a page opened around a search hit). */
  newer_cursor?: string | null;
  /** Where the live updates stood as this was read (compared with the socket's hello). */
  live_mark?: string;
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

/** A chat's timeline entry besides its messages (issue 11): an internal note, or the chat claimed or handed over. */
export interface TimelineEntry {
  id: number;
  kind: 'note' | 'claimed' | 'reassigned' | 'rated' | 'commented';
  session_id: number | null;
  /** Who wrote the note or made the change (null: a flow). */
  operator: OperatorRef | null;
  from_operator: OperatorRef | null;
  to_operator: OperatorRef | null;
  text: string | null;
  /** rated: the user's score, 1 to 5 (to_operator: the operator rated). */
  score?: number | null;
  created_at: string;
}

/** A reply the admins keep for everyone: one LINE message, with {displayName}/{operatorName} placeholders. */
export interface CannedResponse {
  id: number;
  title: string;
  shortcut: string;
  message: LineMessage;
  created_at: string;
  updated_at: string;
}

/** An operator a chat can be handed to. */
export interface OperatorChoice {
  id: number;
  username: string;
  display_name: string;
  role: 'admin' | 'operator';
}

/** A label admins defined (issue 11). */
export interface Label {
  id: number;
  name: string;
  color: string;
}

export type ContactFieldType = 'text' | 'phone' | 'email' | 'number';

/** A custom contact field admins defined. */
export interface ContactField {
  id: number;
  name: string;
  type: ContactFieldType;
  position: number;
}

/** A contact's note, fields (every defined one, value null when empty) and labels. */
export interface ContactDetails {
  line_user_id: string;
  note: string | null;
  fields: (ContactField & { value: string | null })[];
  labels: number[];
  updated_at: string | null;
  updated_by: OperatorRef | null;
}

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
