// The REST API and socket.io of a real LiveChat core on a loopback port, and a small client for it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Database } from '../../src/db/database';
import { LiveChat, type LiveChatOptions } from '../../src/live-chat';
import { generateFernetKey } from '../../src/crypto/fernet';
import { attachSocketServer, type SocketServerOptions } from '../../src/realtime/socket-server';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

export interface ApiServer {
  app: LiveChat;
  /** http://127.0.0.1:<port>, where socket.io answers at its path. */
  origin: string;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the core on `db` (close() stops it but leaves `db` open: the suite owns it) with its API
 * at /api/v1 and socket.io; `after` adds the host's own routes behind the API.
 */
export async function startApiServer(
  db: Database,
  options: Partial<LiveChatOptions> = {},
  socketOptions: SocketServerOptions = {},
  after?: (host: express.Express) => void,
): Promise<ApiServer> {
  const app = await LiveChat.on(db, {
    database: { url: 'unused' },
    adminUrl: 'http://inbox.example',
    bootstrapAdmin: ADMIN,
    encryptionKey: generateFernetKey(),
    // Tests close idle chats by calling sessions.closeIdle themselves, and vacuum by upkeep passes.
    sweepIntervalMs: 0,
    upkeepIntervalMs: 0,
    log: { info: () => undefined, warn: () => undefined, error: (m) => console.error(m) },
    ...options,
  });
  const host = express();
  host.set('trust proxy', 'loopback');
  host.use('/api/v1', app.api());
  after?.(host);
  const server = http.createServer(host);
  const sockets = attachSocketServer(server, async () => app, socketOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    app,
    origin: `http://127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    close: async () => {
      await sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: leave the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function login(baseUrl: string, user = ADMIN): Promise<string> {
  const res = await call(baseUrl, 'POST', '/auth/login', { body: user });
  if (res.status !== 200) throw new Error(`login as ${user.username} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** Adds an operator through the admin API (as `token`, an admin's) and answers the created record. */
export async function addOperator(baseUrl: string, token: string, operator: Record<string, unknown>): Promise<any> {
  const created = await call(baseUrl, 'POST', '/admin/operators', { token, body: operator });
  if (created.status !== 201) throw new Error(`adding operator ${operator.username} answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body;
}
