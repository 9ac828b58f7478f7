// The Node-RED editor's door in the standalone product, kept in step with the operator table.
// A login (POST <editor>/auth/token) is checked here, before Node-RED sees it: the inbox's
// throttle by the client's address (through the trusted proxy only), then the operator's password
// and role; an admin gets an editor token of our own (auth_tokens, scope "editor", 12 hours),
// which Node-RED hands to the editor through a one-time ticket. Every editor request then asks,
// through adminAuth's `tokens` hook, whether that token is still live and its operator still an
// active admin: deactivation, demotion or a new password (which deletes the operator's tokens)
// end the session at the next request. Node-RED's own per-username login limit never sees a
// failed attempt, so it cannot be used to lock an admin out. Before any store runs, the bootstrap
// admin's credentials open the editor through Node-RED's own tokens, which end when a store runs.
//
// The editor's comms websocket (<httpAdminRoot>/comms) is authenticated once, by an auth packet,
// and Node-RED never asks again: so the door notes which token each comms socket authenticated
// with (Node-RED asks adminAuth while it handles that socket's data, and an AsyncLocalStorage
// entered there tells which socket it is) and checks them every few seconds, closing the socket
// of a token no longer live (and one that never authenticated at all).
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import type http from 'node:http';
import type net from 'node:net';
import express from 'express';
import type { LiveChat } from '../live-chat';
import { HttpError } from '../http/errors';
import { type ProxyTrust, requestOrigin } from '../http/trusted-proxy';

export const EDITOR_TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** A ticket only carries a checked login from our door to Node-RED's, within one request. */
const TICKET_LIFETIME_MS = 30 * 1000;
/** How often the comms sockets' tokens are checked again. */
export const COMMS_CHECK_INTERVAL_MS = 2000;
/** A comms socket that has not authenticated within this is closed (the editor does it at once). */
export const COMMS_AUTH_GRACE_MS = 10_000;

/** An open comms socket: when it opened, and what it authenticated with once it did. */
interface CommsSocket {
  opened: number;
  /** An editor token of ours. */
  token?: string;
  /** The bootstrap admin, through Node-RED's own token (before any store ran). */
  bootstrap?: true;
}

export interface EditorUser {
  username: string;
  permissions: '*';
  token?: string;
}

export interface EditorDoorOptions {
  /** The core of the store serving the product now; undefined while none runs. */
  liveChat: () => Promise<LiveChat | undefined>;
  trust: ProxyTrust;
  bootstrapAdmin: { username: string; password: string };
}

const sameText = (a: string, b: string) => {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
};

/** Node-RED's own answer to a refused password grant (oauth2orize's shape), with our status. */
function refuse(res: express.Response, err: HttpError): void {
  const retryAfter = err.details?.retry_after;
  if (typeof retryAfter === 'number') res.set('retry-after', String(retryAfter));
  res.status(err.status).json({ error: err.status === 429 ? 'too_many_requests' : 'invalid_grant', error_description: err.message });
}

export class EditorDoor {
  private readonly tickets = new Map<string, { username: string; token: string; expires: number }>();
  private readonly comms = new Map<net.Socket, CommsSocket>();
  /** The comms socket whose data (or upgrade) Node-RED is handling now. */
  private readonly commsSocket = new AsyncLocalStorage<net.Socket>();
  private commsTimer?: NodeJS.Timeout;
  private checking = false;

  constructor(private readonly options: EditorDoorOptions) {}

