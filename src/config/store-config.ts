// A session-store's settings: each value from the node (Node-RED's ${ENV} already applied), else
// its environment variable (README), else the default. Checked here, all at once, so that a store
// with one bad value does not start at all rather than half-configured.
import path from 'node:path';
import { environmentCredentials, type EnvironmentCredentials } from '../credentials/credential-service';
import { validateMetadata } from '../credentials/providers';
import { checkFernetKey } from '../crypto/fernet';
import type { Environment } from './environment';
import type { LineDeadlines, TelegramDeadlines } from './deadlines';
import { checkPublicUrl } from './public-url';
import { parseTrustProxy } from '../http/trusted-proxy';

/** The values a session-store node holds (plain properties and credentials alike); blank = unset. */
export interface StoreValues {
  basePath?: string;
  publicUrl?: string;
  dataDir?: string;
  /** Seconds. */
  sweepInterval?: string | number;
  /** Seconds: all attempts of one LINE push together (LINE_PUSH_BUDGET_SECONDS). */
  lineSendBudget?: string | number;
  /** Seconds: all attempts of one Telegram alert together (TELEGRAM_BUDGET_SECONDS). */
  telegramBudget?: string | number;
  databaseUrl?: string;
  encryptionKey?: string;
  lineChannelSecret?: string;
  lineChannelAccessToken?: string;
  telegramBotToken?: string;
  telegramChatId?: string;
  trustProxy?: string;
}

export type StoreField = keyof StoreValues;

export interface StoreSettings {
  /** Under httpNodeRoot: "" (the root) or "/live-chat" (no trailing slash). */
  basePath: string;
  /** The public URL of the base when configured (the node's, else ADMIN_URL). */
  publicUrl?: string;
  dataDir: string;
  sweepIntervalMs: number;
  /** The time limits of LINE calls: the environment's, the push budget the node's when it has one. */
  lineDeadlines: LineDeadlines;
  /** The time limits of a Telegram alert, likewise. */
  telegramDeadlines: TelegramDeadlines;
  databaseUrl?: string;
  encryptionKey?: string;
  /** The reverse proxy whose X-Forwarded-* headers are believed (LiveChatOptions.trustProxy). */
  trustProxy?: string;
  /** The LINE and Telegram credentials to seed (LiveChatOptions.environmentCredentials). */
  credentials: EnvironmentCredentials;
}

/**
 * A value that cannot be used (invalid) or one that another needs (missing): which, as given
 * (secrets hidden), and why, in English (the node words its own from field and kind).
 */
export class StoreConfigError extends Error {
  constructor(
    readonly field: StoreField,
    readonly kind: 'invalid' | 'missing',
    readonly value: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** "" for the root, else "/a/b": a leading slash, no trailing one, plain URL segments only. */
export function normaliseBasePath(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed === '/') return '';
  const segments = trimmed.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw new StoreConfigError('basePath', 'invalid', raw, 'must be a path such as /live-chat: letters, digits, "-", "_", "." and "~" between slashes');
    }
  }
  return `/${segments.join('/')}`;
}

function blankToUndefined(value: string | number | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

function sweepIntervalMs(raw: string | undefined, fallbackMs: number): number {
  if (raw === undefined) return fallbackMs;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) {
    throw new StoreConfigError('sweepInterval', 'invalid', raw, 'must be a number of seconds from 0.1 to 3600');
  }
  return Math.round(seconds * 1000);
}

/** A budget in seconds (0.1 to 600) from the node, no shorter than one attempt's limit; `fallbackMs` when unset. */
function budgetMs(field: 'lineSendBudget' | 'telegramBudget', raw: string | undefined, fallbackMs: number, attemptMs: number): number {
  if (raw === undefined) return fallbackMs;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 600 || seconds * 1000 < attemptMs) {
    throw new StoreConfigError(field, 'invalid', raw, `must be a number of seconds from ${Math.max(0.1, attemptMs / 1000)} (one attempt's limit) to 600`);
  }
  return Math.round(seconds * 1000);
}

function trustProxy(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    parseTrustProxy(raw);
  } catch (err) {
    throw new StoreConfigError('trustProxy', 'invalid', raw, `is not a trusted proxy setting: ${(err as Error).message}`);
  }
  return raw;
}

function databaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new StoreConfigError('databaseUrl', 'invalid', '(hidden)', 'must be a PostgreSQL URL: postgres://user:password@host:5432/database');
  }
  return raw;
}

function encryptionKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    checkFernetKey(raw);
  } catch (err) {
    throw new StoreConfigError('encryptionKey', 'invalid', '(hidden)', `is not a valid encryption key: ${(err as Error).message}`);
  }
  return raw;
}

/** A pair given in the node must be whole (with the environment's half, if any). */
function pairComplete(given: [StoreField, string | undefined][], merged: [StoreField, string | undefined][], what: string): void {
  if (given.every(([, v]) => v === undefined)) return;
  const missing = merged.find(([, v]) => v === undefined);
  if (missing) throw new StoreConfigError(missing[0], 'missing', '', `is needed as well: ${what}`);
}

/** The store's settings from its node's values over the environment's. Throws a StoreConfigError. */
export function resolveStoreSettings(values: StoreValues, env: Environment, defaults: { dataDir: string }): StoreSettings {
  const v = Object.fromEntries(Object.entries(values).map(([k, x]) => [k, blankToUndefined(x)])) as Record<StoreField, string | undefined>;

  const basePath = normaliseBasePath(v.basePath ?? '');
  let publicUrl = env.adminUrl;
  if (v.publicUrl !== undefined) {
    try {
      publicUrl = checkPublicUrl(v.publicUrl);
    } catch {
      throw new StoreConfigError(
        'publicUrl',
        'invalid',
        v.publicUrl,
        'must be an http(s) URL such as https://chat.example.com (where the base path is reached)',
      );
    }
  }

  const line = {
    secret: v.lineChannelSecret ?? env.lineChannelSecret,
    token: v.lineChannelAccessToken ?? env.lineChannelAccessToken,
  };
  pairComplete(
    [
      ['lineChannelSecret', v.lineChannelSecret],
      ['lineChannelAccessToken', v.lineChannelAccessToken],
    ],
    [
      ['lineChannelSecret', line.secret],
      ['lineChannelAccessToken', line.token],
    ],
    'a LINE channel needs both its secret and its access token',
  );
  const telegram = { token: v.telegramBotToken ?? env.telegramBotToken, chat: v.telegramChatId ?? env.telegramAdminChatId };
  pairComplete(
    [
      ['telegramBotToken', v.telegramBotToken],
      ['telegramChatId', v.telegramChatId],
    ],
    [
      ['telegramBotToken', telegram.token],
      ['telegramChatId', telegram.chat],
    ],
    'Telegram alerts need both the bot token and the admin chat id',
  );
  if (v.telegramChatId !== undefined) {
    try {
      validateMetadata('TELEGRAM', { admin_chat_id: v.telegramChatId });
    } catch {
      throw new StoreConfigError('telegramChatId', 'invalid', v.telegramChatId, 'must be a numeric chat id (e.g. -1001234567890) or an @channel name');
    }
  }

  return {
    basePath,
    publicUrl,
    dataDir: path.resolve(v.dataDir ?? defaults.dataDir),
    sweepIntervalMs: sweepIntervalMs(v.sweepInterval, env.sweepIntervalMs),
    lineDeadlines: {
      ...env.lineDeadlines,
      pushBudgetMs: budgetMs('lineSendBudget', v.lineSendBudget, env.lineDeadlines.pushBudgetMs, env.lineDeadlines.attemptMs),
    },
    telegramDeadlines: {
      ...env.telegramDeadlines,
      budgetMs: budgetMs('telegramBudget', v.telegramBudget, env.telegramDeadlines.budgetMs, env.telegramDeadlines.attemptMs),
    },
    databaseUrl: databaseUrl(v.databaseUrl ?? env.databaseUrl),
    encryptionKey: encryptionKey(v.encryptionKey ?? env.encryptionKey),
    trustProxy: trustProxy(v.trustProxy ?? env.trustProxy),
    credentials: environmentCredentials({
      lineChannelSecret: line.secret,
      lineChannelAccessToken: line.token,
      lineChannelId: env.lineChannelId,
      telegramBotToken: telegram.token,
      telegramAdminChatId: telegram.chat,
    }),
  };
}
