// n8n as seen from outside, on a loopback port: its health check, `GET /healthz` →
// `{"status":"ok"}`, recording the API key each call carried; and production webhooks,
// `POST /webhook/<path>`, answered as n8n's Webhook node does ("Respond: Immediately") with
// Header Auth: 200 `{"message":"Workflow was started"}`, 403 "Authorization data is wrong!",
// 404 for a path no active workflow listens on.
import { listenLoopback, type Loopback, sendJson } from './loopback';

export interface N8nWebhook {
  /** The Webhook node's path, e.g. "live-chat". */
  path: string;
  /** Header Auth credential of the Webhook node: the header and the value it must carry. */
  header: { name: string; value: string };
}

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface FakeN8n extends Loopback {
  apiKeys: (string | undefined)[];
  /** Every webhook call that got through, oldest first. */
  received: ReceivedWebhook[];
}

export async function startFakeN8n(options: { healthy: boolean; webhooks?: N8nWebhook[] }): Promise<FakeN8n> {
  const apiKeys: (string | undefined)[] = [];
  const received: ReceivedWebhook[] = [];
  const server = await listenLoopback(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/healthz') {
      apiKeys.push(req.headers['x-n8n-api-key'] as string | undefined);
      return options.healthy ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'error' });
    }
    const path = /^\/webhook\/([^?]+)/.exec(url)?.[1];
    const webhook = options.webhooks?.find((w) => w.path === path);
    if (!path || !webhook || req.method !== 'POST') {
      return sendJson(res, 404, {
        code: 404,
        message: `The requested webhook "${req.method} ${path ?? url}" is not registered.`,
        hint: "The workflow must be active for a production URL to run successfully. You can activate the workflow using the toggle in the top-right of the editor. Note that unlike test URL calls, production URL calls aren't shown on the canvas (only in the executions list)",
      });
    }
    if (req.headers[webhook.header.name.toLowerCase()] !== webhook.header.value) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end('Authorization data is wrong!');
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    if (String(req.headers['content-type']).startsWith('application/json')) {
      try {
        body = JSON.parse(text);
      } catch {
        return sendJson(res, 422, { code: 422, message: 'Failed to parse request body' });
      }
    }
    received.push({ path, headers: req.headers, body });
    sendJson(res, 200, { message: 'Workflow was started' });
  });
  return { ...server, apiKeys, received };
}
