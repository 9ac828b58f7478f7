// n8n's health check, `GET /healthz` → `{"status":"ok"}`, recording the API key each call carried.
import { listenLoopback, type Loopback, sendJson } from './loopback';

export async function startFakeN8n(options: { healthy: boolean }): Promise<Loopback & { apiKeys: (string | undefined)[] }> {
  const apiKeys: (string | undefined)[] = [];
  const server = await listenLoopback((req, res) => {
    req.resume();
    if (req.method !== 'GET' || req.url !== '/healthz') return sendJson(res, 404, { message: 'not found' });
    apiKeys.push(req.headers['x-n8n-api-key'] as string | undefined);
    if (!options.healthy) return sendJson(res, 503, { status: 'error' });
    sendJson(res, 200, { status: 'ok' });
  });
  return { ...server, apiKeys };
}
