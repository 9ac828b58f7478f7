// chat-mode-router: BOT output or HUMAN output by the contact's chat mode as it is now, so that a
// switch made meanwhile (an operator took over) counts (the core's CurrentContacts). A msg without a contact
// (group and room events) goes to BOT: there is no human inbox for those. The event that handed
// the chat over, emitted again (msg.line.redelivery), goes to BOT as it first did, for the
// handoff node there to finish its handoff. A user's msgs are routed in turn (the core's
// ContactTurns): each after the flow of the user's msg before it, waiting orderWait seconds at most.
import type { NodeAPI, NodeDefinition, Node } from '../shared/node-red';
import { readyStoreNode, runningLiveChat, startStoreNode } from '../shared/running-store';
import { onInput } from '../shared/input';
import { msgStatus } from '../shared/msg-status';
import type { ConfigMigrations } from '../shared/config-version';
import type { ContactRow } from '../../src/store/contacts';
import { ContactTurns } from '../../src/line/contact-turns';

/** Version 1: name, store. Version 2: orderWait. */
const CHAT_MODE_ROUTER_CONFIG_VERSION = 2;
/** Seconds a user's msg waits at most for the flow of their msg before it. */
const DEFAULT_ORDER_WAIT_SECONDS = 5;
const CONFIG_MIGRATIONS: ConfigMigrations = {
  1: (config) => ({ orderWait: DEFAULT_ORDER_WAIT_SECONDS, ...config }),
};

interface ChatModeRouterConfig extends NodeDefinition {
  store?: string;
  /** Seconds; 0 routes each msg at once. */
  orderWait?: number | string;
}

/** The wait in ms: a number of seconds from 0 up, else the default. */
function orderWaitMs(config: ChatModeRouterConfig | undefined): number {
  const seconds = Number(config?.orderWait);
  return (config?.orderWait !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_ORDER_WAIT_SECONDS) * 1000;
}

export = function register(RED: NodeAPI) {
  function ChatModeRouter(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const start = startStoreNode<ChatModeRouterConfig>(RED, this, saved, CHAT_MODE_ROUTER_CONFIG_VERSION, CONFIG_MIGRATIONS);
    const waitMs = orderWaitMs(start.config);
    const turns = new ContactTurns();

    onInput(this, async (msg, send) => {
      const { store } = readyStoreNode(RED, this, start);
      const known = msg.contact as ContactRow | null | undefined;
      if (!known?.line_user_id) {
        send([msg, null]);
        return;
      }
      const liveChat = await runningLiveChat(RED, this, store);
      const line = msg.line as { redelivery?: unknown; webhookEventId?: unknown } | undefined;
      if (waitMs > 0 && typeof line?.webhookEventId === 'string') await turns.take(known.line_user_id, line.webhookEventId, waitMs);
      const contact = await liveChat.contacts.current(known);
      msg.contact = contact;
      const handingOver =
        contact.chat_mode === 'HUMAN' &&
        line?.redelivery === true &&
        typeof line.webhookEventId === 'string' &&
        (await liveChat.handoff.openedBy(contact.id, line.webhookEventId));
      const human = contact.chat_mode === 'HUMAN' && !handingOver;
      send(human ? [null, msg] : [msg, null]);
      msgStatus(this).set(() => ({
        fill: human ? 'blue' : 'green',
        shape: 'dot',
        text: RED._(human ? 'chat-mode-router.status.human' : 'chat-mode-router.status.bot', {
          user: contact.display_name ?? contact.line_user_id,
        }),
      }));
    });
  }

  RED.nodes.registerType('chat-mode-router', ChatModeRouter);
};
