// Every environment variable the product reads, with its default, in one place.
import path from 'node:path';
import { checkPublicUrl } from './public-url';
import { DEFAULT_LINE_DEADLINES, DEFAULT_TELEGRAM_DEADLINES, type LineDeadlines, type TelegramDeadlines } from './deadlines';

export interface Environment {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  encryptionKey?: string;
  /** ADMIN_URL: the inbox's public base URL; unset = what Node-RED listens on (see public-url). */
  adminUrl?: string;
  adminUsername: string;
  adminPassword?: string;
  lineChannelSecret?: string;
  lineChannelAccessToken?: string;
  lineChannelId?: string;
  telegramBotToken?: string;
  telegramAdminChatId?: string;
  lineApiBaseUrl: string;
  lineDataApiBaseUrl: string;
  telegramApiRoot: string;
  /** How often idle chats are looked for, in ms. */
  sweepIntervalMs: number;
  /** TRUST_PROXY: the reverse proxy whose X-Forwarded-* headers are believed (express's `trust proxy`); unset = none. */
  trustProxy?: string;
  /** How long a webhook event's flow work may take before another emission (WEBHOOK_FLOW_LEASE_SECONDS), in ms. */
  webhookFlowLeaseMs: number;
  /** How long a stop waits for the webhook's work in progress (SHUTDOWN_DRAIN_SECONDS), in ms. */
  shutdownDrainMs: number;
  /** LINE_TIMEOUT_SECONDS, LINE_REPLY_TIMEOUT_SECONDS, LINE_PUSH_BUDGET_SECONDS, LINE_CALL_BUDGET_SECONDS. */
  lineDeadlines: LineDeadlines;
  /** TELEGRAM_TIMEOUT_SECONDS, TELEGRAM_BUDGET_SECONDS. */
  telegramDeadlines: TelegramDeadlines;
}

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function port(env: NodeJS.ProcessEnv): number {
  const raw = text(env, 'PORT');
  if (raw === undefined) return 1880;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, not "${raw}"`);
  }
  return value;
}

function sweepSeconds(env: NodeJS.ProcessEnv): number {
  const raw = text(env, 'SWEEP_INTERVAL_SECONDS');
  if (raw === undefined) return 30;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0.1 || value > 3600) {
    throw new Error(`SWEEP_INTERVAL_SECONDS must be a number of seconds from 0.1 to 3600, not "${raw}"`);
  }
  return value;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number of seconds from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** `ms` of the env var `name` in seconds (decimals allowed), from `min` to `max` s; `fallbackMs` when unset. */
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallbackMs: number, min: number, max: number): number {
  return Math.round(seconds(env, name, fallbackMs / 1000, min, max) * 1000);
}

/** A total budget shorter than one attempt's limit would never try again: refused, naming both. */
function atLeast(budget: [string, number], attempt: [string, number]): void {
  if (budget[1] < attempt[1]) {
    throw new Error(`${budget[0]} (${budget[1] / 1000} s) must be at least ${attempt[0]} (${attempt[1] / 1000} s): it holds all the attempts`);
  }
}

/** The time limits of LINE calls (see line-deadlines and the README's Deadlines). */
function lineDeadlines(env: NodeJS.ProcessEnv): LineDeadlines {
  const d = DEFAULT_LINE_DEADLINES;
  const attemptMs = milliseconds(env, 'LINE_TIMEOUT_SECONDS', d.attemptMs, 0.1, 120);
  // A reply token lasts about a minute: a reply cannot usefully wait longer than half of it.
  const replyMs = milliseconds(env, 'LINE_REPLY_TIMEOUT_SECONDS', d.replyMs, 0.1, 30);
  const pushBudgetMs = milliseconds(env, 'LINE_PUSH_BUDGET_SECONDS', d.pushBudgetMs, 0.1, 600);
  const callBudgetMs = milliseconds(env, 'LINE_CALL_BUDGET_SECONDS', d.callBudgetMs, 0.1, 120);
  atLeast(['LINE_PUSH_BUDGET_SECONDS', pushBudgetMs], ['LINE_TIMEOUT_SECONDS', attemptMs]);
  atLeast(['LINE_CALL_BUDGET_SECONDS', callBudgetMs], ['LINE_TIMEOUT_SECONDS', attemptMs]);
  return { attemptMs, replyMs, pushBudgetMs, callBudgetMs };
}

/** The time limits of a Telegram alert. */
function telegramDeadlines(env: NodeJS.ProcessEnv): TelegramDeadlines {
  const d = DEFAULT_TELEGRAM_DEADLINES;
  const attemptMs = milliseconds(env, 'TELEGRAM_TIMEOUT_SECONDS', d.attemptMs, 0.1, 120);
  const budgetMs = milliseconds(env, 'TELEGRAM_BUDGET_SECONDS', d.budgetMs, 0.1, 600);
  atLeast(['TELEGRAM_BUDGET_SECONDS', budgetMs], ['TELEGRAM_TIMEOUT_SECONDS', attemptMs]);
  return { attemptMs, budgetMs };
}

function adminUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = text(env, 'ADMIN_URL');
  if (raw === undefined) return undefined;
  try {
    return checkPublicUrl(raw);
  } catch (err) {
    throw new Error(`ADMIN_URL must be the inbox's public http(s) URL: ${(err as Error).message}`);
  }
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return {
    port: port(env),
    dataDir: path.resolve(text(env, 'DATA_DIR') ?? './data'),
    databaseUrl: text(env, 'DATABASE_URL'),
    encryptionKey: text(env, 'ENCRYPTION_KEY'),
    adminUrl: adminUrl(env),
    adminUsername: text(env, 'ADMIN_USERNAME') ?? 'admin',
    adminPassword: text(env, 'ADMIN_PASSWORD'),
    lineChannelSecret: text(env, 'LINE_CHANNEL_SECRET'),
    lineChannelAccessToken: text(env, 'LINE_CHANNEL_ACCESS_TOKEN'),
    lineChannelId: text(env, 'LINE_CHANNEL_ID'),
    telegramBotToken: text(env, 'TELEGRAM_BOT_TOKEN'),
    telegramAdminChatId: text(env, 'TELEGRAM_ADMIN_CHAT_ID'),
    lineApiBaseUrl: (text(env, 'LINE_API_BASE_URL') ?? 'https://api.line.me').replace(/\/+$/, ''),
    lineDataApiBaseUrl: (text(env, 'LINE_DATA_API_BASE_URL') ?? 'https://api-data.line.me').replace(/\/+$/, ''),
    telegramApiRoot: (text(env, 'TELEGRAM_API_ROOT') ?? 'https://api.telegram.org').replace(/\/+$/, ''),
    sweepIntervalMs: Math.round(sweepSeconds(env) * 1000),
    trustProxy: text(env, 'TRUST_PROXY'),
    webhookFlowLeaseMs: Math.round(seconds(env, 'WEBHOOK_FLOW_LEASE_SECONDS', 30, 0.5, 3600) * 1000),
    shutdownDrainMs: Math.round(seconds(env, 'SHUTDOWN_DRAIN_SECONDS', 5, 0, 60) * 1000),
    lineDeadlines: lineDeadlines(env),
    telegramDeadlines: telegramDeadlines(env),
  };
}
