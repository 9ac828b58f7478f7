// ContactsTable.ensureMany, the webhook's one statement for a batch's contacts: new ones
// inserted, known ones locked and read, and the two races a single statement's snapshot opens,
// run for real on two connections of a PostgreSQL server.
import assert from 'node:assert';
import { Store } from '../../src/store/store';
import type { Database } from '../../src/db/database';
import { describeEachDatabase } from '../support/databases';

/** Resolves once some statement on the server waits for a lock. */
async function someoneWaitsForALock(db: Database): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const row = await db.sql.row<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted`);
    if (row!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no statement waited for a lock');
}

/** A transaction on its own connection that runs `statement`, then holds on until `commit()`. */
function heldTransaction(db: Database, statement: string): { started: Promise<void>; commit(): void; done: Promise<void> } {
  let started!: () => void;
  let commit!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const committing = new Promise<void>((resolve) => (commit = resolve));
  const done = db.sql.transaction(async (tx) => {
    await tx.exec(statement);
    started();
    await committing;
  });
  return { started: startedPromise, commit, done };
}

describeEachDatabase('contacts: ensureMany', (db, kind) => {
  it('inserts the new contacts and answers the known ones, each once, with which is which', async () => {
    const store = new Store(db().sql);
    await db().sql.exec(`INSERT INTO contacts (line_user_id, display_name) VALUES ('U-known-1', 'Known 1'), ('U-known-2', 'Known 2')`);
    const found = await store.transaction((tx) => tx.contacts.ensureMany(['U-new-1', 'U-known-2', 'U-new-1', 'U-known-1', 'U-new-2']));
    assert.deepStrictEqual([...found].map(([id, { contact, created }]) => [id, contact.line_user_id, contact.display_name, created]).sort(), [
      ['U-known-1', 'U-known-1', 'Known 1', false],
      ['U-known-2', 'U-known-2', 'Known 2', false],
      ['U-new-1', 'U-new-1', null, true],
      ['U-new-2', 'U-new-2', null, true],
    ]);
    assert.strictEqual((await db().sql.row<{ n: number }>(`SELECT count(*)::int AS n FROM contacts`))!.n, 4);
    assert.strictEqual((await store.contacts.ensureMany([])).size, 0);
  });

  it('answers a contact another transaction committed while the statement waited for it', async function () {
    // Two connections at once: a server's.
    if (kind === 'embedded') this.skip();
    const other = heldTransaction(db(), `INSERT INTO contacts (line_user_id, display_name) VALUES ('U-race', 'Theirs')`);
    await other.started;
    // Its snapshot is taken before the other commits; its insert waits for the other's row.
    const ours = new Store(db().sql).transaction((tx) => tx.contacts.ensureMany(['U-race', 'U-fresh']));
    await someoneWaitsForALock(db());
    other.commit();
    await other.done;
    const found = await ours;
    assert.deepStrictEqual([found.get('U-race')?.created, found.get('U-race')?.contact.display_name, found.get('U-fresh')?.created], [false, 'Theirs', true]);
  });

  it("locks the known contacts and answers their latest version, after another transaction's change", async function () {
    if (kind === 'embedded') this.skip();
    await db().sql.exec(`INSERT INTO contacts (line_user_id, display_name) VALUES ('U-known', 'Before')`);
    const other = heldTransaction(db(), `UPDATE contacts SET display_name = 'After' WHERE line_user_id = 'U-known'`);
    await other.started;
    const ours = new Store(db().sql).transaction(async (tx) => {
      const found = await tx.contacts.ensureMany(['U-known']);
      // Still locked by us: another transaction's change waits for our commit.
      const locked = await db().sql.row<{ n: number }>(
        `SELECT count(*)::int AS n FROM contacts WHERE line_user_id = 'U-known' AND id IN (SELECT id FROM contacts FOR NO KEY UPDATE SKIP LOCKED)`,
      );
      return { found, lockedElsewhere: locked!.n === 0 };
    });
    await someoneWaitsForALock(db());
    other.commit();
    await other.done;
    const { found, lockedElsewhere } = await ours;
    assert.strictEqual(found.get('U-known')?.contact.display_name, 'After');
    assert.strictEqual(found.get('U-known')?.created, false);
    assert.ok(lockedElsewhere, 'the contact was locked by ensureMany for the rest of its transaction');
  });
});
