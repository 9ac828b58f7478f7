// The store's one lock order (contact, then session, then messages) and the retry of a
// transaction that loses a deadlock anyway: a user's unfollow and an operator's close of the same
// chat, at the same moment, many times. Before, they took the contact and the session in opposite
// orders, and now and then PostgreSQL killed one as a deadlock: a close answered 500.
import assert from 'node:assert';
import { isTransientConflict } from '../../src/db/sql';
import { describeEachDatabase } from '../support/databases';
import type { LiveChatHarness, TestOperator } from '../support/live-chat-harness';
import { useLiveChatHarness } from '../support/live-chat-harness';
import { unfollowEvent } from '../support/line-webhooks';

describeEachDatabase('one lock order: unfollow against close', (db, kind) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => ({ chat, somchai } = suite));

  // The embedded database has one connection: nothing can interleave there, a few rounds suffice.
  const rounds = kind === 'postgres' ? 300 : 20;
  const atOnce = 10;

  it(`closes the chat once and answers every close, over ${rounds} races`, async function () {
    this.timeout(180000);
    for (let done = 0; done < rounds; done += atOnce) {
      const users = await Promise.all(Array.from({ length: atOnce }, () => chat.activeChat(somchai)));
      const outcomes = await Promise.all(
        users.map(async (user) => {
          const [close] = await Promise.all([
            chat.api('POST', `/admin/live-chat/conversations/${user}/close`, somchai, { message: '' }),
            chat.webhook([unfollowEvent({ userId: user })]),
          ]);
          return { user, close };
        }),
      );
      for (const { user, close } of outcomes) {
        assert.strictEqual(close.status, 200, `close of ${user} answered ${close.status}: ${JSON.stringify(close.body)}`);
        const sessions = await chat.sessionsOf(user);
        assert.strictEqual(sessions.length, 1);
        assert.strictEqual(sessions[0].status, 'CLOSED');
        assert.ok(['OPERATOR', 'USER'].includes(sessions[0].closed_by), sessions[0].closed_by);
        // The close that won says so.
        if (sessions[0].closed_by === 'OPERATOR') assert.strictEqual(close.body.changed, true);
        const contact = await chat.app.store.contacts.byLineUserId(user);
        assert.deepStrictEqual([contact?.chat_mode, contact?.friend_status], ['BOT', 'UNFOLLOWED']);
      }
    }
    const unprocessed = await chat.app.db.sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL`);
    assert.strictEqual(unprocessed?.n, 0);
  });
});

describe('transactions that lose a deadlock', () => {
  it('are told apart from other failures by their SQLSTATE (deadlock, serialization), as sequelize wraps them', () => {
    assert.ok(isTransientConflict({ parent: { code: '40P01' } }));
    assert.ok(isTransientConflict({ parent: { code: '40001' } }));
    assert.ok(isTransientConflict({ code: '40P01' }));
    assert.ok(!isTransientConflict({ parent: { code: '23505' } }));
    assert.ok(!isTransientConflict(new Error('connection refused')));
  });
});
