// The REST API under <base>/api/v1: one router for the inbox and any other client. It shares
// Node-RED's httpNode with the user's own routes, so a request it has no route for passes on
// untouched: not authenticated, its body not read, no 404 of its own.
import express from 'express';
import type { LiveChat } from '../live-chat';
import { requireOperator } from './auth-middleware';
import { badRequest, errorHandler } from './errors';
import { Router, handlesRoute } from './router';
import { authRoutes } from './routes/auth';
import { credentialRoutes } from './routes/credentials';
import { operatorRoutes } from './routes/operators';
import { friendRoutes } from './routes/friends';
import { liveChatRoutes } from './routes/live-chat';
import { liveChatSettingsRoutes } from './routes/live-chat-settings';
import { cannedResponseRoutes } from './routes/canned-responses';
import { analyticsRoutes } from './routes/analytics';
import { mediaRoutes, publicMediaRoutes } from './routes/media';
import { contactDetailsRoutes } from './routes/contact-details';
import { exportRoutes } from './routes/exports';
import { errorWithStack } from '../util/error-text';
import { securityHeaders } from './security-headers';
import { requireSameOrigin } from './same-origin';
import { urgently } from '../util/urgency';

export function createApi(app: LiveChat): express.Router {
  const api = Router();
  api.use((req, _res, next) => next(handlesRoute(api, req.method, req.path) ? undefined : 'router'));
  api.use(securityHeaders);
  const publicUrl = () => (typeof app.options.adminUrl === 'function' ? app.options.adminUrl() : app.options.adminUrl);
  api.use(requireSameOrigin(app.proxyTrust, publicUrl));
  api.use(express.json({ limit: '1mb' }));
  api.use((req, _res, next) => next(containsNul(req.body) ? badRequest('The request body must not contain a NUL character') : undefined));
  // An operator waits for every API answer: its queries go ahead of background work.
  api.use((_req, _res, next) => urgently(next));
  api.use(authRoutes(app.operators, app.proxyTrust));
  // LINE fetches an operator's upload without a login (an unguessable, expiring link).
  api.use(publicMediaRoutes(app));
  api.use(requireOperator(app.operators));
  api.use(operatorRoutes(app.operators));
  api.use(friendRoutes(app.store));
  api.use(credentialRoutes(app.credentials));
  api.use(liveChatRoutes(app));
  api.use(liveChatSettingsRoutes(app.store, app.handoff));
  api.use(cannedResponseRoutes(app.cannedResponses));
  api.use(analyticsRoutes(app.analytics));
  api.use(mediaRoutes(app));
  api.use(contactDetailsRoutes(app.contactDetails));
  api.use(exportRoutes(app.exports));
  api.use(errorHandler((err, req) => app.log.error(`API error on ${req.method} ${req.originalUrl.split('?')[0]}: ${errorWithStack(err)}`)));
  return api;
}

/** PostgreSQL text cannot hold a NUL: a body with one anywhere is refused before any of it is used. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || containsNul(inner));
}
