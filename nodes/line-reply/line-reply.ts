// line-reply: the bot's answer to the msg's contact, by reply token while it is fresh, else by
// push; stored in the history as BOT messages. The sending rules live in the core (LineSender).
import type { NodeAPI, NodeDefinition, Node } from '../shared/node-red';
import { findSessionStore } from '../shared/session-store';
import { onInput } from '../shared/input';
import type { ContactRow } from '../../src/store/contacts';
import type { LineEventContext } from '../../src/line/webhook-ingest';
import type { OutgoingContent } from '../../src/line/line-sender';

interface LineReplyConfig extends NodeDefinition {
  store?: string;
  credential?: string;
}

export = function register(RED: NodeAPI) {
  function LineReply(this: Node, config: LineReplyConfig) {
    RED.nodes.createNode(this, config);
    const store = findSessionStore(RED, config.store);
    if (!store) this.status({ fill: 'red', shape: 'ring', text: 'no store' });

    onInput(this, async (msg, send) => {
      if (!store) throw new Error('Choose a session-store for this line-reply');
      const contact = msg.contact as ContactRow | null | undefined;
      if (!contact?.id) throw new Error('msg.contact is missing: line-reply answers the 1:1 chat of a msg from line webhook');
      const line = (msg.line ?? {}) as Partial<LineEventContext>;
      const liveChat = await store.liveChat;
      const credential = await liveChat.credentials.resolve('LINE', config.credential?.trim() || undefined);
      const result = await liveChat.lineSender.sendToContact({
        contact,
        messages: msg.payload as OutgoingContent | OutgoingContent[],
        replyToken: line.replyToken,
        receivedAt: line.receivedAt,
        mode: line.mode,
        sender: 'BOT',
        channelAccessToken: credential.secrets.channel_access_token ?? '',
      });
      msg.lineReply = {
        status: result.status,
        via: result.via,
        message_ids: result.messages.map((m) => m.id),
        ...(result.error ? { error: result.error } : {}),
      };
      if (result.status === 'FAILED') throw new Error(`LINE did not take the message (stored as FAILED): ${result.error}`);
      this.status(
        result.status === 'SENT'
          ? { fill: 'green', shape: 'dot', text: `sent by ${result.via} ${new Date().toLocaleTimeString()}` }
          : { fill: 'grey', shape: 'ring', text: 'standby: not sent' },
      );
      send(msg);
    });
  }

  RED.nodes.registerType('line-reply', LineReply);
};
