// A live chat core wired to FakeLine with a default LINE credential, its API on a loopback port,
// and the steps the tests repeat: operators who log in, webhooks ingested as the line-webhook
// route does, and handoffs started from them as the handoff node does.
import assert from 'node:assert';
import type { Database } from '../../src/db/database';
import type { LiveChat, LiveChatOptions } from '../../src/live-chat';
import type { LineEventOutput } from '../../src/line/webhook-ingest';
import type { HandoffRequest, HandoffResult } from '../../src/live-chat/handoff';
import { type ApiServer, type ApiResponse, call, login, startApiServer } from './api-server';
import { FakeLine } from './fake-line';
import { CHANNEL_SECRET, messageEvent, sign, userId, webhookBody } from './line-webhooks';

export interface TestOperator {
  id: number;
  username: string;
  display_name: string;
  token: string;
}

export class LiveChatHarness {
  private constructor(
    readonly server: ApiServer,
    readonly fake: FakeLine,
    readonly admin: TestOperator,
  ) {}

  static async start(db: Database, fake: FakeLine, options: Partial<LiveChatOptions> = {}): Promise<LiveChatHarness> {
    const server = await startApiServer(db, {
      lineApiBaseUrl: fake.baseUrl,
      // LINE's content API (api-data.line.me) is the same stand-in.
      lineDataApiBaseUrl: fake.baseUrl,
      linePushRetryDelaysMs: [5, 5],
      environmentCredentials: { line: { channel_secret: CHANNEL_SECRET, channel_access_token: fake.accessToken } },
      ...options,
    });
    const token = await login(server.baseUrl);
    const me = await call(server.baseUrl, 'GET', '/auth/me', { token });
    const { id, username, display_name } = me.body.operator;
    return new LiveChatHarness(server, fake, { id, username, display_name, token });
  }

