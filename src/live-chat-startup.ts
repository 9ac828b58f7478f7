// The core started whatever state its database is in: an attempt that fails (PostgreSQL down,
// refusing connections, the database not created yet) is tried again after a wait that doubles
// up to a cap, for as long as it takes, so the product heals on its own when the database comes.
// Meanwhile requests are answered at once (503 with Retry-After), never held, and whoever shows
// the state (the session-store's status, readyz) is told what is being waited for.
import { LiveChat, type LiveChatOptions } from './live-chat';
import { consoleLogger } from './logger';

export interface StartRetry {
  /** The first wait after a failed attempt (default 0.5 s); each next one is twice as long… */
  firstDelayMs?: number;
  /** …up to this (default 15 s). */
  maxDelayMs?: number;
}

export const DEFAULT_START_RETRY: Required<StartRetry> = { firstDelayMs: 500, maxDelayMs: 15_000 };

export type StartupState =
  /** The first attempt is running. */
  | { state: 'starting' }
  /** An attempt failed; the next one is at `retryAt` (ms since the epoch). */
  | { state: 'waiting'; attempts: number; reason: string; retryAt: number }
  | { state: 'ready' }
  | { state: 'closed' };

/** What a request gets while the core is not there: the reason, and when to ask again. */
export class StoreUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    /** Why the last attempt failed, for those allowed to know (the editor's admin routes), not for public answers. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * The error's message, with why the database could not be opened when it is a StoreUnavailable:
 * for those who may know (a flow's Catch node, the editor's signed-in users).
 */
export function withDetail(err: Error): string {
  return err instanceof StoreUnavailable && err.detail ? `${err.message} (${err.detail})` : err.message;
}

export class LiveChatStartup {
  /** Settles once the core runs; rejects only when closed before that. */
  readonly liveChat: Promise<LiveChat>;
  private current: StartupState = { state: 'starting' };
  private readonly stopped = new AbortController();
  private readonly log;
  /** Resolves on the next change of state (see settledOnce). */
  private settled?: Promise<void>;
  private wake?: () => void;

  constructor(
    options: LiveChatOptions,
    private readonly onState: (state: StartupState) => void = () => undefined,
    private readonly retry: StartRetry = {},
  ) {
    this.log = options.log ?? consoleLogger;
    this.liveChat = this.run(options);
    // A rejection (closed before the database came) is the closer's business, not an unhandled one.
    this.liveChat.catch(() => undefined);
  }

  get state(): StartupState {
    return this.current;
  }

  /**
   * The core, for a request: at once when it runs; while the first attempt runs, when that
   * settles; otherwise (waiting for the database, closed) a StoreUnavailable at once.
   */
  async forRequest(): Promise<LiveChat> {
    if (this.current.state === 'starting') {
      await Promise.race([this.liveChat.then(nothing, nothing), this.settledOnce()]);
    }
    const state = this.current;
    if (state.state === 'ready') return this.liveChat;
    if (state.state === 'waiting') {
      // Not the reason itself: this goes to anyone who asks (readyz has no login); the log and
      // the node's status have it.
      throw new StoreUnavailable(
        `Waiting for the database: ${state.attempts} attempt(s) to open it failed, the next is under way soon`,
        Math.max(1, Math.ceil((state.retryAt - Date.now()) / 1000)),
        state.reason,
      );
    }
    throw new StoreUnavailable('The live chat store is stopping', 5);
  }

  /** Stops trying; closes the core if it came up (an attempt under way is waited for, then closed). */
  async close(): Promise<void> {
    this.stopped.abort();
    this.set({ state: 'closed' });
    try {
      const app = await this.liveChat;
      await app.close();
    } catch {
      // closed before the database came: nothing runs
    }
  }

  /** Resolves on the next change of state. */
  private settledOnce(): Promise<void> {
    this.settled ??= new Promise((resolve) => (this.wake = resolve));
    return this.settled;
  }

  private set(state: StartupState): void {
    if (this.current.state === 'closed') return;
    this.current = state;
    const wake = this.wake;
    this.settled = undefined;
    this.wake = undefined;
    wake?.();
    this.onState(state);
  }

  private async run(options: LiveChatOptions): Promise<LiveChat> {
    const firstDelayMs = this.retry.firstDelayMs ?? DEFAULT_START_RETRY.firstDelayMs;
    const maxDelayMs = this.retry.maxDelayMs ?? DEFAULT_START_RETRY.maxDelayMs;
    let delayMs = firstDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped.signal.aborted) throw new StoreUnavailable('The live chat store was closed before its database could be opened', 5);
      let app: LiveChat;
      try {
        app = await LiveChat.start(options);
      } catch (err) {
        if (this.stopped.signal.aborted) throw err;
        const reason = describe(err);
        this.set({ state: 'waiting', attempts: attempt, reason, retryAt: Date.now() + delayMs });
        this.log.warn(`the database could not be opened (attempt ${attempt}): ${reason}; trying again in ${(delayMs / 1000).toFixed(1)} s`);
        await sleep(delayMs, this.stopped.signal);
        delayMs = Math.min(delayMs * 2, maxDelayMs);
        continue;
      }
      if (this.stopped.signal.aborted) {
        await app.close().catch(() => undefined);
        throw new StoreUnavailable('The live chat store was closed while its database was being opened', 5);
      }
      if (attempt > 1) this.log.info(`the database is open after ${attempt} attempts; serving`);
      this.set({ state: 'ready' });
      return app;
    }
  }
}

/** The error's own words, with its code (ECONNREFUSED, 3D000 …) when the message does not say it. */
function describe(err: unknown): string {
  const cause = (err as { parent?: { code?: string }; original?: { code?: string } })?.parent ?? (err as { original?: { code?: string } })?.original;
  const code = cause?.code ?? (err as { code?: string })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function nothing(): void {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
