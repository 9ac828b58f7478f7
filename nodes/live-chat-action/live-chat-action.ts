// live-chat-action: from a flow, do to a LINE user's chat what an operator does in the inbox:
// send a message, switch the mode, close, claim or assign it. The action and operator come from
// the dialog, else from the msg; the rules and the answer are the core's (runFlowAction).
import { type FlowAction, isFlowAction, OPERATOR_ACTIONS, runFlowAction } from '../../src/live-chat/flow-actions';
import type { OutgoingContent } from '../../src/line/line-sender';
import type { ChatMode } from '../../src/store/contacts';
import { serveCredentialChoices } from '../shared/credential-choices';
import { onInput } from '../shared/input';
import { msgStatus } from '../shared/msg-status';
import type { Node, NodeAPI, NodeDefinition } from '../shared/node-red';
import { readyStoreNode, runningLiveChat, startStoreNode } from '../shared/running-store';

/** Version 1: store, action, mode, operator, credential. */
const LIVE_CHAT_ACTION_CONFIG_VERSION = 1;

interface LiveChatActionConfig extends NodeDefinition {
  store?: string;
  /** '' = msg.action. */
  action?: '' | FlowAction;
  /** For the mode action; '' = msg.payload. */
  mode?: '' | ChatMode;
  /** An operator's id or username; '' = msg.operator (and none: the system acts). */
  operator?: string;
  /** LINE credential id or name; '' = the default one. */
  credential?: string;
}

export = function register(RED: NodeAPI) {
  serveCredentialChoices(RED);

  function LiveChatAction(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const start = startStoreNode<LiveChatActionConfig>(RED, this, saved, LIVE_CHAT_ACTION_CONFIG_VERSION);

    onInput(this, async (msg, send) => {
      const { config, store } = readyStoreNode(RED, this, start);
      const action = config.action || msg.action;
      if (!isFlowAction(action)) throw new Error(RED._('live-chat-action.errors.badAction', { action: String(action ?? '') }));
      const contact = msg.contact as { line_user_id?: unknown } | null | undefined;
      const lineUserId = [msg.lineUserId, contact?.line_user_id].find((id): id is string => typeof id === 'string' && id.trim() !== '')?.trim();
      if (!lineUserId) throw new Error(RED._('live-chat-action.errors.noUser'));
      const fromMsg = msg.operator;
      const operator = config.operator?.trim() || (typeof fromMsg === 'number' || (typeof fromMsg === 'string' && fromMsg.trim()) ? fromMsg : undefined);
      if (OPERATOR_ACTIONS.includes(action) && operator === undefined) throw new Error(RED._('live-chat-action.errors.noOperator', { action }));
      const mode = config.mode || msg.payload;
      if (action === 'mode' && mode !== 'BOT' && mode !== 'HUMAN')
        throw new Error(RED._('live-chat-action.errors.badMode', { mode: JSON.stringify(mode) ?? '' }));

      const liveChat = await runningLiveChat(RED, this, store);
      let result: Awaited<ReturnType<typeof runFlowAction>>;
      try {
        result = await runFlowAction(liveChat, {
          action,
          lineUserId,
          operator,
          messages: action === 'send' ? (msg.payload as OutgoingContent | OutgoingContent[]) : undefined,
          mode: action === 'mode' ? (mode as ChatMode) : undefined,
          // Only a text is a closing message: a timestamp from an inject or an event's object is not.
          closingMessage: action === 'close' && typeof msg.payload === 'string' ? msg.payload : undefined,
          credential: config.credential?.trim() || undefined,
        });
      } catch (err) {
        throw new Error(RED._('live-chat-action.errors.failed', { action, user: lineUserId, error: (err as Error).message }));
      }
      msg.payload = result;
      // Stored as FAILED (the inbox can send it again): the msg, with it, goes to Catch nodes.
      if (result.action === 'send' && result.status === 'FAILED') {
        throw new Error(RED._('live-chat-action.errors.notSent', { user: lineUserId, error: result.error ?? '' }));
      }
      if (result.action !== 'send' && result.closing_message?.status === 'FAILED') {
        msgStatus(this).set(() => ({
          fill: 'yellow',
          shape: 'dot',
          text: RED._('live-chat-action.status.closingNotSent', { user: lineUserId, time: new Date().toLocaleTimeString() }),
        }));
      } else {
        const done = result.action === 'send' ? result.status === 'SENT' : result.changed;
        msgStatus(this).set(() => ({
          fill: done ? 'green' : 'grey',
          shape: done ? 'dot' : 'ring',
          text: RED._(done ? 'live-chat-action.status.done' : 'live-chat-action.status.unchanged', {
            action,
            user: lineUserId,
            time: new Date().toLocaleTimeString(),
          }),
        }));
      }
      send(msg);
    });
  }

  RED.nodes.registerType('live-chat-action', LiveChatAction);
};
