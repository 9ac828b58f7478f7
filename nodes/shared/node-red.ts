// The small part of Node-RED's runtime API that these nodes use, typed here because Node-RED
// ships no types of its own. Only nodes/ imports Node-RED; the core (src/) never does.
import type express from 'express';
import type http from 'http';

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFunction = (msg: NodeMessage | (NodeMessage | NodeMessage[] | null)[] | null) => void;
export type DoneFunction = (err?: Error) => void;

export interface NodeDefinition {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export interface Node {
  id: string;
  type: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', handler: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  send: SendFunction;
  status(status: NodeStatus | Record<string, never>): void;
  log(message: string): void;
  warn(message: string): void;
  error(message: string | Error, msg?: NodeMessage): void;
}

export interface NodeAPI {
  nodes: {
    createNode(node: Node, config: NodeDefinition): void;
    registerType(type: string, constructor: (this: Node, config: NodeDefinition) => void, options?: { credentials?: Record<string, { type: 'text' | 'password' }> }): void;
    getNode(id: string): Node | null;
  };
  settings: { userDir?: string; httpNodeRoot?: string; [key: string]: unknown };
  httpNode: express.Express;
  httpAdmin: express.Express;
  /** Absent in some test harnesses. */
  server?: http.Server;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
  _(key: string, substitutions?: Record<string, unknown>): string;
}
