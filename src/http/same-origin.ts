// Cross-site request forgery: a state-changing request carrying the login cookie must come from a
// page of the inbox's own origin (a same-site page on another port or subdomain gets the cookie
// too, SameSite notwithstanding). Its Origin (or, without one, its Referer) must name the host
// the request was sent to (X-Forwarded-Host only from a trusted proxy) or the configured public
// URL. A request with a Bearer token is not a cookie request: no browser adds that header by
// itself, so it is left alone, as are reads.
import type { RequestHandler } from 'express';
import { readCookie, sessionCookieOf } from './auth-middleware';
import { HttpError } from './errors';
import { type ProxyTrust, requestOrigin } from './trusted-proxy';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hostOf(url: string | undefined): string | undefined {
  if (!url || url === 'null') return undefined;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** `publicUrl()`: the configured public URL of the store's base, if any (also accepted). */
export function requireSameOrigin(trust: ProxyTrust, publicUrl: () => string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (READS.has(req.method)) return next();
    if (/^Bearer\s+\S/i.test(req.headers.authorization ?? '')) return next();
    if (readCookie(req.headers.cookie, sessionCookieOf(req)) === undefined) return next();
    const source = hostOf(req.headers.origin) ?? (req.headers.origin ? undefined : hostOf(req.headers.referer));
    const own = requestOrigin(req, trust).host?.toLowerCase();
    if (source !== undefined && (source === own || source === hostOf(publicUrl()))) return next();
    next(new HttpError(403, 'This request with the login cookie came from another site; it was refused'));
  };
}
