// The API's door: a request carries its token as `Authorization: Bearer …` or in the HttpOnly
// cookie that login sets. Without a live one it gets 401; admin-only routes answer 403 to others.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { OperatorView, Operators } from '../auth/operators';
import { HttpError } from './errors';

export const SESSION_COOKIE = 'llc_session';
/** Where the API is mounted under its site's base (src/http/site). */
const API_PATH = /\/api\/v1\/?$/;

/**
 * The login cookie of the site at `base` (httpNodeRoot + base path, as the server sees it):
 * "llc_session" at the root, "llc_session.live-chat" under /live-chat, so that two stores on
 * one host keep their own logins.
 */
export function sessionCookie(base: string): string {
  const suffix = base
    .replace(/^\/+|\/+$/g, '')
    .replace(/\//g, '.')
    .replace(/[^A-Za-z0-9!#$%&'*+.^_`|~-]/g, '_');
  return suffix === '' ? SESSION_COOKIE : `${SESSION_COOKIE}.${suffix}`;
}

/** The login cookie of the site whose API this request reached. */
export function sessionCookieOf(req: Request): string {
  return sessionCookie(req.baseUrl.replace(API_PATH, ''));
}

declare module 'express-serve-static-core' {
  interface Request {
    operator?: OperatorView;
    authToken?: string;
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The token a request (or a socket.io handshake) presents, from the header or the login cookie. */
export function presentedToken(headers: { authorization?: string; cookie?: string }, cookie = SESSION_COOKIE): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? readCookie(headers.cookie, cookie);
}

export function requireOperator(operators: Operators): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = presentedToken(req.headers, sessionCookieOf(req));
    if (!token) return next(new HttpError(401, 'Log in first'));
    operators
      .authenticate(token)
      .then((operator) => {
        if (!operator) return next(new HttpError(401, 'Your session has ended; log in again'));
        req.operator = operator;
        req.authToken = token;
        next();
      })
      .catch(next);
  };
}

export const requireAdmin: RequestHandler = (req, _res, next) => {
  if (req.operator?.role !== 'admin') return next(new HttpError(403, 'Only an admin may do this'));
  next();
};
