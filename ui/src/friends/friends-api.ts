// The friends routes of the REST API (README: GET /admin/friends, GET /admin/friends/{id}/events).
import { api, query } from '../core/api';
import { pathOf } from '../core/router';

export type FriendStatus = 'ACTIVE' | 'UNFOLLOWED' | 'BLOCKED';
export type FriendEventType = 'FOLLOW' | 'UNFOLLOW' | 'REFOLLOW';

export interface Friend {
  line_user_id: string;
  display_name: string | null;
  picture_url: string | null;
  friend_status: FriendStatus;
  friend_since: string | null;
  chat_mode: 'BOT' | 'HUMAN';
  last_message_at: string | null;
}

export interface FriendEvent {
  event_type: FriendEventType;
  source: 'WEBHOOK' | 'MANUAL';
  created_at: string;
}

export interface FriendsPage {
  friends: Friend[];
  next_cursor: string | null;
}

export const PAGE_SIZE = 50;

export function listFriends(filters: { status?: FriendStatus; q?: string; cursor?: string | null }, limit = PAGE_SIZE): Promise<FriendsPage> {
  return api.get<FriendsPage>(`/admin/friends${query({ status: filters.status, q: filters.q?.trim(), cursor: filters.cursor, limit })}`);
}

export async function friendEvents(lineUserId: string): Promise<FriendEvent[]> {
  return (await api.get<{ events: FriendEvent[] }>(`/admin/friends/${encodeURIComponent(lineUserId)}/events`)).events;
}

/** Where the inbox opens this contact's chat. */
export function chatPath(lineUserId: string): string {
  return `${pathOf('live-chat')}${query({ user: lineUserId })}`;
}
