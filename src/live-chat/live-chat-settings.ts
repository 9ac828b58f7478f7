// The live chat's run-time settings (the `settings` table), each with its default, read and
// checked in one place. Operators change them in the inbox's General settings; a node may set
// its own keywords or greeting instead.
import type { SettingsTable } from '../store/settings';
import { badRequest } from '../http/errors';
import { checkTimeZone } from '../analytics/calendar';
import { type BusinessHours, DEFAULT_BUSINESS_HOURS } from './business-hours';
import { checkBusinessHours } from './business-hours-check';
import { NEXT_OPENING_PLACEHOLDER } from './away-message';

export type KeywordMatchMode = 'exact' | 'contains';
/** numbers: 1 to 5; satisfaction: a Thai five-step scale in words (พอใจมาก … ไม่พอใจมาก). */
export type CsatScale = 'numbers' | 'satisfaction';

export interface LiveChatSettings {
  /** Texts that ask for a human. */
  handoff_keywords: string[];
  /** exact: the whole message is a keyword; contains: a keyword appears anywhere in it. */
  handoff_match_mode: KeywordMatchMode;
  /** Sent (by reply token) when a handoff opens a session. */
  handoff_greeting: string;
  /** Sent when an operator closes a chat without a message of their own; '' sends nothing. */
  closing_message: string;
  /** An open session with no message for this long is closed by the system (0 = never). */
  auto_close_minutes: number;
  /** Sent to the user when the system closes an idle chat; '' sends nothing. */
  auto_close_message: string;
  /**
   * Sent instead of auto_close_message when the chat closed idle was never claimed (a missed
   * chat: the team could not answer in time); '' sends nothing.
   */
  missed_message: string;
  /** A session still WAITING this long after it opened gets one Telegram reminder (0 = off). */
  renotify_minutes: number;
  /**
   * Whether the user's messages that the bot handled (no session open) count as unread for the
   * operators; off, a chat with the bot does not pile up unread counts.
   */
  unread_bot_messages: boolean;
  /** IANA zone the analytics count days and hours in (and business hours are kept in). */
  time_zone: string;
  // Business hours (issue 12).
  /** When the team is open, in time_zone; off (the default) is always open. */
  business_hours: BusinessHours;
  /**
   * Sent instead of the greeting when a handoff comes outside business hours, with every
   * {next_opening} replaced by when it opens next ('' sends nothing).
   */
  away_message: string;

  // Issue 12, queue position and waiting.
  /** Waiting users are told their place in the queue: on handoff, then as it goes down. */
  queue_updates: boolean;
  /** At most one queue message per session per this many minutes (whole minutes). */
  queue_update_minutes: number;
  /** The queue message: {position} (required) and {wait}, the estimate in minutes. */
  queue_message: string;
  /** The queue message while too few chats were claimed lately for an estimate: {position} only. */
  queue_message_no_estimate: string;

  // CSAT (issue 12, "After the chat")
  /** On closing a chat that an operator held, ask the user to rate it (LINE quick reply). */
  csat_enabled: boolean;
  /** The rating question. */
  csat_question: string;
  /** The buttons under the question. */
  csat_scale: CsatScale;
  /** After a rating, ask for a comment: the user's next text within CSAT_COMMENT_WINDOW_MS is it. */
  csat_ask_comment: boolean;
  /** The comment's prompt. */
  csat_comment_prompt: string;
  /** Sent after the rating (or its comment, when one is asked for); '' sends nothing. */
  csat_thanks: string;
}

