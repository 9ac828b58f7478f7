// Counts, for the core's FlowWork, the msgs of each webhook event still in the flow, through
// Node-RED's message hooks (process-wide, so added once). A msg counts from the moment it is
// routed to a node (preDeliver: a clone is made by then, and a wire to a node that is not running
// counts nothing) or handed to one directly (a Catch or Complete node: onReceive), until that
// node is done with it: done() (onComplete) or, for a node whose input handler takes no done,
// its handler's return (postReceive). A msg is one of an event's while it carries the event's
// msg.line.webhookEventId. While the flows stop, msgs between nodes are dropped: the counts stop
// meaning "done" (FlowWork.freezeAll) until the flows have started again.
import { FlowWork } from '../../src/line/flow-work';
import type { NodeAPI } from './node-red';

const HOOK_LABEL = 'lineLiveChatFlowWork';

interface HookedNode {
  /** Node-RED's count of input handlers that take done (Node.js `_expectedDoneCount`). */
  _expectedDoneCount?: number;
}

interface HookEvent {
  msg?: { line?: { webhookEventId?: unknown } };
  node?: { node?: HookedNode };
  destination?: { node?: HookedNode };
}

interface Hooks {
  add(id: string, hook: (event: HookEvent) => void): void;
  has(id: string): boolean;
}

/** Msgs counted when routed, so that their arrival is not counted again. */
const routed = new WeakSet<object>();
let frozenListenerAdded = false;

export function installFlowWorkHooks(RED: NodeAPI): void {
  const hooks = (RED as unknown as { hooks?: Hooks }).hooks;
  if (!hooks || hooks.has(`onComplete.${HOOK_LABEL}`)) return;
  const tracked = (event: HookEvent): { work: FlowWork; id: string } | undefined => {
    const id = event.msg?.line?.webhookEventId;
    const work = FlowWork.of(id);
    return work ? { work, id: id as string } : undefined;
  };
  hooks.add(`preDeliver.${HOOK_LABEL}`, (event) => {
    const found = tracked(event);
    if (!found || !event.msg) return;
    found.work.enter(found.id);
    routed.add(event.msg);
  });
  hooks.add(`onReceive.${HOOK_LABEL}`, (event) => {
    if (!event.msg) return;
    if (routed.delete(event.msg)) return;
    const found = tracked(event);
    if (found) found.work.enter(found.id);
  });
  hooks.add(`postReceive.${HOOK_LABEL}`, (event) => {
    const takesDone = (event.destination?.node?._expectedDoneCount ?? 1) > 0;
    if (takesDone) return;
    const found = tracked(event);
    if (found) found.work.leave(found.id);
  });
  hooks.add(`onComplete.${HOOK_LABEL}`, (event) => {
    const found = tracked(event);
    if (found) found.work.leave(found.id);
  });
  if (!frozenListenerAdded) {
    frozenListenerAdded = true;
    const events = RED.events as unknown as { on(name: string, listener: () => void): void };
    events.on('flows:stopping', () => FlowWork.freezeAll(true));
    events.on('flows:started', () => FlowWork.freezeAll(false));
  }
}
