// The API's door: a request carries its token as `Authorization: Bearer …` or in the HttpOnly
// cookie that login sets. Without a live one it gets 401; admin-only routes answer 403 to others.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { OperatorView, Operators } from '../auth/operators';
import { HttpError } from './errors';

export const SESSION_COOKIE = 'llc_session';

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

/** The token a request (or a socket.io handshake) presents, from the header or the cookie. */
export function presentedToken(headers: { authorization?: string; cookie?: string }): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? readCookie(headers.cookie, SESSION_COOKIE);
}

export function requireOperator(operators: Operators): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = presentedToken(req.headers);
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
