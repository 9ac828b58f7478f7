// The REST API under /api/v1: one router for the inbox and any other client.
import express from 'express';
import type { LiveChat } from '../live-chat';
import { requireOperator } from './auth-middleware';
import { errorHandler } from './errors';
import { Router } from './router';
import { authRoutes } from './routes/auth';
import { credentialRoutes } from './routes/credentials';
import { operatorRoutes } from './routes/operators';
import { friendRoutes } from './routes/friends';
import { liveChatRoutes } from './routes/live-chat';
import { liveChatSettingsRoutes } from './routes/live-chat-settings';
import { analyticsRoutes } from './routes/analytics';

export function createApi(app: LiveChat): express.Router {
  const api = Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(authRoutes(app.operators));
  api.use(requireOperator(app.operators));
  api.use(operatorRoutes(app.operators));
  api.use(friendRoutes(app.store));
  api.use(credentialRoutes(app.credentials));
  api.use(liveChatRoutes(app));
  api.use(liveChatSettingsRoutes(app.store));
  api.use(analyticsRoutes(app.analytics));
  api.use((_req, res) => {
    res.status(404).json({ error: 'No such API route' });
  });
  api.use(errorHandler((err) => app.log.error(`API error: ${err instanceof Error ? err.stack : String(err)}`)));
  return api;
}
