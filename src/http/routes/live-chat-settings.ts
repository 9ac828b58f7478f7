// /admin/live-chat/settings: the handoff keywords, greeting and timings (General settings).
// Every operator may read them; only admins change them. /admin/live-chat/business-hours: whether
// the team is open now, and when it opens next (the inbox's header).
import type express from 'express';
import type { Store } from '../../store/store';
import type { Handoff } from '../../live-chat/handoff';
import { readSettings, updateSettings } from '../../live-chat/live-chat-settings';
import { requireAdmin } from '../auth-middleware';
import { Router } from '../router';
import { asBody } from '../validation';

export function liveChatSettingsRoutes(store: Store, handoff: Handoff): express.Router {
  const router = Router();
  router.get('/admin/live-chat/settings', async (_req, res) => {
    res.json({ settings: await readSettings(store.settings) });
  });
  router.put('/admin/live-chat/settings', requireAdmin, async (req, res) => {
    const body = asBody(req.body);
    res.json({ settings: await store.transaction((tx) => updateSettings(tx.settings, body)) });
  });
  router.get('/admin/live-chat/business-hours', async (_req, res) => {
    res.json(await handoff.businessHours());
  });
  return router;
}
