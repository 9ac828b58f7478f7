// contact_search (migration 0032): each contact's searched columns, kept by triggers on contacts
// apart from the row each message updates. The store's own writes (new contacts in a batch, a
// fetched profile, details, labels, the first message) must reach it, and the searches read it;
// a message after the first must not write it (that was the point).
import assert from 'node:assert';
import { Store } from '../../src/store/store';
import { describeEachDatabase } from '../support/databases';

describeEachDatabase('contacts: the search row (contact_search)', (db) => {
  const searchRow = async (contactId: number) =>
    db().sql.row<{
      version: string;
      talked: boolean;
      line_user_id: string;
      display_name: string | null;
      details_search: string | null;
      label_ids: number[] | null;
    }>(`SELECT xmin::text AS version, talked, line_user_id, display_name, details_search, label_ids FROM contact_search WHERE contact_id = $1`, [contactId]);
  const withoutVersion = <T extends { version: string }>(row: T | undefined) => {
    const { version: _version, ...rest } = row!;
    return rest;
  };

  it('follows its contact: added with it, renamed, details, labels, talked from the first message, gone with it; later messages leave it alone', async () => {
    const store = new Store(db().sql);
    const found = await store.contacts.ensureMany(['U-somchai', 'U-quiet']);
    const somchai = found.get('U-somchai')!.contact;
    const quiet = found.get('U-quiet')!.contact;
    assert.deepStrictEqual(withoutVersion(await searchRow(somchai.id)), {
      talked: false,
      line_user_id: 'U-somchai',
      display_name: null,
      details_search: null,
      label_ids: null,
    });

    await store.contacts.setProfile(somchai.id, { display_name: 'สมชาย Jaidee', picture_url: null, status_message: null, language: null });
    await store.contacts.detailsChanged(
      somchai.id,
      (await store.operators.insert({ username: 'op', password_hash: 'x', display_name: 'Op', role: 'operator' })).id,
      'ORD-4411',
    );
    await store.contacts.refreshDetailsSearch([somchai.id]);
    await store.contacts.addLabel(somchai.id, 5);
    assert.deepStrictEqual(withoutVersion(await searchRow(somchai.id)), {
      talked: false,
      line_user_id: 'U-somchai',
      display_name: 'สมชาย Jaidee',
      details_search: 'ORD-4411',
      label_ids: [5],
    });
    const list = (q: { q?: string; labelId?: number }) => store.conversations.list({ filter: 'ALL', limit: 50, operatorId: 0, botTraffic: false, ...q });
    // No conversation yet: not in the inbox, whatever it is searched by.
    assert.strictEqual((await list({ q: 'Jaidee' })).total, 0);

    const message = (id: string) => ({
      contact_id: somchai.id,
      session_id: null,
      message_type: 'text',
      content: { type: 'text', text: 'สวัสดี' },
      line_message_id: id,
      webhook_event_id: `event-${id}`,
      mark_as_read_token: null,
      created_at: new Date(),
    });
    await store.messages.insertIncoming(message('m1'));
    const talked = await searchRow(somchai.id);
    assert.strictEqual(talked!.talked, true);
    for (const q of [{ q: 'Jaidee' }, { q: 'สม' }, { q: 'ORD-44' }, { q: 'u-somch' }, { labelId: 5 }, { q: 'dee', labelId: 5 }]) {
      const { rows, total } = await list(q);
      assert.deepStrictEqual([rows.map((r) => r.contact_id), total], [[somchai.id], 1], JSON.stringify(q));
    }
    assert.strictEqual((await list({ q: 'nobody' })).total, 0);
    assert.deepStrictEqual(
      (await store.contacts.listFriends({ q: 'jaidee', limit: 10 })).map((c) => c.id),
      [somchai.id],
    );

    await store.messages.insertIncoming(message('m2'));
    assert.strictEqual((await searchRow(somchai.id))!.version, talked!.version, 'a later message wrote the search row');

    await store.contacts.removeLabel(somchai.id, 5);
    assert.strictEqual((await searchRow(somchai.id))!.label_ids, null);
    await store.contacts.addLabel(somchai.id, 6);
    await store.contacts.addLabel(quiet.id, 6);
    assert.strictEqual(await store.contacts.dropLabel(6), 2);
    assert.deepStrictEqual([(await searchRow(somchai.id))!.label_ids, (await searchRow(quiet.id))!.label_ids], [null, null]);

    await db().sql.exec(`DELETE FROM contacts WHERE id = $1`, [quiet.id]);
    assert.strictEqual(await searchRow(quiet.id), undefined);
  });
});
