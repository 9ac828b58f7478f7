// Node tests run in node-red-node-test-helper's runtime. Its RED.httpNode is an express app that
// no server listens on, so a probe node captures it and the tests serve it on a loopback port.
import http from 'http';
import { AddressInfo } from 'net';
import helper from 'node-red-node-test-helper';

helper.init(require.resolve('node-red'));

export { helper };

let httpNodeApp: http.RequestListener | undefined;

/** A node module of the tests' own: it registers `http-probe`, which remembers RED.httpNode. */
export function httpProbe(RED: { httpNode: http.RequestListener; nodes: { registerType: Function; createNode: Function } }) {
  httpNodeApp = RED.httpNode;
  RED.nodes.registerType('http-probe', function (this: object, config: object) {
    RED.nodes.createNode(this, config);
  });
}

/** Serves the runtime's httpNode app on a loopback port; call after helper.load. */
export async function serveHttpNode(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  if (!httpNodeApp) throw new Error('load httpProbe with the flow first');
  const app = httpNodeApp;
  const server = http.createServer((req, res) => app(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
