// What a flow does to a chat (the live-chat-action node): send a message, switch the mode, close,
// claim or assign. The rules are the inbox's (ChatSessions, OperatorMessages); a flow naming an
// operator acts as that operator, a flow naming none acts as the system. Answers in the API's
// JSON shapes.
import type { LiveChat } from '../live-chat';
import type { OutgoingContent } from '../line/line-sender';
import type { ChatMode } from '../store/contacts';
import type { SessionActionResult } from './chat-sessions';
import { contactJson, messageJson, sessionJson } from './conversation-json';

export const FLOW_ACTIONS = ['send', 'mode', 'close', 'claim', 'assign'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

export function isFlowAction(value: unknown): value is FlowAction {
  return typeof value === 'string' && (FLOW_ACTIONS as readonly string[]).includes(value);
}

/** The actions that need an operator to act for. */
export const OPERATOR_ACTIONS: readonly FlowAction[] = ['claim', 'assign'];

export interface FlowActionRequest {
  action: FlowAction;
  lineUserId: string;
  /** An operator's id or username; required by claim and assign, optional elsewhere. */
  operator?: number | string;
  /** send: the messages (a text, a LINE message object or 1 to 5 of them). */
  messages?: OutgoingContent | OutgoingContent[];
  /** mode: BOT or HUMAN. */
  mode?: ChatMode;
  /** close: the closing message ('' sends none); absent sends the closing_message setting. */
  closingMessage?: string;
  /** LINE credential id or name for what is sent; the default one when absent. */
  credential?: string;
}

export type FlowActionResult =
  | { action: 'send'; status: 'SENT' | 'FAILED' | 'SKIPPED'; via: 'reply' | 'push' | null; messages: ReturnType<typeof messageJson>[]; error?: string }
  | {
      action: Exclude<FlowAction, 'send'>;
      changed: boolean;
      contact: ReturnType<typeof contactJson>;
      session: ReturnType<typeof sessionJson> | null;
      closing_message?: { status: string; error?: string };
    };

export async function runFlowAction(liveChat: LiveChat, request: FlowActionRequest): Promise<FlowActionResult> {
  const operator = request.operator === undefined || request.operator === '' ? null : await liveChat.sessions.operator(request.operator);
  if (OPERATOR_ACTIONS.includes(request.action) && !operator) throw new Error(`${request.action} needs an operator (id or username)`);
  // Only an active operator acts; an inactive one would be refused by the inbox too.
  if (operator && !operator.active) throw new Error(`${operator.display_name} (${operator.username}) is not an active operator`);
  const sessions = liveChat.sessions;
  switch (request.action) {
    case 'send': {
      const content = request.messages === undefined ? [] : Array.isArray(request.messages) ? request.messages : [request.messages];
      const sent = await liveChat.operatorMessages.send(request.lineUserId, operator, content, { credential: request.credential });
      const operators = await liveChat.conversations.operatorRefs(sent.messages.map((m) => m.operator_id));
      return {
        action: 'send',
        status: sent.status,
        via: sent.via,
        messages: sent.messages.map((m) => messageJson(m, operators.get(m.operator_id!))),
        ...(sent.error ? { error: sent.error } : {}),
      };
    }
    case 'mode':
      if (request.mode !== 'BOT' && request.mode !== 'HUMAN') throw new Error(`mode must be BOT or HUMAN, not ${JSON.stringify(request.mode)}`);
      return sessionResult(liveChat, 'mode', await sessions.switchMode(request.lineUserId, request.mode, operator));
    case 'close':
      return sessionResult(
        liveChat,
        'close',
        await sessions.close(request.lineUserId, operator, { message: request.closingMessage, credential: request.credential }),
      );
    case 'claim':
      return sessionResult(liveChat, 'claim', await sessions.claim(request.lineUserId, operator!));
    case 'assign':
      return sessionResult(liveChat, 'assign', await sessions.assign(request.lineUserId, operator!));
  }
}

async function sessionResult(liveChat: LiveChat, action: Exclude<FlowAction, 'send'>, result: SessionActionResult): Promise<FlowActionResult> {
  const operators = await liveChat.conversations.operatorRefs([result.session?.operator_id ?? null]);
  const closing = result.closingMessage;
  return {
    action,
    changed: result.changed,
    contact: contactJson(result.contact),
    session: result.session ? sessionJson(result.session, operators.get(result.session.operator_id!)) : null,
    ...(closing ? { closing_message: { status: closing.status, ...('error' in closing && closing.error ? { error: closing.error } : {}) } } : {}),
  };
}
