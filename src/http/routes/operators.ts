// /admin/operators: the admin's management of staff accounts.
import type express from 'express';
import { Router } from '../router';
import { OPERATOR_ROLES, type Operators } from '../../auth/operators';
import { requireAdmin } from '../auth-middleware';
import { asBody, idParam, oneOf, optionalBoolean, optionalString, requiredString } from '../validation';

export function operatorRoutes(operators: Operators): express.Router {
  const router = Router();
  router.use('/admin/operators', requireAdmin);

  router.get('/admin/operators', async (_req, res) => {
    res.json({ operators: await operators.list() });
  });

  router.post('/admin/operators', async (req, res) => {
    const body = asBody(req.body);
    const operator = await operators.create({
      username: requiredString(body, 'username', { max: 64 }),
      password: passwordField(body, true)!,
      display_name: optionalString(body, 'display_name', { max: 100 }),
      role: body.role === undefined ? undefined : oneOf(body.role, OPERATOR_ROLES, 'role'),
    });
    res.status(201).json(operator);
  });

  router.put('/admin/operators/:id', async (req, res) => {
    const body = asBody(req.body);
    const operator = await operators.update(idParam(req.params.id), {
      display_name: optionalString(body, 'display_name', { max: 100 }),
      password: passwordField(body, false),
      role: body.role === undefined ? undefined : oneOf(body.role, OPERATOR_ROLES, 'role'),
      active: optionalBoolean(body, 'active'),
    });
    res.json(operator);
  });

  // Accounts are deactivated, never deleted: their sessions and messages keep their author.
  router.delete('/admin/operators/:id', async (req, res) => {
    res.json(await operators.update(idParam(req.params.id), { active: false }));
  });

  return router;
}

/** Passwords are taken as typed: spaces are not trimmed away. */
function passwordField(body: Record<string, unknown>, required: boolean): string | undefined {
  const value = body.password;
  if (value === undefined || value === null || value === '') {
    return required ? requiredString(body, 'password') : undefined;
  }
  return typeof value === 'string' ? value : requiredString(body, 'password');
}
