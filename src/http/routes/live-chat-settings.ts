// /admin/live-chat/settings: the handoff keywords, greeting and timings (General settings).
// Every operator may read them; only admins change them.
import type express from 'express';
import type { Store } from '../../store/store';
import { readSettings, updateSettings } from '../../live-chat/live-chat-settings';
import { requireAdmin } from '../auth-middleware';
import { Router } from '../router';
import { asBody } from '../validation';

export function liveChatSettingsRoutes(store: Store): express.Router {
  const router = Router();
  router.get('/admin/live-chat/settings', async (_req, res) => {
    res.json({ settings: await readSettings(store.settings) });
  });
  router.put('/admin/live-chat/settings', requireAdmin, async (req, res) => {
    const body = asBody(req.body);
    res.json({ settings: await store.transaction((tx) => updateSettings(tx.settings, body)) });
  });
  return router;
}
