// Contact details and labels (issue 11): the custom fields and labels admins define in Settings
// (every operator reads them, admins change them), and one contact's note, field values and
// labels, which every logged-in operator may edit.
import type express from 'express';
import type { ContactDetails } from '../../live-chat/contact-details';
import { requireAdmin } from '../auth-middleware';
import { Router } from '../router';
import { asBody, idParam } from '../validation';

export function contactDetailsRoutes(details: ContactDetails): express.Router {
  const router = Router();
  const fields = '/admin/live-chat/contact-fields';
  const labels = '/admin/live-chat/labels';
  const contact = '/admin/live-chat/conversations/:line_user_id';

  router.get(fields, async (_req, res) => {
    res.json({ fields: await details.fields() });
  });
  router.post(fields, requireAdmin, async (req, res) => {
    res.status(201).json({ field: await details.createField(asBody(req.body)) });
  });
  router.patch(`${fields}/:id`, requireAdmin, async (req, res) => {
    res.json({ field: await details.updateField(idParam(req.params.id), asBody(req.body)) });
  });
  router.delete(`${fields}/:id`, requireAdmin, async (req, res) => {
    await details.deleteField(idParam(req.params.id));
    res.status(204).end();
  });

  router.get(labels, async (_req, res) => {
    res.json({ labels: await details.labels() });
  });
  router.post(labels, requireAdmin, async (req, res) => {
    res.status(201).json({ label: await details.createLabel(asBody(req.body)) });
  });
  router.patch(`${labels}/:id`, requireAdmin, async (req, res) => {
    res.json({ label: await details.updateLabel(idParam(req.params.id), asBody(req.body)) });
  });
  router.delete(`${labels}/:id`, requireAdmin, async (req, res) => {
    await details.deleteLabel(idParam(req.params.id));
    res.status(204).end();
  });

  router.get(`${contact}/details`, async (req, res) => {
    res.json({ details: await details.of(req.params.line_user_id) });
  });
  router.put(`${contact}/details`, async (req, res) => {
    res.json({ details: await details.update(req.params.line_user_id, asBody(req.body), req.operator!) });
  });
  router.put(`${contact}/labels/:label_id`, async (req, res) => {
    res.json(await details.setLabel(req.params.line_user_id, idParam(req.params.label_id, 'label_id'), true));
  });
  router.delete(`${contact}/labels/:label_id`, async (req, res) => {
    res.json(await details.setLabel(req.params.line_user_id, idParam(req.params.label_id, 'label_id'), false));
  });

  return router;
}
