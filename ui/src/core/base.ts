// Where the session-store serves the inbox: httpNodeRoot and its base path, e.g. "/nr/live-chat"
// ("" at the server's root). The page names it (<meta name="llc-base">, relative to the page, so
// that a proxy's own path prefix is kept); every URL the inbox uses is built on it.
function readBase(): string {
  const relative = document.querySelector('meta[name="llc-base"]')?.getAttribute('content');
  if (!relative) return '';
  return new URL(relative, location.href).pathname.replace(/\/+$/, '');
}

export const BASE = readBase();

/** An absolute path under the base: under('/api/v1') is "/nr/live-chat/api/v1". */
export function under(path: string): string {
  return BASE + path;
}
