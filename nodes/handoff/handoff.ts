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
import type { OpenResult } from '../../src/live-chat/handoff';

/** The longest the alert output waits for the greeting (msg.handoff.greeting PENDING after it). */
const GREETING_WAIT_MS = 1000;

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
      const liveChat = await runningLiveChat(RED, this, store);
      // Either output: a flow may answer differently when the team is closed.
      msg.businessHours = await liveChat.handoff.businessHours();
      const known = msg.contact as ContactRow | null | undefined;
      // Group and room chats have no inbox: they stay with the bot.
      if (!known?.id) {
        send([null, msg]);
        return;
      }
      const contact = await liveChat.contacts.current(known);
      msg.contact = contact;
      const line = (msg.line ?? {}) as Partial<LineEventContext>;
      const request = {
        contact,
        replyToken: line.replyToken,
        receivedAt: line.receivedAt,
        eventTimestamp: typeof line.timestamp === 'number' ? line.timestamp : undefined,
        mode: line.mode,
        greeting: config.greeting,
        lineCredential: config.credential,
        webhookEventId: typeof line.webhookEventId === 'string' ? line.webhookEventId : undefined,
        redelivery: line.redelivery === true,
      };
      let result: OpenResult;
      if (contact.chat_mode === 'HUMAN') {
        // This event's own handoff, run again (emitted again after a crash): finish it.
        const resumed = await liveChat.handoff.resume(request);
        // An operator has this chat: the core stored the message and told the inbox; the bot stays quiet.
        if (!resumed) {
          msgStatus(this).set(() => ({ fill: 'blue', shape: 'ring', text: RED._('handoff.status.withOperator', { user: label(contact) }) }));
          return;
        }
        result = resumed;
      } else {
        const asked = await liveChat.handoff.isTrigger({ event: msg.payload, handoff: msg.handoff, keywords, matchMode });
        if (!asked) {
          send([null, msg]);
          return;
        }
        const triggerMessage = line.messageId ? await liveChat.store.messages.incomingByLineMessageId(line.messageId) : undefined;
        try {
          result = await liveChat.handoff.open({ ...request, triggerMessageId: triggerMessage?.id });
        } catch (err) {
          throw new Error(RED._('handoff.errors.failed', { user: label(contact), error: (err as Error).message }));
        }
      }
      if (result.outcome === 'already-open') {
        const { contact: current } = result;
        msgStatus(this).set(() => ({ fill: 'blue', shape: 'ring', text: RED._('handoff.status.alreadyOpen', { user: label(current) }) }));
        return;
      }
      // The alert waits for the greeting at most GREETING_WAIT_MS: a slow or hung LINE holds up
      // nobody's alert. The msg is done (for the flow's work) once the greeting is.
      const greeting = liveChat.handoff.greet(request, result);
      const early = await Promise.race([greeting, delay(GREETING_WAIT_MS)]);
      msg.contact = result.contact;
      msg.session = sessionJson(result.session);
      msg.recentMessages = result.recentMessages;
      msg.handoff = {
        outcome: result.outcome,
        greeting: early ? early.status : 'PENDING',
        ...(early && 'error' in early && early.error ? { error: early.error } : {}),
        ...(result.resumed ? { resumed: true } : {}),
      };
      send([msg, null]);
      const outcome = early ?? (await greeting);
      const user = label(result.contact);
      msgStatus(this).set(() => {
        const texts = { user, time: new Date().toLocaleTimeString() };
        return outcome.status === 'FAILED'
          ? { fill: 'yellow', shape: 'dot', text: RED._('handoff.status.greetingFailed', texts) }
          : { fill: 'green', shape: 'dot', text: RED._('handoff.status.handedOver', texts) };
      });
    });
  }

  RED.nodes.registerType('handoff', HandoffNode);
};

function label(contact: ContactRow): string {
  return contact.display_name ?? contact.line_user_id;
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
