// /admin/friends: the Official Account's friends and their follow history (seed §4.3). Every
// logged-in operator may read them.
import type express from 'express';
import type { Store } from '../../store/store';
import { FRIEND_STATUSES, type FriendStatus } from '../../store/contacts';
import { Router } from '../router';
import { notFound } from '../errors';
import { idParam, limitParam, oneOf, queryString } from '../validation';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

export function friendRoutes(store: Store): express.Router {
  const router = Router();

  router.get('/admin/friends', async (req, res) => {
    const status = queryString(req.query.status, 'status');
    const q = queryString(req.query.q, 'q');
    const cursor = queryString(req.query.cursor, 'cursor');
    const limit = limitParam(req.query.limit, DEFAULT_LIMIT, MAX_LIMIT);
    const rows = await store.contacts.listFriends({
      status: status === undefined ? undefined : oneOf<FriendStatus>(status, FRIEND_STATUSES, 'status'),
      q: q?.slice(0, 100),
      limit: limit + 1,
      beforeId: cursor === undefined ? undefined : idParam(cursor, 'cursor'),
    });
    const page = rows.slice(0, limit);
    res.json({
      friends: page.map((c) => ({
        line_user_id: c.line_user_id,
        display_name: c.display_name,
        picture_url: c.picture_url,
        friend_status: c.friend_status,
        friend_since: c.friend_since,
        chat_mode: c.chat_mode,
        last_message_at: c.last_message_at,
      })),
      next_cursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    });
  });

  router.get('/admin/friends/:line_user_id/events', async (req, res) => {
    const lineUserId = req.params.line_user_id;
    if (!(await store.contacts.byLineUserId(lineUserId))) throw notFound('Friend');
    const events = await store.friendEvents.forLineUser(lineUserId);
    res.json({ events: events.map((e) => ({ event_type: e.event_type, source: e.source, created_at: e.created_at })) });
  });

  return router;
}
