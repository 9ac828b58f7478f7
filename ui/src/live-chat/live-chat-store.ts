// The live chat page's shared state: the conversation list (filter, search, pages), the open
// conversation (contact, open session, messages) and what the operator does to it. Fetched over
// REST, kept current by the realtime events; every change replaces the arrays it touches (so Lit
// sees it) and fires 'change'.
import { api, ApiError, query } from '../core/api';
import { realtime } from '../core/realtime';
import { errorText } from '../core/error-text';
import type {
  ActionResult,
  ChatMode,
  Contact,
  Conversation,
  ConversationDetail,
  ContactDetails,
  ConversationPage,
  Filter,
  LineMessage,
  Message,
  SendAnswer,
  Session,
  TimelineEntry,
} from './types';
import { isMissed } from './types';
import { fetchListPage, listPath } from './list-request';

const MESSAGE_PAGE = 50;
/** Fetches of the open chat in a row while news keeps coming during them; then the live events carry it. */
const CATCH_UP_TRIES = 3;

/**
 * Does this list row belong under `filter` with search `q` (and `label`)? The server's own rules,
 * but for a search's hits in contact details, which the row does not carry (see upsert).
 */
export function matches(c: Conversation, filter: Filter, q: string, label: number | null = null): boolean {
  const status = c.session?.status;
  const inFilter = filter === 'ALL' || (filter === 'BOT' ? c.chat_mode === 'BOT' : filter === 'MISSED' ? isMissed(c.session) : status === filter);
  if (!inFilter) return false;
  if (label !== null && !(c.labels ?? []).includes(label)) return false;
  if (!q) return true;
  const needle = q.toLowerCase();
  return (c.display_name ?? '').toLowerCase().includes(needle) || c.line_user_id.toLowerCase().includes(needle);
}

/** What the open chat's header shows of a contact and its session, to tell a list row's news from a fetch's answer. */
function headerOf(contact: Pick<Contact, 'chat_mode' | 'friend_status' | 'display_name' | 'picture_url'>, session: Session | null): string {
  const open = session && session.status !== 'CLOSED' ? session : null;
  return JSON.stringify([contact.chat_mode, contact.friend_status, contact.display_name, contact.picture_url, open?.id, open?.status, open?.operator?.id]);
}

/** Latest activity, as the server orders the list: the last message or the session's start. */
export function activity(c: Conversation): number {
  return Math.max(c.last_message ? Date.parse(c.last_message.created_at) : 0, c.session ? Date.parse(c.session.started_at) : 0);
}

function byTime(a: Message, b: Message): number {
  return Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id;
}

/** An update of a message already shown wins unless it is older news (realtime and REST may cross). */
function newer(incoming: Message, existing: Message): boolean {
  if (incoming.delivery_attempts < existing.delivery_attempts) return false;
  if (existing.delivery_status === 'SENT' && incoming.delivery_status !== 'SENT') return false;
  return true;
}

export class LiveChatStore extends EventTarget {
  // The list
  filter: Filter = 'ALL';
  q = '';
  /** Only chats with this label (null: any). */
  label: number | null = null;
  conversations: Conversation[] = [];
  total = 0;
  nextCursor: string | null = null;
  listLoading = false;
  listError = '';
  waitingCount = 0;
  activeCount = 0;

  // The open conversation
  selected: string | null = null;
  contact: Contact | null = null;
  session: Session | null = null;
  /** Oldest first. */
  messages: Message[] = [];
  /** Notes and changes of hands beside the messages, oldest first. */
  timeline: TimelineEntry[] = [];
  olderCursor: string | null = null;
  /** Set when the chat was opened at a search hit and newer messages are not loaded yet. */
  newerCursor: string | null = null;
  loadingNewer = false;
  /** The message the chat was opened at (a search hit), to scroll to and mark. */
  focusMessageId: number | null = null;
  chatLoading = false;
  loadingOlder = false;
  chatError = '';
  busy = false;
  /** The open contact's note, fields and labels (null while loading). */
  details: ContactDetails | null = null;

  /** Names seen in any event, for alerts about chats not in the list. */
  readonly names = new Map<string, string>();

