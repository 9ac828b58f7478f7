// Who sent a request, as far as the configured trusted proxy lets us know: the client's address,
// whether it came over HTTPS, and the host it asked for. Without a trusted proxy (the default)
// X-Forwarded-* headers are ignored, since anyone can send them; with one, they are believed only
// as far as express's own `trust proxy` rules go. Worked out here rather than by setting
// `trust proxy` on Node-RED's app, which would change the integrator's other routes too.
import type { IncomingMessage } from 'node:http';
import express from 'express';

/** express's compiled `trust proxy`: whether the hop at `index` (0 = the socket's peer) is trusted. */
export type ProxyTrust = (address: string, index: number) => boolean;

export const TRUST_NONE: ProxyTrust = () => false;

/**
 * The setting as express's `trust proxy` takes it: blank = none, a hop count ("1"), or addresses,
 * subnets and express's names ("loopback", "10.0.0.0/8, 192.168.1.5", "uniquelocal"). "true"
 * (every address) is refused: anyone could then choose their own address. Throws on a bad value.
 */
export function parseTrustProxy(raw: string | undefined): ProxyTrust {
  const text = raw?.trim() ?? '';
  if (text === '' || text === 'false') return TRUST_NONE;
  if (text === 'true') throw new Error('name the proxy (its addresses or a hop count) rather than trusting every address');
  const value = /^\d+$/.test(text) ? Number(text) : text;
  return express().set('trust proxy', value).get('trust proxy fn') as ProxyTrust;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  const first = text?.split(',')[0].trim();
  return first === '' ? undefined : first;
}

export interface RequestOrigin {
  /** The client's address: the socket's peer, or the first untrusted hop of X-Forwarded-For. */
  address: string;
  /** Over HTTPS: to us, or (from a trusted proxy) to the proxy, by X-Forwarded-Proto. */
  secure: boolean;
  /** The host asked for: Host, or (from a trusted proxy) X-Forwarded-Host. */
  host: string | undefined;
}

export function requestOrigin(req: IncomingMessage, trust: ProxyTrust): RequestOrigin {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const fromProxy = trust(peer, 0);
  // As proxy-addr walks it: from the nearest hop outwards, while each hop is trusted.
  const hops = [
    peer,
    ...String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse(),
  ];
  let i = 0;
  while (i < hops.length - 1 && trust(hops[i], i)) i++;
  const encrypted = Boolean((req.socket as { encrypted?: boolean }).encrypted);
  return {
    address: hops[i],
    secure: fromProxy ? (firstValue(req.headers['x-forwarded-proto']) ?? (encrypted ? 'https' : 'http')) === 'https' : encrypted,
    host: (fromProxy ? firstValue(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host,
  };
}
