// The inbox's bundle (ui/dist, built by scripts/build-ui.js): files named by a hash of their
// content, so a browser keeps them a year without asking again, each sent in the compression the
// browser accepts from the .br/.gz made at build time (no compression work per request).
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { setSecurityHeaders } from './security-headers';

/** esbuild's `[name]-[hash]` names: the hash changes whenever the content does. */
const HASHED_NAME = /^[\w]+-[A-Z0-9]{8}\.js$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Precompressed variants, best first, by their Content-Encoding name. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * The best encoding the browser accepts: highest q first, and at equal q ours in our order
 * (browsers send "gzip, deflate, br" with brotli last, though it is smaller).
 */
export function chooseEncoding<T extends { name: string }>(header: string | undefined, available: readonly T[]): T | undefined {
  const quality = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (!coding) continue;
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)).find(Boolean);
    quality.set(coding, q ? Number(q[1]) : 1);
  }
  let best: T | undefined;
  let bestQuality = 0;
  for (const candidate of available) {
    const q = quality.get(candidate.name) ?? quality.get('*') ?? 0;
    if (q > bestQuality) {
      best = candidate;
      bestQuality = q;
    }
  }
  return best;
}

export function staticAssets(dir: string): RequestHandler {
  // The bundle does not change while the process runs; the folder is listed once.
  let files: Set<string> | undefined;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.slice(1);
    if (!HASHED_NAME.test(name)) return next();
    try {
      files ??= new Set(fs.readdirSync(dir));
    } catch (err) {
      return next(err);
    }
    if (!files.has(name)) return next();
    const encoding = chooseEncoding(
      req.get('accept-encoding'),
      ENCODINGS.filter((candidate) => files!.has(name + candidate.suffix)),
    );
    setSecurityHeaders(res);
    res.vary('Accept-Encoding');
    res.type(path.extname(name));
    if (encoding) res.set('content-encoding', encoding.name);
    res.set('cache-control', IMMUTABLE);
    res.sendFile(name + (encoding?.suffix ?? ''), { root: dir, cacheControl: false }, (err?: Error) => {
      if (err && !res.headersSent) next(err);
    });
  };
}
