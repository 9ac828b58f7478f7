// chat-mode-router: BOT output or HUMAN output by the contact's chat mode, read fresh from the
// store so that a switch made meanwhile (an operator took over) counts. A msg without a contact
// (group and room events) goes to BOT: there is no human inbox for those.
import type { NodeAPI, NodeDefinition, Node } from '../shared/node-red';
import { findSessionStore } from '../shared/session-store';
import { onInput } from '../shared/input';
import type { ContactRow } from '../../src/store/contacts';

interface ChatModeRouterConfig extends NodeDefinition {
  store?: string;
}

export = function register(RED: NodeAPI) {
  function ChatModeRouter(this: Node, config: ChatModeRouterConfig) {
    RED.nodes.createNode(this, config);
    const store = findSessionStore(RED, config.store);
    if (!store) this.status({ fill: 'red', shape: 'ring', text: 'no store' });

    onInput(this, async (msg, send) => {
      if (!store) throw new Error('Choose a session-store for this chat-mode-router');
      const known = msg.contact as ContactRow | null | undefined;
      if (!known?.line_user_id) {
        send([msg, null]);
        return;
      }
      const liveChat = await store.liveChat;
      const contact = (await liveChat.store.contacts.byLineUserId(known.line_user_id)) ?? known;
      msg.contact = contact;
      send(contact.chat_mode === 'HUMAN' ? [null, msg] : [msg, null]);
      this.status({
        fill: contact.chat_mode === 'HUMAN' ? 'blue' : 'green',
        shape: 'dot',
        text: `${contact.chat_mode}: ${contact.display_name ?? contact.line_user_id}`,
      });
    });
  }

  RED.nodes.registerType('chat-mode-router', ChatModeRouter);
};
