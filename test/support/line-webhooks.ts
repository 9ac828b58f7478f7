// Webhook bodies as LINE sends them: realistic events and the x-line-signature over the exact
// bytes that go on the wire.
import assert from 'node:assert';
import crypto from 'node:crypto';

export const CHANNEL_SECRET = 'test-channel-secret-0123456789ab';
export const BOT_USER_ID = 'Ubot0000000000000000000000000000';

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID-shaped webhookEventId: 10 time characters and 16 random ones. */
export function webhookEventId(at = Date.now()): string {
  let time = '';
  for (let t = at, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ULID_ALPHABET[t % 32] + time;
  let random = '';
  for (const byte of crypto.randomBytes(16)) random += ULID_ALPHABET[byte % 32];
  return time + random;
}

export const userId = () => `U${crypto.randomBytes(16).toString('hex')}`;
const lineId = () => String(500000000000000 + crypto.randomInt(1e9) * 1000 + crypto.randomInt(1000));

export interface EventOptions {
  userId?: string;
  source?: Record<string, string>;
  mode?: 'active' | 'standby';
  isRedelivery?: boolean;
  timestamp?: number;
  replyToken?: string;
  webhookEventId?: string;
}

function base(type: string, o: EventOptions): Record<string, unknown> {
  const timestamp = o.timestamp ?? Date.now();
  return {
    type,
    timestamp,
    source: o.source ?? { type: 'user', userId: o.userId ?? userId() },
    mode: o.mode ?? 'active',
    webhookEventId: o.webhookEventId ?? webhookEventId(timestamp),
    deliveryContext: { isRedelivery: o.isRedelivery ?? false },
  };
}

const replyable = (o: EventOptions) => ({ replyToken: o.replyToken ?? crypto.randomBytes(16).toString('hex') });

export const MESSAGE_SAMPLES: Record<string, () => Record<string, unknown>> = {
  text: () => ({ type: 'text', id: lineId(), quoteToken: `q${lineId()}`, text: 'สวัสดีครับ ขอสอบถามหน่อย' }),
  image: () => ({ type: 'image', id: lineId(), quoteToken: `q${lineId()}`, contentProvider: { type: 'line' }, imageSet: { id: 'set1', index: 1, total: 2 } }),
  video: () => ({
    type: 'video',
    id: lineId(),
    quoteToken: `q${lineId()}`,
    duration: 60000,
    contentProvider: { type: 'external', originalContentUrl: 'https://example.com/v.mp4', previewImageUrl: 'https://example.com/v.jpg' },
  }),
  audio: () => ({ type: 'audio', id: lineId(), duration: 4000, contentProvider: { type: 'line' } }),
  file: () => ({ type: 'file', id: lineId(), fileName: 'quote.pdf', fileSize: 2138 }),
  location: () => ({ type: 'location', id: lineId(), title: 'my location', address: 'Bangkok, Thailand', latitude: 13.7563, longitude: 100.5018 }),
  sticker: () => ({
    type: 'sticker',
    id: lineId(),
    quoteToken: `q${lineId()}`,
    packageId: '446',
    stickerId: '1988',
    stickerResourceType: 'STATIC',
    keywords: ['happy'],
  }),
};

export function messageEvent(message: Record<string, unknown> | string, o: EventOptions = {}): Record<string, unknown> {
  const content = typeof message === 'string' ? { ...MESSAGE_SAMPLES.text(), text: message } : message;
  return { ...base('message', o), ...replyable(o), message: { markAsReadToken: `mart-${crypto.randomBytes(8).toString('hex')}`, ...content } };
}

export function followEvent(o: EventOptions & { isUnblocked?: boolean } = {}): Record<string, unknown> {
  return { ...base('follow', o), ...replyable(o), follow: { isUnblocked: o.isUnblocked ?? false } };
}

export function unfollowEvent(o: EventOptions = {}): Record<string, unknown> {
  return base('unfollow', o);
}

export function postbackEvent(data: string, o: EventOptions = {}): Record<string, unknown> {
  return { ...base('postback', o), ...replyable(o), postback: { data } };
}

export const groupSource = (user = userId()) => ({ type: 'group', groupId: `C${crypto.randomBytes(16).toString('hex')}`, userId: user });
export const roomSource = (user = userId()) => ({ type: 'room', roomId: `R${crypto.randomBytes(16).toString('hex')}`, userId: user });

/** A redelivery of `event`: the same webhookEventId, marked as redelivered. */
export function redelivered(event: Record<string, unknown>): Record<string, unknown> {
  return { ...event, deliveryContext: { isRedelivery: true } };
}

export function webhookBody(events: Record<string, unknown>[], destination = BOT_USER_ID): Buffer {
  return Buffer.from(JSON.stringify({ destination, events }), 'utf8');
}

export function sign(body: Buffer | string, secret = CHANNEL_SECRET): string {
  return crypto.createHmac('sha256', secret).update(body).digest('base64');
}

/** Posts signed events to a running product's webhook URL, as LINE does, and expects its 200. */
export async function deliverWebhook(url: string, events: Record<string, unknown>[]): Promise<void> {
  const body = webhookBody(events);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
    body: new Uint8Array(body),
  });
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${await res.text()}`);
}

/** One answer of the webhook while it was polled; `refused` when nothing listened any more. */
export interface WebhookAnswer {
  status: number | 'refused';
  retryAfter: string | null;
  /** Why nothing was answered, or what an answer other than 200 or 503 said (for the assertion's message). */
  error?: string;
}

/**
 * Posts a signed text message (in standby mode) to `url` again and again, one at a time, until
 * `done(the answers so far)` says so or
 * the server stops listening (or `maxMs` passes), and answers every reply seen.
 */
export async function pollWebhook(url: string, done: (answers: WebhookAnswer[]) => boolean, maxMs = 60000): Promise<WebhookAnswer[]> {
  const answers: WebhookAnswer[] = [];
  const deadline = Date.now() + maxMs;
  while (!done(answers) && Date.now() < deadline) {
    // standby: stored and run through the flow, but nothing is sent to LINE for it
    const body = webhookBody([messageEvent('สวัสดี', { userId: userId(), mode: 'standby' })]);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) },
        body: new Uint8Array(body),
      });
      const text = await res.text();
      const unexpected = res.status !== 200 && res.status !== 503;
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), ...(unexpected ? { error: text.slice(0, 300) } : {}) });
    } catch (err) {
      answers.push({ status: 'refused', retryAfter: null, error: String((err as Error).cause ?? err) });
      break;
    }
  }
  return answers;
}

/** How many times each status was answered, for assertion messages. */
export function tally(answers: WebhookAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[String(a.status)] = (counts[String(a.status)] ?? 0) + 1;
  return counts;
}

/** While a product stops or redeploys, its webhook answered only 200 or 503 with Retry-After: never 404. */
export function assertNeverGone(answers: WebhookAnswer[]): void {
  const heard = answers.filter((a) => a.status !== 'refused');
  assert.deepStrictEqual(
    heard.filter((a) => a.status !== 200 && !(a.status === 503 && Number(a.retryAfter) >= 1)),
    [],
    `answers: ${JSON.stringify(tally(answers))}`,
  );
}
