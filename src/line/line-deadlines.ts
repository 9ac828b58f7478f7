// Deadlines for every call to LINE. @line/bot-sdk 11 calls the global fetch with no signal and
// takes no fetch or timeout option, so a LINE that never answers held a request open for
// undici's 300 s (three push attempts: 905 s). Each SDK client's transport is replaced here
// (installDeadlines) by one that sends the same requests with a time limit; the limit of the
// attempt is handed to it by withAttemptLimit. Every SDK method sends its request before its
// first await, so the request is made while withAttemptLimit's call runs and reads the limit
// then: no AsyncLocalStorage, whose hook on every promise of the process cost more CPU than the
// LINE call. A request made later (an SDK that awaited first) gets the client's own limit, still
// a deadline. Retrying within a total budget, with
// LINE's Retry-After honoured, is withinBudget's. The limits themselves are in config/deadlines.
//
// The requests go by node:http(s) on kept-alive connections, not fetch: a bot's reply per
// webhook event is on the ingest's hot path, and fetch (its Request, streams and signal) cost
// three times the CPU of the plain request. The SDK still gets a Response; JSON answers are read
// whole before it does, content (a user's image or video) is streamed to the caller.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { HTTPFetchError } from './line-sdk';
import { errorText } from '../util/error-text';

/** A request LINE did not answer in time (it may still have been carried out). */
export class LineTimeoutError extends Error {
  constructor(
    readonly request: string,
    readonly limitMs: number,
  ) {
    super(`LINE did not answer ${request} within ${formatMs(limitMs)}`);
    // As AbortSignal.timeout's error is named, for code that tells a timeout by its name.
    this.name = 'TimeoutError';
  }
}

/** The limit of the attempt whose call is running right now (synchronously), if any. */
let startingAttemptMs: number | undefined;

/** Runs `call` (one SDK call) with its request limited to `ms`. */
export function withAttemptLimit<T>(ms: number, call: () => Promise<T>): Promise<T> {
  const outer = startingAttemptMs;
  startingAttemptMs = Math.max(1, Math.round(ms));
  try {
    return call();
  } finally {
    startingAttemptMs = outer;
  }
}

type HeaderMap = Record<string, string>;

/** One pool of kept-alive connections per scheme, for every client; idle ones close after a few seconds. */
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: 4000 }),
  'https:': new https.Agent({ keepAlive: true, timeout: 4000 }),
};

interface OutgoingRequest {
  headers: HeaderMap;
  body?: string | Buffer;
}

/**
 * What the SDK's HTTPFetchClient does, each request with a time limit: the limit of the attempt
 * it was asked in (withAttemptLimit), else `defaultMs`. Failures are the SDK's HTTPFetchError, a
 * LineTimeoutError, or the network error with its cause in its message.
 */
class DeadlineFetchClient {
  constructor(
    readonly baseURL: string,
    readonly defaultHeaders: HeaderMap,
    private readonly defaultMs: number,
  ) {}

  get(url: string, params?: Record<string, unknown>): Promise<Response> {
    return this.request('GET', this.url(url, params), { headers: this.defaultHeaders });
  }

  delete(url: string, params?: Record<string, unknown>): Promise<Response> {
    return this.request('DELETE', this.url(url, params), { headers: this.defaultHeaders });
  }

  post(url: string, body?: unknown, config?: { headers?: HeaderMap }): Promise<Response> {
    return this.request('POST', this.url(url), this.json(body, config));
  }

  put(url: string, body?: unknown, config?: { headers?: HeaderMap }): Promise<Response> {
    return this.request('PUT', this.url(url), this.json(body, config));
  }

