// The live chat page (/admin/live-chat, seed §5.1): the conversation list on the left, the open
// chat on the right (user card, history, composer). `?user=U…` (the Telegram link) opens that
// chat directly. New waiting chats beep and notify. Below 720 px the list and the chat are two
// views with a back button. The page holds the store and passes its state down; the components
// send events up, which become store actions here. It also holds the message search panel (a hit
// opens its chat at that message) and the keyboard shortcuts (live-chat/shortcuts.ts).
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { tokens } from '../core/styles';
import { ApiError } from '../core/api';
import { errorText } from '../core/error-text';
import { currentOperator } from '../core/session';
import { navigate, pathOf } from '../core/router';
import { realtime } from '../core/realtime';
import { chatTokens } from '../live-chat/chat-styles';
import { LanguageController } from '../core/language-controller';
import { LiveChatStore } from '../live-chat/live-chat-store';
import { alertsOn, beep, notify, unlockSound } from '../live-chat/new-chat-alerts';
import type { SendFileRequest, SendRequest } from '../live-chat/composer';
import type { ConversationList } from '../live-chat/conversation-list';
import type { ChatMode, Filter, TimelineEntry } from '../live-chat/types';
import type { TransferRequest } from '../live-chat/transfer-dialog';
import '../live-chat/strings';
import '../live-chat/conversation-list';
import '../live-chat/chat-header';
import '../live-chat/message-list';
import '../live-chat/composer';
import '../live-chat/alert-bell';
import '../live-chat/hours-badge';
import '../live-chat/contact-card';
import type { SaveDetailsRequest } from '../live-chat/contact-card';
import { catalog } from '../live-chat/contact-catalog';
import { icon } from '../live-chat/icons';
import '../live-chat/message-search';
import { shortcutFor, type ShortcutAction } from '../live-chat/shortcuts';
import type { MessageSearch } from '../live-chat/message-search';
import type { Composer } from '../live-chat/composer';
import type { ChatHeader } from '../live-chat/chat-header';

const NARROW = '(max-width: 719.98px)';
type Action = 'claim' | 'send' | 'close' | 'mode' | 'retry' | 'transfer' | 'note';
/** The contact card stays open (or folded) from chat to chat. */
let cardOpen = false;

function userParam(): string | null {
  return new URLSearchParams(location.search).get('user');
}

export class LiveChatPage extends LitElement {
  static properties = { narrow: { state: true }, refusal: { state: true }, handed: { state: true }, finding: { state: true }, showingKeys: { state: true } };
  /** The message search panel is open. */
  finding = false;
  /** The shortcut list is open. */
  showingKeys = false;
  narrow = matchMedia(NARROW).matches;
  /** The last refused action, in the API's words (a 409/403 names who holds the chat). */
  refusal = '';
  /** A chat another operator just handed to this one (issue 11), until opened or dismissed. */
  handed: { lineUserId: string; text: string } | null = null;
  private readonly store = new LiveChatStore();
  private ownSwitch?: { id: string; at: number };
  private refocus?: string;
  private readonly media = matchMedia(NARROW);

  constructor() {
    super();
    new LanguageController(this);
  }

  private readonly changed = () => this.requestUpdate();
  private readonly resized = () => (this.narrow = this.media.matches);
  private readonly unlock = () => alertsOn() && unlockSound();
  private readonly followUrl = () => {
    const user = userParam();
    if (user) void this.store.open(user);
    else this.store.deselect();
    this.refusal = '';
  };
  private readonly visible = () => {
    if (document.visibilityState === 'visible' && this.store.selected) this.store.markReadSoon();
  };
  private readonly sessionEvent = (e: Event) => {
    const detail = (e as CustomEvent).detail as { line_user_id: string; change: string } | undefined;
    if (detail?.change === 'opened') this.newChat(detail.line_user_id);
  };

  /** A chat handed to me by someone else: told on the page, and by a notification when allowed. */
  private readonly timelineEvent = (e: Event) => {
    const detail = (e as CustomEvent).detail as { line_user_id: string; entry: TimelineEntry } | undefined;
    const entry = detail?.entry;
    const me = currentOperator();
    if (!detail || entry?.kind !== 'reassigned' || !me || entry.to_operator?.id !== me.id || entry.operator?.id === me.id) return;
    const name = this.store.names.get(detail.line_user_id) ?? detail.line_user_id;
    const by = entry.operator?.display_name ?? entry.operator?.username ?? t('lc.timeline.flow');
    const text = t('lc.handed.body', { by, name }) + (entry.text ? `: “${entry.text}”` : '');
    this.handed = { lineUserId: detail.line_user_id, text };
    if (alertsOn()) {
      beep();
      notify(t('lc.handed.title'), text, `llc-handed-${detail.line_user_id}`, () => this.openHanded());
    }
  };