  get app(): LiveChat {
    return this.server.app;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** A new operator account (made by the admin) that has logged in. */
  async operator(username: string, options: { role?: 'admin' | 'operator'; display_name?: string } = {}): Promise<TestOperator> {
    const password = `${username}-password-1`;
    const created = await this.api('POST', '/admin/operators', this.admin, { username, password, ...options });
    assert.strictEqual(created.status, 201, JSON.stringify(created.body));
    const token = await login(this.server.baseUrl, { username, password });
    return { id: created.body.id, username, display_name: created.body.display_name, token };
  }

  api<T = any>(method: string, path: string, as: TestOperator | null, body?: unknown): Promise<ApiResponse<T>> {
    return call<T>(this.server.baseUrl, method, path, { token: as?.token, body });
  }

  /** A signed webhook body through accept(), as the line-webhook route runs it: its msgs once processed. */
  async webhook(events: Record<string, unknown>[]): Promise<LineEventOutput[]> {
    const body = webhookBody(events);
    const result = await this.app.lineWebhook.accept(body, sign(body), CHANNEL_SECRET, { channelAccessToken: this.fake.accessToken });
    assert.strictEqual(result.outcome, 'accepted');
    return result.outcome === 'accepted' ? result.processed : [];
  }

  /** What the handoff node does with one line-webhook msg: undefined when it is not a trigger. */
  async handoff(output: LineEventOutput, extra: Partial<HandoffRequest> & { handoff?: unknown } = {}): Promise<HandoffResult | undefined> {
    const { handoff, ...request } = extra;
    if (!output.contact || !(await this.app.handoff.isTrigger({ event: output.payload, handoff }))) return undefined;
    const trigger = output.line.messageId ? await this.app.store.messages.incomingByLineMessageId(output.line.messageId) : undefined;
    return this.app.handoff.start({
      contact: output.contact,
      replyToken: output.line.replyToken,
      receivedAt: output.line.receivedAt,
      mode: output.line.mode,
      triggerMessageId: trigger?.id,
      ...request,
    });
  }

  /** A webhook whose msgs all go through the handoff at once (Node-RED does not wait between msgs). */
  async webhookThroughHandoff(events: Record<string, unknown>[]): Promise<(HandoffResult | undefined)[]> {
    const outputs = await this.webhook(events);
    return Promise.all(outputs.map((output) => this.handoff(output)));
  }

  /** A user who wrote `text` and was handed over: their LINE id (the chat is WAITING). */
  async waitingChat(text = 'ติดต่อเจ้าหน้าที่', user = userId()): Promise<string> {
    const [result] = await this.webhookThroughHandoff([messageEvent(text, { userId: user, replyToken: this.fake.issueReplyToken() })]);
    assert.strictEqual(result?.outcome, 'opened');
    return user;
  }

  /** A waiting chat claimed by `operator`. */
  async activeChat(operator: TestOperator, user?: string): Promise<string> {
    const lineUserId = await this.waitingChat(undefined, user);
    const claimed = await this.api('POST', `/admin/live-chat/conversations/${lineUserId}/claim`, operator);
    assert.strictEqual(claimed.status, 200, JSON.stringify(claimed.body));
    return lineUserId;
  }

  sessionsOf(lineUserId: string): Promise<any[]> {
    return this.app.db.sql.rows(`SELECT * FROM chat_sessions WHERE line_user_id = $1 ORDER BY id`, [lineUserId]);
  }

  messagesOf(lineUserId: string): Promise<any[]> {
    return this.app.db.sql.rows(`SELECT m.* FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.line_user_id = $1 ORDER BY m.id`, [lineUserId]);
  }

  /** `operator`'s unread count of the chat with `lineUserId`, as the first page of the list says. */
  async unreadCount(operator: TestOperator, lineUserId: string): Promise<number> {
    const list = await this.api('GET', '/admin/live-chat/conversations', operator);
    return list.body.conversations.find((c: any) => c.line_user_id === lineUserId).unread_count;
  }

  async contactOf(lineUserId: string): Promise<any> {
    return this.app.db.sql.row(`SELECT * FROM contacts WHERE line_user_id = $1`, [lineUserId]);
  }

  /** The texts LINE was asked to push to `lineUserId`, one list per request. */
  pushedTo(lineUserId: string): string[][] {
    return this.fake
      .requestsTo('POST', '/v2/bot/message/push')
      .filter((r) => r.body?.to === lineUserId)
      .map((r) => r.body.messages.map((m: any) => m.text ?? `[${m.type}]`));
  }

  /** The texts LINE was asked to send by reply token, one list per request. */
  replied(): string[][] {
    return this.fake.requestsTo('POST', '/v2/bot/message/reply').map((r) => r.body.messages.map((m: any) => m.text ?? `[${m.type}]`));
  }
}

export interface LiveChatSuite {
  fake: FakeLine;
  chat: LiveChatHarness;
  /** Two logged-in operators, สมชาย and มาลี, when asked for. */
  somchai: TestOperator;
  malee: TestOperator;
}

/**
 * Mocha hooks for a suite on the harness: one FakeLine for the suite, a fresh core (and, with
 * `operators`, two logged-in operators) for every test. Fields are set before each test.
 */
export function useLiveChatHarness(db: () => Database, options: { operators?: boolean; core?: Partial<LiveChatOptions> } = {}): LiveChatSuite {
  const suite = {} as LiveChatSuite;
  before(async () => {
    suite.fake = await new FakeLine().start();
  });
  after(() => suite.fake?.close());
  beforeEach(async () => {
    suite.fake.reset();
    suite.chat = await LiveChatHarness.start(db(), suite.fake, options.core);
    if (options.operators) {
      suite.somchai = await suite.chat.operator('somchai', { display_name: 'สมชาย' });
      suite.malee = await suite.chat.operator('malee', { display_name: 'มาลี' });
    }
  });
  afterEach(() => suite.chat.close());
  return suite;
}
