// The edit dialogs' list of stored credentials (resources/live-chat-editor.js asks for it):
// GET <httpAdminRoot>/line-live-chat/credentials?store=<session-store id>&provider=LINE answers
// {credentials: [{id, name, provider, is_default, is_active}]}, never a secret. Behind the
// editor's login like Node-RED's own admin routes. An error is {error, code}: the dialog shows
// it in the editor's language by its code, and free text still works.
import type { Request, Response } from 'express';
import { isProvider, PROVIDERS } from '../../src/credentials/providers';
import type { CredentialView } from '../../src/credentials/credential-service';
import { withDetail } from '../../src/live-chat-startup';
import type { NodeAPI } from './node-red';
import { findSessionStore } from './session-store';

export const CREDENTIAL_CHOICES_PATH = '/line-live-chat/credentials';

export type CredentialChoicesError = 'no-store' | 'unknown-provider' | 'store-not-deployed' | 'store-unavailable';

/** Admin routes outlive a redeploy, and every node with a credential field asks: once per admin app. */
const servedOn = new WeakSet<object>();

export function serveCredentialChoices(RED: NodeAPI): void {
  if (servedOn.has(RED.httpAdmin)) return;
  servedOn.add(RED.httpAdmin);
  RED.httpAdmin.get(CREDENTIAL_CHOICES_PATH, RED.auth.needsPermission('session-store.read'), (req: Request, res: Response) => {
    answer(RED, req, res).catch((err: Error) => {
      if (!res.headersSent) res.status(500).json({ error: err.message });
    });
  });
}

async function answer(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const refuse = (status: number, code: CredentialChoicesError, error: string) => void res.status(status).json({ error, code });
  const storeId = typeof req.query.store === 'string' ? req.query.store : '';
  const provider = req.query.provider;
  if (!storeId) return refuse(400, 'no-store', 'store (the id of a session-store node) is required');
  if (!isProvider(provider)) return refuse(400, 'unknown-provider', `provider must be one of ${PROVIDERS.join(', ')}`);
  const store = findSessionStore(RED, storeId);
  if (!store) return refuse(404, 'store-not-deployed', `the session-store ${storeId} is not deployed yet: deploy it to list its credentials`);
  let credentials: CredentialView[];
  try {
    credentials = await (await store.ready()).credentials.list(provider);
  } catch (err) {
    // The editor's signed-in users may see why (the public answers do not say).
    return refuse(503, 'store-unavailable', `the session-store ${storeId} is not running: ${withDetail(err as Error)}`);
  }
  res.json({
    credentials: credentials.map(({ id, name, provider, is_default, is_active }) => ({ id, name, provider, is_default, is_active })),
  });
}
