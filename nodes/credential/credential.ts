// The credential node: puts a stored credential, decrypted, on msg.credential for the flows that
// call n8n, Google Sheets or other APIs. The provider's default, or the one the node (or
// msg.credentialId) names by id or name.
import { isProvider } from '../../src/credentials/providers';
import type { Node, NodeAPI, NodeDefinition } from '../shared/node-red';
import { readNodeConfig } from '../shared/config-version';
import { serveCredentialChoices } from '../shared/credential-choices';
import { findSessionStore } from '../shared/session-store';
import { runningLiveChat } from '../shared/running-store';
import { onInput } from '../shared/input';
import { msgStatus } from '../shared/msg-status';

/** Version 1: name, store, provider, credential. */
const CREDENTIAL_CONFIG_VERSION = 1;

interface CredentialConfig extends NodeDefinition {
  store?: string;
  provider?: string;
  credential?: string;
}

export = function register(RED: NodeAPI) {
  serveCredentialChoices(RED);

  function CredentialNode(this: Node, saved: NodeDefinition) {
    RED.nodes.createNode(this, saved);
    const config = readNodeConfig<CredentialConfig>(RED, this, saved, CREDENTIAL_CONFIG_VERSION);
    const store = config && findSessionStore(RED, config.store);
    const provider = config?.provider;
    const problem = !config
      ? RED._('credential.errors.notConfigured')
      : !store
        ? RED._('credential.errors.noStore')
        : !isProvider(provider)
          ? RED._('credential.errors.badProvider', { provider: String(provider ?? '') })
          : undefined;
    if (config && problem) this.status({ fill: 'red', shape: 'ring', text: RED._(store ? 'credential.status.badProvider' : 'credential.status.noStore') });

    onInput(
      this,
      async (msg, send) => {
        if (problem || !config || !store || !isProvider(provider)) throw new Error(problem);
        const liveChat = await runningLiveChat(RED, this, store);
        const choice = config.credential || (typeof msg.credentialId === 'string' || typeof msg.credentialId === 'number' ? msg.credentialId : undefined);
        try {
          msg.credential = await liveChat.credentials.resolve(provider, choice);
        } catch (err) {
          throw new Error(RED._('credential.errors.failed', { provider, error: (err as Error).message }));
        }
        const { name } = msg.credential as { name: string };
        msgStatus(this).set(() => ({ fill: 'green', shape: 'dot', text: RED._('credential.status.resolved', { provider, name }) }));
        send(msg);
      },
      () => ({ fill: 'red', shape: 'ring', text: RED._('credential.status.failed') }),
    );
  }

  RED.nodes.registerType('credential', CredentialNode);
};