  postForm(url: string, body?: Record<string, unknown>): Promise<Response> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body ?? {})) if (value !== undefined && value !== null) params.append(key, String(value));
    return this.request('POST', this.url(url), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...this.defaultHeaders },
      body: params.toString(),
    });
  }

  // The limit is taken before encoding: the request is made after an await.
  async postFormMultipart(url: string, form: FormData): Promise<Response> {
    const limitMs = this.limitMs();
    const { body, contentType } = await encoded(form);
    return this.request('POST', this.url(url), { headers: { ...this.defaultHeaders, 'Content-Type': contentType }, body }, limitMs);
  }

  async putFormMultipart(url: string, form: FormData, config?: { headers?: HeaderMap }): Promise<Response> {
    const limitMs = this.limitMs();
    const { body, contentType } = await encoded(form);
    return this.request('PUT', this.url(url), { headers: { ...this.defaultHeaders, ...config?.headers, 'Content-Type': contentType }, body }, limitMs);
  }

  async postBinaryContent(url: string, blob: Blob): Promise<Response> {
    const limitMs = this.limitMs();
    const { body } = await encoded(blob);
    return this.request('POST', this.url(url), { headers: { 'Content-Type': blob.type, ...this.defaultHeaders }, body }, limitMs);
  }

  private limitMs(): number {
    return startingAttemptMs ?? this.defaultMs;
  }

  private url(path: string, params?: Record<string, unknown>): URL {
    const url = new URL(path, this.baseURL);
    if (params) {
      // As the SDK's createURLSearchParams: each value as a string, null and undefined left out.
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) search.append(key, String(value));
      url.search = search.toString();
    }
    return url;
  }

  private json(body: unknown, config?: { headers?: HeaderMap }): OutgoingRequest {
    return { headers: { 'Content-Type': 'application/json', ...this.defaultHeaders, ...config?.headers }, body: JSON.stringify(body) };
  }

  /** One request, its answer read whole, all within the limit of the attempt running. */
  private request(method: string, url: URL, outgoing: OutgoingRequest, limitMs = this.limitMs()): Promise<Response> {
    const name = `${method} ${url.pathname}`;
    return new Promise<Response>((resolve, reject) => {
      const { body } = outgoing;
      const headers = body === undefined ? outgoing.headers : { ...outgoing.headers, 'Content-Length': String(Buffer.byteLength(body)) };
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(url, { method, headers, agent: agents[secure ? 'https:' : 'http:'] });
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err instanceof LineTimeoutError ? err : new Error(`LINE could not be reached for ${name}: ${networkReason(err)}`, { cause: err }));
      };
      // The limit covers the answer's body too.
      const timer = setTimeout(() => {
        const timedOut = new LineTimeoutError(name, limitMs);
        fail(timedOut);
        req.destroy(timedOut);
      }, limitMs);
      req.on('error', fail);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status <= 299 && isContent(res.headers['content-type'])) {
          // Content (a user's image, video, file): handed over as it arrives, for the caller to
          // read within its own size bound, never buffered whole here; the limit still covers
          // its body (a stalled download ends in an error, not a hang).
          settled = true;
          const done = () => clearTimeout(timer);
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
          resolve(new Response(Readable.toWeb(res) as ReadableStream, { status, statusText: res.statusMessage ?? '', headers: answerHeadersOf(res) }));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the answer was cut off'));
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const statusText = res.statusMessage ?? '';
          const answerHeaders = answerHeadersOf(res);
          const content = Buffer.concat(chunks);
          if (status < 200 || status > 299) {
            reject(new HTTPFetchError(`${status} - ${statusText}`, { status, statusText, headers: answerHeaders, body: content.toString('utf8') }));
            return;
          }
          resolve(new LineAnswer(content, status, statusText, answerHeaders) as unknown as Response);
        });
      });
      req.end(body);
    });
  }
}

/**
 * LINE's JSON (or text) answer, read whole, as the SDK reads it: it calls text() and nothing
 * else. A fetch Response made of the bytes would wrap them in a web stream and read them back
 * through it: a tenth of the server's CPU per webhook event, for the bot's reply. Whatever
 * else a caller asks of it (body, blob, clone …) comes from such a Response, made when asked.
 */
class LineAnswer {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  readonly url = '';
  private used = false;

  constructor(
    private readonly content: Buffer<ArrayBuffer>,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
  ) {
    this.ok = status >= 200 && status <= 299;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.response().body;
  }

  async text(): Promise<string> {
    return this.consume().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(this.consume());
  }

  blob(): Promise<Blob> {
    return this.response().blob();
  }

  formData(): Promise<FormData> {
    return this.response().formData();
  }

  /** Unlike fetch's, also once the body was read: the bytes are kept. */
  clone(): Response {
    return this.response(false);
  }

  /** The bytes, once: as a Response's body, it can be read only once. */
  private consume(): Buffer<ArrayBuffer> {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.content;
  }