  private openHanded(): void {
    const id = this.handed?.lineUserId;
    this.handed = null;
    if (id) this.select(id);
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.store.addEventListener('change', this.changed);
    this.store.start();
    this.media.addEventListener('change', this.resized);
    window.addEventListener('popstate', this.followUrl);
    document.addEventListener('visibilitychange', this.visible);
    this.addEventListener('pointerdown', this.unlock);
    realtime.addEventListener('session', this.sessionEvent);
    realtime.addEventListener('timeline', this.timelineEvent);
    catalog.start();
    document.addEventListener('keydown', this.keydown);
    void this.store.loadList();
    const user = userParam();
    if (user) void this.store.open(user);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.store.removeEventListener('change', this.changed);
    this.store.stop();
    this.media.removeEventListener('change', this.resized);
    window.removeEventListener('popstate', this.followUrl);
    document.removeEventListener('visibilitychange', this.visible);
    this.removeEventListener('pointerdown', this.unlock);
    realtime.removeEventListener('session', this.sessionEvent);
    realtime.removeEventListener('timeline', this.timelineEvent);
    document.removeEventListener('keydown', this.keydown);
  }

  private readonly keydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      this.closePanels();
      return;
    }
    const action = shortcutFor(e);
    if (!action) return;
    e.preventDefault();
    this.shortcut(action);
  };

  /** Escape: the search, the shortcut list, the composer's picker and menus, a refusal note. */
  private closePanels(): void {
    this.finding = false;
    this.showingKeys = false;
    this.refusal = '';
    this.renderRoot.querySelector<Composer>('llc-composer')?.closePanels();
  }

  private shortcut(action: ShortcutAction): void {
    const st = this.store;
    const s = st.session;
    const me = currentOperator();
    const othersChat = s?.status === 'ACTIVE' && !!s.operator && s.operator.id !== me?.id && me?.role !== 'admin';
    switch (action) {
      case 'next':
      case 'prev': {
        const list = st.conversations;
        const at = list.findIndex((c) => c.line_user_id === st.selected);
        const next = list[action === 'next' ? at + 1 : at === -1 ? 0 : at - 1];
        if (next) this.select(next.line_user_id);
        break;
      }
      case 'claim':
        if (s?.status === 'WAITING' && !st.busy) void this.run('claim', () => st.claim());
        break;
      case 'closeChat':
        if (s && !othersChat && !st.busy) this.renderRoot.querySelector<ChatHeader>('llc-chat-header')?.askClose();
        break;
      case 'reply':
        void this.renderRoot.querySelector<Composer>('llc-composer')?.focusBox();
        break;
      case 'picker':
        this.renderRoot.querySelector<Composer>('llc-composer')?.openPicker();
        break;
      case 'find':
        this.openSearch();
        break;
      case 'help':
        this.showingKeys = !this.showingKeys;
        break;
    }
  }

  private readonly toggleSearch = () => {
    if (this.finding) this.finding = false;
    else this.openSearch();
  };

  private openSearch(): void {
    this.showingKeys = false;
    this.finding = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector<MessageSearch>('llc-message-search')?.focus());
  }

  /** A search hit: its chat, opened at that message. */
  private openHit(hit: { line_user_id: string; message_id: number }): void {
    this.finding = false;
    this.select(hit.line_user_id, hit.message_id);
  }

  /** A user asks for a person: beep, and a notification naming them once their row has come. */
  private newChat(lineUserId: string): void {
    // Not for the chat this operator just switched to HUMAN themselves.
    if (!alertsOn() || (this.ownSwitch?.id === lineUserId && Date.now() - this.ownSwitch.at < 5000)) return;
    beep();
    setTimeout(() => {
      const name = this.store.names.get(lineUserId) ?? lineUserId;
      notify(t('lc.alert.title'), t('lc.alert.body', { name }), `llc-${lineUserId}`, () => this.select(lineUserId));
    }, 300);
  }

  private select(lineUserId: string, around?: number): void {
    const url = `${pathOf('live-chat')}?user=${encodeURIComponent(lineUserId)}`;
    // From the list into a chat is a step Back undoes (a phone's back); chat to chat replaces it,
    // keeping whether it was such a step (a Telegram link's page was not).
    if (userParam()) history.replaceState(history.state, '', url);
    else history.pushState({ llcChat: true }, '', url);
    this.refusal = '';
    void this.store.open(lineUserId, around);
  }

  private back(): void {
    const from = this.store.selected;
    if ((history.state as { llcChat?: boolean } | null)?.llcChat && userParam()) {
      history.back();
    } else {
      history.replaceState(null, '', pathOf('live-chat'));
      this.store.deselect();
      this.refusal = '';
    }
    this.refocus = from ?? undefined;
  }

  /** Back in the list (now, or once history has gone back): the row the operator came from. */
  updated(): void {
    if (!this.refocus || this.store.selected) return;
    const id = this.refocus;
    this.refocus = undefined;
    void this.renderRoot.querySelector<ConversationList>('llc-conversation-list')?.focusRow(id);
  }

  private async run(action: Action, work: () => Promise<unknown>): Promise<boolean> {
    this.refusal = '';
    try {
      await work();
      return true;
    } catch (err) {
      this.refusal = t(`lc.refused.${action}`, { error: errorText(err) });
      // Someone else holds the chat, or it changed meanwhile: show it as it is now.
      if (err instanceof ApiError && (err.status === 403 || err.status === 409)) {
        void this.store.reloadChat();
        void this.store.loadList();
      }
      return false;
    }
  }

  private switchMode(mode: ChatMode): void {
    if (mode === 'HUMAN' && this.store.selected) this.ownSwitch = { id: this.store.selected, at: Date.now() };
    void this.run('mode', () => this.store.setMode(mode));
  }

  private send(request: SendRequest): void {
    void this.run('send', () => this.store.send(request.content)).then((ok) => request.settle(ok));
  }

  private sendFile(request: SendFileRequest): void {
    void this.run('send', () => this.store.sendFile(request.file)).then((ok) => request.settle(ok));
  }

  private note(request: SendRequest): void {
    void this.run('note', () => this.store.note(request.content as string)).then((ok) => request.settle(ok));
  }

  private saveDetails(request: SaveDetailsRequest): void {
    this.store.saveDetails(request.changes).then(
      () => request.settle(),
      (err) => request.settle(err),
    );
  }

  private toggleLabel(detail: { id: number; on: boolean }): void {
    this.refusal = '';
    this.store.toggleLabel(detail.id, detail.on).catch((err) => (this.refusal = t('cd.label.failed', { error: (err as Error).message })));
  }

  private stats(e: Event): void {
    e.preventDefault();
    navigate(pathOf('analytics'));
  }

  private composerState(): { disabled: boolean; reason: string } {
    const s = this.store.session;
    const me = currentOperator();
    // LINE delivers nothing to a user who left: the API would refuse (contact_unfollowed).
    const friend = this.store.contact?.friend_status;
    if (friend === 'UNFOLLOWED' || friend === 'BLOCKED')
      return { disabled: true, reason: t(friend === 'BLOCKED' ? 'lc.composer.blocked' : 'lc.composer.unfollowed') };
    if (!s) return { disabled: true, reason: t('lc.composer.bot') };
    if (s.status === 'ACTIVE' && s.operator && s.operator.id !== me?.id && me?.role !== 'admin') {
      return { disabled: true, reason: t('lc.composer.held', { name: s.operator.display_name ?? s.operator.username ?? '?' }) };
    }
    return { disabled: false, reason: '' };
  }

  private chat() {
    const st = this.store;
    if (!st.selected) return html`<p class="placeholder muted">${t('lc.pick')}</p>`;
    if (st.chatError) {
      return html`${this.narrow ? html`<button class="icon back" aria-label=${t('lc.back')} @click=${this.back}>${icon('back', 22)}</button>` : nothing}
        <p class="placeholder error" role="alert">${st.chatError === 'not-found' ? t('lc.chat.notfound') : t('lc.chat.error', { error: st.chatError })}</p>`;
    }
    if (!st.contact) return html`<p class="placeholder muted" role="status">${t('lc.chat.loading')}</p>`;
    const composer = this.composerState();
    return html`
      <llc-chat-header .contact=${st.contact} .session=${st.session} .labels=${st.details?.line_user_id === st.selected ? st.details.labels : []} .me=${currentOperator()} .busy=${st.busy} .narrow=${this.narrow}
        @back=${this.back}
        @claim=${() => this.run('claim', () => this.store.claim())}
        @close-chat=${() => this.run('close', () => this.store.close())}
        @mode-change=${(e: CustomEvent<ChatMode>) => this.switchMode(e.detail)}
        @transfer=${(e: CustomEvent<TransferRequest>) => this.run('transfer', () => this.store.transfer(e.detail.operatorId, e.detail.note))}></llc-chat-header>
      ${
        this.refusal
          ? html`<div class="refusal" role="alert"><span>${this.refusal}</span>
        <button class="icon" aria-label=${t('lc.dismiss')} @click=${() => (this.refusal = '')}>${icon('close', 16)}</button></div>`
          : nothing
      }
      <llc-contact-card .details=${st.details} .lineUserId=${st.selected} .open=${cardOpen}
        @card-toggle=${(e: CustomEvent<boolean>) => (cardOpen = e.detail)}
        @save-details=${(e: CustomEvent<SaveDetailsRequest>) => this.saveDetails(e.detail)}
        @toggle-label=${(e: CustomEvent<{ id: number; on: boolean }>) => this.toggleLabel(e.detail)}></llc-contact-card>
      <llc-message-list .messages=${st.messages} .timeline=${st.timeline} .conversationId=${st.selected} .more=${!!st.olderCursor} .loadingOlder=${st.loadingOlder} .busy=${st.busy}
        .focusId=${st.focusMessageId} .newer=${!!st.newerCursor} .loadingNewer=${st.loadingNewer}
        @load-older=${() => this.store.loadOlder()}
        @load-newer=${() => this.store.loadNewer()}
        @retry=${(e: CustomEvent<number>) => this.run('retry', () => this.store.retry(e.detail))}></llc-message-list>
      <llc-composer .conversationId=${st.selected} .disabled=${composer.disabled} .reason=${composer.reason} .busy=${st.busy}
        @send=${(e: CustomEvent<SendRequest>) => this.send(e.detail)}
        @send-file=${(e: CustomEvent<SendFileRequest>) => this.sendFile(e.detail)}
        @note=${(e: CustomEvent<SendRequest>) => this.note(e.detail)}></llc-composer>
    `;
  }

  render() {
    const st = this.store;
    const view = this.narrow && st.selected ? 'chat' : 'list';
    return html`
      <section class="card top">
        <div class="titles">
          <h1>${t('lc.title')}</h1>
          <p class="muted">${t('lc.subtitle')}</p>
        </div>
        <div class="counts">
          <llc-hours-badge></llc-hours-badge>
          <span class="pill waiting" data-testid="waiting-count">${t('lc.waiting', { n: st.waitingCount })}</span>
          <span class="pill active">${t('lc.active', { n: st.activeCount })}</span>
          <a class="stats" href=${pathOf('analytics')} @click=${this.stats}>${icon('chart', 16)} ${t('lc.stats')}</a>
          <button class="stats" aria-label=${t('lc.find')} aria-expanded=${this.finding ? 'true' : 'false'} @click=${this.toggleSearch}>${icon('search', 16)} <span class="label">${t('lc.find')}</span></button>
          <button class="icon keys" aria-label=${t('lc.keys')} title=${t('lc.keys')} aria-expanded=${this.showingKeys ? 'true' : 'false'} @click=${() => (this.showingKeys = !this.showingKeys)}>?</button>
          <llc-alert-bell></llc-alert-bell>
        </div>
      </section>
      ${
        this.handed
          ? html`<div class="handed" role="status"><span>${this.handed.text}</span>
        <button class="send" @click=${() => this.openHanded()}>${t('lc.handed.open')}</button>
        <button class="icon" aria-label=${t('lc.dismiss')} @click=${() => (this.handed = null)}>${icon('close', 16)}</button></div>`
          : nothing
      }
      <div class="card body" data-view=${view}>
        <llc-conversation-list class="list" .conversations=${st.conversations} .filter=${st.filter} .label=${st.label} .waiting=${st.waitingCount}
          .selected=${st.selected} .loading=${st.listLoading} .more=${!!st.nextCursor} .total=${st.total} .error=${st.listError} .me=${currentOperator()?.id ?? null}
          @filter-change=${(e: CustomEvent<Filter>) => st.setFilter(e.detail)}
          @query-change=${(e: CustomEvent<string>) => st.setQuery(e.detail)}
          @label-change=${(e: CustomEvent<number | null>) => st.setLabel(e.detail)}
          @load-more=${() => st.loadMore()}
          @open-conversation=${(e: CustomEvent<string>) => this.select(e.detail)}></llc-conversation-list>
        <section class="chat" aria-label=${st.contact?.display_name ?? t('lc.messages')}>${this.chat()}</section>
        ${this.finding ? html`<llc-message-search class="panel" role="search" @open-hit=${(e: CustomEvent<{ line_user_id: string; message_id: number }>) => this.openHit(e.detail)} @close=${() => (this.finding = false)}></llc-message-search>` : nothing}
        ${this.showingKeys ? html`<llc-shortcut-help class="panel keys-panel" role="dialog" aria-label=${t('lc.keys')} @close=${() => (this.showingKeys = false)}></llc-shortcut-help>` : nothing}
      </div>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: flex; flex-direction: column; gap: 0.75rem; height: 100%; box-sizing: border-box; padding: 1rem; background: var(--llc-bg); }
    .card { background: var(--llc-surface); border-radius: 0.75rem; box-shadow: 0 4px 12px rgb(15 23 42 / 0.08); }
    .top { display: flex; align-items: center; justify-content: space-between; gap: 0.75rem; padding: 0.75rem 1.25rem; flex-wrap: wrap; }
    h1 { margin: 0; font-size: 1.25rem; }
    .titles p { margin: 0; font-size: 0.85rem; }
    .counts { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
    .stats { display: inline-flex; align-items: center; gap: 0.3rem; color: var(--lc-primary); text-decoration: none; border: 1px solid #c7c2fa; border-radius: var(--llc-radius); padding: 0.3rem 0.7rem; font-size: 0.9rem; }
    .stats:hover { background: #f5f3ff; }
    .body { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(17rem, 22rem) 1fr; overflow: hidden; }
    .list { border-right: 1px solid var(--llc-border); min-height: 0; }
    .chat { display: flex; flex-direction: column; min-width: 0; min-height: 0; }
    llc-message-list { flex: 1; }
    .placeholder { margin: auto; padding: 2rem; text-align: center; }
    .body { position: relative; }
    .panel { position: absolute; top: 0; left: 0; bottom: 0; width: min(100%, 26rem); z-index: 5; box-shadow: 4px 0 16px rgb(15 23 42 / 0.15); }
    .keys-panel { bottom: auto; }
    .keys { font-weight: 700; min-width: 2rem; border: 1px solid var(--llc-border); }
    .refusal { display: flex; align-items: center; gap: 0.5rem; background: #fef2f2; color: #b91c1c; padding: 0.4rem 1rem; border-bottom: 1px solid #fecaca; font-size: 0.9rem; }
    .refusal span { flex: 1; }
    .handed { display: flex; align-items: center; gap: 0.5rem; background: #ecfeff; color: #0e7490; border: 1px solid #a5f3fc; border-radius: 0.75rem; padding: 0.4rem 0.75rem; font-size: 0.9rem; }
    .handed span { flex: 1; min-width: 0; overflow-wrap: anywhere; }
    .back { font-size: 1.3rem; align-self: flex-start; margin: 0.5rem; }
    @media (max-width: 719.98px) {
      :host { padding: 0; gap: 0; }
      .card { border-radius: 0; box-shadow: none; }
      .top { padding: 0.4rem 0.75rem; border-bottom: 1px solid var(--llc-border); }
      .titles p { display: none; }
      h1 { font-size: 1.05rem; }
      .body { grid-template-columns: 1fr; }
      .list { border-right: none; }
      .body[data-view='chat'] .list { display: none; }
      .body[data-view='list'] .chat { display: none; }
      /* A phone has no keyboard to speak of; the search keeps its icon. */
      .keys, .stats .label { display: none; }
    }
  `,
  ];
}
customElements.define('llc-live-chat-page', LiveChatPage);
