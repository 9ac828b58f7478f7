// The LINE webhook as express handlers, for whatever mounts it (the line-webhook node mounts it
// on Node-RED's httpNode). It answers as LINE expects: 200 once the events are stored, 401 for
// a missing or wrong signature, 400 for a body that is not a webhook, 413 over 1 MiB, 503 while
// stopping, and 500 (so that LINE redelivers) when they could not be stored. The events are
// processed after the answer (see webhook-ingest).
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { LiveChat } from '../live-chat';
import { StoreUnavailable } from '../live-chat-startup';
import type { LineEventOutput } from './webhook-ingest';
import { urgently } from '../util/urgency';

export const WEBHOOK_BODY_LIMIT = '1mb';
/** When a webhook refused while stopping (or starting) may come back: a restart takes seconds. */
export const STOPPING_RETRY_AFTER_SECONDS = 5;

/** body-parser's marks on a request whose body has been read (Node-RED's http in node reads them too). */
interface BodyReadRequest extends Request {
  _body?: boolean;
  skipRawBodyParser?: boolean;
}

const rawParser = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
/** A body that could not be read (too large, cut off), kept for the route to answer. */
const bodyErrors = new WeakMap<Request, Error>();

/**
 * Reads the body as LINE sent it into req.body (a Buffer), unless something already read it.
 * It never answers: a failure is kept on the request and the route answers it, so the capture
 * that runs this before any other middleware (nodes/shared/raw-body) leaves the answer here.
 */
export const readWebhookBody: RequestHandler = (req, res, next) => {
  rawParser(req, res, (err?: unknown) => {
    if (err) bodyErrors.set(req, err instanceof Error ? err : new Error(String(err)));
    else if (Buffer.isBuffer(req.body)) (req as BodyReadRequest).skipRawBodyParser = true;
    next();
  });
};

export interface WebhookRouteHooks {
  /** The core; rejecting answers 503. */
  liveChat(): Promise<LiveChat>;
  /** Which LINE credential (id or name); blank means the default one. */
  credential?: string;
  /**
   * The events of one request once processed, in the order LINE sent them (events left to the
   * recovery pass come later through the sink the node registers for its credential).
   */
  onEvents(events: LineEventOutput[]): void;
  /** A request that was turned away, or failed. */
  onProblem(status: number, reason: string): void;
}

export function lineWebhookHandlers(hooks: WebhookRouteHooks): (RequestHandler | ErrorRequestHandler)[] {
  // The signature is over the exact bytes, so no JSON parser may run first: the raw-body capture
  // reads them before anything else; without it (a plain express app) this reads them.
  const rawBody: RequestHandler = (req, res, next) => readWebhookBody(req, res, () => next(bodyErrors.get(req)));

  const handle: RequestHandler = (req, res) => {
    const reject = (status: number, reason: string) => {
      hooks.onProblem(status, reason);
      res.status(status).json({ error: reason });
    };
    (async () => {
      let liveChat: LiveChat;
      try {
        liveChat = await hooks.liveChat();
      } catch (err) {
        // Waiting for its database: LINE redelivers (when redelivery is on) what is refused now.
        res.set('retry-after', String(err instanceof StoreUnavailable ? err.retryAfterSeconds : STOPPING_RETRY_AFTER_SECONDS));
        return reject(503, 'The live chat store is not running');
      }
      let secrets: Record<string, string>;
      try {
        secrets = (await liveChat.credentials.resolve('LINE', hooks.credential || undefined)).secrets;
      } catch (err) {
        return reject(500, `No usable LINE credential: ${(err as Error).message}`);
      }
      if ((req as BodyReadRequest)._body && !Buffer.isBuffer(req.body)) {
        return reject(500, 'Another body parser read the body before the LINE webhook, so its signature cannot be checked');
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let result: Awaited<ReturnType<typeof liveChat.lineWebhook.accept>>;
      try {
        // LINE waits for the answer: storing the events goes ahead of background work.
        result = await urgently(() =>
          liveChat.lineWebhook.accept(body, req.get('x-line-signature'), secrets.channel_secret ?? '', {
            credential: hooks.credential,
            channelAccessToken: secrets.channel_access_token,
          }),
        );
      } catch (err) {
        return reject(500, `The events could not be stored: ${(err as Error).message}`);
      }
      if (result.outcome === 'bad-signature') return reject(401, result.reason);
      if (result.outcome === 'bad-request') return reject(400, result.reason);
      // Stopping: LINE delivers the body again, to this instance restarted or another one.
      if (result.outcome === 'unavailable') {
        res.set('retry-after', String(STOPPING_RETRY_AFTER_SECONDS));
        return reject(503, result.reason);
      }
      res.status(200).json({});
      const outputs = await result.processed;
      if (outputs.length > 0) hooks.onEvents(outputs);
    })().catch((err: Error) => hooks.onProblem(500, err.message));
  };

  const tooLarge: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    const answer = status === 413 ? 413 : status && status >= 400 && status < 500 ? status : 400;
    const reason = answer === 413 ? `The body is over ${WEBHOOK_BODY_LIMIT}` : 'The body could not be read';
    hooks.onProblem(answer, reason);
    res.status(answer).json({ error: reason });
  };

  return [rawBody, handle, tooLarge];
}
