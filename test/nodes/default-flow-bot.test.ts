import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helper, httpProbe, serveHttpNode, useLineNodeRuntime } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { messageEvent, sign, userId, webhookBody } from '../support/line-webhooks';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import chatModeRouterNode from '../../nodes/chat-mode-router/chat-mode-router';
import lineReplyNode from '../../nodes/line-reply/line-reply';
import analyticsAggregateNode from '../../nodes/analytics-aggregate/analytics-aggregate';
import type { SessionStoreNode } from '../../nodes/shared/session-store';

// Node-RED's own nodes that the shipped flow uses.
const functionNode = require('@node-red/nodes/core/function/10-function.js');
const commentNode = require('@node-red/nodes/core/common/90-comment.js');
const injectNode = require('@node-red/nodes/core/common/20-inject.js');


describe('the shipped default flow: the BOT branch', function () {
  this.timeout(30000);
  let fake: FakeLine;
  const lineStandIn = useLineNodeRuntime();
  before(() => {
    fake = lineStandIn();
  });


  it('answers a text message by reply token and records the answer as a BOT message', async () => {
    const dataDir = tempDir();
    await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
    const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'flows', 'live-chat-handoff.json'), 'utf8'));
    const flow = shipped.map((n: any) => (n.type === 'session-store' ? { ...n, dataDir } : n)).concat({ id: 'probe', type: 'http-probe', z: 'llc-tab' });
    await helper.load([httpProbe, sessionStoreNode, lineWebhookNode, chatModeRouterNode, lineReplyNode, functionNode, commentNode, injectNode, analyticsAggregateNode], flow);
    const liveChat = await (helper.getNode('llc-store') as SessionStoreNode).liveChat;
    const http = await serveHttpNode();
    try {
      const replyToken = fake.issueReplyToken();
      const body = webhookBody([messageEvent('ราคาเท่าไหร่ครับ', { userId: userId(), replyToken })]);
      const res = await fetch(`${http.baseUrl}/line/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': sign(body) }, body: new Uint8Array(body) });
      assert.strictEqual(res.status, 200);
      const deadline = Date.now() + 5000;
      while (fake.requestsTo('POST', '/v2/bot/message/reply').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const reply = fake.requestsTo('POST', '/v2/bot/message/reply')[0];
      assert.ok(reply, 'the bot replied');
      assert.strictEqual(reply.body.replyToken, replyToken);
      assert.match(reply.body.messages[0].text, /ติดต่อเจ้าหน้าที่/);
      let rows: any[] = [];
      while (rows.length === 0 && Date.now() < deadline) {
        rows = await liveChat.store.sql.rows(`SELECT sender, delivery_status FROM messages WHERE direction = 'OUT' AND delivery_status = 'SENT'`);
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepStrictEqual(rows, [{ sender: 'BOT', delivery_status: 'SENT' }]);
    } finally {
      await http.close();
      await helper.unload();
    }
  });
});
