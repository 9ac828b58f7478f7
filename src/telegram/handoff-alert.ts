// The Telegram admin alert of a handoff (seed §6) and its reminder, as Telegram HTML: who asked,
// their last messages and a deep link into the inbox. Everything the user wrote is escaped, so a
// name like "<b>" or "A & B" arrives as written, and long texts are cut so the whole fits.
import type { InlineKeyboard } from 'grammy';
import { grammy } from './grammy';
import { previewText } from '../live-chat/conversation-json';

/** Telegram refuses a text longer than this (counted after the HTML entities are parsed). */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** What a recent message may show at most; shortened further when the whole would not fit. */
const MESSAGE_PREVIEW_CHARS = 500;
const NAME_CHARS = 100;
export const OPEN_CHAT_BUTTON = 'เปิดแชท';

/** The part of a stored message (MessageRow) the alert shows. */
export interface AlertMessage {
  message_type: string;
  content: Record<string, unknown>;
}

/** Checks messages that came from outside (a msg): a list of {message_type, content}. */
export function toAlertMessages(value: unknown): AlertMessage[] {
  if (!Array.isArray(value)) throw new Error('recent messages must be a list of messages ({message_type, content}), as the handoff node gives');
  return value.map((m: unknown, i) => {
    const message = m as Partial<AlertMessage> | null;
    if (message === null || typeof message !== 'object' || typeof message.message_type !== 'string') {
      throw new Error(`recent message ${i + 1} has no message_type (expected {message_type, content}, as the handoff node gives)`);
    }
    const content = message.content !== null && typeof message.content === 'object' ? message.content : {};
    return { message_type: message.message_type, content };
  });
}

export interface HandoffAlertInput {
  lineUserId: string;
  displayName?: string | null;
  /** Oldest first. */
  recentMessages: AlertMessage[];
  /** The inbox's public base URL (options.adminUrl). */
  adminUrl: string;
  /** Set for the reminder: how long the chat has waited for an operator. */
  waitingMinutes?: number;
  /** Set when the handoff came outside business hours: when the team opens next, as words ("วันนี้ เวลา 09:00 น."). */
  afterHours?: { nextOpening: string };
}

export interface FormattedAlert {
  /** Telegram HTML (parse_mode HTML). */
  text: string;
  link: string;
  /** The "เปิดแชท" URL button; absent when Telegram would refuse the link (see linkButton). */
  replyMarkup?: InlineKeyboard;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The inbox page with this user's chat open. */
export function chatLink(adminUrl: string, lineUserId: string): string {
  return `${adminUrl.replace(/\/+$/, '')}/admin/live-chat?user=${encodeURIComponent(lineUserId)}`;
}

export function formatHandoffAlert(input: HandoffAlertInput): FormattedAlert {
  const link = chatLink(input.adminUrl, input.lineUserId);
  const button = linkButton(link);
  // HTML is never shorter than the text Telegram counts, so fitting the HTML is safe.
  for (let previewChars = MESSAGE_PREVIEW_CHARS; ; previewChars = Math.floor(previewChars / 2)) {
    const text = render(input, link, previewChars);
    if (text.length <= TELEGRAM_TEXT_LIMIT || previewChars === 0) return { text: clipHtml(text, TELEGRAM_TEXT_LIMIT), link, replyMarkup: button };
  }
}

function render(input: HandoffAlertInput, link: string, previewChars: number): string {
  const name = input.displayName?.trim() ? clip(oneLine(input.displayName), NAME_CHARS) : input.lineUserId;
  const heading = input.waitingMinutes === undefined ? '🔔 ผู้ใช้ขอคุยกับเจ้าหน้าที่' : `⏰ ยังไม่มีเจ้าหน้าที่รับแชท (รอ ${Math.max(0, Math.floor(input.waitingMinutes))} นาที)`;
  const lines = [heading];
  if (input.afterHours) lines.push(`🌙 นอกเวลาทำการ (เปิดอีกครั้ง ${escapeHtml(input.afterHours.nextOpening)})`);
  lines.push('', `👤 ชื่อ: ${escapeHtml(name)}`, `📱 LINE ID: ${escapeHtml(input.lineUserId)}`);
  if (input.recentMessages.length > 0 && previewChars > 0) {
    lines.push('', '💬 ข้อความล่าสุด:');
    for (const m of input.recentMessages) {
      lines.push(`• "${escapeHtml(clip(oneLine(previewText(m.message_type, m.content ?? {})), previewChars))}"`);
    }
  }
  lines.push('', `🔗 เปิดแชท: ${escapeHtml(link)}`);
  return lines.join('\n');
}

/**
 * Telegram refuses a button whose URL host has no dot (http://localhost:1880, an intranet
 * name) and then drops the whole message, so such a link stays in the text only.
 */
function linkButton(link: string): InlineKeyboard | undefined {
  let host: string;
  try {
    const url = new URL(link);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    host = url.hostname;
  } catch {
    return undefined;
  }
  if (!host.includes('.') || host.startsWith('[') || host.endsWith('.localhost')) return undefined;
  return new (grammy().InlineKeyboard)().url(OPEN_CHAT_BUTTON, link);
}

/** The last resort for absurdly long names or URLs: cut, but never inside an entity. */
function clipHtml(html: string, max: number): string {
  return html.length <= max ? html : clip(html, max).replace(/&[#a-z0-9]*…$/i, '…');
}

/** Line breaks would break the one-line-per-message layout. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` UTF-16 units, never splitting a character, with "…" when cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
