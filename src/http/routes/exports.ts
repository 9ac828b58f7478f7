// Downloads (issue 11): a chat's transcript (text or CSV) and the friends list (CSV), for every
// logged-in operator. Streamed: the answer starts before the last row is read.
import type express from 'express';
import type { Exports, TranscriptFormat } from '../../live-chat/exports';
import { FRIEND_STATUSES, type FriendStatus } from '../../store/contacts';
import { Router } from '../router';
import { oneOf, queryString } from '../validation';

/** A file name's safe part: a LINE user id is [0-9a-zA-Z]; anything else goes. */
const safe = (text: string) => text.replace(/[^0-9A-Za-z_-]/g, '').slice(0, 64) || 'chat';
const today = () => new Date().toISOString().slice(0, 10);

function download(res: express.Response, type: string, fileName: string): void {
  res.status(200);
  res.set('content-type', `${type}; charset=utf-8`);
  res.set('content-disposition', `attachment; filename="${fileName}"`);
  res.set('cache-control', 'no-store');
}

export function exportRoutes(exports: Exports): express.Router {
  const router = Router();

  router.get('/admin/live-chat/conversations/:line_user_id/export', async (req, res) => {
    const format = oneOf<TranscriptFormat>(queryString(req.query.format, 'format') ?? 'text', ['text', 'csv'], 'format');
    const contact = await exports.contact(req.params.line_user_id);
    download(res, format === 'csv' ? 'text/csv' : 'text/plain', `chat-${safe(contact.line_user_id)}-${today()}.${format === 'csv' ? 'csv' : 'txt'}`);
    await exports.transcript(contact, format, res);
    res.end();
  });

  router.get('/admin/friends/export', async (req, res) => {
    const status = queryString(req.query.status, 'status');
    const filter = {
      status: status === undefined ? undefined : oneOf<FriendStatus>(status, FRIEND_STATUSES, 'status'),
      q: queryString(req.query.q, 'q')?.slice(0, 100),
    };
    download(res, 'text/csv', `friends-${today()}.csv`);
    await exports.friends(filter, res);
    res.end();
  });

  return router;
}
