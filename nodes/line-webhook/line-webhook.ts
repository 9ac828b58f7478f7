// line-webhook: LINE's webhook endpoint on Node-RED's HTTP server. The core verifies, stores and
// processes; this node mounts the route, emits one msg per new event and shows what happened.
// The flow's work of each msg is counted through Node-RED's message hooks (flow-work-hooks): an
// event is done when its msgs have left the flow, else the core emits it again (msg.line.redelivery).
import type { NodeAPI, NodeDefinition, Node } from '../shared/node-red';
import { readNodeConfig } from '../shared/config-version';
import { serveCredentialChoices } from '../shared/credential-choices';
import { findSessionStore } from '../shared/session-store';
import { captureRawBody, refuseBodyReadBeforeCapture } from '../shared/raw-body';
import { msgStatus } from '../shared/msg-status';
import { installFlowWorkHooks } from '../shared/flow-work-hooks';
import { ownWebhookPath } from '../shared/webhook-paths';
import { lineWebhookHandlers } from '../../src/line/webhook-route';
import type { LineEventOutput } from '../../src/line/webhook-ingest';

interface LineWebhookConfig extends NodeDefinition {
  store?: string;
  url?: string;
  credential?: string;
}

const DEFAULT_WEBHOOK_PATH = '/line/webhook';

/** Version 1: name, store, url, credential. */
const LINE_WEBHOOK_CONFIG_VERSION = 1;

export = function register(RED: NodeAPI) {
  serveCredentialChoices(RED);
  installFlowWorkHooks(RED);

  function LineWebhook(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const node = this;
    const config = readNodeConfig<LineWebhookConfig>(RED, node, saved, LINE_WEBHOOK_CONFIG_VERSION);
    if (!config) return;
    const url = normalisePath(config.url);
    const store = findSessionStore(RED, config.store);
    if (!store) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('line-webhook.status.noStore') });
      node.error(RED._('line-webhook.errors.noStore'));
      return;
    }

    const credential = config.credential?.trim();
    const emit = (events: LineEventOutput[]) => {
      for (const event of events) node.send({ payload: event.payload, contact: event.contact, line: event.line });
      const last = events[events.length - 1].payload;
      const at = new Date();
      msgStatus(node).set(() => {
        const time = at.toLocaleTimeString();
        return {
          fill: 'green',
          shape: 'dot',
          text: last.message
            ? RED._('line-webhook.status.message', { type: last.type, messageType: last.message.type, time })
            : RED._('line-webhook.status.event', { type: last.type, time }),
        };
      });
    };
    // Stored events of this credential that the core processes later (after a restart, or when
    // its queue was full) come out of this node too.
    let closed = false;
    let unregister: (() => void) | undefined;
    store.liveChat.then(
      (liveChat) => {
        if (!closed) unregister = liveChat.lineWebhook.registerSink(credential, emit);
      },
      () => undefined,
    );

    const handlers = lineWebhookHandlers({
      liveChat: () => store.ready(),
      credential,
      onEvents: emit,
      onProblem(status, reason) {
        msgStatus(node).now({
          fill: status >= 500 ? 'red' : 'yellow',
          shape: 'ring',
          text: RED._('line-webhook.status.refused', { status, reason }).slice(0, 60),
        });
        // No msg came of it (LINE was answered before any), so a Catch node gets what it can: the answer.
        const text = RED._('line-webhook.errors.answered', { status, reason });
        if (status >= 500) node.error(text, { topic: 'line-webhook', payload: { status, reason } });
        else node.warn(text);
      },
    });
    const releasePath = ownWebhookPath(RED, url, [refuseBodyReadBeforeCapture, ...handlers]);
    const releaseRawBody = captureRawBody(RED.httpNode, url);
    node.status({ fill: 'grey', shape: 'ring', text: url });

    // The route itself stays (webhook-paths): closed, the path answers 503 until a node owns it
    // again, so LINE delivers again what comes in while the flows stop or restart.
    node.on('close', () => {
      closed = true;
      unregister?.();
      releaseRawBody();
      releasePath();
    });
  }

  RED.nodes.registerType('line-webhook', LineWebhook);
};

function normalisePath(path: string | undefined): string {
  const trimmed = (path ?? '').trim() || DEFAULT_WEBHOOK_PATH;
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
