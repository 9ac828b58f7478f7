// "Test connection" for a credential (seed §7): LINE bot info, Telegram getMe, n8n healthz, each
// through its SDK or plain HTTP at a configurable base URL. A refusal or an unreachable service
// is an answer (success false and why), never a thrown error; messages never carry the secret.
import { HTTPFetchError, MessagingApiClient } from '../line/line-sdk';
import { grammy } from '../telegram/grammy';
import { installDeadlines } from '../line/line-deadlines';
import type { Metadata, Provider, Secrets } from './providers';

export interface VerifyResult {
  success: boolean;
  message: string;
  /**
   * The outcome as a stable code, with what fills it in (`service`, `name`, `detail`), for the
   * inbox to say it in the operator's language; `message` says the same in English.
   */
  code: 'connected' | 'healthy' | 'refused' | 'unhealthy' | 'unreachable' | 'unsupported' | 'undecryptable';
  params: Record<string, string>;
  bot_info?: Record<string, unknown>;
}

export interface Verification {
  result: VerifyResult;
  /** What the service told us that the credential's metadata should remember (e.g. bot_username). */
  learned?: Metadata;
}

export interface VerifierOptions {
  lineApiBaseUrl?: string;
  telegramApiRoot?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class CredentialVerifier {
  constructor(private readonly options: VerifierOptions = {}) {}

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async verify(provider: Provider, secrets: Secrets, metadata: Metadata): Promise<Verification> {
    switch (provider) {
      case 'LINE':
        return this.line(secrets.channel_access_token);
      case 'TELEGRAM':
        return this.telegram(secrets.bot_token);
      case 'N8N':
        return this.n8n(String(metadata.base_url), secrets.api_key);
      default:
        return {
          result: { success: false, message: `Verification is not supported yet for ${provider}`, code: 'unsupported', params: { service: provider } },
        };
    }
  }

  private async line(channelAccessToken: string): Promise<Verification> {
    // The request itself ends at the time limit (not only the wait for it): see line-deadlines.
    const client = installDeadlines(new MessagingApiClient({ channelAccessToken, baseURL: this.options.lineApiBaseUrl }), this.timeoutMs);
    try {
      const info = await client.getBotInfo();
      return {
        result: {
          success: true,
          message: `Connected to LINE as ${info.displayName}`,
          code: 'connected',
          params: { service: 'LINE', name: info.displayName },
          bot_info: {
            user_id: info.userId,
            basic_id: info.basicId,
            display_name: info.displayName,
            picture_url: info.pictureUrl ?? null,
            chat_mode: info.chatMode,
            mark_as_read_mode: info.markAsReadMode,
          },
        },
        learned: { bot_name: info.displayName },
      };
    } catch (err) {
      if (err instanceof HTTPFetchError) {
        const why = `HTTP ${err.status}${detail(lineMessage(err.body))}`;
        return failure(`LINE refused the channel access token (${why})`, 'refused', { service: 'LINE', detail: why });
      }
      return unreachable('LINE', err);
    }
  }

  private async telegram(botToken: string): Promise<Verification> {
    const { Api, GrammyError } = grammy();
    const api = new Api(botToken, { apiRoot: this.options.telegramApiRoot, timeoutSeconds: Math.ceil(this.timeoutMs / 1000) });
    try {
      const me = await this.withTimeout(api.getMe(), 'Telegram');
      return {
        result: {
          success: true,
          message: `Connected to Telegram as @${me.username}`,
          code: 'connected',
          params: { service: 'Telegram', name: `@${me.username}` },
          bot_info: { id: me.id, username: me.username, first_name: me.first_name, is_bot: me.is_bot },
        },
        learned: { bot_username: me.username, bot_name: me.first_name },
      };
    } catch (err) {
      if (err instanceof GrammyError) {
        const why = `${err.error_code}${detail(err.description)}`;
        return failure(`Telegram refused the bot token (${why})`, 'refused', { service: 'Telegram', detail: why });
      }
      return unreachable('Telegram', err);
    }
  }

  private async n8n(baseUrl: string, apiKey: string): Promise<Verification> {
    try {
      const res = await fetch(`${baseUrl}/healthz`, { headers: { 'X-N8N-API-KEY': apiKey }, signal: AbortSignal.timeout(this.timeoutMs) });
      await res.body?.cancel();
      const service = `n8n (${baseUrl})`;
      if (!res.ok) return failure(`n8n at ${baseUrl} answered HTTP ${res.status}`, 'unhealthy', { service, detail: `HTTP ${res.status}` });
      return { result: { success: true, message: `n8n at ${baseUrl} is healthy`, code: 'healthy', params: { service } } };
    } catch (err) {
      return unreachable(`n8n at ${baseUrl}`, err, `n8n (${baseUrl})`);
    }
  }

  private withTimeout<T>(work: Promise<T>, service: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${service} did not answer within ${Math.round(this.timeoutMs / 1000)} s`)), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

const failure = (message: string, code: VerifyResult['code'], params: Record<string, string>): Verification => ({
  result: { success: false, message, code, params },
});
const detail = (text: string | undefined) => (text ? `: ${text}` : '');

function lineMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function unreachable(service: string, err: unknown, shown = service): Verification {
  const reason = err instanceof Error ? (err.name === 'TimeoutError' ? 'no answer in time' : err.message) : String(err);
  return failure(`Could not reach ${service}: ${reason}`, 'unreachable', { service: shown, detail: reason });
}
