// Node tests run in node-red-node-test-helper's runtime. Its RED.httpNode is an express app that
// no server listens on, so a probe node captures it and the tests serve it on a loopback port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import helper from 'node-red-node-test-helper';
import { FakeLine } from './fake-line';
import { CHANNEL_SECRET } from './line-webhooks';
import { setEnvironment } from './environment';
import { STATUS_INTERVAL_MS } from '../../nodes/shared/msg-status';

helper.init(require.resolve('node-red'));

// The helper's RED lacks Node-RED's message hooks (RED.hooks), which the runtime it runs calls
// all the same: its nodes get the runtime's own, as in Node-RED.
{
  const registryUtil = (helper as unknown as { _registryUtil?: { init(runtime: Record<string, unknown>): void } })._registryUtil;
  const runtimeHooks = require(require.resolve('@node-red/util', { paths: [require.resolve('node-red')] })).hooks;
  if (registryUtil) {
    const init = registryUtil.init.bind(registryUtil);
    registryUtil.init = (runtime) => {
      runtime.hooks ??= runtimeHooks;
      init(runtime);
    };
  }
}

export { helper };

let httpNodeApp: http.RequestListener | undefined;

/** A node module of the tests' own: it registers `http-probe`, which remembers RED.httpNode. */
export function httpProbe(RED: {
  httpNode: http.RequestListener;
  nodes: { registerType(type: string, ctor: (this: object, config: object) => void): void; createNode(node: object, config: object): void };
}) {
  httpNodeApp = RED.httpNode;
  RED.nodes.registerType('http-probe', function (this: object, config: object) {
    RED.nodes.createNode(this, config);
  });
}

/**
 * A node module of the tests' own that mounts RED.httpNode at `root` inside `outer` as soon as
 * the runtime loads it, before the flow's nodes start: as Node-RED mounts it at httpNodeRoot
 * inside its own app, after the editor's (httpAdmin, with its JSON body parser).
 */
export function mountHttpNodeIn(outer: { use(path: string, app: http.RequestListener): unknown }, root: string) {
  return (RED: { httpNode: http.RequestListener }) => {
    outer.use(root, RED.httpNode);
  };
}

/** Serves an express app (or any request listener) on a loopback port. */
export async function serveApp(app: http.RequestListener): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => app(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Has the runtime's own HTTP server (RED.server, where socket.io listens; helper.url()) answer
 * with `app`, as Node-RED's server answers with its app: pages, API and socket.io on one origin.
 * Call after helper.startServer; the answer puts the helper's own app back.
 */
export function serveOnRuntimeServer(app: http.RequestListener): () => void {
  // The helper's server calls its `_app` on each request (node-red-node-test-helper's startServer).
  const runtime = helper as unknown as { _app: http.RequestListener };
  const previous = runtime._app;
  runtime._app = app;
  return () => {
    runtime._app = previous;
  };
}

/** Serves the runtime's httpNode app on a loopback port; call after helper.load. */
export async function serveHttpNode(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  if (!httpNodeApp) throw new Error('load httpProbe with the flow first');
  return serveApp(httpNodeApp);
}

/**
 * Mocha hooks for a suite that runs the LINE nodes: a loopback LINE stand-in, the environment
 * that points the nodes at it, and the helper's server. Answers a getter for the stand-in.
 */
export function useLineNodeRuntime(): () => FakeLine {
  let fake: FakeLine | undefined;
  let restoreEnvironment: () => void = () => undefined;
  before(async () => {
    fake = await new FakeLine().start();
    restoreEnvironment = setEnvironment({
      LINE_API_BASE_URL: fake.baseUrl,
      LINE_CHANNEL_SECRET: CHANNEL_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: fake.accessToken,
      ADMIN_PASSWORD: undefined,
    });
    await helper.startServer();
  });
  after(async () => {
    restoreEnvironment();
    await helper.stopServer();
    await fake?.close();
  });
  return () => {
    if (!fake) throw new Error('the LINE stand-in is not running');
    return fake;
  };
}

/**
 * Every status a deployed node has shown, oldest first, including those set while the flow
 * started (the helper spies on Node.prototype.status for all nodes).
 */
export function statusesOf(id: string): { fill?: string; shape?: string; text?: string }[] {
  const node = helper.getNode(id);
  const spy = node.status as unknown as { getCalls(): { thisValue: unknown; args: unknown[] }[] };
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node)
    .map((call) => call.args[0] as { fill?: string; shape?: string; text?: string });
}

/** The last status of a node once its msg statuses have settled: they are shown at most every STATUS_INTERVAL_MS, the last one in the end. */
export async function settledStatus(id: string): Promise<{ fill?: string; shape?: string; text?: string } | undefined> {
  await new Promise((resolve) => setTimeout(resolve, STATUS_INTERVAL_MS + 50));
  return statusesOf(id).at(-1);
}
