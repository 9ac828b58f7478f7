// Issue 12: while an operator types in the inbox's composer, the LINE user sees LINE's loading
// animation (POST /v2/bot/chat/loading/start, one-to-one chats only: contacts are users). The
// composer says so at most every few seconds while keys are pressed; LINE is asked for
// LOADING_SECONDS at most once per renewMs per chat, so the animation runs on while typing goes
// on and stops soon after (or at the operator's message, which clears it). The call goes after
// the operator's answer, within the deadlines of any other LINE call: a failure is logged, never
// the operator's problem. The last call per chat is remembered in memory only: it saves calls,
// and another instance making one more costs nothing.
import { refuseUnfollowed } from '../line/line-sender';
import type { Store } from '../store/store';
import type { LineClients } from '../line/line-clients';
import { lineErrorText } from '../line/line-clients';
import type { Credentials } from '../credentials/credential-service';
import type { Logger } from '../logger';
import type { OperatorView } from '../auth/operators';
import { conflict } from '../http/errors';
import type { ChatSessions } from './chat-sessions';

/** How long each call shows the animation (LINE takes 5 to 60, a multiple of 5). */
export const LOADING_SECONDS = 20;
/** A chat's animation is asked for again only this long after the last call (well inside LOADING_SECONDS). */
export const DEFAULT_TYPING_RENEW_MS = 10_000;
/** Past this many chats remembered, the ones past renewMs are forgotten. */
const REMEMBERED_CHATS = 1000;

export class TypingIndicator {
  /** When LINE was last asked to show the animation, by contact id. */
  private readonly lastCalls = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly sessions: ChatSessions,
    private readonly clients: LineClients,
    private readonly credentials: Credentials,
    private readonly log: Logger,
    private readonly renewMs = DEFAULT_TYPING_RENEW_MS,
  ) {}

  /**
   * `operator` is typing to `lineUserId`: the animation is asked of LINE unless it was within
   * renewMs (answers whether a call went out). 404 for an unknown chat; 409 when it has no open
   * session or the user is no longer a friend; 403 when another operator holds it.
   */
  async typing(lineUserId: string, operator: OperatorView): Promise<boolean> {
    const contact = await this.sessions.contact(lineUserId);
    refuseUnfollowed(contact);
    const open = await this.store.chatSessions.openFor(contact.id);
    if (!open) throw conflict('This chat has no open session; switch it to HUMAN first', undefined, 'no_open_session');
    await this.sessions.mayAct(open, operator);

    const now = Date.now();
    const last = this.lastCalls.get(contact.id);
    if (last !== undefined && now - last < this.renewMs) return false;
    this.remember(contact.id, now);
    const work = this.showLoading(contact.line_user_id).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return true;
  }

  /** Resolves once the calls to LINE under way have ended (for shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private remember(contactId: number, at: number): void {
    if (this.lastCalls.size >= REMEMBERED_CHATS) {
      for (const [id, last] of this.lastCalls) if (at - last >= this.renewMs) this.lastCalls.delete(id);
    }
    this.lastCalls.set(contactId, at);
  }

  private async showLoading(lineUserId: string): Promise<void> {
    try {
      const line = await this.credentials.resolve('LINE');
      const client = this.clients.messaging(line.secrets.channel_access_token ?? '');
      const outcome = await this.clients.call(() => client.showLoadingAnimation({ chatId: lineUserId, loadingSeconds: LOADING_SECONDS }));
      if (!outcome.ok) throw outcome.error;
    } catch (err) {
      this.log.warn(`could not show the typing animation to ${lineUserId}: ${lineErrorText(err)}`);
    }
  }
}
