// What happens in the live chat, for flows (the live-chat-event node): the core's event bus
// turned into named events with the API's JSON shapes. A handoff starts (a session opens), a chat
// is claimed, transferred or closed, an operator's message reaches the user, or a chat waits too
// long. The long waits are looked for here, now and then, and announced once per session across
// instances (ChatSessions.announceLongWaits); every other event is emitted where it happened.
import type { LiveChat } from '../live-chat';
import type { LiveChatEventMap, SessionChange } from '../events';
import type { ChatSessionRow } from '../store/chat-sessions';
import type { ContactRow } from '../store/contacts';
import type { MessageRow } from '../store/messages';
import { contactJson, messageJson, sessionJson } from './conversation-json';
import type { OpenNow } from './handoff';

export const FLOW_EVENTS = ['handoff', 'claimed', 'transferred', 'closed', 'operator-message', 'waiting'] as const;
export type FlowEventName = (typeof FLOW_EVENTS)[number];

export interface FlowEvent {
  name: FlowEventName;
  contact: ContactRow;
  /** Whether the team is open as the event is made (business hours), and when it opens next. */
  businessHours: OpenNow;
  /** The session in the API's shape (null only if it could not be read). */
  session: ReturnType<typeof sessionJson> | null;
  payload: {
    event: FlowEventName;
    contact: ReturnType<typeof contactJson>;
    session: ReturnType<typeof sessionJson> | null;
    /** operator-message: the message as the API shows it. */
    message?: ReturnType<typeof messageJson>;
    /** waiting: how long the chat has waited, and the threshold it passed. */
    waited_minutes?: number;
    threshold_minutes?: number;
  };
}

export interface FlowEventOptions {
  events: readonly FlowEventName[];
  /** "waiting": a chat WAITING this many whole minutes (at least 1). */
  waitingMinutes?: number;
  /** How often to look for long waits (default 30 s). */
  checkIntervalMs?: number;
  deliver(event: FlowEvent): void;
  /** An event that could not be made, or a look for long waits that failed; `name` when known. */
  failed(err: Error, name?: FlowEventName): void;
}

const SESSION_EVENTS: Record<SessionChange, FlowEventName> = {
  opened: 'handoff',
  claimed: 'claimed',
  reassigned: 'transferred',
  closed: 'closed',
};

export const DEFAULT_WAITING_CHECK_MS = 30_000;

/** Starts delivering the chosen events; answers the function that stops it. */
export function watchFlowEvents(liveChat: LiveChat, options: FlowEventOptions): () => void {
  const wanted = new Set(options.events);
  const threshold = options.waitingMinutes;
  if (wanted.has('waiting') && (!Number.isInteger(threshold) || threshold! < 1)) {
    throw new Error(`the waiting threshold must be a whole number of minutes, at least 1 (not ${threshold})`);
  }
  let stopped = false;

  const build = async (
    name: FlowEventName,
    contact: ContactRow,
    session: ChatSessionRow | null,
    extra: { message?: MessageRow; waited_minutes?: number; threshold_minutes?: number } = {},
  ): Promise<FlowEvent> => {
    const { message, ...rest } = extra;
    const [operators, businessHours] = await Promise.all([
      liveChat.conversations.operatorRefs([session?.operator_id ?? null, message?.operator_id ?? null]),
      liveChat.handoff.businessHours(),
    ]);
    const sessionView = session ? sessionJson(session, operators.get(session.operator_id!)) : null;
    return {
      name,
      contact,
      businessHours,
      session: sessionView,
      payload: {
        event: name,
        contact: contactJson(contact),
        session: sessionView,
        ...(message ? { message: messageJson(message, operators.get(message.operator_id!)) } : {}),
        ...rest,
      },
    };
  };
  const emit = (name: FlowEventName, making: Promise<FlowEvent>) => {
    making.then(
      (event) => {
        if (!stopped) options.deliver(event);
      },
      (err: Error) => {
        if (!stopped) options.failed(err, name);
      },
    );
  };

  const onSession = ({ session, contact, change }: LiveChatEventMap['session'][0]) => {
    const name = SESSION_EVENTS[change];
    if (wanted.has(name)) emit(name, build(name, contact, session));
  };
  // An operator's message counts once, when LINE has taken it (a failed one may be sent again).
  const onMessage = ({ message, contact }: LiveChatEventMap['message'][0]) => {
    if (!wanted.has('operator-message') || message.sender !== 'OPERATOR' || message.delivery_status !== 'SENT') return;
    emit(
      'operator-message',
      (async () => {
        const session = message.session_id === null ? undefined : await liveChat.store.chatSessions.byId(message.session_id);
        return build('operator-message', contact, session ?? null, { message });
      })(),
    );
  };
  // Another watcher may have taken a longer threshold first: every threshold in (alertedBefore, minutes] was passed.
  const onWaiting = ({ session, contact, minutes, alertedBefore }: LiveChatEventMap['waiting'][0]) => {
    if (!wanted.has('waiting') || threshold! <= (alertedBefore ?? 0) || threshold! > minutes) return;
    const waited = Math.floor((Date.now() - new Date(session.started_at).getTime()) / 60_000);
    emit('waiting', build('waiting', contact, session, { waited_minutes: waited, threshold_minutes: threshold }));
  };

  liveChat.events.on('session', onSession);
  liveChat.events.on('message', onMessage);
  liveChat.events.on('waiting', onWaiting);

  let timer: NodeJS.Timeout | undefined;
  if (wanted.has('waiting')) {
    let looking = false;
    const look = () => {
      if (looking || stopped) return; // a slow look is never doubled
      looking = true;
      liveChat.sessions
        .announceLongWaits(threshold!)
        .catch((err: Error) => {
          if (!stopped) options.failed(err, 'waiting');
        })
        .finally(() => (looking = false));
    };
    timer = setInterval(look, options.checkIntervalMs ?? DEFAULT_WAITING_CHECK_MS);
    timer.unref();
    look();
  }

  return () => {
    stopped = true;
    clearInterval(timer);
    liveChat.events.off('session', onSession);
    liveChat.events.off('message', onMessage);
    liveChat.events.off('waiting', onWaiting);
  };
}
