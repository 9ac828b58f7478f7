// The conversation list's requests, and its first page asked for early: as the inbox opens, beside
// the sign-in check (/auth/me) instead of after it, so that the first rows come a round trip
// sooner. The store's first list of the page takes that answer when it asks for the same page;
// an early answer that failed (nobody signed in: a 401) or is not fresh is not used, the store
// asks again.
import { api, query } from '../core/api';
import type { ConversationPage, Filter } from './types';

export const LIST_PAGE = 50;
/** An early first page older than this is not shown: the store asks again. */
const FRESH_MS = 5000;

export interface ListQuery {
  status: Filter;
  q: string;
  label: number | null;
  cursor?: string | null;
}

export function listPath({ status, q, label, cursor }: ListQuery): string {
  return `/admin/live-chat/conversations${query({ status, q, label, limit: LIST_PAGE, cursor })}`;
}

/** The page the inbox opens on: every conversation, no search, no label. */
const FIRST_PAGE = listPath({ status: 'ALL', q: '', label: null });

let early: { page: Promise<ConversationPage | undefined>; at: number } | undefined;

/** Asks for the first page now (as the inbox opens on the live chat). */
export function requestFirstPageEarly(): void {
  early = {
    page: api.get<ConversationPage>(FIRST_PAGE).catch(() => undefined),
    at: performance.now(),
  };
}

/** The list page at `path`: the early answer if it is that page, fresh and answered, else asked now. */
export async function fetchListPage(path: string): Promise<ConversationPage> {
  const taken = path === FIRST_PAGE ? early : undefined;
  if (taken) early = undefined;
  const page = taken && performance.now() - taken.at < FRESH_MS ? await taken.page : undefined;
  return page ?? api.get<ConversationPage>(path);
}
