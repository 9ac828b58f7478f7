// The inbox's pages are real paths under <base>/admin (the session-store serves the same page
// for each), so links such as the Telegram one (<base>/admin/live-chat?user=U...) open the right view.
import { BASE } from './base';

export type Route = 'live-chat' | 'analytics' | 'friends' | 'settings' | 'login';

export const routerEvents = new EventTarget();

export function currentRoute(): Route {
  const full = location.pathname.replace(/\/+$/, '');
  const path = full.startsWith(BASE) ? full.slice(BASE.length) : full;
  if (path === '/admin/live-chat/analytics') return 'analytics';
  if (path === '/admin/friends') return 'friends';
  if (path === '/admin/settings') return 'settings';
  if (path === '/admin/login') return 'login';
  return 'live-chat';
}

export function pathOf(route: Route): string {
  return BASE + (route === 'analytics' ? '/admin/live-chat/analytics' : `/admin/${route}`);
}

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  routerEvents.dispatchEvent(new Event('route-changed'));
}

window.addEventListener('popstate', () => routerEvents.dispatchEvent(new Event('route-changed')));