  private listSeq = 0;
  /** listSeq when start() ran: the page's own first list request comes after it. */
  private listSeqAtStart = 0;
  /** No hello from the socket yet since start(). */
  private awaitingFirstHello = false;
  /**
   * The live marks of the list and the chat answers asked for before the socket's first hello, and
   * the mark that hello came with (undefined until it has): a pair that differs means updates went
   * out between the answer's reading and the socket's joining, which it may have missed.
   */
  private firstMarks: { list?: string | null; chat?: string | null; hello?: string | null } = {};
  private chatSeq = 0;
  /**
   * Live news of the open chat (its messages, session and timeline events) so far. A fetch of the
   * chat that overlapped some may answer with what it was before them (and news is not shown while
   * the chat first loads): the chat is then fetched again (staleSince).
   */
  private chatNews = 0;
  /** The open chat's list rows from live updates so far, and the latest of them. */
  private chatRows = 0;
  private chatRow: Conversation | null = null;
  private readTimer?: ReturnType<typeof setTimeout>;
  private readonly listeners: [string, (e: Event) => void][] = [
    ['hello', (e) => this.caughtUp((e as CustomEvent).detail)],
    ['conversation', (e) => this.onConversation((e as CustomEvent).detail)],
    ['message', (e) => this.onMessage((e as CustomEvent).detail)],
    ['session', (e) => this.onSession((e as CustomEvent).detail)],
    ['timeline', (e) => this.onTimeline((e as CustomEvent).detail)],
    ['contact_details', (e) => this.onDetails((e as CustomEvent).detail)],
  ];

  start(): void {
    this.listSeqAtStart = this.listSeq;
    this.awaitingFirstHello = true;
    this.firstMarks = {};
    for (const [name, fn] of this.listeners) realtime.addEventListener(name, fn);
  }

  stop(): void {
    for (const [name, fn] of this.listeners) realtime.removeEventListener(name, fn);
    clearTimeout(this.readTimer);
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  // ---- the list ----

  setFilter(filter: Filter): void {
    if (filter === this.filter) return;
    this.filter = filter;
    void this.loadList();
  }

  setQuery(q: string): void {
    const next = q.trim();
    if (next === this.q) return;
    this.q = next;
    void this.loadList();
  }

  setLabel(label: number | null): void {
    if (label === this.label) return;
    this.label = label;
    void this.loadList();
  }

  async loadList(): Promise<void> {
    const seq = ++this.listSeq;
    this.listLoading = true;
    this.listError = '';
    this.changed();
    const beforeHello = this.awaitingFirstHello;
    try {
      const page = await fetchListPage(listPath({ status: this.filter, q: this.q, label: this.label }));
      if (seq !== this.listSeq) return;
      this.conversations = page.conversations;
      this.takePage(page);
      if (beforeHello) this.compareMarks({ list: page.live_mark ?? null });
    } catch (err) {
      if (seq === this.listSeq) this.listError = errorText(err);
    } finally {
      if (seq === this.listSeq) {
        this.listLoading = false;
        this.changed();
      }
    }
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.listLoading) return;
    const seq = ++this.listSeq;
    this.listLoading = true;
    this.changed();
    try {
      const page = await api.get<ConversationPage>(listPath({ status: this.filter, q: this.q, label: this.label, cursor: this.nextCursor }));
      if (seq !== this.listSeq) return;
      const seen = new Set(this.conversations.map((c) => c.line_user_id));
      this.conversations = [...this.conversations, ...page.conversations.filter((c) => !seen.has(c.line_user_id))];
      this.takePage(page);
    } catch (err) {
      if (seq === this.listSeq) this.listError = errorText(err);
    } finally {
      if (seq === this.listSeq) {
        this.listLoading = false;
        this.changed();
      }
    }
  }

  private takePage(page: ConversationPage): void {
    this.total = page.total;
    this.nextCursor = page.next_cursor;
    this.waitingCount = page.waiting_count;
    this.activeCount = page.active_count;
    for (const c of page.conversations) if (c.display_name) this.names.set(c.line_user_id, c.display_name);
  }

