// The core's event bus: what changed, for whoever shows it live (the socket.io layer forwards
// these to the inbox; the live-chat-event node turns them into msgs). Listeners must not throw;
// they run inside the emitter's caller.
import { EventEmitter } from 'node:events';
import type { ContactRow } from './store/contacts';
import type { MessageRow } from './store/messages';
import type { ChatSessionRow } from './store/chat-sessions';
import type { TimelineRow } from './store/chat-timeline';

export type SessionChange = 'opened' | 'claimed' | 'reassigned' | 'closed';

export interface LiveChatEventMap {
  /** A message was stored, or its delivery state changed. */
  message: [{ message: MessageRow; contact: ContactRow }];
  /** A contact was created or changed (profile, friend status, chat mode, last message time). */
  contact: [{ contact: ContactRow }];
  /** A session opened, was claimed or handed over, or closed. */
  session: [{ session: ChatSessionRow; contact: ContactRow; change: SessionChange }];
  /** A chat's timeline got an entry: an internal note, or the chat claimed or handed over. */
  timeline: [{ entry: TimelineRow; contact: ContactRow }];
  /** An operator read a conversation up to its newest message. */
  read: [{ operatorId: number; contact: ContactRow }];
  /**
   * A session has been WAITING for `minutes` or longer. Announced once per session and
   * threshold across instances and restarts; `alertedBefore` is the longest wait announced
   * before (null: none), so every threshold in (alertedBefore, minutes] was passed now.
   */
  waiting: [{ session: ChatSessionRow; contact: ContactRow; minutes: number; alertedBefore: number | null }];
  /** An operator changed a contact's details (note, custom fields) or labels. */
  details: [{ contact: ContactRow }];
  /** An admin changed the custom fields or labels defined in Settings. */
  catalog: [];
}

export class LiveChatEvents extends EventEmitter<LiveChatEventMap> {}
