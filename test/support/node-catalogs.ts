// The test helper's RED._ answers the key itself. Loaded first into helper.load, the module
// `nodeCatalogs` makes RED._ speak the nodes' real catalogs through Node-RED's own i18n (as a
// real Node-RED does, each node's key in its node's catalog), so tests read the texts users see.
// Call helper.startServer() first: it starts Node-RED's i18n.
import fs from 'node:fs';
import path from 'node:path';

const { i18n } = require('@node-red/util') as {
  i18n: {
    registerMessageCatalog(namespace: string, dir: string, file: string): Promise<void>;
    _(key: string, options?: Record<string, unknown>): string;
  };
};

const NODES = path.join(__dirname, '..', '..', 'nodes');
const NAMESPACE = 'node-red-contrib-line-live-chat';
let registered: Promise<void> | undefined;

function registerAll(): Promise<void> {
  registered ??= Promise.all(
    fs
      .readdirSync(NODES)
      .filter((type) => fs.existsSync(path.join(NODES, type, 'locales')))
      .map((type) => i18n.registerMessageCatalog(`${NAMESPACE}/${type}`, path.join(NODES, type, 'locales'), `${type}.json`)),
  ).then(() => undefined);
  return registered;
}

/** The text of `key` ("<node type>.<path>") in `lang`, as the node's RED._ gives it. */
export function nodeText(key: string, params: Record<string, unknown> = {}, lang = 'en-US'): string {
  const type = key.split('.')[0];
  return i18n._(`${NAMESPACE}/${type}:${key}`, { ...params, lng: lang });
}

/** Load it first in helper.load: the nodes loaded with it get a RED._ that reads their catalogs. */
export function nodeCatalogs(RED: { _: (key: string, params?: Record<string, unknown>) => string }): Promise<void> {
  RED._ = (key, params) => nodeText(key, params);
  return registerAll();
}