  /** A row changed: move it to where it now belongs, or out of the list if it no longer matches. */
  private upsert(c: Conversation): void {
    if (c.display_name) this.names.set(c.line_user_id, c.display_name);
    const without = this.conversations.filter((x) => x.line_user_id !== c.line_user_id);
    const had = without.length !== this.conversations.length;
    // A row the server found by the search stays although its name does not match: the hit may be
    // in its contact's details, which rows do not carry.
    if (!matches(c, this.filter, this.q, this.label) && !(had && this.q && matches(c, this.filter, '', this.label))) {
      if (had) {
        this.conversations = without;
        this.total = Math.max(0, this.total - 1);
      }
      return;
    }
    const at = activity(c);
    let index = without.findIndex((x) => activity(x) < at);
    if (index === -1) {
      // Older than everything loaded: it belongs to a page not fetched yet.
      if (this.nextCursor && !had) return;
      index = without.length;
    }
    this.conversations = [...without.slice(0, index), c, ...without.slice(index)];
    if (!had) this.total += 1;
  }

  // ---- the open conversation ----

  /**
   * Opens a conversation (also one not in the list: the Telegram link's ?user=), at its newest
   * messages or `around` a message (a search hit).
   */
  async open(lineUserId: string, around?: number): Promise<void> {
    if (lineUserId === this.selected && this.contact && around === undefined && this.newerCursor === null) return;
    const seq = ++this.chatSeq;
    this.selected = lineUserId;
    this.contact = null;
    this.session = null;
    this.messages = [];
    this.timeline = [];
    this.olderCursor = null;
    this.newerCursor = null;
    this.focusMessageId = around ?? null;
    this.chatError = '';
    this.chatLoading = true;
    this.details = null;
    this.changed();
    void this.loadDetails(lineUserId, seq);
    this.chatRow = null;
    const mark = this.newsMark();
    const beforeHello = this.awaitingFirstHello;
    try {
      const detail = await api.get<ConversationDetail>(
        `/admin/live-chat/conversations/${encodeURIComponent(lineUserId)}${query({ limit: MESSAGE_PAGE, around })}`,
      );
      if (seq !== this.chatSeq) return;
      if (beforeHello) this.compareMarks({ chat: detail.live_mark ?? null });
      this.contact = detail.contact;
      this.session = detail.session;
      this.messages = [...detail.messages].sort(byTime);
      this.timeline = detail.timeline ?? [];
      this.olderCursor = detail.next_cursor;
      this.newerCursor = detail.newer_cursor ?? null;
      if (detail.contact.display_name) this.names.set(lineUserId, detail.contact.display_name);
      if (this.staleSince(mark, detail)) void this.catchUp(lineUserId, seq);
    } catch (err) {
      if (seq === this.chatSeq) this.chatError = err instanceof ApiError && err.status === 404 ? 'not-found' : errorText(err);
    } finally {
      if (seq === this.chatSeq) {
        this.chatLoading = false;
        this.changed();
      }
    }
  }

  private async loadDetails(lineUserId: string, seq: number): Promise<void> {
    try {
      const answer = await api.get<{ details: ContactDetails }>(`/admin/live-chat/conversations/${encodeURIComponent(lineUserId)}/details`);
      if (seq !== this.chatSeq) return;
      this.details = answer.details;
      this.changed();
    } catch {
      // the chat itself says what went wrong
    }
  }

  /** Saves the open contact's note and fields; a refusal (400 naming the field) is thrown. */
  async saveDetails(changes: { note: string; fields: Record<string, string> }): Promise<void> {
    const answer = await api.put<{ details: ContactDetails }>(`${this.base()}/details`, changes);
    if (answer.details.line_user_id === this.selected) this.details = answer.details;
    this.changed();
  }

