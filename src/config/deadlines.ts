// The time limits of calls to LINE and Telegram, with their defaults. Free of the SDKs that make
// the calls: the environment is read (and checked) before they are loaded.

export interface LineDeadlines {
  /** One request's time limit (default 10 s). */
  attemptMs: number;
  /** A send by reply token: one attempt this long, then the push (default 5 s; the token is short-lived). */
  replyMs: number;
  /** All attempts of one push together, waits included (default 30 s). */
  pushBudgetMs: number;
  /** All attempts of any other call (profile, mark-as-read, content, loading) together (default 10 s). */
  callBudgetMs: number;
}

export const DEFAULT_LINE_DEADLINES: LineDeadlines = { attemptMs: 10_000, replyMs: 5_000, pushBudgetMs: 30_000, callBudgetMs: 10_000 };

/** The longest a send keeps its messages PENDING: the reply's attempt, then the push's budget. */
export function longestSendMs(deadlines: LineDeadlines): number {
  return deadlines.replyMs + deadlines.pushBudgetMs;
}

/** A Telegram alert's time limits. */
export interface TelegramDeadlines {
  /** Each request's (default 10 s). */
  attemptMs: number;
  /** All attempts and waits of one alert together (default 30 s). */
  budgetMs: number;
}

export const DEFAULT_TELEGRAM_DEADLINES: TelegramDeadlines = { attemptMs: 10_000, budgetMs: 30_000 };
