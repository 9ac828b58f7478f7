// live-chat-event: a msg for each thing that happens in the live chat that the dialog chose (a
// handoff starts, a chat is claimed, transferred or closed, an operator's message reaches the
// user, a chat waits too long), for flows that tell n8n, Google Sheets or a CRM. The events and
// their JSON are the core's (watchFlowEvents); this node sends them on.
import { FLOW_EVENTS, type FlowEvent, type FlowEventName, watchFlowEvents } from '../../src/live-chat/flow-events';
import { readNodeConfig } from '../shared/config-version';
import type { Node, NodeAPI, NodeDefinition, NodeMessage } from '../shared/node-red';
import { findSessionStore } from '../shared/session-store';
import { msgStatus } from '../shared/msg-status';

/** Version 1: store, one checkbox per event, waitingMinutes (and the hidden waitingCheckSeconds). */
const LIVE_CHAT_EVENT_CONFIG_VERSION = 1;

/** The dialog's checkbox of each event. */
const EVENT_CHECKBOXES: Record<FlowEventName, string> = {
  handoff: 'onHandoff',
  claimed: 'onClaimed',
  transferred: 'onTransferred',
  closed: 'onClosed',
  'operator-message': 'onOperatorMessage',
  waiting: 'onWaiting',
};

interface LiveChatEventConfig extends NodeDefinition {
  store?: string;
  onHandoff?: boolean;
  onClaimed?: boolean;
  onTransferred?: boolean;
  onClosed?: boolean;
  onOperatorMessage?: boolean;
  onWaiting?: boolean;
  /** "waits too long": WAITING this many whole minutes. */
  waitingMinutes?: number | string;
  /** Hidden: how often to look for long waits, in seconds (default 30). */
  waitingCheckSeconds?: number | string;
}

export = function register(RED: NodeAPI) {
  function LiveChatEvent(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const node = this;
    const config = readNodeConfig<LiveChatEventConfig>(RED, node, saved, LIVE_CHAT_EVENT_CONFIG_VERSION);
    if (!config) return;
    const store = findSessionStore(RED, config.store);
    if (!store) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('live-chat-event.status.noStore') });
      node.error(RED._('live-chat-event.errors.noStore'));
      return;
    }
    // A checkbox left out of an imported flow counts as ticked: the node's default.
    const events = FLOW_EVENTS.filter((name) => config[EVENT_CHECKBOXES[name]] !== false);
    const waitingMinutes = Number(config.waitingMinutes ?? 10);
    if (events.includes('waiting') && (!Number.isInteger(waitingMinutes) || waitingMinutes < 1)) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('live-chat-event.status.badMinutes') });
      node.error(RED._('live-chat-event.errors.badMinutes', { minutes: String(config.waitingMinutes) }));
      return;
    }
    const checkSeconds = Number(config.waitingCheckSeconds) > 0 ? Math.max(0.05, Number(config.waitingCheckSeconds)) : 30;
    node.status({ fill: 'grey', shape: 'ring', text: RED._('live-chat-event.status.listening', { count: events.length }) });

    let stop: (() => void) | undefined;
    let closed = false;
    // A failure that repeats every round (the database gone for an hour) is reported once.
    let lastReported = '';
    store.liveChat.then(
      (liveChat) => {
        if (closed) return;
        stop = watchFlowEvents(liveChat, {
          events,
          waitingMinutes,
          checkIntervalMs: checkSeconds * 1000,
          deliver(event: FlowEvent) {
            lastReported = '';
            node.send({
              topic: event.name,
              payload: event.payload,
              lineUserId: event.contact.line_user_id,
              contact: event.contact,
              session: event.session,
              businessHours: event.businessHours,
            });
            const who = event.contact.display_name ?? event.contact.line_user_id;
            msgStatus(node).set(() => ({
              fill: 'green',
              shape: 'dot',
              text: RED._('live-chat-event.status.emitted', { event: event.name, user: who, time: new Date().toLocaleTimeString() }),
            }));
          },
          failed(err, name) {
            const text = RED._('live-chat-event.errors.failed', { event: name ?? '', error: err.message });
            msgStatus(node).now({ fill: 'red', shape: 'ring', text: RED._('live-chat-event.status.failed', { event: name ?? '' }) });
            if (text === lastReported) return;
            lastReported = text;
            // With a msg, the error reaches Catch nodes.
            node.error(text, { topic: name, payload: { event: name, error: err.message } } as NodeMessage);
          },
        });
      },
      (err: Error) => {
        node.status({ fill: 'red', shape: 'ring', text: RED._('live-chat-event.status.storeFailed') });
        node.error(RED._('live-chat-event.errors.storeFailed', { error: err.message }), { topic: 'store', payload: { error: err.message } } as NodeMessage);
      },
    );

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      stop?.();
      done();
    });
  }

  RED.nodes.registerType('live-chat-event', LiveChatEvent);
};
