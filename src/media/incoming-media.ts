// The images, videos, audio and files users send, fetched from LINE's content API after the
// webhook's 200, never on its path. A media message's row in `media` is made with the message
// (migration 0016's trigger), PENDING: the message's live event starts the fetch here, and a
// recovery pass (on start and every few seconds, on any instance) takes the fetches nobody
// finished (a crash mid-fetch: the lease runs out). Each fetch has LINE's deadlines and a bounded
// size; LINE's 404/410 (content no longer held) ends it GONE; other failures are tried again
// later, and after maxFetchAttempts it is FAILED. The inbox sees the outcome on the message
// (messages.media), live.
import { HTTPFetchError } from '../line/line-sdk';
import type { Store } from '../store/store';
import type { MediaFetch, MediaRow } from '../store/media';
import type { MessageMedia, MessageRow } from '../store/messages';
import type { LiveChatEvents, LiveChatEventMap } from '../events';
import type { Credentials } from '../credentials/credential-service';
import type { Logger } from '../logger';
import { type LineClients, lineErrorText } from '../line/line-clients';
import { inBackground } from '../util/urgency';
import { errorText } from '../util/error-text';
import { makePreview, type MediaOptions } from './media-options';

export const MEDIA_MESSAGE_TYPES = new Set(['image', 'video', 'audio', 'file']);
/** How many left-behind fetches one recovery round takes. */
const RECOVERY_BATCH = 10;

/** LINE is still preparing a video or audio (it answered 202): tried again. */
class NotReadyYet extends Error {}

type Fetched = { ok: true; contentType: string; data: Buffer } | { ok: false; tooLarge: number };

export class IncomingMedia {
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private recovering?: Promise<void>;
  private stopped = false;
  private readonly onMessage = ({ message }: LiveChatEventMap['message'][0]) => {
    if (message.direction === 'IN' && message.media === null && MEDIA_MESSAGE_TYPES.has(message.message_type)) {
      this.track(this.fetchForMessages([message.id]));
    }
  };

  constructor(
    private readonly store: Store,
    private readonly clients: LineClients,
    private readonly credentials: Credentials,
    private readonly events: LiveChatEvents,
    private readonly log: Logger,
    private readonly options: MediaOptions,
  ) {}

  start(): void {
    this.events.on('message', this.onMessage);
    this.recoverNow();
    if (this.options.recoveryIntervalMs > 0) {
      this.timer = setInterval(() => this.recoverNow(), this.options.recoveryIntervalMs);
      this.timer.unref();
    }
  }

