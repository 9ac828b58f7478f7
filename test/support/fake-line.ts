// A loopback stand-in for the LINE Messaging API that speaks its wire format, for the real SDK
// to reach through its baseURL. Tests script it (tokens, profiles, failures) and read back every
// request it got.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface FakeProfile {
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
  language?: string;
}

/** What GET …/message/{id}/content answers: the bytes with their type, or an error status (404/410: LINE no longer holds it). */
export type FakeContent = { contentType: string; data: Buffer } | number;

/** How a scripted push goes wrong: an error status (429 may carry a Retry-After), or no answer at all. */
export type PushFailure = number | { status: number; retryAfter?: string } | 'hang';

export class FakeLine {
  readonly requests: RecordedRequest[] = [];
  /**
   * The replies and pushes LINE carried out (what the user sees): a reply whose token worked, a
   * push whose retry key was new. A send held by holdSends() whose client went away before it
   * was let through (a process killed) is not carried out.
   */
  readonly carriedOut: RecordedRequest[] = [];
  /** The channel access token it accepts. */
  accessToken = 'test-access-token';
  botInfo = { userId: 'Ubot0000000000000000000000000000', basicId: '@fakebot', displayName: 'Fake Bot', chatMode: 'chat', markAsReadMode: 'manual' };
  private readonly replyTokens = new Set<string>();
  private readonly profiles = new Map<string, FakeProfile>();
  private readonly acceptedRetryKeys = new Map<string, string>();
  /** Statuses the next pushes answer with, one each, before pushing works again. */
  private pushFailures: PushFailure[] = [];
  private profileFailures: number[] = [];
  /** While set, profile look-ups are received and never answered. */
  private profilesHang = false;
  /** Requests received and left unanswered (a hung LINE), ended on reset and close. */
  private readonly hung = new Set<http.ServerResponse>();
  /** How long profile look-ups take to answer (a slow LINE). */
  private profileDelayMs = 0;
  private markAsReadFailures: number[] = [];
  private loadingFailures: number[] = [];
  /** Users' media on the content API (api-data.line.me), by message id. */
  private readonly contents = new Map<string, FakeContent>();
  /** Pushes LINE carries out but whose answer is lost (the client sees a 500). */
  private lostPushAnswers = 0;
  /** While set, replies and pushes wait for it before answering. */
  private sendGate?: Promise<void>;
  private releaseSends?: () => void;
  private holdingReplies = true;
  /** While set, replies and pushes are carried out at once, and wait for it before answering. */
  private answerGate?: Promise<void>;
  private releaseAnswers?: () => void;
  private server?: http.Server;
  baseUrl = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.endHung();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A reply token LINE would have put on an event; it works once. */
  issueReplyToken(token = crypto.randomBytes(16).toString('hex')): string {
    this.replyTokens.add(token);
    return token;
  }

  setProfile(userId: string, profile: FakeProfile): void {
    this.profiles.set(userId, profile);
  }

  /** The next pushes fail, one each: a status, a status with a Retry-After header, or 'hang' (never answered, not carried out). */
  failNextPushes(...failures: PushFailure[]): void {
    this.pushFailures.push(...failures);
  }

  /** Profile look-ups are received and never answered, until reset(). */
  hangProfiles(): void {
    this.profilesHang = true;
  }

  /** How many requests are being held unanswered now. */
  get hungRequests(): number {
    return [...this.hung].filter((res) => !res.destroyed && !res.writableEnded).length;
  }

  /** The next `n` pushes are carried out, but their answer is lost: the client sees a 500. */
  loseNextPushAnswers(n = 1): void {
    this.lostPushAnswers += n;
  }

  failNextProfiles(...statuses: number[]): void {
    this.profileFailures.push(...statuses);
  }

  /** Profile look-ups answer after `ms` (0: at once). */
  delayProfiles(ms: number): void {
    this.profileDelayMs = ms;
  }

  /** The content of a user's message on the content API. */
  setContent(messageId: string, content: FakeContent): void {
    this.contents.set(messageId, content);
  }

