// socket.io on the product's HTTP server, for the live inbox. A connection is let in with the
// same token as the REST API (Bearer header, the login cookie, or socket.io's auth.token) and
// handed to the serving LiveChat's hub; a token that is logged out later is noticed on a timer.
import type http from 'node:http';
import { Server } from 'socket.io';
import type { LiveChat } from '../live-chat';
import type { OperatorView } from '../auth/operators';
import type { Logger } from '../logger';
import { presentedToken, sessionCookie } from '../http/auth-middleware';
import { type ProxyTrust, requestOrigin } from '../http/trusted-proxy';
import type { ServerToClientEvents } from './realtime-events';

export const SOCKET_PATH = '/admin/live-chat/socket.io';
/** How often a connected socket's token is checked again (logout, expiry, deactivation). */
export const TOKEN_RECHECK_MS = 60_000;

export interface SocketServerOptions {
  path?: string;
  recheckIntervalMs?: number;
  log?: Logger;
}

export interface SocketServer {
  readonly io: Server;
  /**
   * Has `liveChat`'s hub serve this socket.io now, before any socket connects: on a PostgreSQL
   * server that links it to the other instances, whose changes it must hear (and tell) even
   * while none of its own operators is connected. A connection does it too.
   */
  serve(liveChat: LiveChat): void;
  /** Disconnects every socket and stops serving socket.io (the HTTP server stays up). */
  close(): Promise<void>;
}

interface SocketData {
  liveChat: LiveChat;
  operator: OperatorView;
  token: string;
}

/** The connect_error messages a client can get. */
export const REFUSED = { unauthorized: 'unauthorized', unavailable: 'unavailable' } as const;

export function attachSocketServer(
  httpServer: http.Server,
  resolveLiveChat: () => Promise<LiveChat | undefined>,
  options: SocketServerOptions = {},
): SocketServer {
  const recheckMs = options.recheckIntervalMs ?? TOKEN_RECHECK_MS;
  const path = options.path ?? SOCKET_PATH;
  // The login cookie of the site this socket.io serves (its path is <base>/admin/live-chat/socket.io).
  const cookie = sessionCookie(path.endsWith(SOCKET_PATH) ? path.slice(0, -SOCKET_PATH.length) : '');
  // No cors option: browsers may only connect from the page's own origin. Other upgrade paths
  // (Node-RED's editor comms) are left to their own handlers.
  const io = new Server<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    path,
    serveClient: false,
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
  });

  io.use((socket, next) => {
    const handshake = socket.handshake;
    (async () => {
      const liveChat = await resolveLiveChat().catch(() => undefined);
      if (!liveChat) return next(new Error(REFUSED.unavailable));
      const explicit = typeof handshake.auth?.token === 'string' && handshake.auth.token !== '' ? handshake.auth.token : undefined;
      const token = explicit ?? presentedToken(handshake.headers, cookie);
      // The cookie goes along on any same-site page's requests: only the inbox's own origin may use it.
      const byCookie = !explicit && !presentedToken({ authorization: handshake.headers.authorization });
      if (!token || (byCookie && !sameOrigin(socket.request, liveChat.proxyTrust))) return next(new Error(REFUSED.unauthorized));
      const operator = await liveChat.operators.authenticate(token);
      if (!operator) return next(new Error(REFUSED.unauthorized));
      serve(liveChat);
      // A socket keeps the adapter of the moment it was made: one made before its core linked
      // this socket.io to the other instances (a store just starting) would join rooms nobody
      // sends to. Refused as unavailable, its client tries again (the inbox does, after 5 s).
      if ((socket as unknown as { adapter: unknown }).adapter !== socket.nsp.adapter) return next(new Error(REFUSED.unavailable));
      socket.data = { liveChat, operator, token };
      next();
    })().catch((err: Error) => {
      options.log?.error(`live inbox: checking a connection failed: ${err.message}`);
      next(new Error(REFUSED.unavailable));
    });
  });

  io.on('connection', (socket) => {
    const { liveChat, operator, token } = socket.data;
    const recheck = setInterval(() => {
      liveChat.operators.authenticate(token).then(
        (still) => {
          // A server-side disconnect: the client does not reconnect by itself with the dead token.
          if (!still) socket.disconnect(true);
        },
        (err: Error) => liveChat.log.warn(`live inbox: rechecking ${operator.username}'s login failed: ${err.message}`),
      );
    }, recheckMs);
    recheck.unref();
    socket.on('disconnect', () => clearInterval(recheck));
    void liveChat.realtime.add(socket, operator);
  });

  const served = new Set<LiveChat>();
  function serve(liveChat: LiveChat): void {
    served.add(liveChat);
    liveChat.realtime.serve(io);
  }
  // The core there now serves it before its first socket comes (see the check above).
  resolveLiveChat().then(
    (liveChat) => liveChat && serve(liveChat),
    () => undefined,
  );

  return {
    io,
    serve,
    async close() {
      io.disconnectSockets(true);
      io.engine.close();
      // The cores stay up (their owner closes them), but no longer through this socket.io.
      await Promise.all([...served].map((liveChat) => liveChat.realtime.unserve(io)));
      served.clear();
    },
  };
}

/** No Origin (not a browser) or the same host the request was sent to (through a trusted proxy, its X-Forwarded-Host). */
function sameOrigin(req: http.IncomingMessage, trust: ProxyTrust): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === requestOrigin(req, trust).host;
  } catch {
    return false;
  }
}
