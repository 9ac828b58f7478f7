// line-reply: the bot's answer to the msg's contact, by reply token while it is fresh, else by
// push; stored in the history as BOT messages. The sending rules live in the core (LineSender).
// An answer to a webhook event is sent once: keyed by the event, this node and what it says, so
// the same event run through the flow again (msg.line.redelivery) sends nothing new.
import crypto from 'node:crypto';
import type { NodeAPI, NodeDefinition, Node } from '../shared/node-red';
import { serveCredentialChoices } from '../shared/credential-choices';
import { readyStoreNode, runningLiveChat, startStoreNode } from '../shared/running-store';
import { onInput } from '../shared/input';
import { msgStatus } from '../shared/msg-status';
import type { ContactRow } from '../../src/store/contacts';
import type { LineEventContext } from '../../src/line/webhook-ingest';
import type { OutgoingContent, SendResult } from '../../src/line/line-sender';

/** Version 1: name, store, credential. */
const LINE_REPLY_CONFIG_VERSION = 1;

interface LineReplyConfig extends NodeDefinition {
  store?: string;
  credential?: string;
}

export = function register(RED: NodeAPI) {
  serveCredentialChoices(RED);

  function LineReply(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const start = startStoreNode<LineReplyConfig>(RED, this, saved, LINE_REPLY_CONFIG_VERSION);

    onInput(this, async (msg, send) => {
      const { config, store } = readyStoreNode(RED, this, start);
      const contact = msg.contact as ContactRow | null | undefined;
      if (!contact?.id) throw new Error(RED._('line-reply.errors.noContact'));
      const line = (msg.line ?? {}) as Partial<LineEventContext>;
      const liveChat = await runningLiveChat(RED, this, store);
      const user = contact.display_name ?? contact.line_user_id;
      let result: SendResult;
      try {
        const channelAccessToken = await liveChat.credentials.secret('LINE', config.credential?.trim() || undefined, 'channel_access_token');
        result = await liveChat.lineSender.sendToContact({
          contact,
          messages: msg.payload as OutgoingContent | OutgoingContent[],
          replyToken: line.replyToken,
          receivedAt: line.receivedAt,
          eventTimestamp: typeof line.timestamp === 'number' ? line.timestamp : undefined,
          mode: line.mode,
          sender: 'BOT',
          channelAccessToken: channelAccessToken ?? '',
          sendKey: typeof line.webhookEventId === 'string' ? answerKey(line.webhookEventId, this.id, msg.payload) : undefined,
        });
      } catch (err) {
        throw new Error(RED._('line-reply.errors.failed', { user, error: (err as Error).message }));
      }
      msg.lineReply = {
        status: result.status,
        via: result.via,
        ...(result.sentBefore ? { sent_before: true } : {}),
        message_ids: result.messages.map((m) => m.id),
        ...(result.error ? { error: result.error } : {}),
      };
      if (result.status === 'FAILED') throw new Error(RED._('line-reply.errors.notSent', { user, error: result.error ?? '' }));
      const { status, via } = result;
      msgStatus(this).set(() =>
        status === 'SENT'
          ? { fill: 'green', shape: 'dot', text: RED._('line-reply.status.sent', { via: via ?? '', time: new Date().toLocaleTimeString() }) }
          : { fill: 'grey', shape: 'ring', text: RED._('line-reply.status.standby') },
      );
      send(msg);
    });
  }

  RED.nodes.registerType('line-reply', LineReply);
};

/** One answer of this node to one event: the same answer to the same event is the same send. */
function answerKey(webhookEventId: string, nodeId: string, payload: unknown): string {
  const digest = crypto.createHash('sha256').update(canonicalJson(payload)).digest('base64url').slice(0, 16);
  return `reply:${webhookEventId}:${nodeId}:${digest}`;
}

/** JSON with every object's keys sorted: an event read back from the database has its keys in another order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
