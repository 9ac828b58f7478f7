// /admin/live-chat/canned-responses (issue 11): the replies every operator may read and use, and
// only admins add, change and remove.
import type express from 'express';
import type { CannedResponses } from '../../live-chat/canned-responses';
import { readCannedResponse } from '../../live-chat/canned-responses';
import { requireAdmin } from '../auth-middleware';
import { Router } from '../router';
import { asBody, idParam } from '../validation';

export function cannedResponseRoutes(canned: CannedResponses): express.Router {
  const router = Router();
  const base = '/admin/live-chat/canned-responses';

  router.get(base, async (_req, res) => {
    res.json({ canned_responses: await canned.list() });
  });

  router.post(base, requireAdmin, async (req, res) => {
    res.status(201).json(await canned.create(readCannedResponse(asBody(req.body)), req.operator!));
  });

  router.put(`${base}/:id`, requireAdmin, async (req, res) => {
    const id = idParam(req.params.id);
    res.json(await canned.update(id, readCannedResponse(asBody(req.body))));
  });

  router.delete(`${base}/:id`, requireAdmin, async (req, res) => {
    await canned.remove(idParam(req.params.id));
    res.status(204).end();
  });

  return router;
}
