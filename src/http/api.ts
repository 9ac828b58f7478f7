// The REST API under <base>/api/v1: one router for the inbox and any other client. It shares
// Node-RED's httpNode with the user's own routes, so a request it has no route for passes on
// untouched: not authenticated, its body not read, no 404 of its own.
import express from 'express';
import type { LiveChat } from '../live-chat';
import { requireOperator } from './auth-middleware';
import { errorHandler } from './errors';
import { Router, handlesRoute } from './router';
import { authRoutes } from './routes/auth';
import { credentialRoutes } from './routes/credentials';
import { operatorRoutes } from './routes/operators';
import { friendRoutes } from './routes/friends';
import { liveChatRoutes } from './routes/live-chat';
import { liveChatSettingsRoutes } from './routes/live-chat-settings';
import { analyticsRoutes } from './routes/analytics';
import { urgently } from '../util/urgency';

export function createApi(app: LiveChat): express.Router {
  const api = Router();
  api.use((req, _res, next) => next(handlesRoute(api, req.method, req.path) ? undefined : 'router'));
  api.use(express.json({ limit: '1mb' }));
  // An operator waits for every API answer: its queries go ahead of background work.
  api.use((_req, _res, next) => urgently(next));
  api.use(authRoutes(app.operators));
  api.use(requireOperator(app.operators));
  api.use(operatorRoutes(app.operators));
  api.use(friendRoutes(app.store));
  api.use(credentialRoutes(app.credentials));
  api.use(liveChatRoutes(app));
  api.use(liveChatSettingsRoutes(app.store));
  api.use(analyticsRoutes(app.analytics));
  api.use(errorHandler((err) => app.log.error(`API error: ${err instanceof Error ? err.stack : String(err)}`)));
  return api;
}
