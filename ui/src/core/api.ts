// The one place the inbox talks to the REST API (<base>/api/v1). Same origin, the login cookie
// rides along; errors become ApiError with the API's message and the field at fault.
import { under } from './base';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const API = under('/api/v1');

/** Called on any 401, so the app can show the login page. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(API + path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer<T>(res, path);
}

/** POSTs a file as the request body, with its type (JSON types as bytes: the API would parse them). */
export async function upload<T = unknown>(path: string, file: Blob): Promise<T> {
  const type = file.type && !/json/i.test(file.type) ? file.type : 'application/octet-stream';
  const res = await fetch(API + path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': type },
    body: file,
  });
  return answer<T>(res, path);
}

async function answer<T>(res: Response, path: string): Promise<T> {
  const text = await res.text();
  let parsed: { error?: string; field?: string } | undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: text };
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorized();
    throw new ApiError(res.status, parsed?.error ?? `${res.status} ${res.statusText}`, parsed?.field, parsed as Record<string, unknown> | undefined);
  }
  return parsed as T;
}

export const api = {
  get: <T = unknown>(path: string) => request<T>('GET', path),
  upload,
  post: <T = unknown>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T = unknown>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T = unknown>(path: string) => request<T>('DELETE', path),
};

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '') as [string, string | number][];
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}
