// The database's connections go to urgent work (an inbox request, a webhook's store) before
// background work that waited longer, on the embedded database's single connection and on a
// server's pool alike.
import assert from 'node:assert';
import { inBackground, urgently } from '../../src/util/urgency';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { describeEachDatabase } from '../support/databases';
import { type HeldConnections, holdEveryConnection } from '../support/held-connections';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDatabase('connection priority', (db) => {
  let server: ApiServer | undefined;
  let hold: HeldConnections | undefined;
  afterEach(async () => {
    await hold?.letAllGo();
    hold = undefined;
    await server?.close();
    server = undefined;
  });

  it('hands a freed connection to urgent work before background work that waited longer', async () => {
    hold = await holdEveryConnection(db());
    const order: string[] = [];
    const background = [1, 2, 3].map((n) => inBackground(() => db().sql.rows(`SELECT ${n} AS n`)).then(() => void order.push(`background ${n}`)));
    await sleep(20);
    const urgent = urgently(() => db().sql.rows('SELECT 0 AS n')).then(() => void order.push('urgent'));
    await sleep(20);
    assert.deepStrictEqual(order, []);
    hold.letGo();
    await urgent;
    assert.deepStrictEqual(order, ['urgent']);
    await hold.letAllGo();
    await Promise.all(background);
    assert.deepStrictEqual(order.slice(1).sort(), ['background 1', 'background 2', 'background 3']);
  });

  it("answers an operator's API request (several statements) on one freed connection ahead of the background work that waited longer", async () => {
    server = await startApiServer(db());
    const token = await login(server.baseUrl);
    hold = await holdEveryConnection(db());
    const order: string[] = [];
    const background = Array.from({ length: 10 }, (_, n) => inBackground(() => db().sql.rows(`SELECT ${n} AS n`)).then(() => void order.push('background')));
    await sleep(20);
    const request = call(server.baseUrl, 'GET', '/admin/live-chat/conversations', { token }).then((res) => {
      order.push('inbox');
      return res;
    });
    await sleep(50);
    hold.letGo();
    const res = await request;
    assert.strictEqual(res.status, 200);
    // First come, first served, it would come after all ten; a statement of the queue may slip
    // in between two of the request's when its next one comes a moment late.
    assert.ok(order.indexOf('inbox') <= 2, order.join(', '));
    await hold.letAllGo();
    await Promise.all(background);
    assert.strictEqual(order.length, 11);
  });
});
