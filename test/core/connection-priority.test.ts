// The database's connections go to urgent work (an inbox request, a webhook's store) before
// background work that waited longer, on the embedded database's single connection and on a
// server's pool alike.
import assert from 'node:assert';
import { SERVER_POOL } from '../../src/db/database';
import { inBackground, urgently } from '../../src/util/urgency';
import { type ApiServer, call, login, startApiServer } from '../support/api-server';
import { describeEachDatabase } from '../support/databases';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDatabase('connection priority', (db) => {
  let server: ApiServer | undefined;
  let hold: { letGo(): void; letAllGo(): Promise<unknown> } | undefined;
  afterEach(async () => {
    await hold?.letAllGo();
    hold = undefined;
    await server?.close();
    server = undefined;
  });

  /** Background transactions holding every connection, each until let go. */
  async function holdEveryConnection(): Promise<NonNullable<typeof hold>> {
    const slots = db().kind === 'embedded' ? 1 : SERVER_POOL;
    const releases: (() => void)[] = [];
    let holding = 0;
    const done = Promise.all(
      Array.from({ length: slots }, () =>
        inBackground(() =>
          db().sql.transaction(async (tx) => {
            await tx.rows('SELECT 1');
            holding += 1;
            await new Promise<void>((resolve) => releases.push(resolve));
          }),
        ),
      ),
    );
    while (holding < slots) await sleep(5);
    return {
      letGo: () => releases.shift()?.(),
      letAllGo: () => {
        for (const release of releases.splice(0)) release();
        return done;
      },
    };
  }

  it('hands a freed connection to urgent work before background work that waited longer', async () => {
    hold = await holdEveryConnection();
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
    hold = await holdEveryConnection();
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
