// Issue 12: while the operator types to a user, the server has LINE show the user its loading
// animation. Told at most every TYPING_EVERY_MS per chat while keys are pressed (the server asks
// LINE for 20 s and renews it); fire and forget: a refusal (the chat is someone else's, the user
// left) or a failure is nothing the operator needs to see.
import { api } from '../core/api';

export const TYPING_EVERY_MS = 5000;

let last = { lineUserId: '', at: 0 };

export function tellTyping(lineUserId: string): void {
  const now = Date.now();
  if (!lineUserId || (last.lineUserId === lineUserId && now - last.at < TYPING_EVERY_MS)) return;
  last = { lineUserId, at: now };
  api.post(`/admin/live-chat/conversations/${encodeURIComponent(lineUserId)}/typing`).catch(() => undefined);
}