  /**
   * Follows the editor's comms websockets on `server` (at `commsPath`, as Node-RED serves it):
   * each is closed within COMMS_CHECK_INTERVAL_MS once its token is no longer live.
   */
  watchComms(server: http.Server, commsPath: string): void {
    // First, so that Node-RED's own upgrade handling (a token in a header) runs in the socket's context.
    server.prependListener('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname !== commsPath) return;
      this.comms.set(socket, { opened: Date.now() });
      socket.once('close', () => this.comms.delete(socket));
      this.commsSocket.enterWith(socket);
      // Node-RED reads the auth packet in a later 'data' event: the context is entered ahead of
      // its listener, added only as it adds its own (earlier would start the data flowing before
      // Node-RED listens, when it checks a token header first).
      const enter = () => this.commsSocket.enterWith(socket);
      const follow = (event: string | symbol) => {
        if (event !== 'data') return;
        socket.off('newListener', follow);
        socket.prependListener('data', enter);
      };
      socket.on('newListener', follow);
    });
    this.commsTimer ??= setInterval(() => void this.checkComms(), COMMS_CHECK_INTERVAL_MS);
    this.commsTimer.unref();
  }

  /** Stops following the comms sockets (the process stops). */
  close(): void {
    clearInterval(this.commsTimer);
    this.commsTimer = undefined;
  }

  /** Mounted at httpAdminRoot before Node-RED's editor: its login and logout. */
  router(): express.Router {
    const router = express.Router();
    const body = [express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' })];
    router.post('/auth/token', ...body, (req, res, next) => {
      this.login(req, res).then((handled) => (handled ? undefined : next()), next);
    });
    // Logout of an editor token of ours, by its holder: ended here, answered as Node-RED does;
    // anything else (Node-RED's own tokens) goes on to Node-RED.
    router.post('/auth/revoke', ...body, (req, res, next) => {
      const token = typeof req.body?.token === 'string' ? req.body.token : undefined;
      const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!token || token !== presented) return next();
      (async () => {
        const app = await this.options.liveChat();
        if (!app || !(await app.operators.authenticate(token, 'editor'))) return next();
        await app.operators.logout(token);
        this.endComms((comms) => comms.token === token);
        res.status(200).end();
      })().catch(next);
    });
    return router;
  }

  /** adminAuth for Node-RED's settings. */
  adminAuth() {
    return {
      type: 'credentials' as const,
      // Node-RED's own tokens (the bootstrap admin's, before any store ran): for 12 hours, and
      // only while still no store runs.
      sessionExpiryTime: EDITOR_TOKEN_LIFETIME_MS / 1000,
      users: async (username: string): Promise<EditorUser | null> => {
        const socket = this.commsSocket.getStore();
        const user = (await this.options.liveChat()) ? null : this.bootstrapUser(username);
        if (user) this.noteComms(socket, { bootstrap: true });
        return user;
      },
      tokens: async (token: string): Promise<EditorUser | null> => {
        const socket = this.commsSocket.getStore();
        const user = await this.userOfToken(token);
        if (user) this.noteComms(socket, { token });
        return user;
      },
      tokenHeader: 'authorization',
      authenticate: async (username: string, password: string): Promise<EditorUser | null> => {
        const ticket = this.takeTicket(password);
        if (ticket) return ticket.username === username ? { username, permissions: '*', token: ticket.token } : null;
        // Our door answers every login while a store runs; this is the bootstrap admin's.
        if (await this.options.liveChat()) return null;
        return sameText(username, this.options.bootstrapAdmin.username) && sameText(password, this.options.bootstrapAdmin.password)
          ? { username, permissions: '*' }
          : null;
      },
    };
  }

  /** The active admin holding this editor token, as Node-RED's user; null otherwise. */
  async userOfToken(token: string): Promise<EditorUser | null> {
    const app = await this.options.liveChat();
    if (!app) return null;
    const operator = await app.operators.authenticate(token.replace(/^Bearer\s+/i, ''), 'editor');
    return operator?.role === 'admin' ? { username: operator.username, permissions: '*' } : null;
  }

  /** What a comms socket (if that is who asks) authenticated with. */
  private noteComms(socket: net.Socket | undefined, credential: Pick<CommsSocket, 'token' | 'bootstrap'>): void {
    const comms = socket && this.comms.get(socket);
    if (comms) Object.assign(comms, credential);
  }

  /** Closes the comms sockets whose credential is no longer live (one check at a time). */
  private async checkComms(): Promise<void> {
    if (this.checking || this.comms.size === 0) return;
    this.checking = true;
    try {
      const storeRuns = (await this.options.liveChat()) !== undefined;
      const live = new Map<string, boolean>();
      for (const [socket, comms] of this.comms) {
        let keep: boolean;
        if (comms.token) {
          if (!live.has(comms.token)) live.set(comms.token, (await this.userOfToken(comms.token)) !== null);
          keep = live.get(comms.token)!;
        } else if (comms.bootstrap) {
          keep = !storeRuns;
        } else {
          keep = Date.now() - comms.opened < COMMS_AUTH_GRACE_MS;
        }
        if (!keep) this.endComms((c) => c === comms, socket);
      }
    } catch {
      // the database is away: the next round checks again
    } finally {
      this.checking = false;
    }
  }

  private endComms(which: (comms: CommsSocket) => boolean, only?: net.Socket): void {
    for (const [socket, comms] of this.comms) {
      if ((only && socket !== only) || !which(comms)) continue;
      this.comms.delete(socket);
      socket.destroy();
    }
  }

  /** Answers a password grant itself when it fails; true when it did. */
  private async login(req: express.Request, res: express.Response): Promise<boolean> {
    const { grant_type: grant, username, password } = (req.body ?? {}) as Record<string, unknown>;
    if (grant !== 'password' || typeof username !== 'string' || typeof password !== 'string') return false;
    const app = await this.options.liveChat();
    if (!app) return false;
    try {
      const operator = await app.operators.checkPassword(username, password, requestOrigin(req, this.options.trust).address);
      if (operator.role !== 'admin') throw new HttpError(403, 'Only admin operators may open the editor');
      const { token } = await app.operators.issueToken(operator, 'editor', EDITOR_TOKEN_LIFETIME_MS);
      const ticket = crypto.randomBytes(32).toString('base64url');
      this.pruneTickets();
      this.tickets.set(ticket, { username: operator.username, token, expires: Date.now() + TICKET_LIFETIME_MS });
      req.body.username = operator.username;
      req.body.password = ticket;
      return false;
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      refuse(res, err);
      return true;
    }
  }

  private takeTicket(password: string) {
    const ticket = this.tickets.get(password);
    if (!ticket) return undefined;
    this.tickets.delete(password);
    return ticket.expires > Date.now() ? ticket : undefined;
  }

  private pruneTickets(): void {
    const now = Date.now();
    for (const [key, ticket] of this.tickets) if (ticket.expires <= now) this.tickets.delete(key);
  }

  private bootstrapUser(username: string): EditorUser | null {
    return sameText(username, this.options.bootstrapAdmin.username) ? { username, permissions: '*' } : null;
  }
}
