// Node-RED's own types (@types/node-red), under the names these nodes use. Only nodes/ imports
// Node-RED; the core (src/) never does.
import type { Node as NodeRedNode, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';

export type { NodeAPI, NodeMessage, NodeMessageInFlow, NodeStatus };

/** A node's saved configuration: the editor's `defaults`, as the runtime hands them over. */
export type NodeDefinition = NodeDef & { [property: string]: unknown };

/** A running node; credentials as declared in its registerType options. */
export type Node<TCredentials extends object = Record<string, string | undefined>> = NodeRedNode<TCredentials>;

export type SendFunction = (msg: NodeMessage | (NodeMessage | NodeMessage[] | null)[]) => void;
