// Everything one store serves over HTTP, relative to its base: the inbox's pages, its bundle
// (/admin/assets), the REST API (/api/v1) and the health answers (/healthz, /readyz). Whoever mounts it decides the base (the
// session-store: httpNodeRoot + its base path). Nothing here is a catch-all: a path it does not
// serve passes on, so the user's own routes beside it keep working.
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { LiveChat } from '../live-chat';
import { StoreUnavailable } from '../live-chat-startup';
import { healthRoutes } from './health';
import { staticAssets } from './static-assets';
import { setSecurityHeaders } from './security-headers';

/** The inbox's pages: one page for all (the app shows the one the path names). */
export const INBOX_PAGES = ['/admin/login', '/admin/live-chat', '/admin/live-chat/analytics', '/admin/friends', '/admin/settings'];
export const ASSETS_PATH = '/admin/assets';
export const API_PATH = '/api/v1';

const UI_DIST = path.join(__dirname, '..', '..', '..', 'ui', 'dist');
/** Where ui/index.html puts the way from the page back to the base ("../../"). */
const BASE_MARK = /\{\{base\}\}/g;

let template: Promise<string> | undefined;

/**
 * The page with its base written in, relative to the page itself, so that it stays right behind
 * a proxy that serves Node-RED under a path of its own: from /nr/admin/live-chat/analytics the
 * base /nr is "../../". The app reads it from <meta name="llc-base">.
 */
export function inboxPage(html: string, pagePath: string): string {
  const depth = Math.max(0, pagePath.split('/').length - 2);
  return html.replace(BASE_MARK, '../'.repeat(depth) || './');
}

/**
 * The site of one store. `liveChat` is asked on every API request; while it rejects (no store
 * serves this base right now, or its database could not be opened yet) the API answers 503, with
 * Retry-After when the store is waiting for its database. healthz and readyz answer without a login.
 */
export function createSite(liveChat: () => Promise<LiveChat>): express.Router {
  const site = express.Router();

  site.use(healthRoutes(liveChat));

  site.use(API_PATH, (req, res, next) => {
    liveChat().then(
      (app) => app.api()(req, res, next),
      (err: Error) => {
        setSecurityHeaders(res);
        // Waiting for its database: ask again when the next attempt will have been made.
        if (err instanceof StoreUnavailable) {
          res.set('retry-after', String(err.retryAfterSeconds)).status(503).json({ error: err.message });
          return;
        }
        res.status(503).json({ error: 'The live chat store is not running; deploy a flow with a session-store node' });
      },
    );
  });

  site.use(ASSETS_PATH, staticAssets(UI_DIST));

  const page: RequestHandler = (req, res, next) => {
    template ??= fs.promises.readFile(path.join(UI_DIST, 'index.html'), 'utf8');
    template.then(
      (html) => {
        setSecurityHeaders(res);
        res.set('cache-control', 'no-cache').type('html').send(inboxPage(html, req.path));
      },
      (err: Error) => {
        template = undefined;
        next(err);
      },
    );
  };
  site.get(INBOX_PAGES, page);
  return site;
}
