// handoff: a LINE user asks for a human (keyword, rich-menu postback or msg.handoff), so the
// chat goes to HUMAN with a WAITING session and a greeting; anything else goes on to the bot.
// The rules live in the core (Handoff); this node reads its config and routes msgs.
import type { NodeAPI, NodeDefinition, Node } from '../shared/node-red';
import { serveCredentialChoices } from '../shared/credential-choices';
import { readyStoreNode, runningLiveChat, startStoreNode } from '../shared/running-store';
import { onInput } from '../shared/input';
import { msgStatus } from '../shared/msg-status';
import type { ContactRow } from '../../src/store/contacts';
import type { LineEventContext } from '../../src/line/webhook-ingest';
import type { KeywordMatchMode } from '../../src/live-chat/live-chat-settings';
import { sessionJson } from '../../src/live-chat/conversation-json';

/** Version 1: name, store, credential, keywords, matchMode, greeting. */
const HANDOFF_CONFIG_VERSION = 1;

interface HandoffConfig extends NodeDefinition {
  store?: string;
  credential?: string;
  /** One keyword per line; blank = the stored handoff_keywords setting. */
  keywords?: string;
  /** '' = the stored handoff_match_mode setting. */
  matchMode?: '' | KeywordMatchMode;
  /** Blank = the stored handoff_greeting setting. */
  greeting?: string;
}

export = function register(RED: NodeAPI) {
  serveCredentialChoices(RED);

  function HandoffNode(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const start = startStoreNode<HandoffConfig>(RED, this, saved, HANDOFF_CONFIG_VERSION);
    const { config } = start;
    // frozen: normalised for matching once, not per msg
    const keywords = Object.freeze(
      (config?.keywords ?? '')
        .split('\n')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
    );
    const matchMode = config?.matchMode || undefined;

    onInput(this, async (msg, send) => {
      const { config, store } = readyStoreNode(RED, this, start);
      const known = msg.contact as ContactRow | null | undefined;
      // Group and room chats have no inbox: they stay with the bot.
      if (!known?.id) {
        send([null, msg]);
        return;
      }
      const liveChat = await runningLiveChat(RED, this, store);
      const contact = await liveChat.contacts.current(known);
      msg.contact = contact;
      // An operator has this chat: the core stored the message and told the inbox; the bot stays quiet.
      if (contact.chat_mode === 'HUMAN') {
        msgStatus(this).set(() => ({ fill: 'blue', shape: 'ring', text: RED._('handoff.status.withOperator', { user: label(contact) }) }));
        return;
      }
      const asked = await liveChat.handoff.isTrigger({ event: msg.payload, handoff: msg.handoff, keywords, matchMode });
      if (!asked) {
        send([null, msg]);
        return;
      }

      const line = (msg.line ?? {}) as Partial<LineEventContext>;
      const triggerMessage = line.messageId ? await liveChat.store.messages.incomingByLineMessageId(line.messageId) : undefined;
      let result: Awaited<ReturnType<typeof liveChat.handoff.start>>;
      try {
        result = await liveChat.handoff.start({
          contact,
          replyToken: line.replyToken,
          receivedAt: line.receivedAt,
          mode: line.mode,
          triggerMessageId: triggerMessage?.id,
          greeting: config.greeting,
          lineCredential: config.credential,
        });
      } catch (err) {
        throw new Error(RED._('handoff.errors.failed', { user: label(contact), error: (err as Error).message }));
      }
      if (result.outcome === 'already-open') {
        msgStatus(this).set(() => ({ fill: 'blue', shape: 'ring', text: RED._('handoff.status.alreadyOpen', { user: label(result.contact) }) }));
        return;
      }
      msg.contact = result.contact;
      msg.session = sessionJson(result.session);
      msg.recentMessages = result.recentMessages;
      msg.handoff = {
        outcome: result.outcome,
        greeting: result.greeting.status,
        ...('error' in result.greeting && result.greeting.error ? { error: result.greeting.error } : {}),
      };
      const greeting = result.greeting.status;
      const user = label(result.contact);
      msgStatus(this).set(() => {
        const texts = { user, time: new Date().toLocaleTimeString() };
        return greeting === 'FAILED'
          ? { fill: 'yellow', shape: 'dot', text: RED._('handoff.status.greetingFailed', texts) }
          : { fill: 'green', shape: 'dot', text: RED._('handoff.status.handedOver', texts) };
      });
      send([msg, null]);
    });
  }

  RED.nodes.registerType('handoff', HandoffNode);
};

function label(contact: ContactRow): string {
  return contact.display_name ?? contact.line_user_id;
}
