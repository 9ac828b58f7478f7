// The credential node: puts a stored credential, decrypted, on msg.credential for the flows that
// call n8n, Google Sheets or other APIs. The provider's default, or the one the node (or
// msg.credentialId) names by id or name.
import { isProvider } from '../../src/credentials/providers';
import type { Node, NodeAPI, NodeDefinition } from '../shared/node-red';
import { findSessionStore } from '../shared/session-store';
import { onInput } from '../shared/input';

interface CredentialConfig extends NodeDefinition {
  store?: string;
  provider?: string;
  credential?: string;
}

export = function register(RED: NodeAPI) {
  function CredentialNode(this: Node, config: CredentialConfig) {
    RED.nodes.createNode(this, config);
    const store = findSessionStore(RED, config.store);
    const provider = config.provider;
    const problem = !store
      ? RED._('credential.errors.noStore')
      : !isProvider(provider)
        ? RED._('credential.errors.badProvider', { provider: String(provider ?? '') })
        : undefined;
    if (problem) this.status({ fill: 'red', shape: 'ring', text: problem });

    onInput(
      this,
      async (msg, send) => {
        if (problem || !store || !isProvider(provider)) throw new Error(problem);
        const liveChat = await store.liveChat;
        const choice = config.credential || (typeof msg.credentialId === 'string' || typeof msg.credentialId === 'number' ? msg.credentialId : undefined);
        msg.credential = await liveChat.credentials.resolve(provider, choice);
        this.status({ fill: 'green', shape: 'dot', text: RED._('credential.status.resolved', { provider, name: (msg.credential as { name: string }).name }) });
        send(msg);
      },
      () => ({ fill: 'red', shape: 'ring', text: RED._('credential.status.failed') }),
    );
  }

  RED.nodes.registerType('credential', CredentialNode);
};
