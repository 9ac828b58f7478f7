// The headers on everything the store serves (pages, bundle, API), and on nothing else: the
// integrator's own routes beside ours keep theirs. The inbox loads only its own bundle and talks
// only to its own origin (fetch, socket.io); Lit's templates set style attributes (hence
// 'unsafe-inline' for styles only); pictures and media may come from LINE's CDNs or any https
// link an operator sends.
import type { RequestHandler, Response } from 'express';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: data: blob:",
  "media-src 'self' https: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(res: Response): void {
  res.set({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
  });
}

export const securityHeaders: RequestHandler = (_req, res, next) => {
  setSecurityHeaders(res);
  next();
};
