// Node-RED mounts its editor (httpAdminRoot) before httpNode, so a path the editor answers never
// reaches a node's route. With httpAdminRoot "/admin" (the example in Node-RED's settings.js)
// and the default base, the editor answers /admin/settings instead of the inbox's Settings page.
import { INBOX_PAGES } from '../../src/http/site';

/** The first path segments the editor and its admin API answer under httpAdminRoot. */
const EDITOR_PATHS = new Set([
  'auth',
  'context',
  'core',
  'credentials',
  'debug',
  'diagnostics',
  'favicon.ico',
  'flow',
  'flows',
  'icons',
  'inject',
  'library',
  'locales',
  'nodes',
  'plugins',
  'projects',
  'red',
  'resources',
  'settings',
  'theme',
  'types',
  'vendor',
]);

/** "/admin" from "/admin/" or "admin"; "" for the root; null when the editor is off. */
function adminRoot(setting: unknown): string | null {
  if (setting === false) return null;
  const root = typeof setting === 'string' ? setting : '/';
  const trimmed = root.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The inbox's pages (full paths) that the editor at `httpAdminRoot` would answer instead. */
export function pagesShadowedByEditor(httpAdminRoot: unknown, base: string): string[] {
  const root = adminRoot(httpAdminRoot);
  if (root === null) return [];
  return INBOX_PAGES.map((page) => base + page).filter((page) => {
    const lower = page.toLowerCase();
    const under = root.toLowerCase();
    if (lower === under) return true;
    if (!lower.startsWith(`${under}/`)) return false;
    return EDITOR_PATHS.has(lower.slice(under.length + 1).split('/')[0]);
  });
}