  /** A fetch Response of the same answer (a 204 or 205 has no body, and a Response refuses one). */
  private response(consumes = true): Response {
    const content = consumes ? this.consume() : this.content;
    const body = content.length > 0 && this.status !== 204 && this.status !== 205 ? content : null;
    return new Response(body, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

/** Content LINE serves (GET …/content), as opposed to the small JSON (or text) answers of every other call. */
function isContent(contentType: string | undefined): boolean {
  return contentType !== undefined && !/json|^text\//i.test(contentType);
}

function answerHeadersOf(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  return headers;
}

/** A multipart form or a blob as the bytes and content type fetch would have sent. */
async function encoded(body: FormData | Blob): Promise<{ body: Buffer; contentType: string }> {
  const asResponse = new Response(body);
  return { body: Buffer.from(await asResponse.arrayBuffer()), contentType: asResponse.headers.get('content-type') ?? '' };
}

/**
 * Replaces the transport of an SDK client (MessagingApiClient, MessagingApiBlobClient, …) with
 * one whose requests have a time limit, keeping its base URL and headers (token, User-Agent).
 */
export function installDeadlines<C extends object>(client: C, defaultMs: number): C {
  const holder = client as unknown as { httpClient: { baseURL: string; defaultHeaders: HeaderMap } };
  const sdk = holder.httpClient;
  // Loud at once, not a client without deadlines, should a later SDK build its transport otherwise.
  if (typeof sdk?.baseURL !== 'string' || typeof sdk.defaultHeaders !== 'object') {
    throw new Error('@line/bot-sdk no longer keeps its transport in httpClient: LINE calls cannot be given deadlines');
  }
  holder.httpClient = new DeadlineFetchClient(sdk.baseURL, sdk.defaultHeaders, defaultMs);
  return client;
}

export interface RetryPlan {
  /** All attempts and waits together. */
  budgetMs: number;
  /** One attempt's limit (the rest of the budget when less). */
  attemptMs: number;
  maxAttempts: number;
  /** Waits before the 2nd, 3rd … attempt when LINE gave no Retry-After. */
  delaysMs: number[];
}

export type BudgetOutcome<T> = { ok: true; value: T; attempts: number } | { ok: false; error: unknown; attempts: number };

/**
 * Runs `call` until it succeeds, fails in a way another try cannot fix, has had its attempts,
 * or the budget is spent. 429, 5xx, timeouts and network failures are tried again, after
 * LINE's Retry-After when it gives one; a wait that would end past the budget is not waited.
 */
export async function withinBudget<T>(plan: RetryPlan, call: () => Promise<T>): Promise<BudgetOutcome<T>> {
  const deadline = Date.now() + plan.budgetMs;
  for (let attempts = 1; ; attempts++) {
    try {
      const left = deadline - Date.now();
      return { ok: true, value: await withAttemptLimit(Math.min(plan.attemptMs, left), call), attempts };
    } catch (err) {
      if (!isRetryable(err) || attempts >= plan.maxAttempts) return { ok: false, error: err, attempts };
      const wait = retryAfterMs(err) ?? plan.delaysMs[attempts - 1] ?? plan.delaysMs.at(-1) ?? 0;
      // An attempt needs some time of its own after the wait: a few milliseconds are no attempt.
      if (Date.now() + wait + Math.min(plan.attemptMs, 100) > deadline) {
        return { ok: false, error: spentBudget(err, plan.budgetMs), attempts };
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** 429, 5xx, timeouts and network failures may succeed later; other answers will not. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof HTTPFetchError) return err.status === 429 || err.status >= 500;
  return true;
}

/** LINE's Retry-After (seconds or an HTTP date) in ms, when it sent one. */
export function retryAfterMs(err: unknown): number | undefined {
  if (!(err instanceof HTTPFetchError)) return undefined;
  const value = err.headers?.get?.('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The last failure, saying the budget ended the tries. */
function spentBudget(err: unknown, budgetMs: number): Error {
  return new Error(`${lineErrorText(err)} (no time left for another attempt within ${formatMs(budgetMs)})`, { cause: err });
}

/** A LINE API failure in one line for logs and delivery_error. */
export function lineErrorText(err: unknown): string {
  if (err instanceof HTTPFetchError) return `LINE answered ${err.status}: ${err.body}`;
  return err instanceof Error && err.message ? err.message : errorText(err);
}

function networkReason(err: Error & { code?: string }): string {
  return `${err.message || err.name}${err.code && !err.message.includes(err.code) ? ` (${err.code})` : ''}`;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
