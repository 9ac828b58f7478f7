// The Telegram Bot API as grammY reaches it (`POST /bot<token>/<method>`, JSON body), for one good
// token: getMe, and sendMessage with parse_mode HTML checked as Telegram does (supported tags and
// entities only, at most 4096 characters after parsing, URL buttons on a dotted host). Failures
// of sendMessage can be scripted: an error answer (429 with retry_after, 500, ...) or a hang; and
// a sendMessage can be held: Telegram took it, and answers only when the test lets it.
import type http from 'node:http';
import { listenLoopback, type Loopback, sendJson } from './loopback';

export const FAKE_BOT = {
  id: 7000001,
  is_bot: true,
  first_name: 'Handoff Alerts',
  username: 'handoff_alerts_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

export interface SentTelegramMessage {
  message_id: number;
  chat_id: string | number;
  /** As sent (HTML). */
  text: string;
  /** As the group sees it: tags dropped, entities decoded. */
  plain: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard: { text: string; url?: string; callback_data?: string }[][] };
  link_preview_options?: { is_disabled?: boolean };
}

/** What the next sendMessage gets instead of success. */
export type ScriptedFailure = { status: number; description?: string; retryAfter?: number } | 'hang';

export interface FakeTelegram extends Loopback {
  /** Every method called, in order (also the failed and refused ones). */
  calls: string[];
  /** Messages delivered. */
  sent: SentTelegramMessage[];
  /** The next sendMessage requests fail like this, one failure each, in order. */
  failNext(...failures: ScriptedFailure[]): void;
  /** The next sendMessage is delivered, and answered only once the function returned is called. */
  holdNextAnswer(): () => void;
  reset(): void;
}

const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre', 'blockquote']);

export async function startFakeTelegram(goodToken: string): Promise<FakeTelegram> {
  const calls: string[] = [];
  const sent: SentTelegramMessage[] = [];
  let script: ScriptedFailure[] = [];
  let held: Promise<void>[] = [];
  let nextMessageId = 1;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = await readJson(req);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    calls.push(match ? match[2] : String(req.url));
    if (!match || decodeURIComponent(match[1]) !== goodToken) {
      return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    if (match[2] === 'getMe') return sendJson(res, 200, { ok: true, result: FAKE_BOT });
    if (match[2] !== 'sendMessage') return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });

    const failure = script.shift();
    if (failure === 'hang') return; // never answers; close() ends the connection
    if (failure) {
      return sendJson(res, failure.status, {
        ok: false,
        error_code: failure.status,
        description: failure.description ?? (failure.status === 429 ? `Too Many Requests: retry after ${failure.retryAfter ?? 1}` : 'Internal Server Error'),
        ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
      });
    }
    const refusal = checkSendMessage(body);
    if (typeof refusal === 'string') return sendJson(res, 400, { ok: false, error_code: 400, description: refusal });
    const message: SentTelegramMessage = {
      message_id: nextMessageId++,
      chat_id: body.chat_id as string | number,
      text: body.text as string,
      plain: refusal.plain,
      parse_mode: body.parse_mode as string | undefined,
      reply_markup: body.reply_markup as SentTelegramMessage['reply_markup'],
      link_preview_options: body.link_preview_options as SentTelegramMessage['link_preview_options'],
    };
    sent.push(message);
    await held.shift();
    sendJson(res, 200, {
      ok: true,
      result: {
        message_id: message.message_id,
        from: { id: FAKE_BOT.id, is_bot: true, first_name: FAKE_BOT.first_name, username: FAKE_BOT.username },
        chat: { id: chatNumber(message.chat_id), type: 'supergroup', title: 'Support admins' },
        date: Math.floor(Date.now() / 1000),
        text: message.plain,
      },
    });
  };
  const server = await listenLoopback((req, res) => void handle(req, res).catch(() => res.destroy()));

  return {
    ...server,
    calls,
    sent,
    failNext: (...failures) => void script.push(...failures),
    holdNextAnswer: () => {
      let answer: () => void = () => undefined;
      held.push(
        new Promise<void>((resolve) => {
          answer = resolve;
        }),
      );
      return answer;
    },
    reset: () => {
      calls.length = 0;
      sent.length = 0;
      script = [];
      held = [];
    },
  };
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Telegram's answer to a bad sendMessage (a 400 description), or the text the group sees. */
function checkSendMessage(body: Record<string, unknown>): string | { plain: string } {
  if (body.chat_id === undefined || body.chat_id === '') return 'Bad Request: chat_id is empty';
  if (typeof body.text !== 'string' || body.text.trim() === '') return 'Bad Request: message text is empty';
  const plain = body.parse_mode === 'HTML' ? parseHtml(body.text) : { plain: body.text };
  if (typeof plain === 'string') return `Bad Request: can't parse entities: ${plain}`;
  if (plain.plain.length > 4096) return 'Bad Request: message is too long';
  const markup = body.reply_markup as SentTelegramMessage['reply_markup'] | undefined;
  for (const button of markup?.inline_keyboard?.flat() ?? []) {
    if (button.url === undefined) continue;
    let host = '';
    try {
      host = new URL(button.url).hostname;
    } catch {
      // stays '' and is refused
    }
    if (!host.includes('.')) return 'Bad Request: BUTTON_URL_INVALID';
  }
  return plain;
}

/** The text of Telegram HTML, or why Telegram would refuse it. */
function parseHtml(html: string): string | { plain: string } {
  const open: string[] = [];
  let plain = '';
  for (let i = 0; i < html.length; ) {
    const char = html[i];
    if (char === '<') {
      const tag = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/i.exec(html.slice(i));
      if (!tag || !HTML_TAGS.has(tag[2].toLowerCase())) return `Unsupported start tag at byte offset ${i}`;
      const name = tag[2].toLowerCase();
      if (tag[1]) {
        if (open.pop() !== name) return `Unmatched end tag "${name}" at byte offset ${i}`;
      } else {
        open.push(name);
      }
      i += tag[0].length;
    } else if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(html.slice(i));
      if (!entity) return `Unsupported HTML entity at byte offset ${i}`;
      plain += decodeEntity(entity[1]);
      i += entity[0].length;
    } else if (char === '>') {
      return `Unexpected ">" at byte offset ${i}`;
    } else {
      plain += char;
      i++;
    }
  }
  return open.length ? `Can't find end tag corresponding to start tag "${open.pop()}"` : { plain };
}

function decodeEntity(name: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  if (name.toLowerCase() in named) return named[name.toLowerCase()];
  return String.fromCodePoint(name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
}

function chatNumber(chatId: string | number): number {
  const n = Number(chatId);
  return Number.isSafeInteger(n) ? n : -1001000000001;
}