  /** Puts a label on the open chat or takes it off. */
  async toggleLabel(id: number, on: boolean): Promise<void> {
    const path = `${this.base()}/labels/${id}`;
    const answer = on ? await api.put<{ labels: number[] }>(path, {}) : await api.delete<{ labels: number[] }>(path);
    const user = this.selected;
    if (this.details && this.details.line_user_id === user) this.details = { ...this.details, labels: answer.labels };
    const row = this.conversations.find((c) => c.line_user_id === user);
    if (row) this.upsert({ ...row, labels: answer.labels });
    this.changed();
  }

  private onDetails(detail: ContactDetails): void {
    if (!detail?.line_user_id || detail.line_user_id !== this.selected) return;
    this.details = detail;
    this.changed();
  }

  deselect(): void {
    ++this.chatSeq;
    this.details = null;
    this.selected = null;
    this.contact = null;
    this.session = null;
    this.messages = [];
    this.timeline = [];
    this.olderCursor = null;
    this.newerCursor = null;
    this.focusMessageId = null;
    this.chatError = '';
    this.chatLoading = false;
    this.changed();
  }

  /** The page after the newest message shown (a chat opened at a search hit); the last one marks it read. */
  async loadNewer(): Promise<void> {
    const id = this.selected;
    if (!id || !this.newerCursor || this.loadingNewer) return;
    const seq = this.chatSeq;
    this.loadingNewer = true;
    this.changed();
    const news = this.chatNews;
    try {
      const detail = await api.get<ConversationDetail>(
        `/admin/live-chat/conversations/${encodeURIComponent(id)}${query({ limit: MESSAGE_PAGE, after: this.newerCursor })}`,
      );
      if (seq !== this.chatSeq) return;
      this.mergeMessages(detail.messages);
      this.newerCursor = detail.newer_cursor ?? null;
      // Messages that came while the newest page was on its way were left to it: it may lack them.
      if (this.newerCursor === null && this.chatNews !== news) void this.catchUp(id, seq);
    } catch (err) {
      if (seq === this.chatSeq) this.chatError = errorText(err);
    } finally {
      if (seq === this.chatSeq) {
        this.loadingNewer = false;
        this.changed();
      }
    }
  }

  async loadOlder(): Promise<void> {
    const id = this.selected;
    if (!id || !this.olderCursor || this.loadingOlder) return;
    const seq = this.chatSeq;
    this.loadingOlder = true;
    this.changed();
    try {
      const detail = await api.get<ConversationDetail>(
        `/admin/live-chat/conversations/${encodeURIComponent(id)}${query({ limit: MESSAGE_PAGE, cursor: this.olderCursor })}`,
      );
      if (seq !== this.chatSeq) return;
      this.mergeMessages(detail.messages);
      this.mergeTimeline(detail.timeline ?? []);
      this.olderCursor = detail.next_cursor;
    } catch (err) {
      if (seq === this.chatSeq) this.chatError = errorText(err);
    } finally {
      if (seq === this.chatSeq) {
        this.loadingOlder = false;
        this.changed();
      }
    }
  }

  /** After a reconnect or a refusal: the chat again, merged into what is shown (marks it read too). */
  async reloadChat(): Promise<void> {
    const id = this.selected;
    if (!id || !this.contact) return;
    void this.loadDetails(id, this.chatSeq);
    await this.catchUp(id, this.chatSeq);
  }

  /**
   * Takes the open chat's contact and session as the server has them now, and its newest messages
   * merged into those shown (not when opened at a search hit: they would leave a gap, which paging
   * newer fills). Fetched again while news came during the fetch, a few times at most.
   */
  private async catchUp(id: string, seq: number, tries = CATCH_UP_TRIES): Promise<void> {
    const atHit = this.newerCursor !== null;
    const mark = this.newsMark();
    let stale = false;
    try {
      const detail = await api.get<ConversationDetail>(`/admin/live-chat/conversations/${encodeURIComponent(id)}${query({ limit: atHit ? 1 : MESSAGE_PAGE })}`);
      if (seq !== this.chatSeq) return;
      this.contact = detail.contact;
      this.session = detail.session;
      if (!atHit) {
        this.mergeMessages(detail.messages);
        this.mergeTimeline(detail.timeline ?? []);
      }
      this.changed();
      stale = this.staleSince(mark, detail);
    } catch {
      return; // the next hello tries again
    }
    if (stale && tries > 1) await this.catchUp(id, seq, tries - 1);
  }

