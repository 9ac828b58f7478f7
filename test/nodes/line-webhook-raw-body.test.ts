// The LINE webhook inside a Node-RED whose editor parses JSON bodies before httpNode sees them:
// what a stock Node-RED does with httpAdminRoot "/". The node runtime's httpNode is mounted in an
// outer app after such a parser, at the root and under an httpNodeRoot, as Node-RED mounts it.
import assert from 'node:assert';
import path from 'node:path';
import express from 'express';
import { helper, mountHttpNodeIn, serveApp, useLineNodeRuntime } from '../support/node-red';
import { freshEmbeddedDir, tempDir } from '../support/databases';
import { messageEvent, sign, webhookBody } from '../support/line-webhooks';
import { eventually } from '../support/product';
import sessionStoreNode from '../../nodes/session-store/session-store';
import lineWebhookNode from '../../nodes/line-webhook/line-webhook';
import type { SessionStoreNode } from '../../nodes/shared/session-store';
import type { LiveChat } from '../../src/live-chat';

describe('line-webhook behind an editor that parses JSON first', function () {
  this.timeout(30000);
  useLineNodeRuntime();

  for (const root of ['/', '/nr']) {
    describe(`httpNodeRoot ${root}`, () => {
      let server: { baseUrl: string; close(): Promise<void> };
      let liveChat: LiveChat;
      let received: any[];
      /** While set, a POST marked x-hold waits here once the editor has parsed it (see arrived). */
      let hold: Promise<void> | undefined;
      let arrived: () => void = () => undefined;
      const flows = [
        { id: 'store', type: 'session-store', name: 'live chat', dataDir: '', serveHttp: false },
        { id: 'webhook', type: 'line-webhook', store: 'store', url: '/line/webhook', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ];
      const prefix = root === '/' ? '' : root;

      beforeEach(async () => {
        const dataDir = tempDir();
        await freshEmbeddedDir(path.join(dataDir, 'live-chat-db'));
        // Node-RED's own app: the editor (httpAdmin, with a JSON body parser) at "/", then httpNode.
        const outer = express();
        const editor = express();
        editor.use(express.json());
        editor.use((req, _res, next) => {
          if (!hold || !req.get('x-hold')) return next();
          arrived();
          hold.then(() => next());
        });
        outer.use('/', editor);
        // What any other JSON route under httpNode would see: the editor's parser already ran.
        const parsedBody = (RED: { httpNode: express.Express }) => {
          RED.httpNode.post('/parsed-body', (req, res) => res.json({ body: req.body }));
        };
        helper.settings({ httpNodeRoot: root });
        flows[0].dataDir = dataDir;
        await helper.load([mountHttpNodeIn(outer, root), parsedBody, sessionStoreNode, lineWebhookNode], flows);
        liveChat = await (helper.getNode('store') as SessionStoreNode).liveChat;
        received = [];
        helper.getNode('out').on('input', (msg: any) => received.push(msg));
        server = await serveApp(outer);
      });
      afterEach(async () => {
        hold = undefined;
        await server?.close();
        await helper.unload();
        helper.settings({ httpNodeRoot: undefined });
      });

      const post = (body: Buffer, signature: string, at = '/line/webhook', headers: Record<string, string> = {}) =>
        fetch(`${server.baseUrl}${prefix}${at}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-line-signature': signature, ...headers },
          body: new Uint8Array(body),
        });

      it('the editor parses JSON for every other route', async () => {
        const res = await post(Buffer.from('{"a":1}'), 'unused', '/parsed-body');
        assert.deepStrictEqual(await res.json(), { body: { a: 1 } });
      });

      it('verifies a signed application/json webhook on its exact bytes: 200 and stored', async () => {
        // LINE's own spacing: a re-serialised body would not match the signature
        const body = Buffer.from(
          webhookBody([messageEvent('สวัสดี ครับ')])
            .toString('utf8')
            .replace(/,"/g, ', "'),
        );
        const res = await post(body, sign(body));
        assert.strictEqual(res.status, 200, await res.text());
        const deadline = Date.now() + 5000;
        while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.strictEqual(received[0].payload.message.text, 'สวัสดี ครับ');
        const stored = await liveChat.store.sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM messages`);
        assert.strictEqual(stored!.n, 1);
      });

      it('still refuses a wrong signature (401) and a body over 1 MiB (413), storing nothing', async () => {
        const body = webhookBody([messageEvent('x')]);
        const wrong = await post(body, sign('another body'));
        assert.strictEqual(wrong.status, 401);
        assert.match((await wrong.json()).error, /signature/);
        const large = webhookBody([messageEvent('x'.repeat(1024 * 1024))]);
        const tooLarge = await post(large, sign(large));
        assert.strictEqual(tooLarge.status, 413);
        assert.match((await tooLarge.json()).error, /over 1mb/);
        const stored = await liveChat.store.sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_events`);
        assert.strictEqual(stored!.n, 0);
      });

      it('answers 503 with Retry-After (not 500) a webhook the editor parsed while the node restarted, and stores it when LINE delivers it again', async () => {
        // The node is taken out and put back (a redeploy); a POST passes the root in between, so
        // the editor's parser reads it, and it reaches the path once the node owns it again.
        await helper.setFlows(
          flows.filter((n) => n.id !== 'webhook'),
          'nodes',
        );
        let release: () => void = () => undefined;
        hold = new Promise((resolve) => (release = resolve));
        const parsed = new Promise<void>((resolve) => (arrived = resolve));
        const body = webhookBody([messageEvent('ระหว่างรีสตาร์ท')]);
        const answering = post(body, sign(body), '/line/webhook', { 'x-hold': '1' });
        await parsed;
        await helper.setFlows(flows, 'nodes');
        release();
        const res = await answering;
        assert.strictEqual(res.status, 503, await res.text());
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
        const before = await liveChat.store.sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_events`);
        assert.strictEqual(before!.n, 0);

        const again = await post(body, sign(body));
        assert.strictEqual(again.status, 200, await again.text());
        // Processed after the answer.
        await eventually(async () => (await liveChat.store.sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM messages`))!.n === 1);
      });
    });
  }
});
