import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { useLiveChatHarness } from '../support/live-chat-harness';
import { followEvent, messageEvent, unfollowEvent, userId } from '../support/line-webhooks';
import { addDays, dayIn } from '../../src/analytics/calendar';

// Issue 12's figures from chats made through the real code paths: signed webhooks ingested, the
// handoff as the node starts it, claim, reply and close through the REST API, the idle sweep and
// an unfollow while waiting. The clock is the real one; what is asserted is counts, exactly.
describeEachDatabase('analytics: the figures of chats made through the real paths', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });

  it('counts a missed, an abandoned and a resolved handoff, the reply, a bot-only chat, the friends and a rating', async () => {
    const { chat, somchai } = suite;
    // Missed: nobody claims it, the idle sweep closes it.
    await chat.waitingChat();
    assert.strictEqual((await chat.app.sessions.closeIdle(new Date(Date.now() + 24 * 60 * 60 * 1000))).length, 1);
    // Resolved: claimed, answered and closed by somchai.
    const served = await chat.activeChat(somchai);
    const reply = await chat.api('POST', `/admin/live-chat/conversations/${served}/messages`, somchai, { text: 'สวัสดีค่ะ' });
    assert.strictEqual(reply.status, 200, JSON.stringify(reply.body));
    assert.strictEqual((await chat.api('POST', `/admin/live-chat/conversations/${served}/close`, somchai, {})).status, 200);
    // Abandoned: the user leaves (unfollows) while waiting.
    const leaver = await chat.waitingChat();
    await chat.webhook([unfollowEvent({ userId: leaver })]);
    assert.strictEqual((await chat.sessionsOf(leaver))[0].closed_by, 'USER');
    // Contained: a new friend talks to the bot only.
    const botOnly = userId();
    await chat.webhook([followEvent({ userId: botOnly, replyToken: chat.fake.issueReplyToken() })]);
    await chat.webhookThroughHandoff([messageEvent('ราคาเท่าไหร่คะ', { userId: botOnly, replyToken: chat.fake.issueReplyToken() })]);
    // The served user rates the chat (part C's table; written here as it would be).
    const [session] = await chat.sessionsOf(served);
    await chat.app.db.sql.exec(
      `INSERT INTO session_ratings (session_id, contact_id, operator_id, asked_at, score, rated_at) VALUES ($1, $2, $3, now(), 4, now())`,
      [session.id, session.contact_id, somchai.id],
    );

    // Yesterday too, in case the test runs across midnight in the zone.
    const today = dayIn('Asia/Bangkok', new Date());
    const range = `from_date=${addDays(today, -1)}&to_date=${today}`;
    const overview = await chat.api('GET', `/admin/live-chat/analytics?${range}`, somchai);
    assert.strictEqual(overview.status, 200);
    const o = overview.body;
    assert.deepStrictEqual(
      {
        total: o.total_sessions,
        funnel: o.funnel,
        missed: o.missed_sessions,
        abandoned: o.abandoned_sessions,
        replies: o.replies,
        conversations: [o.conversations, o.contained_conversations],
        friends: o.friends,
        csat: [o.csat.ratings, o.csat.average],
        hours: o.business_hours.in_hours_sessions + o.business_hours.after_hours_sessions,
      },
      {
        total: 3,
        funnel: { asked: 3, claimed: 1, resolved: 1, rated: 1 },
        missed: 1,
        abandoned: 1,
        replies: 1,
        conversations: [4, 1],
        friends: { follows: 1, unfollows: 1, refollows: 0 },
        csat: [1, 4],
        hours: 3,
      },
    );
    // The reply answered the handoff request: from that message to the reply.
    const messages = await chat.messagesOf(served);
    const asked = messages.find((m) => m.sender === 'USER');
    const answered = messages.find((m) => m.sender === 'OPERATOR');
    const waited = (answered.created_at - asked.created_at) / 1000;
    assert.ok(Math.abs(o.avg_response_seconds - waited) <= 0.1, `${o.avg_response_seconds} s, the wait was ${waited} s`);

    const operators = (await chat.api('GET', `/admin/live-chat/analytics/operators?${range}`, somchai)).body.operators;
    assert.deepStrictEqual(
      operators.map((p: any) => [p.username, p.sessions, p.resolved_sessions, p.replies, p.csat.ratings, p.csat.average]),
      [['somchai', 1, 1, 1, 1, 4]],
    );
  });
});