  failNextMarkAsRead(...statuses: number[]): void {
    this.markAsReadFailures.push(...statuses);
  }

  /** The next loading-animation calls answer with these statuses, one each. */
  failNextLoading(...statuses: number[]): void {
    this.loadingFailures.push(...statuses);
  }

  /** The loading-animation calls LINE took (POST /v2/bot/chat/loading/start), their bodies. */
  loadingCalls(): { chatId: string; loadingSeconds?: number }[] {
    return this.requestsTo('POST', '/v2/bot/chat/loading/start').map((r) => r.body);
  }

  /**
   * Replies and pushes (or pushes only) are received (and recorded) but wait unanswered until the
   * function returned is called; then all are answered at once, as a LINE answering a burst.
   */
  holdSends(which: 'replies and pushes' | 'pushes' = 'replies and pushes'): () => void {
    this.holdingReplies = which === 'replies and pushes';
    this.releaseSends?.();
    this.sendGate = new Promise<void>((resolve) => {
      this.releaseSends = resolve;
    });
    return () => {
      this.sendGate = undefined;
      this.releaseSends?.();
      this.releaseSends = undefined;
    };
  }

  /**
   * Replies and pushes are carried out as they come (the reply token is spent, the retry key
   * taken, the user has them) but their answers wait until the function returned is called: a
   * client that goes away meanwhile (a process killed) never learns that LINE took them.
   */
  holdAnswers(): () => void {
    this.releaseAnswers?.();
    this.answerGate = new Promise<void>((resolve) => {
      this.releaseAnswers = resolve;
    });
    return () => {
      this.answerGate = undefined;
      this.releaseAnswers?.();
      this.releaseAnswers = undefined;
    };
  }

  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  reset(): void {
    this.requests.length = 0;
    this.carriedOut.length = 0;
    this.replyTokens.clear();
    this.profiles.clear();
    this.contents.clear();
    this.acceptedRetryKeys.clear();
    this.pushFailures = [];
    this.profileFailures = [];
    this.markAsReadFailures = [];
    this.loadingFailures = [];
    this.lostPushAnswers = 0;
    this.profileDelayMs = 0;
    this.profilesHang = false;
    this.endHung();
    this.sendGate = undefined;
    this.releaseSends?.();
    this.releaseSends = undefined;
    this.answerGate = undefined;
    this.releaseAnswers?.();
    this.releaseAnswers = undefined;
  }

  private endHung(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }

  /** Leaves the request unanswered, as a LINE that never answers (the client's time limit ends it). */
  private hang(res: http.ServerResponse): void {
    this.hung.add(res);
    res.on('close', () => this.hung.delete(res));
  }

