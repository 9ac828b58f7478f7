// The one place that builds @line/bot-sdk clients, on the configurable base URLs (tests point
// them at a loopback stand-in for LINE), every request with a time limit (line-deadlines).
// Clients are kept per access token.
import type { messagingApi } from '@line/bot-sdk';
import { MessagingApiBlobClient, MessagingApiClient } from './line-sdk';
import { DEFAULT_LINE_DEADLINES, type LineDeadlines } from '../config/deadlines';
import { type BudgetOutcome, installDeadlines, withinBudget } from './line-deadlines';

export interface LineEndpoints {
  /** Defaults to https://api.line.me */
  apiBaseUrl?: string;
  /** Defaults to https://api-data.line.me */
  dataApiBaseUrl?: string;
}

export class LineClients {
  private readonly messagingClients = new Map<string, messagingApi.MessagingApiClient>();
  private readonly blobClients = new Map<string, messagingApi.MessagingApiBlobClient>();

  readonly deadlines: LineDeadlines;

  constructor(
    private readonly endpoints: LineEndpoints = {},
    deadlines: Partial<LineDeadlines> = {},
    /** Waits before the 2nd, 3rd … attempt when LINE gave no Retry-After. */
    readonly retryDelaysMs: number[] = [500, 2000],
  ) {
    this.deadlines = { ...DEFAULT_LINE_DEADLINES, ...definedOnly(deadlines) };
  }

  messaging(channelAccessToken: string): messagingApi.MessagingApiClient {
    let client = this.messagingClients.get(channelAccessToken);
    if (!client) {
      client = installDeadlines(new MessagingApiClient({ channelAccessToken, baseURL: this.endpoints.apiBaseUrl }), this.deadlines.attemptMs);
      this.messagingClients.set(channelAccessToken, client);
    }
    return client;
  }

  blob(channelAccessToken: string): messagingApi.MessagingApiBlobClient {
    let client = this.blobClients.get(channelAccessToken);
    if (!client) {
      client = installDeadlines(new MessagingApiBlobClient({ channelAccessToken, baseURL: this.endpoints.dataApiBaseUrl }), this.deadlines.attemptMs);
      this.blobClients.set(channelAccessToken, client);
    }
    return client;
  }

  /**
   * A call that is not a send (profile, mark-as-read, content, loading animation): tried again
   * on 429, 5xx, timeouts and network failures within callBudgetMs.
   */
  call<T>(call: () => Promise<T>): Promise<BudgetOutcome<T>> {
    const { attemptMs, callBudgetMs } = this.deadlines;
    return withinBudget({ budgetMs: callBudgetMs, attemptMs, maxAttempts: 3, delaysMs: this.retryDelaysMs }, call);
  }
}

function definedOnly<T extends object>(values: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'number' && v > 0)) as Partial<T>;
}

/** A LINE API failure in one line for logs and delivery_error. */
export { lineErrorText } from './line-deadlines';
