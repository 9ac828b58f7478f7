// The typing animation (issue 12): an operator typing in a chat they may answer makes LINE show
// the user its loading animation (POST /v2/bot/chat/loading/start through the SDK, to the
// stand-in), asked again only after the renewal time; a chat held by someone else is 403, one
// with the bot or a user who unfollowed 409; LINE failing is the log's business, not the operator's.
import assert from 'node:assert';
import { LOADING_SECONDS } from '../../src/live-chat/typing-indicator';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { messageEvent, unfollowEvent, userId } from '../support/line-webhooks';

const RENEW_MS = 400;

describeEachDatabase('typing animation', (db) => {
  const suite = useLiveChatHarness(db, { operators: true, core: { typingRenewMs: RENEW_MS } });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  beforeEach(() => ({ chat, somchai, malee } = suite));

  const typing = (user: string, as: TestOperator) => chat.api('POST', `/admin/live-chat/conversations/${user}/typing`, as);

  it('asks LINE for the animation in a chat the operator may answer, and again only after the renewal time', async () => {
    const user = await chat.waitingChat();
    const first = await typing(user, somchai);
    assert.deepStrictEqual([first.status, first.body], [204, undefined]);
    assert.strictEqual((await typing(user, somchai)).status, 204);
    assert.strictEqual((await typing(user, malee)).status, 204);
    await chat.app.typing.settled();
    assert.deepStrictEqual(chat.fake.loadingCalls(), [{ chatId: user, loadingSeconds: LOADING_SECONDS }]);
    const call = chat.fake.requestsTo('POST', '/v2/bot/chat/loading/start')[0];
    assert.strictEqual(call.headers.authorization, `Bearer ${chat.fake.accessToken}`);

    await new Promise((resolve) => setTimeout(resolve, RENEW_MS + 50));
    assert.strictEqual((await typing(user, somchai)).status, 204);
    await chat.app.typing.settled();
    assert.strictEqual(chat.fake.loadingCalls().length, 2);
    // Typing claims nothing and sends nothing.
    assert.strictEqual((await chat.sessionsOf(user))[0].status, 'WAITING');
    assert.deepStrictEqual(chat.pushedTo(user), []);
  });

  it('throttles each chat on its own', async () => {
    const one = await chat.waitingChat();
    const two = await chat.waitingChat();
    await Promise.all([typing(one, somchai), typing(two, somchai), typing(one, somchai)]);
    await chat.app.typing.settled();
    assert.deepStrictEqual(
      chat.fake
        .loadingCalls()
        .map((c) => c.chatId)
        .sort(),
      [one, two].sort(),
    );
  });

  it('is 403 in a chat another operator holds (an admin may), 409 with the bot or after an unfollow, 404 for no chat', async () => {
    const held = await chat.activeChat(somchai);
    const refused = await typing(held, malee);
    assert.deepStrictEqual([refused.status, refused.body.code], [403, 'held_by_other']);
    assert.strictEqual((await typing(held, somchai)).status, 204);
    await chat.app.typing.settled();
    assert.strictEqual(chat.fake.loadingCalls().length, 1);

    const bot = userId();
    await chat.webhook([messageEvent('สวัสดี', { userId: bot })]);
    const botChat = await typing(bot, somchai);
    assert.deepStrictEqual([botChat.status, botChat.body.code], [409, 'no_open_session']);

    const gone = await chat.waitingChat();
    await chat.webhook([unfollowEvent({ userId: gone })]);
    const unfollowed = await typing(gone, somchai);
    assert.deepStrictEqual([unfollowed.status, unfollowed.body.code], [409, 'contact_unfollowed']);

    assert.strictEqual((await typing(userId(), somchai)).status, 404);
    assert.strictEqual((await chat.api('POST', `/admin/live-chat/conversations/${held}/typing`, null)).status, 401);
    await chat.app.typing.settled();
    assert.strictEqual(chat.fake.loadingCalls().length, 1);
  });

  it('answers 204 when LINE refuses: the failure is only logged', async () => {
    const user = await chat.waitingChat();
    chat.fake.failNextLoading(400);
    assert.strictEqual((await typing(user, somchai)).status, 204);
    await chat.app.typing.settled();
    assert.strictEqual(chat.fake.requestsTo('POST', '/v2/bot/chat/loading/start').length, 1);
  });
});