  /** Waits while answers are held (holdAnswers); false when the client went away meanwhile. */
  private async answerLater(req: http.IncomingMessage): Promise<boolean> {
    if (this.answerGate) await this.answerGate;
    return !req.socket.destroyed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    const path = (req.url ?? '/').split('?')[0];
    const recorded = { method: req.method ?? 'GET', path, headers: req.headers, body, at };
    this.requests.push(recorded);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-line-request-id': crypto.randomUUID(), ...headers });
      res.end(JSON.stringify(json));
    };

    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      return send(401, { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' });
    }
    const b = body as Record<string, any> | undefined;
    if (this.sendGate && req.method === 'POST' && ((this.holdingReplies && path === '/v2/bot/message/reply') || path === '/v2/bot/message/push')) {
      await this.sendGate;
      if (req.socket.destroyed) return;
    }

    if (req.method === 'POST' && path === '/v2/bot/message/reply') {
      if (req.headers['x-line-retry-key']) return send(400, { message: 'The retry key is not supported on this endpoint' });
      if (!b || typeof b.replyToken !== 'string' || !this.replyTokens.delete(b.replyToken)) return send(400, { message: 'Invalid reply token' });
      this.carriedOut.push(recorded);
      if (!(await this.answerLater(req))) return;
      return send(200, { sentMessages: sentMessages(b.messages) });
    }
    if (req.method === 'POST' && path === '/v2/bot/message/push') {
      const retryKey = req.headers['x-line-retry-key'] as string | undefined;
      if (retryKey && this.acceptedRetryKeys.has(retryKey)) {
        return send(409, { message: 'The retry key is already accepted' }, { 'x-line-accepted-request-id': this.acceptedRetryKeys.get(retryKey)! });
      }
      const failure = this.pushFailures.shift();
      if (failure === 'hang') return this.hang(res);
      if (typeof failure === 'object') {
        const message = failure.status === 429 ? 'The API rate limit has been exceeded. Try again later.' : 'An error occurred in the internal server.';
        return send(failure.status, { message }, failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {});
      }
      if (failure !== undefined) return send(failure, { message: 'An error occurred in the internal server.' });
      if (!b || typeof b.to !== 'string' || !Array.isArray(b.messages) || b.messages.length < 1 || b.messages.length > 5) {
        return send(400, { message: 'The request body has 1 error(s)' });
      }
      if (retryKey) this.acceptedRetryKeys.set(retryKey, crypto.randomUUID());
      this.carriedOut.push(recorded);
      if (!(await this.answerLater(req))) return;
      if (this.lostPushAnswers > 0) {
        this.lostPushAnswers -= 1;
        return send(500, { message: 'An error occurred in the internal server.' });
      }
      return send(200, { sentMessages: sentMessages(b.messages) });
    }
    if (req.method === 'POST' && path === '/v2/bot/chat/markAsRead') {
      const failure = this.markAsReadFailures.shift();
      if (failure !== undefined) return send(failure, { message: 'An error occurred in the internal server.' });
      if (!b || typeof b.markAsReadToken !== 'string' || b.markAsReadToken === '') return send(400, { message: 'The request body has 1 error(s)' });
      return send(200, {});
    }
    if (req.method === 'POST' && path === '/v2/bot/chat/loading/start') {
      const failure = this.loadingFailures.shift();
      if (failure !== undefined) return send(failure, { message: 'An error occurred in the internal server.' });
      // LINE's checks: a user id, and 5 to 60 seconds in steps of 5 (default 20).
      const seconds = b?.loadingSeconds;
      const validSeconds = seconds === undefined || (Number.isInteger(seconds) && seconds >= 5 && seconds <= 60 && seconds % 5 === 0);
      if (!b || typeof b.chatId !== 'string' || !/^U[0-9a-f]{32}$/.test(b.chatId) || !validSeconds) {
        return send(400, { message: 'The request body has 1 error(s)' });
      }
      return send(202, {});
    }
    const profile = /^\/v2\/bot\/profile\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && profile) {
      if (this.profilesHang) return this.hang(res);
      if (this.profileDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.profileDelayMs));
      const failure = this.profileFailures.shift();
      if (failure !== undefined) return send(failure, { message: 'An error occurred in the internal server.' });
      const found = this.profiles.get(decodeURIComponent(profile[1]));
      if (!found) return send(404, { message: 'Not found' });
      return send(200, { userId: decodeURIComponent(profile[1]), ...found });
    }
    const content = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(path);
    if (req.method === 'GET' && content) {
      const found = this.contents.get(decodeURIComponent(content[1]));
      if (found === undefined) return send(404, { message: 'Not found' });
      if (typeof found === 'number')
        return send(found, { message: found === 404 || found === 410 ? 'Not found' : 'An error occurred in the internal server.' });
      res.writeHead(200, { 'content-type': found.contentType, 'content-length': String(found.data.length), 'x-line-request-id': crypto.randomUUID() });
      res.end(found.data);
      return;
    }
    if (req.method === 'GET' && path === '/v2/bot/info') return send(200, this.botInfo);
    send(404, { message: 'Not found' });
  }
}

function sentMessages(messages: unknown): { id: string; quoteToken: string }[] {
  const list = Array.isArray(messages) ? messages : [];
  return list.map(() => ({
    id: String(BigInt(Date.now()) * 1000n + BigInt(crypto.randomInt(1000))),
    quoteToken: crypto.randomBytes(12).toString('base64url'),
  }));
}