  private newsMark(): { news: number; rows: number } {
    return { news: this.chatNews, rows: this.chatRows };
  }

  /**
   * News of the open chat came since `mark`: a message, session or timeline event, or a list row
   * whose header (mode, friend status, name, picture, open session and its holder) is not the
   * answer's. Rows that say what the answer says are no news: reading the chat marks it read,
   * which sends its row again.
   */
  private staleSince(mark: { news: number; rows: number }, answer: ConversationDetail): boolean {
    if (this.chatNews !== mark.news) return true;
    if (this.chatRows === mark.rows || !this.chatRow) return false;
    return headerOf(this.chatRow, this.chatRow.session) !== headerOf(answer.contact, answer.session);
  }

  private mergeMessages(incoming: Message[]): void {
    const byId = new Map(this.messages.map((m) => [m.id, m]));
    for (const m of incoming) {
      const existing = byId.get(m.id);
      if (!existing || newer(m, existing)) byId.set(m.id, m);
    }
    this.messages = [...byId.values()].sort(byTime);
  }

  private mergeTimeline(incoming: TimelineEntry[]): void {
    const byId = new Map(this.timeline.map((e) => [e.id, e]));
    for (const e of incoming) byId.set(e.id, e);
    this.timeline = [...byId.values()].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
  }

  // ---- actions ----

