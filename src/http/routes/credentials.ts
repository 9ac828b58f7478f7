// /admin/credentials: the admin's stored credentials (seed §4.3). Answers mask every secret.
import type express from 'express';
import { Router } from '../router';
import type { Credentials } from '../../credentials/credential-service';
import { PROVIDERS } from '../../credentials/providers';
import { requireAdmin } from '../auth-middleware';
import { badRequest } from '../errors';
import { asBody, idParam, oneOf, optionalBoolean, optionalObject, optionalString, requiredString } from '../validation';

export function credentialRoutes(credentials: Credentials): express.Router {
  const router = Router();
  router.use('/admin/credentials', requireAdmin);

  router.get('/admin/credentials', async (req, res) => {
    const provider = req.query.provider === undefined || req.query.provider === '' ? undefined : oneOf(req.query.provider, PROVIDERS, 'provider');
    res.json({ credentials: await credentials.list(provider) });
  });

  router.get('/admin/credentials/:id', async (req, res) => {
    res.json(await credentials.get(idParam(req.params.id)));
  });

  router.post('/admin/credentials', async (req, res) => {
    const body = asBody(req.body);
    const name = requiredString(body, 'name', { max: 100 });
    if (body.provider === undefined) throw badRequest('provider is required', 'provider');
    const provider = oneOf(body.provider, PROVIDERS, 'provider');
    const secrets = optionalObject(body, 'credentials');
    if (!secrets) throw badRequest('credentials is required', 'credentials');
    const created = await credentials.create({
      name,
      provider,
      credentials: secrets,
      metadata: optionalObject(body, 'metadata'),
      is_active: optionalBoolean(body, 'is_active'),
      is_default: optionalBoolean(body, 'is_default'),
    });
    res.status(201).json(created);
  });

  router.put('/admin/credentials/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const body = asBody(req.body);
    res.json(
      await credentials.update(id, {
        name: optionalString(body, 'name', { max: 100 }),
        provider: body.provider === undefined ? undefined : oneOf(body.provider, PROVIDERS, 'provider'),
        credentials: optionalObject(body, 'credentials'),
        metadata: optionalObject(body, 'metadata'),
        is_active: optionalBoolean(body, 'is_active'),
        is_default: optionalBoolean(body, 'is_default'),
      }),
    );
  });

  router.delete('/admin/credentials/:id', async (req, res) => {
    await credentials.delete(idParam(req.params.id));
    res.json({ ok: true });
  });

  // 200 whatever the service said: a refused token is an answer about the credential, not a failure of this API.
  router.post('/admin/credentials/:id/verify', async (req, res) => {
    res.json(await credentials.verify(idParam(req.params.id)));
  });

  router.post('/admin/credentials/:id/set-default', async (req, res) => {
    res.json(await credentials.setDefault(idParam(req.params.id)));
  });

  return router;
}
