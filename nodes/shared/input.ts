// The one way these nodes handle a msg: async work whose failure turns the status red and goes
// to done(err), where a Catch node sees it (Node-RED does not catch rejected promises itself).
import type { Node, NodeMessage, NodeStatus, SendFunction } from './node-red';
import { msgStatus } from './msg-status';

export function onInput(node: Node, work: (msg: NodeMessage, send: SendFunction) => Promise<void>, failedStatus?: (err: Error) => NodeStatus): void {
  node.on('input', (msg, send, done) => {
    work(msg, send).then(
      () => done(),
      (err: Error) => {
        msgStatus(node).now(failedStatus?.(err) ?? { fill: 'red', shape: 'ring', text: err.message.slice(0, 60) });
        done(err);
      },
    );
  });
}
