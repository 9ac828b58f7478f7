// Reading a LINE webhook body: JSON, then the envelope shape we rely on (LINE's webhook.yml).
// Anything else is rejected whole, before a thing is stored. Text PostgreSQL cannot store (a NUL
// character, half of a surrogate pair: valid JSON escapes both) is replaced by U+FFFD in the event
// that has it, so one such event is stored cleaned and holds up none of the others.

export type LineSourceType = 'user' | 'group' | 'room';

export interface LineSource {
  type: LineSourceType;
  userId?: string;
  groupId?: string;
  roomId?: string;
}

/** One webhook event as LINE sent it; the fields we read are typed, the rest kept as is. */
export interface LineWebhookEvent {
  type: string;
  timestamp: number;
  webhookEventId: string;
  mode?: string;
  source?: LineSource;
  replyToken?: string;
  deliveryContext?: { isRedelivery?: boolean };
  message?: { id: string; type: string; markAsReadToken?: string; [key: string]: unknown };
  follow?: { isUnblocked?: boolean };
  [key: string]: unknown;
}

export interface LineWebhookEnvelope {
  destination: string;
  events: LineWebhookEvent[];
  /** The webhookEventIds of events whose text was cleaned (see above). */
  cleaned?: string[];
}

export type EnvelopeReading = { ok: true; envelope: LineWebhookEnvelope } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

export function readEnvelope(raw: Buffer): EnvelopeReading {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'The body is not valid JSON' };
  }
  if (!isObject(body)) return { ok: false, reason: 'The body must be a JSON object' };
  if (typeof body.destination !== 'string') return { ok: false, reason: 'destination must be a string' };
  if (!Array.isArray(body.events)) return { ok: false, reason: 'events must be an array' };
  const cleaned: string[] = [];
  if (UNSTORABLE_ESCAPE.test(raw.toString('latin1'))) {
    body.destination = cleanText(body.destination);
    body.events = body.events.map((event: unknown) => {
      const clean = cleanValue(event);
      if (clean !== event && isObject(clean)) cleaned.push(String(clean.webhookEventId));
      return clean;
    });
  }
  for (const [i, event] of (body.events as unknown[]).entries()) {
    const problem = eventProblem(event);
    if (problem) return { ok: false, reason: `events[${i}]: ${problem}` };
  }
  const envelope = body as unknown as LineWebhookEnvelope;
  if (cleaned.length > 0) envelope.cleaned = cleaned;
  return { ok: true, envelope };
}

/** \u0000 or a \uD800–\uDFFF escape in the raw body (a pair is checked as a pair in the strings). */
const UNSTORABLE_ESCAPE = /\\u(0000|[dD][89a-fA-F])/;
/** NUL, and a surrogate that is not half of a pair. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function cleanText(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

/** The value with its unstorable text replaced (keys too); the same value when there was none. */
function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) {
    const items = value.map(cleanValue);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (isObject(value)) {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const key = cleanText(k);
      const clean = cleanValue(v);
      if (key !== k || clean !== v) changed = true;
      return [key, clean] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

function eventProblem(event: unknown): string | undefined {
  if (!isObject(event)) return 'must be an object';
  if (typeof event.type !== 'string' || event.type === '') return 'type must be a string';
  if (typeof event.timestamp !== 'number' || !Number.isFinite(new Date(event.timestamp).getTime())) return 'timestamp must be a time in milliseconds';
  if (!isId(event.webhookEventId)) return 'webhookEventId must be a string of 1 to 64 characters';
  if (event.mode !== undefined && typeof event.mode !== 'string') return 'mode must be a string';
  if (event.source !== undefined) {
    const source = event.source;
    if (!isObject(source) || !['user', 'group', 'room'].includes(source.type as string)) return 'source.type must be user, group or room';
    for (const key of ['userId', 'groupId', 'roomId']) {
      if (source[key] !== undefined && !isId(source[key])) return `source.${key} must be a string of 1 to 64 characters`;
    }
    if (source.type === 'user' && source.userId === undefined) return 'source.userId is required for a user source';
  }
  if (event.type === 'message') {
    const message = event.message;
    if (!isObject(message) || !isId(message.id) || typeof message.type !== 'string') return 'message must have an id and a type';
  }
  return undefined;
}
