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
import crypto from 'node:crypto';
import express from 'express';
import type { LiveChat } from '../live-chat';
import { HttpError } from '../http/errors';
import { type ProxyTrust, requestOrigin } from '../http/trusted-proxy';

export const EDITOR_TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** A ticket only carries a checked login from our door to Node-RED's, within one request. */
const TICKET_LIFETIME_MS = 30 * 1000;

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

  constructor(private readonly options: EditorDoorOptions) {}

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
      users: async (username: string): Promise<EditorUser | null> => ((await this.options.liveChat()) ? null : this.bootstrapUser(username)),
      tokens: (token: string) => this.userOfToken(token),
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