export const DEFAULT_SETTINGS: Readonly<LiveChatSettings> = Object.freeze({
  handoff_keywords: ['ติดต่อเจ้าหน้าที่', 'คุยกับเจ้าหน้าที่', 'ขอคุยกับเจ้าหน้าที่', 'agent', 'human'],
  handoff_match_mode: 'exact',
  handoff_greeting: 'เจ้าหน้าที่จะติดต่อกลับในไม่ช้า กรุณารอสักครู่',
  closing_message: 'ขอบคุณที่ติดต่อเรา หากมีคำถามเพิ่มเติม พิมพ์ "ติดต่อเจ้าหน้าที่" ได้ตลอดเวลา',
  auto_close_minutes: 60,
  auto_close_message: 'แชทนี้ปิดอัตโนมัติเนื่องจากไม่มีการตอบกลับ หากต้องการคุยกับเจ้าหน้าที่อีกครั้ง พิมพ์ "ติดต่อเจ้าหน้าที่"',
  missed_message: 'ขออภัย ทีมงานไม่สามารถตอบกลับได้ทันเวลา หากยังต้องการคุยกับเจ้าหน้าที่ พิมพ์ "ติดต่อเจ้าหน้าที่" อีกครั้ง',
  renotify_minutes: 10,
  unread_bot_messages: false,
  time_zone: 'Asia/Bangkok',
  // Business hours (issue 12).
  business_hours: DEFAULT_BUSINESS_HOURS,
  away_message: `ขณะนี้อยู่นอกเวลาทำการ เราจะเปิดอีกครั้ง ${NEXT_OPENING_PLACEHOLDER} เจ้าหน้าที่จะติดต่อกลับโดยเร็วที่สุด`,

  // Issue 12, queue position and waiting.
  queue_updates: false,
  queue_update_minutes: 5,
  queue_message: 'คุณอยู่คิวที่ {position} ประมาณ {wait} นาที',
  queue_message_no_estimate: 'คุณอยู่คิวที่ {position} เจ้าหน้าที่จะตอบกลับโดยเร็วที่สุด',

  csat_enabled: false,
  csat_question: 'คุณพอใจกับการดูแลของเจ้าหน้าที่ครั้งนี้แค่ไหน',
  csat_scale: 'numbers',
  csat_ask_comment: false,
  csat_comment_prompt: 'มีอะไรอยากบอกเราเพิ่มเติมไหม พิมพ์ได้เลย',
  csat_thanks: 'ขอบคุณสำหรับความคิดเห็น',
});

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof LiveChatSettings)[];
const MAX_MINUTES = 7 * 24 * 60;
/** The CSAT texts are short questions; LINE would take 5000 characters. */
const MAX_CSAT_TEXT = 1000;

/** Checked settings by the stored settings they were made from (the table's cached object). */
const checkedSettings = new WeakMap<object, Readonly<LiveChatSettings>>();

/**
 * All settings, stored values over defaults (a stored value that no longer checks out is
 * ignored). Read on every message (keywords): checked once per read of the table, not per call,
 * and answered frozen, the same object to every caller until the settings change.
 */
export async function readSettings(table: SettingsTable): Promise<Readonly<LiveChatSettings>> {
  const stored = await table.shared();
  let settings = checkedSettings.get(stored);
  if (!settings) {
    settings = checkSettings(stored);
    checkedSettings.set(stored, settings);
  }
  return settings;
}

function checkSettings(stored: Readonly<Record<string, unknown>>): Readonly<LiveChatSettings> {
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const key of KEYS) {
    if (!(key in stored)) continue;
    try {
      settings[key] = checkSetting(key, stored[key]);
    } catch {
      // keep the default
    }
  }
  Object.freeze(settings.handoff_keywords);
  deepFreeze(settings.business_hours);
  return Object.freeze(settings) as unknown as Readonly<LiveChatSettings>;
}

/** Checks and stores the given settings (all or nothing); unknown keys are refused. */
export async function updateSettings(table: SettingsTable, changes: Record<string, unknown>): Promise<Readonly<LiveChatSettings>> {
  const checked: [string, unknown][] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (!KEYS.includes(key as keyof LiveChatSettings)) throw badRequest(`${key} is not a setting; known: ${KEYS.join(', ')}`, key);
    checked.push([key, checkSetting(key as keyof LiveChatSettings, value)]);
  }
  for (const [key, value] of checked) await table.set(key, value);
  return readSettings(table);
}

