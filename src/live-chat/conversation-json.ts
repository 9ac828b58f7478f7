// The live-chat API's JSON (seed appendix shapes), shared by the REST routes and the socket.io
// events so the inbox reads one shape from both.
import type { ConversationRow } from '../store/conversations';
import type { MessageRow } from '../store/messages';
import type { ChatSessionRow } from '../store/chat-sessions';
import type { ContactRow } from '../store/contacts';

export interface OperatorRef {
  id: number;
  username: string;
  display_name: string;
}

export function conversationJson(row: ConversationRow) {
  return {
    line_user_id: row.line_user_id,
    display_name: row.display_name,
    picture_url: row.picture_url,
    friend_status: row.friend_status,
    chat_mode: row.chat_mode,
    session:
      row.session_id === null
        ? null
        : {
            id: row.session_id,
            status: row.session_status,
            started_at: row.session_started_at,
            claimed_at: row.session_claimed_at,
            closed_by: row.session_closed_by,
            operator: row.operator_id === null ? null : { id: row.operator_id, username: row.operator_username, display_name: row.operator_display_name },
          },
    last_message:
      row.last_message_id === null
        ? null
        : {
            id: row.last_message_id,
            content: previewText(row.last_message_type!, row.last_message_content ?? {}),
            message_type: row.last_message_type,
            direction: row.last_message_direction,
            sender: row.last_message_sender,
            created_at: row.last_message_at,
          },
    unread_count: row.unread_count,
    labels: row.label_ids ?? [],
  };
}

export function messageJson(row: MessageRow, operator?: OperatorRef | null) {
  return {
    id: row.id,
    session_id: row.session_id,
    direction: row.direction,
    sender: row.sender,
    operator: row.operator_id === null ? null : (operator ?? { id: row.operator_id, username: null, display_name: null }),
    message_type: row.message_type,
    content: row.content,
    delivery_status: row.delivery_status,
    delivery_attempts: row.delivery_attempts,
    delivery_error: row.delivery_error,
    created_at: row.created_at,
    ...(row.media ? { media: row.media } : {}),
  };
}

export function sessionJson(session: ChatSessionRow, operator?: OperatorRef | null) {
  return {
    id: session.id,
    status: session.status,
    started_at: session.started_at,
    claimed_at: session.claimed_at,
    first_response_at: session.first_response_at,
    closed_at: session.closed_at,
    closed_by: session.closed_by,
    message_count: session.message_count,
    /** It opened outside business hours (the user got the away message). */
    after_hours: session.after_hours,
    operator: session.operator_id === null ? null : (operator ?? { id: session.operator_id, username: null, display_name: null }),
  };
}

export function contactJson(contact: ContactRow) {
  return {
    line_user_id: contact.line_user_id,
    display_name: contact.display_name,
    picture_url: contact.picture_url,
    status_message: contact.status_message,
    language: contact.language,
    friend_status: contact.friend_status,
    friend_since: contact.friend_since,
    chat_mode: contact.chat_mode,
    last_message_at: contact.last_message_at,
  };
}

/** A one-line preview: the text itself, else what kind of message it is ("[sticker]"). */
export function previewText(type: string, content: Record<string, unknown>): string {
  if (type === 'text' && typeof content.text === 'string') return content.text;
  if (type === 'file' && typeof content.fileName === 'string') return `[file] ${content.fileName}`;
  if (type === 'location' && typeof content.title === 'string') return `[location] ${content.title}`;
  if ((type === 'flex' || type === 'template') && typeof content.altText === 'string') return content.altText;
  return `[${type}]`;
}
