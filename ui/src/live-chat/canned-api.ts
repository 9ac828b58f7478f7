// The team's canned responses over the API (issue 11): the list every operator reads, a response
// filled for a chat (the server fills {displayName} and {operatorName}), and the admins' changes.
import { api } from '../core/api';
import type { CannedResponse, LineMessage } from './types';

const BASE = '/admin/live-chat/canned-responses';

export interface CannedValues {
  title: string;
  shortcut: string;
  text?: string;
  message?: LineMessage;
}

export async function listCanned(): Promise<CannedResponse[]> {
  return (await api.get<{ canned_responses: CannedResponse[] }>(BASE)).canned_responses;
}

/** The response's message as it goes to this chat's user. */
export async function fillCanned(lineUserId: string, id: number): Promise<LineMessage> {
  return (await api.get<{ message: LineMessage }>(`/admin/live-chat/conversations/${encodeURIComponent(lineUserId)}/canned-responses/${id}`)).message;
}

export const createCanned = (values: CannedValues) => api.post<CannedResponse>(BASE, values);
export const updateCanned = (id: number, values: CannedValues) => api.put<CannedResponse>(`${BASE}/${id}`, values);
export const deleteCanned = (id: number) => api.delete(`${BASE}/${id}`);

/** The responses that match what follows `/`: shortcuts starting with it first, then titles or shortcuts containing it. */
export function searchCanned(list: CannedResponse[], query: string): CannedResponse[] {
  const q = query.trim().toLowerCase();
  if (!q) return list;
  const starts = list.filter((c) => c.shortcut.toLowerCase().startsWith(q));
  const contains = list.filter((c) => !starts.includes(c) && (c.shortcut.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)));
  return [...starts, ...contains];
}

/** A one-line preview of a response's message. */
export function cannedPreview(message: LineMessage): string {
  if (message.type === 'text' && typeof message.text === 'string') return message.text;
  return typeof message.altText === 'string' ? `[${message.type}] ${message.altText}` : `[${message.type}]`;
}
