// POST /auth/login, POST /auth/logout, GET /auth/me
import type express from 'express';
import { Router } from '../router';
import type { Operators } from '../../auth/operators';
import { requireOperator, sessionCookieOf } from '../auth-middleware';
import { asBody, requiredString } from '../validation';
import { type ProxyTrust, requestOrigin } from '../trusted-proxy';

export function authRoutes(operators: Operators, trust: ProxyTrust): express.Router {
  const router = Router();

  router.post('/auth/login', async (req, res) => {
    const body = asBody(req.body);
    const username = requiredString(body, 'username', { max: 64 });
    const password = typeof body.password === 'string' && body.password !== '' ? body.password : requiredString(body, 'password');
    // the address and scheme as the trusted proxy (if any) reports them, not as express's app says
    const client = requestOrigin(req, trust);
    const { token, operator, expiresAt } = await operators.login(username, password, client.address);
    res.cookie(sessionCookieOf(req), token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: client.secure,
      path: '/',
      expires: expiresAt,
    });
    res.json({ token, operator, expires_at: expiresAt });
  });

  router.post('/auth/logout', requireOperator(operators), async (req, res) => {
    await operators.logout(req.authToken!);
    res.clearCookie(sessionCookieOf(req), { path: '/' });
    res.json({ ok: true });
  });

  router.get('/auth/me', requireOperator(operators), (req, res) => {
    res.json({ operator: req.operator });
  });

  return router;
}
