// Node-RED replaces a node property whose whole value is "${NAME}" with that environment
// variable, but not a credential, nor a "${NAME}" inside a longer text. The session-store gives
// its values (credentials included) both, here, with Node-RED's own look-up (flow, group and
// global env, then process.env) or process.env.

/** `value` with every ${NAME} replaced by `lookup(NAME)` ("" when it is unset), as Node-RED does. */
export function substituteEnv(value: string, lookup: (name: string) => string | undefined): string {
  return value.replace(/\$\{([^}\s]+)\}/g, (_match, name: string) => lookup(name) ?? '');
}
