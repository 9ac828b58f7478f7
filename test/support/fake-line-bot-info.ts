// LINE's `GET /v2/bot/info` (Authorization: Bearer <channel access token>) for one good token.
import { listenLoopback, type Loopback, sendJson } from './loopback';

export const FAKE_LINE_BOT = {
  userId: 'U0123456789abcdef0123456789abcdef',
  basicId: '@123abcde',
  displayName: 'SKN Bot',
  pictureUrl: 'https://profile.line-scdn.net/abc',
  chatMode: 'chat',
  markAsReadMode: 'manual',
};

export async function startFakeLineBotInfo(goodToken: string): Promise<Loopback> {
  return listenLoopback((req, res) => {
    req.resume();
    if (req.method !== 'GET' || req.url !== '/v2/bot/info') return sendJson(res, 404, { message: 'Not found' });
    if (req.headers.authorization !== `Bearer ${goodToken}`) {
      return sendJson(res, 401, { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' });
    }
    sendJson(res, 200, FAKE_LINE_BOT);
  });
}