  private async act<T>(work: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.changed();
    try {
      return await work();
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  private base(): string {
    return `/admin/live-chat/conversations/${encodeURIComponent(this.selected!)}`;
  }

  /** Sends text or LINE message objects; a message LINE refused stays, FAILED, with a retry. */
  send(content: string | LineMessage[]): Promise<SendAnswer> {
    const body = typeof content === 'string' ? { text: content } : { messages: content };
    return this.sent(() => api.post<SendAnswer>(`${this.base()}/messages`, body));
  }

  /** Sends an image or a file from this computer (stored by the server, which LINE fetches it from). */
  sendFile(file: File): Promise<SendAnswer> {
    return this.sent(() => api.upload<SendAnswer>(`${this.base()}/media${query({ name: file.name || 'file' })}`, file));
  }

  private async sent(post: () => Promise<SendAnswer>): Promise<SendAnswer> {
    return (await this.act(async () => {
      try {
        const answer = await post();
        this.mergeMessages(answer.messages);
        return answer;
      } catch (err) {
        // 502: stored and FAILED; shown with its Retry button rather than as an error.
        if (err instanceof ApiError && err.status === 502 && Array.isArray(err.body?.messages)) {
          this.mergeMessages(err.body!.messages as Message[]);
          return { status: 'FAILED', messages: err.body!.messages as Message[], error: err.message } as SendAnswer;
        }
        throw err;
      }
    }))!;
  }

  async retry(messageId: number): Promise<void> {
    await this.act(async () => {
      try {
        const answer = await api.post<SendAnswer>(`${this.base()}/messages/${messageId}/retry`);
        this.mergeMessages(answer.messages);
      } catch (err) {
        if (err instanceof ApiError && err.status === 502 && Array.isArray(err.body?.messages)) {
          this.mergeMessages(err.body!.messages as Message[]);
          return;
        }
        throw err;
      }
    });
  }

  claim(): Promise<unknown> {
    return this.act(async () => this.applyAction(await api.post<ActionResult>(`${this.base()}/claim`)));
  }

  close(): Promise<unknown> {
    return this.act(async () => this.applyAction(await api.post<ActionResult>(`${this.base()}/close`)));
  }

  setMode(mode: ChatMode): Promise<unknown> {
    return this.act(async () => this.applyAction(await api.post<ActionResult>(`${this.base()}/mode`, { mode })));
  }

  /** An internal note in the open chat: shown to the team, never sent to the user. */
  async note(text: string): Promise<void> {
    await this.act(async () => {
      const answer = await api.post<{ entry: TimelineEntry }>(`${this.base()}/notes`, { text });
      this.mergeTimeline([answer.entry]);
    });
  }

  /** Hands the open chat to `operatorId` (an admin naming themselves takes it over), with an optional note. */
  transfer(operatorId: number, note: string): Promise<unknown> {
    return this.act(async () => this.applyAction(await api.post<ActionResult>(`${this.base()}/transfer`, { operator_id: operatorId, note })));
  }

  private applyAction(result: ActionResult): void {
    if (result.conversation) {
      this.upsert(result.conversation);
      if (this.contact && result.conversation.line_user_id === this.contact.line_user_id) {
        this.contact = { ...this.contact, chat_mode: result.conversation.chat_mode };
      }
    }
    this.session = result.session && result.session.status !== 'CLOSED' ? result.session : null;
  }

  // ---- realtime ----

  private caughtUp(hello: { live_mark?: string } | undefined): void {
    // The socket's first hello comes as the page opens, just after the page asked for the list
    // (and the chat) itself: those answers are asked for again only if updates went out between
    // their reading and the socket's joining (their live marks differ). Later hellos are
    // reconnects, after which what is shown may have missed events.
    const first = this.awaitingFirstHello;
    this.awaitingFirstHello = false;
    if (first && this.listSeq > this.listSeqAtStart) {
      this.compareMarks({ hello: hello?.live_mark ?? null });
      return;
    }
    void this.loadList();
    void this.reloadChat();
  }

  /** Notes a first answer's or the first hello's live mark; once both of a pair are known, reads again what may have missed updates. */
  private compareMarks(known: { list?: string | null; chat?: string | null; hello?: string | null }): void {
    const marks = Object.assign(this.firstMarks, known);
    if (marks.hello === undefined) return;
    if (marks.list !== undefined) {
      if (marks.list !== marks.hello) void this.loadList();
      delete marks.list;
    }
    if (marks.chat !== undefined) {
      if (marks.chat !== marks.hello) void this.reloadChat();
      delete marks.chat;
    }
  }

  private onConversation(detail: { conversation: Conversation; waiting_count: number; active_count: number }): void {
    if (!detail?.conversation) return;
    if (detail.conversation.line_user_id === this.selected) {
      this.chatRows++;
      this.chatRow = detail.conversation;
    }
    this.waitingCount = detail.waiting_count;
    this.activeCount = detail.active_count;
    this.upsert(detail.conversation);
    const c = detail.conversation;
    if (this.contact && c.line_user_id === this.contact.line_user_id) {
      this.contact = { ...this.contact, chat_mode: c.chat_mode, friend_status: c.friend_status, display_name: c.display_name, picture_url: c.picture_url };
    }
    this.changed();
  }

  private onMessage(detail: { line_user_id: string; message: Message }): void {
    if (!detail?.message || detail.line_user_id !== this.selected) return;
    this.chatNews++;
    if (!this.contact) return;
    // Opened at a search hit, newer pages still to load: this one comes with them.
    if (this.newerCursor) return;
    this.mergeMessages([detail.message]);
    if (detail.message.direction === 'IN') this.markReadSoon();
    this.changed();
  }

  private onSession(detail: { line_user_id: string; session: Session }): void {
    if (!detail?.session || detail.line_user_id !== this.selected) return;
    this.chatNews++;
    if (!this.contact) return;
    // An older session's news does not replace the open one.
    if (this.session && detail.session.id < this.session.id) return;
    this.session = detail.session.status === 'CLOSED' ? null : detail.session;
    this.changed();
  }

  private onTimeline(detail: { line_user_id: string; entry: TimelineEntry }): void {
    if (!detail?.entry || detail.line_user_id !== this.selected) return;
    this.chatNews++;
    if (!this.contact) return;
    this.mergeTimeline([detail.entry]);
    this.changed();
  }

  /** The open conversation got a message: read it (the GET marks it read), once things settle. */
  markReadSoon(): void {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      const id = this.selected;
      if (!id || document.visibilityState !== 'visible') return;
      api.get(`/admin/live-chat/conversations/${encodeURIComponent(id)}${query({ limit: 1 })}`).catch(() => undefined);
    }, 400);
  }
}
