// The public URL in links (the Telegram alert's "open chat"): where the inbox's base is reached
// from outside. Configured (the session-store's property, else ADMIN_URL), or else what the
// server really listens on, worked out when a link is made (the port may be known only then).

/** A public URL as configured: http(s) with a host; without its trailing slash. Throws if not. */
export function checkPublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new Error(`"${text}" is not an http(s) URL with a host`);
  }
  return text.trim().replace(/\/+$/, '');
}

export interface ListeningAddress {
  https: boolean;
  /** The host the server binds (uiHost); a wildcard or none means this machine. */
  host?: string;
  port?: number;
  /** Where the base lives on that server: httpNodeRoot + base path ("" at the root). */
  path: string;
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/** The URL of a listening server's base, e.g. http://localhost:1880/nr/live-chat. */
export function listeningUrl(address: ListeningAddress): string {
  const protocol = address.https ? 'https' : 'http';
  const raw = address.host?.trim() ?? '';
  const host = WILDCARD_HOSTS.has(raw) ? 'localhost' : raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw;
  const defaultPort = address.https ? 443 : 80;
  const port = address.port === undefined || address.port === defaultPort ? '' : `:${address.port}`;
  const path = address.path.replace(/\/+$/, '');
  return `${protocol}://${host}${port}${path}`;
}