function checkSetting(key: keyof LiveChatSettings, value: unknown): unknown {
  switch (key) {
    case 'handoff_keywords': {
      if (!Array.isArray(value) || value.some((k) => typeof k !== 'string')) throw badRequest('handoff_keywords must be a list of texts', key);
      const keywords = [...new Set(value.map((k: string) => k.trim()).filter((k) => k !== ''))];
      if (keywords.length === 0) throw badRequest('handoff_keywords needs at least one keyword', key);
      if (keywords.some((k) => k.length > 100)) throw badRequest('each handoff keyword must be at most 100 characters', key);
      return keywords;
    }
    case 'handoff_match_mode':
      if (value !== 'exact' && value !== 'contains') throw badRequest('handoff_match_mode must be exact or contains', key);
      return value;
    case 'handoff_greeting':
      if (typeof value !== 'string' || value.trim() === '') throw badRequest('handoff_greeting must be a text', key);
      if (value.length > 5000) throw badRequest('handoff_greeting must be at most 5000 characters', key);
      return value.trim();
    case 'closing_message':
    case 'auto_close_message':
    case 'missed_message':
      if (typeof value !== 'string') throw badRequest(`${key} must be a text ('' sends nothing)`, key);
      if (value.length > 5000) throw badRequest(`${key} must be at most 5000 characters`, key);
      return value.trim();
    case 'auto_close_minutes':
    case 'renotify_minutes':
      // Decimals are allowed (0.5 = 30 s), mostly for trying things out.
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_MINUTES) {
        throw badRequest(`${key} must be a number of minutes from 0 to ${MAX_MINUTES}`, key);
      }
      return value;
    case 'time_zone':
      return checkTimeZone(value, key);
    case 'unread_bot_messages':
    case 'csat_enabled':
    case 'csat_ask_comment':
      if (typeof value !== 'boolean') throw badRequest(`${key} must be true or false`, key);
      return value;
    // Business hours (issue 12).
    case 'business_hours':
      return checkBusinessHours(value, key);
    case 'away_message':
      if (typeof value !== 'string') throw badRequest(`${key} must be a text ('' sends nothing)`, key);
      if (value.length > 5000) throw badRequest(`${key} must be at most 5000 characters`, key);
      return value.trim();

    // Issue 12, queue position and waiting.
    case 'queue_updates':
      if (typeof value !== 'boolean') throw badRequest(`${key} must be true or false`, key);
      return value;
    case 'queue_update_minutes':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_QUEUE_UPDATE_MINUTES) {
        throw badRequest(`${key} must be a whole number of minutes from 1 to ${MAX_QUEUE_UPDATE_MINUTES}`, key);
      }
      return value;
    case 'queue_message':
      return checkTemplate(key, value, ['position', 'wait']);
    case 'queue_message_no_estimate':
      return checkTemplate(key, value, ['position']);
    case 'csat_question':
    case 'csat_comment_prompt':
      if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${key} must be a text`, key);
      if (value.length > MAX_CSAT_TEXT) throw badRequest(`${key} must be at most ${MAX_CSAT_TEXT} characters`, key);
      return value.trim();
    case 'csat_thanks':
      if (typeof value !== 'string') throw badRequest(`${key} must be a text ('' sends nothing)`, key);
      if (value.length > MAX_CSAT_TEXT) throw badRequest(`${key} must be at most ${MAX_CSAT_TEXT} characters`, key);
      return value.trim();
    case 'csat_scale':
      if (value !== 'numbers' && value !== 'satisfaction') throw badRequest('csat_scale must be numbers or satisfaction', key);
      return value;
  }
}

const MAX_QUEUE_UPDATE_MINUTES = 24 * 60;

/** A message template: a text holding {position}, and no placeholder but `allowed`. */
function checkTemplate(key: string, value: unknown, allowed: string[]): string {
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${key} must be a text`, key);
  if (value.length > 5000) throw badRequest(`${key} must be at most 5000 characters`, key);
  const unknown = [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) throw badRequest(`${key} may hold only ${allowed.map((a) => `{${a}}`).join(' and ')}, not {${unknown[0]}}`, key);
  if (!value.includes('{position}')) throw badRequest(`${key} must hold {position}, the user's place in the queue`, key);
  return value.trim();
}

/** Settings are shared by every caller: nothing in them may change. */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  for (const inner of Object.values(value)) deepFreeze(inner);
  Object.freeze(value);
}
