// Sends the handoff alert and the "still waiting" reminders to the Telegram admin group, through
// grammY's Api (never bot.start(): nothing is polled). The bot token and the group come from a
// TELEGRAM credential. Rate limits (429), server errors and network failures are retried a
// little; anything else fails at once with a clear error. A timed-out request may have been
// delivered, so a retry can repeat an alert: a repeated alert is better than a lost one.
// A handoff alert of a known session goes once per session (chat_sessions.alert_sent_at): a
// handoff run again (its webhook event emitted again after a crash) alerts nobody twice.
import type { Api } from 'grammy';
import { grammy } from './grammy';
import { DEFAULT_TELEGRAM_DEADLINES } from '../config/deadlines';
import type { Store } from '../store/store';
import type { ChatSessionRow } from '../store/chat-sessions';
import type { Credentials, ResolvedCredential } from '../credentials/credential-service';
import type { Logger } from '../logger';
import { readSettings } from '../live-chat/live-chat-settings';
import { RECENT_MESSAGES } from '../live-chat/handoff';
import { nextOpening } from '../live-chat/business-hours';
import { describeOpening } from '../live-chat/away-message';
import { urgently } from '../util/urgency';
import { type AlertMessage, type FormattedAlert, formatHandoffAlert, toAlertMessages } from './handoff-alert';

export interface TelegramAlertsOptions {
  /** The inbox's public base URL, for the link in the alert. */
  adminUrl: string;
  apiRoot?: string;
  /** Each request's time limit (default 10 s). */
  timeoutMs?: number;
  /** All attempts and waits of one alert together (default 30 s); a wait past it is not waited. */
  budgetMs?: number;
  /** Waits before the 2nd and 3rd attempt after a server or network error (default 1 s, 3 s). */
  retryDelaysMs?: number[];
  /** The longest 429 retry_after still waited out (default 30 s); a longer one fails the alert. */
  maxRetryAfterSeconds?: number;
  /** How a wait is done (tests note the waits instead of sitting through them). */
  sleep?: (ms: number) => Promise<void>;
  /** The clock the next opening of an after-hours alert is worked out from (tests set it). */
  now?: () => Date;
}

export interface AlertRequest {
  /** Who asked: msg.contact of the handoff (a ContactRow). */
  contact: { id?: number; line_user_id: string; display_name?: string | null };
  /** The handoff's session, if known; with its id the alert goes once per session. */
  session?: (Pick<ChatSessionRow, 'contact_id'> & { id?: number }) | null;
  /** The user's last messages, oldest first (checked: it may come from a msg); read from the store when not given. */
  recentMessages?: AlertMessage[] | null;
  /** TELEGRAM credential id or name; blank = the default one. */
  credential?: string | number;
  /**
   * The handoff's event emitted again (msg.line.redelivery): the emission before ran out of its
   * flow lease (a kill -9, a stop) and may have died holding the alert's lease, which would keep
   * the alert from everyone for ALERT_LEASE_MS, then from no one (the event is done by then). So
   * this attempt takes the alert over; should the earlier one still be alive, the alert may go
   * twice, which is better than never.
   */
  takeOver?: boolean;
}

export interface SentAlert {
  message_id: number;
  chat_id: number | string;
}

/** The session's alert was sent before (or is being sent by another attempt): nothing sent now. */
export interface AlertSentBefore {
  sent_before: true;
  session_id: number;
}

/** How long one attempt owns a session's alert: longer than its retries and waits can take. */
export const ALERT_LEASE_MS = 3 * 60_000;

export interface ReminderRound {
  sent: number;
  /** Sessions whose reminder failed; they were given back, so a later round tries again. */
  failed: { session_id: number; error: string }[];
}

interface Target {
  api: Api;
  token: string;
  chatId: string;
}

export const MAX_ATTEMPTS = 3;
const DEFAULT_TIMEOUT_MS = DEFAULT_TELEGRAM_DEADLINES.attemptMs;
const DEFAULT_BUDGET_MS = DEFAULT_TELEGRAM_DEADLINES.budgetMs;
const DEFAULT_RETRY_DELAYS_MS = [1_000, 3_000];
const DEFAULT_MAX_RETRY_AFTER_SECONDS = 30;

