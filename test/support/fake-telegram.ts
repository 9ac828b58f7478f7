// The Telegram Bot API's getMe as grammY reaches it (`POST /bot<token>/getMe`), for one good token.
import { listenLoopback, Loopback, sendJson } from './loopback';

export const FAKE_BOT = { id: 7000001, is_bot: true, first_name: 'Handoff Alerts', username: 'handoff_alerts_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

export async function startFakeTelegram(goodToken: string): Promise<Loopback & { calls: string[] }> {
  const calls: string[] = [];
  const server = await listenLoopback((req, res) => {
    req.resume();
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    calls.push(match ? match[2] : String(req.url));
    if (!match || decodeURIComponent(match[1]) !== goodToken) {
      return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    if (match[2] !== 'getMe') return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    sendJson(res, 200, { ok: true, result: FAKE_BOT });
  });
  return { ...server, calls };
}
