// The one place that builds @line/bot-sdk clients, on the configurable base URLs (tests point
// them at a loopback stand-in for LINE). Clients are kept per access token.
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';

export interface LineEndpoints {
  /** Defaults to https://api.line.me */
  apiBaseUrl?: string;
  /** Defaults to https://api-data.line.me */
  dataApiBaseUrl?: string;
}

export class LineClients {
  private readonly messagingClients = new Map<string, messagingApi.MessagingApiClient>();
  private readonly blobClients = new Map<string, messagingApi.MessagingApiBlobClient>();

  constructor(private readonly endpoints: LineEndpoints = {}) {}

  messaging(channelAccessToken: string): messagingApi.MessagingApiClient {
    let client = this.messagingClients.get(channelAccessToken);
    if (!client) {
      client = new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: this.endpoints.apiBaseUrl });
      this.messagingClients.set(channelAccessToken, client);
    }
    return client;
  }

  blob(channelAccessToken: string): messagingApi.MessagingApiBlobClient {
    let client = this.blobClients.get(channelAccessToken);
    if (!client) {
      client = new messagingApi.MessagingApiBlobClient({ channelAccessToken, baseURL: this.endpoints.dataApiBaseUrl });
      this.blobClients.set(channelAccessToken, client);
    }
    return client;
  }
}

/** A LINE API failure in one line for logs and delivery_error. */
export function lineErrorText(err: unknown): string {
  if (err instanceof HTTPFetchError) return `LINE answered ${err.status}: ${err.body}`;
  return err instanceof Error ? err.message : String(err);
}
