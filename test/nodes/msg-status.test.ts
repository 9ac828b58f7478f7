// A node's msg statuses are shown at most every interval, the last one always in the end
// (nodes/shared/msg-status), on real Node-RED nodes of the test helper's runtime.
import assert from 'node:assert';
import { helper } from '../support/node-red';
import { MsgStatus, msgStatus } from '../../nodes/shared/msg-status';
import type { Node } from '../../nodes/shared/node-red';

/** A node module of the test's own: a node type that does nothing, for MsgStatus to drive. */
function plainNode(RED: {
  nodes: { registerType(type: string, ctor: (this: object, config: object) => void): void; createNode(node: object, config: object): void };
}) {
  RED.nodes.registerType('plain', function (this: object, config: object) {
    RED.nodes.createNode(this, config);
  });
}

const INTERVAL_MS = 80;

/** The texts `node` has shown (the helper spies on every node's status while the flow runs). */
function shown(node: Node): (string | undefined)[] {
  const spy = node.status as unknown as { getCalls(): { thisValue: unknown; args: { text?: string }[] }[] };
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node)
    .map((call) => call.args[0].text);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('msg status throttle', () => {
  let node: Node;
  before(async () => helper.startServer());
  after(async () => helper.stopServer());
  beforeEach(async () => {
    await helper.load(
      [plainNode],
      [
        { id: 'n', type: 'plain', z: 'f1' },
        { id: 'f1', type: 'tab' },
      ],
    );
    node = helper.getNode('n') as unknown as Node;
  });
  afterEach(async () => helper.unload());

  const texts = () => shown(node);

  it('shows the first status at once, then the last of a burst once the interval is over, making only the texts it shows', async () => {
    const status = new MsgStatus(node, INTERVAL_MS);
    const made: number[] = [];
    for (let i = 1; i <= 20; i++) {
      status.set(() => {
        made.push(i);
        return { fill: 'green', shape: 'dot', text: `msg ${i}` };
      });
    }
    assert.deepStrictEqual(texts(), ['msg 1']);
    await sleep(INTERVAL_MS * 2);
    assert.deepStrictEqual(texts(), ['msg 1', 'msg 20']);
    assert.deepStrictEqual(made, [1, 20]);
    // quiet for longer than the interval: the next one is shown at once again
    await sleep(INTERVAL_MS + 20);
    status.set({ fill: 'green', shape: 'dot', text: 'later' });
    assert.deepStrictEqual(texts(), ['msg 1', 'msg 20', 'later']);
  });

  it('shows at most one status per interval under a steady stream', async () => {
    const status = new MsgStatus(node, INTERVAL_MS);
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < INTERVAL_MS * 5) {
      status.set({ fill: 'green', shape: 'dot', text: `msg ${++n}` });
      await sleep(5);
    }
    await sleep(INTERVAL_MS * 2);
    const seen = texts();
    assert.ok(n > 30, `${n} statuses asked for`);
    assert.ok(seen.length >= 4 && seen.length <= 7, `${seen.length} shown: ${seen.join(', ')}`);
    assert.strictEqual(seen.at(-1), `msg ${n}`);
  });

  it('shows a failure at once, and the status that waited does not cover it later', async () => {
    const status = new MsgStatus(node, INTERVAL_MS);
    status.set({ fill: 'green', shape: 'dot', text: 'ok 1' });
    status.set({ fill: 'green', shape: 'dot', text: 'ok 2' });
    status.now({ fill: 'red', shape: 'ring', text: 'failed' });
    await sleep(INTERVAL_MS * 2);
    assert.deepStrictEqual(texts(), ['ok 1', 'failed']);
  });

  it('shows nothing more once the node is closed', async () => {
    const status = new MsgStatus(node, INTERVAL_MS);
    status.set({ fill: 'green', shape: 'dot', text: 'ok 1' });
    let made = false;
    status.set(() => {
      made = true;
      return { fill: 'green', shape: 'dot', text: 'ok 2' };
    });
    await helper.unload();
    await sleep(INTERVAL_MS * 2);
    assert.strictEqual(made, false, 'the waiting status was dropped with the node');
  });

  it('warns, and keeps going, when a status text cannot be made', async () => {
    const status = new MsgStatus(node, INTERVAL_MS);
    status.set({ fill: 'green', shape: 'dot', text: 'ok' });
    status.set(() => {
      throw new Error('no such text');
    });
    await sleep(INTERVAL_MS * 2);
    const warn = node.warn as unknown as { getCalls(): { args: unknown[] }[] };
    assert.ok(warn.getCalls().some((call) => call.args[0] === 'status: no such text'));
    status.set({ fill: 'green', shape: 'dot', text: 'ok again' });
    await sleep(INTERVAL_MS * 2);
    assert.strictEqual(texts().at(-1), 'ok again');
  });

  it('gives a node one throttle, so that all its msg statuses share it', () => {
    assert.strictEqual(msgStatus(node), msgStatus(node));
  });
});