export class TelegramAlerts {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly credentials: Credentials,
    private readonly log: Logger,
    private readonly options: TelegramAlertsOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Alerts the admin group that `contact` asked for a human, once per session when the session's
   * id is given. Throws "Telegram alert not sent: …" (and the session's alert can be tried again).
   */
  async sendHandoffAlert(request: AlertRequest): Promise<SentAlert | AlertSentBefore> {
    const sessionId = request.session?.id;
    if (!Number.isSafeInteger(sessionId)) return this.sendHandoffAlertNow(request);
    const id = sessionId as number;
    if (!(await this.store.chatSessions.takeAlert(id, ALERT_LEASE_MS, request.takeOver === true))) return { sent_before: true, session_id: id };
    let sent: SentAlert;
    try {
      const session = await this.store.chatSessions.byId(id);
      sent = await this.sendHandoffAlertNow(request, session?.after_hours === true);
    } catch (err) {
      await this.store.chatSessions.finishAlert(id, false).catch((untakeErr: Error) => {
        this.log.error(`the alert of chat session ${id} was not sent and could not be given back: ${untakeErr.message}`);
      });
      throw err;
    }
    // Telegram has the alert now and takes no idempotency key: until this is stored, a crash
    // means the alert goes again. So it goes ahead of background work waiting for the database.
    await urgently(() => this.store.chatSessions.finishAlert(id, true));
    return sent;
  }

  private async sendHandoffAlertNow(request: AlertRequest, afterHours = false): Promise<SentAlert> {
    const lineUserId = request.contact?.line_user_id;
    if (typeof lineUserId !== 'string' || lineUserId.trim() === '') throw notSent('the contact has no line_user_id');
    let given: AlertMessage[] | undefined;
    try {
      given = request.recentMessages === undefined || request.recentMessages === null ? undefined : toAlertMessages(request.recentMessages);
    } catch (err) {
      throw notSent((err as Error).message);
    }
    const target = await this.target(request.credential);
    const recentMessages = given ?? (await this.recentMessages(request.contact, request.session));
    return this.send(
      target,
      formatHandoffAlert({
        lineUserId,
        displayName: typeof request.contact.display_name === 'string' ? request.contact.display_name : null,
        recentMessages,
        adminUrl: this.options.adminUrl,
        ...(afterHours ? { afterHours: await this.afterHours() } : {}),
      }),
    );
  }

  /** What an after-hours alert adds: when the team opens next (in Thai, as the alert is). */
  private async afterHours(): Promise<{ nextOpening: string }> {
    const { business_hours, time_zone } = await readSettings(this.store.settings);
    const now = this.options.now?.() ?? new Date();
    return { nextOpening: describeOpening(nextOpening(business_hours, time_zone, now), time_zone, now, 'th') };
  }

  /**
   * One reminder for each session still WAITING renotify_minutes after it opened (0 = none).
   * Each session is taken before it is sent, so several instances never remind twice; a reminder
   * that could not be sent is given back for a later round.
   */
  async sendDueReminders(credential?: string | number): Promise<ReminderRound> {
    const round: ReminderRound = { sent: 0, failed: [] };
    const minutes = (await readSettings(this.store.settings)).renotify_minutes;
    if (minutes <= 0) return round;
    const now = Date.now();
    const due = await this.store.chatSessions.takeDueReminders(new Date(now - minutes * 60_000));
    let target: Target | undefined;
    for (const session of due) {
      try {
        target ??= await this.target(credential);
        const contact = await this.store.contacts.byId(session.contact_id);
        await this.send(
          target,
          formatHandoffAlert({
            lineUserId: session.line_user_id,
            displayName: contact?.display_name,
            recentMessages: await this.store.messages.recentIncoming(session.contact_id, RECENT_MESSAGES),
            adminUrl: this.options.adminUrl,
            waitingMinutes: (now - new Date(session.started_at).getTime()) / 60_000,
          }),
        );
        round.sent++;
      } catch (err) {
        round.failed.push({ session_id: session.id, error: (err as Error).message });
        await this.store.chatSessions.untakeReminder(session.id).catch((untakeErr: Error) => {
          this.log.error(`the reminder of chat session ${session.id} was not sent and could not be given back: ${untakeErr.message}`);
        });
      }
    }
    return round;
  }

  private async target(credential: string | number | undefined): Promise<Target> {
    const choice = typeof credential === 'string' ? credential.trim() || undefined : credential;
    let resolved: ResolvedCredential;
    try {
      resolved = await this.credentials.resolve('TELEGRAM', choice);
    } catch (err) {
      throw notSent((err as Error).message);
    }
    const token = resolved.secrets.bot_token;
    const chatId = resolved.metadata.admin_chat_id;
    if (!token) throw notSent(`the Telegram credential "${resolved.name}" has no bot_token`);
    if ((typeof chatId !== 'string' && typeof chatId !== 'number') || String(chatId).trim() === '') {
      throw notSent(`the Telegram credential "${resolved.name}" has no admin_chat_id (the admin group's chat id, in its metadata)`);
    }
    const { Api } = grammy();
    const api = new Api(token, { apiRoot: this.options.apiRoot?.replace(/\/+$/, ''), timeoutSeconds: (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000 });
    return { api, token, chatId: String(chatId).trim() };
  }

  private async recentMessages(contact: AlertRequest['contact'], session: AlertRequest['session']): Promise<AlertMessage[]> {
    // contact and session may come from a msg: only a whole-number id is taken as one
    const known = [contact.id, session?.contact_id].find((id) => Number.isSafeInteger(id));
    const contactId = known ?? (await this.store.contacts.byLineUserId(contact.line_user_id))?.id;
    return contactId === undefined ? [] : this.store.messages.recentIncoming(contactId, RECENT_MESSAGES);
  }

  private async send(target: Target, alert: FormattedAlert): Promise<SentAlert> {
    let replyMarkup = alert.replyMarkup;
    const budgetMs = this.options.budgetMs ?? DEFAULT_BUDGET_MS;
    const deadline = Date.now() + budgetMs;
    for (let attempt = 1; ; attempt++) {
      // Each attempt ends at its own time limit (grammY's timeoutSeconds) or at the budget's end.
      const limitMs = Math.max(1, Math.min(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, deadline - Date.now()));
      const signal = AbortSignal.timeout(limitMs);
      try {
        const message = await target.api.sendMessage(
          target.chatId,
          alert.text,
          { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(replyMarkup ? { reply_markup: replyMarkup } : {}) },
          // grammY's type is its AbortSignal shim's; it takes the platform's at run time.
          signal as unknown as Parameters<Api['sendMessage']>[3],
        );
        return { message_id: message.message_id, chat_id: message.chat.id };
      } catch (caught) {
        const err = signal.aborted ? new AttemptTimeout(limitMs) : caught;
        if (attempt >= MAX_ATTEMPTS) throw notSent(describe(err, target.token));
        // Telegram turned the link button down: the link is in the text too, so send without it.
        if (replyMarkup && err instanceof grammy().GrammyError && err.error_code === 400 && /button/i.test(err.description)) {
          this.log.warn(`Telegram refused the alert's link button (${err.description}); sending the alert without it`);
          replyMarkup = undefined;
          continue;
        }
        const wait = this.retryWait(err, attempt);
        if (wait === undefined) throw notSent(describe(err, target.token));
        if (Date.now() + wait + 100 > deadline) throw notSent(`${describe(err, target.token)} (no time left for another attempt within ${budgetMs} ms)`);
        await this.sleep(wait);
      }
    }
  }

  /** How long to wait before trying again, or undefined when trying again cannot help. */
  private retryWait(err: unknown, attempt: number): number | undefined {
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const backoff = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
    // A network failure or an attempt that ran out of time (it may yet have been delivered: a
    // repeated alert is better than a lost one).
    const { GrammyError, HttpError } = grammy();
    if (!(err instanceof GrammyError)) return err instanceof HttpError || err instanceof AttemptTimeout ? backoff : undefined;
    if (err.error_code >= 500) return backoff;
    if (err.error_code !== 429) return undefined;
    const seconds = err.parameters.retry_after ?? 1;
    return seconds <= (this.options.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS) ? seconds * 1000 : undefined;
  }
}

/** An attempt that Telegram did not answer in time. */
class AttemptTimeout extends Error {
  constructor(limitMs: number) {
    super(`Telegram did not answer within ${limitMs < 1000 ? `${limitMs} ms` : `${Math.round(limitMs / 100) / 10} s`}`);
  }
}

/** An alert or reminder that did not reach Telegram; `reason` says why (for callers with their own words). */
export class TelegramAlertNotSent extends Error {
  constructor(readonly reason: string) {
    super(`Telegram alert not sent: ${reason}`);
  }
}

function notSent(reason: string): TelegramAlertNotSent {
  return new TelegramAlertNotSent(reason);
}

/** Why a request failed, never with the bot token in it. */
function describe(err: unknown, token: string): string {
  let text: string;
  const { GrammyError, HttpError } = grammy();
  if (err instanceof GrammyError) {
    text = `Telegram answered ${err.error_code}: ${err.description}`;
    if (err.parameters.retry_after !== undefined) text += ` (retry after ${err.parameters.retry_after} s)`;
  } else if (err instanceof HttpError) {
    const cause = err.error as (Error & { cause?: { code?: string } }) | undefined;
    text = `could not reach Telegram: ${cause?.message ?? err.message}${cause?.cause?.code ? ` (${cause.cause.code})` : ''}`;
  } else {
    text = err instanceof Error ? err.message : String(err);
  }
  return token ? text.split(token).join('<bot token>') : text;
}
