// The core's event bus: what changed, for whoever shows it live (the socket.io layer forwards
// these to the inbox). Listeners must not throw; they run inside the emitter's caller.
import { EventEmitter } from 'events';
import type { ContactRow } from './store/contacts';
import type { MessageRow } from './store/messages';

export interface LiveChatEventMap {
  /** A message was stored, or its delivery state changed. */
  message: [{ message: MessageRow; contact: ContactRow }];
  /** A contact was created or changed (profile, friend status, last message time). */
  contact: [{ contact: ContactRow }];
}

export class LiveChatEvents extends EventEmitter<LiveChatEventMap> {}
