// Saved flows outlive the code that wrote them. Each node's config carries `configVersion`; the
// runtime lifts an older config to the current shape here before the node reads it, so a flow
// saved by an earlier release keeps working unchanged (the editor does the same when the node's
// dialog is opened, and the next deploy saves the new shape).
import type { NodeDefinition } from './node-red';

/** Lifts a config from version n to n + 1 (keyed by n). */
export type ConfigMigrations = Record<number, (config: NodeDefinition) => NodeDefinition>;

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
  if (version > current) {
    throw new Error(`this node was saved by a newer version of node-red-contrib-line-live-chat (config version ${version}, this one reads up to ${current})`);
  }
  let lifted = { ...config };
  while (version < current) {
    const step = migrations[version];
    if (step) lifted = step(lifted);
    version += 1;
  }
  lifted.configVersion = current;
  return lifted as T;
}
