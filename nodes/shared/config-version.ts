// Saved flows outlive the code that wrote them. Each node's config carries `configVersion`; the
// runtime lifts an older config to the current shape here before the node reads it, so a flow
// saved by an earlier release keeps working unchanged (the editor does the same when the node's
// dialog is opened, and the next deploy saves the new shape).
import type { Node, NodeAPI, NodeDefinition } from './node-red';

/** Lifts a config from version n to n + 1 (keyed by n). */
export type ConfigMigrations = Record<number, (config: NodeDefinition) => NodeDefinition>;

/** A config saved by a newer release than this one. */
export class NewerConfigError extends Error {
  constructor(
    readonly version: number,
    readonly current: number,
  ) {
    super(`this node was saved by a newer version of node-red-contrib-line-live-chat (config version ${version}, this one reads up to ${current})`);
  }
}

/** The version a saved config is at: a config saved before versions existed is version 1. */
export function savedVersion(config: NodeDefinition): number {
  const raw = Number(config.configVersion);
  return Number.isInteger(raw) && raw >= 1 ? raw : 1;
}

/**
 * The config at `current`, lifted step by step from the version it was saved at. A config from a
 * newer release than this one is refused: guessing at its meaning could send the wrong messages.
 */
export function upgradeConfig<T extends NodeDefinition>(config: NodeDefinition, current: number, migrations: ConfigMigrations = {}): T {
  let version = savedVersion(config);
  if (version > current) throw new NewerConfigError(version, current);
  let lifted = { ...config };
  while (version < current) {
    const step = migrations[version];
    if (step) lifted = step(lifted);
    version += 1;
  }
  lifted.configVersion = current;
  return lifted as T;
}

/**
 * A node's config at `current` (upgradeConfig). One saved by a newer release turns the node's
 * status red and is logged, in the words of the node's catalog (`<type>.status.newerConfig`,
 * `<type>.errors.newerConfig`); the node then has no config (undefined) and does nothing.
 */
export function readNodeConfig<T extends NodeDefinition>(
  RED: NodeAPI,
  node: Node,
  config: NodeDefinition,
  current: number,
  migrations?: ConfigMigrations,
): T | undefined {
  try {
    return upgradeConfig<T>(config, current, migrations);
  } catch (err) {
    if (!(err instanceof NewerConfigError)) throw err;
    node.status({ fill: 'red', shape: 'ring', text: RED._(`${node.type}.status.newerConfig`) });
    node.error(RED._(`${node.type}.errors.newerConfig`, { version: err.version, current: err.current }));
    return undefined;
  }
}