  /** Stops taking fetches and waits for those running (a fetch cut short is retried after its lease). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.events.off('message', this.onMessage);
    clearInterval(this.timer);
    await this.recovering;
    await Promise.all([...this.inFlight]);
  }

  /** Takes the fetches nobody finished, now (also what the timer does). */
  recoverNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.recovering ??= inBackground(async () => {
      try {
        for (;;) {
          const due = await this.store.media.claimDue(RECOVERY_BATCH, this.options.fetchLeaseMs, this.options.recoveryMinAgeMs);
          await Promise.all(due.map((item) => this.fetch(item)));
          if (due.length < RECOVERY_BATCH || this.stopped) return;
        }
      } catch (err) {
        this.log.error(`the media recovery pass failed: ${errorText(err)}`);
      } finally {
        this.recovering = undefined;
      }
    });
    return this.recovering;
  }

  /** Resolves once the fetches started here have ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.recovering) {
      await Promise.all([...this.inFlight, this.recovering]);
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async fetchForMessages(messageIds: number[]): Promise<void> {
    try {
      const claimed = await inBackground(() => this.store.media.claimForMessages(messageIds, this.options.fetchLeaseMs));
      await Promise.all(claimed.map((item) => this.fetch(item)));
    } catch (err) {
      this.log.error(`fetching the media of message(s) ${messageIds.join(', ')} failed (the recovery pass tries again): ${errorText(err)}`);
    }
  }

  /** One try at one item; never rejects. */
  private async fetch(item: MediaFetch): Promise<void> {
    const what = `the ${item.line_message_id ? `content of LINE message ${item.line_message_id}` : `media ${item.media_key}`}`;
    try {
      const token = (await this.credentials.resolve('LINE', item.credential_ref ?? undefined)).secrets.channel_access_token ?? '';
      const outcome = await this.clients.call(() => this.download(token, item.line_message_id!));
      if (outcome.ok && outcome.value.ok) {
        const { contentType, data } = outcome.value;
        const preview = contentType.startsWith('image/') ? ((await makePreview(data))?.preview ?? null) : null;
        await this.finish(await this.store.media.stored(item.media_key, { content_type: contentType, data, preview }));
        return;
      }
      if (outcome.ok && !outcome.value.ok) {
        const size = outcome.value.tooLarge;
        const row = await this.store.media.ended(item.media_key, 'TOO_LARGE', `larger than ${this.options.maxBytes} bytes`, size || null);
        await this.finish(row);
        return;
      }
      const err = outcome.ok ? undefined : outcome.error;
      if (err instanceof HTTPFetchError && (err.status === 404 || err.status === 410)) {
        await this.finish(await this.store.media.ended(item.media_key, 'GONE', lineErrorText(err)));
        return;
      }
      throw err;
    } catch (err) {
      const text = lineErrorText(err);
      if (item.attempts >= this.options.maxFetchAttempts) {
        this.log.error(`${what} could not be fetched after ${item.attempts} tries, given up: ${text}`);
        await this.finish(await this.store.media.ended(item.media_key, 'FAILED', text).catch(() => undefined));
      } else {
        this.log.warn(`${what} could not be fetched (try ${item.attempts}; tried again later): ${text}`);
        // Sooner than the lease at first, then later each time.
        const retryInMs = Math.min(this.options.fetchLeaseMs, 2000 * 2 ** item.attempts);
        await this.store.media.retryLater(item.media_key, text, retryInMs).catch(() => undefined);
      }
    }
  }

  /** GET /v2/bot/message/{id}/content, read up to maxBytes. */
  private async download(token: string, lineMessageId: string): Promise<Fetched> {
    const { httpResponse, body } = await this.clients.blob(token).getMessageContentWithHttpInfo(lineMessageId);
    if (httpResponse.status === 202) {
      body.destroy();
      throw new NotReadyYet(`LINE is still preparing the content of message ${lineMessageId}`);
    }
    const declared = Number(httpResponse.headers.get('content-length') ?? Number.NaN);
    if (declared > this.options.maxBytes) {
      body.destroy();
      return { ok: false, tooLarge: declared };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > this.options.maxBytes) {
        body.destroy();
        return { ok: false, tooLarge: 0 };
      }
      chunks.push(chunk as Buffer);
    }
    const contentType = (httpResponse.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
    return { ok: true, contentType, data: Buffer.concat(chunks) };
  }

  /** Puts the outcome on the message and tells the inbox. */
  private async finish(row: MediaRow | undefined): Promise<void> {
    if (!row || row.message_id === null) return;
    const message = await this.store.messages.setMedia(row.message_id, messageMedia(row));
    if (message) await this.announce(message);
  }

  private async announce(message: MessageRow): Promise<void> {
    const contact = await this.store.contacts.byId(message.contact_id);
    if (contact) this.events.emit('message', { message, contact });
  }
}

/** What the inbox shows of a media row (messages.media). */
export function messageMedia(row: MediaRow): MessageMedia {
  return {
    key: row.media_key,
    status: row.status === 'PENDING' ? 'FAILED' : row.status,
    content_type: row.content_type,
    byte_size: row.byte_size,
    file_name: row.file_name,
    preview: row.has_preview,
  };
}
