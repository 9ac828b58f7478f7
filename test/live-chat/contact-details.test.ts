// Contact details, labels and exports (issue 11) through the API, with the live updates another
// operator's socket gets, on both databases.
import assert from 'node:assert';
import { describeEachDatabase } from '../support/databases';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { connectLiveSocket, type LiveSocket } from '../support/live-socket';
import { messageEvent, userId } from '../support/line-webhooks';
import { csvCell } from '../../src/util/csv';
import { FRIEND_COLUMNS, parseCsv } from '../support/csv';

const LIST = '/admin/live-chat/conversations';
const FIELDS = '/admin/live-chat/contact-fields';
const LABELS = '/admin/live-chat/labels';

describeEachDatabase('contact details, labels and exports', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  let malee: TestOperator;
  const sockets: LiveSocket[] = [];
  beforeEach(() => ({ chat, somchai, malee } = suite));
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  const admin = () => chat.admin;
  async function defineFields() {
    const made: Record<string, number> = {};
    for (const [name, type] of [
      ['Phone', 'phone'],
      ['Email', 'email'],
      ['Order number', 'text'],
      ['Points', 'number'],
    ]) {
      const res = await chat.api('POST', FIELDS, admin(), { name, type });
      assert.strictEqual(res.status, 201, JSON.stringify(res.body));
      made[name] = res.body.field.id;
    }
    return made;
  }
  async function label(name: string, color = '#ef4444'): Promise<number> {
    const res = await chat.api('POST', LABELS, admin(), { name, color });
    assert.strictEqual(res.status, 201, JSON.stringify(res.body));
    return res.body.label.id;
  }
  async function botChat(text: string, at = Date.now()): Promise<string> {
    const user = userId();
    await chat.webhook([messageEvent(text, { userId: user, timestamp: at })]);
    return user;
  }
  async function socketOf(operator: TestOperator): Promise<LiveSocket> {
    const live = await connectLiveSocket(chat.server.origin, { auth: { token: operator.token } });
    sockets.push(live);
    await live.next('hello');
    return live;
  }

  it('admins define fields and labels; operators read them but may not change them; bad input is a 400 naming the field', async () => {
    const fields = await defineFields();
    const list = await chat.api('GET', FIELDS, somchai);
    assert.deepStrictEqual(
      list.body.fields.map((f: any) => [f.name, f.type, f.position]),
      [
        ['Phone', 'phone', 1],
        ['Email', 'email', 2],
        ['Order number', 'text', 3],
        ['Points', 'number', 4],
      ],
    );
    assert.strictEqual((await chat.api('POST', FIELDS, somchai, { name: 'X', type: 'text' })).status, 403);
    assert.strictEqual((await chat.api('POST', LABELS, somchai, { name: 'VIP', color: '#ff0000' })).status, 403);
    for (const [body, field] of [
      [{ type: 'text' }, 'name'],
      [{ name: 'Line', type: 'date' }, 'type'],
      [{ name: 'X'.repeat(101), type: 'text' }, 'name'],
      [{ name: 'Y', type: 'text', position: -1 }, 'position'],
    ] as const) {
      const res = await chat.api('POST', FIELDS, admin(), body);
      assert.deepStrictEqual([res.status, res.body.field], [400, field], JSON.stringify(res.body));
    }
    assert.strictEqual((await chat.api('POST', FIELDS, admin(), { name: 'phone', type: 'text' })).status, 409);
    const renamed = await chat.api('PATCH', `${FIELDS}/${fields.Points}`, admin(), { name: 'Reward points', position: 0 });
    assert.deepStrictEqual(renamed.body.field, { id: fields.Points, name: 'Reward points', type: 'number', position: 0 });
    for (const [body, field] of [
      [{ name: 'VIP' }, 'color'],
      [{ name: 'VIP', color: 'red' }, 'color'],
      [{ color: '#ff0000' }, 'name'],
    ] as const) {
      const res = await chat.api('POST', LABELS, admin(), body);
      assert.deepStrictEqual([res.status, res.body.field], [400, field], JSON.stringify(res.body));
    }
    const vip = await label('VIP', '#FF0000');
    assert.deepStrictEqual((await chat.api('GET', LABELS, malee)).body.labels, [{ id: vip, name: 'VIP', color: '#ff0000' }]);
    assert.strictEqual((await chat.api('DELETE', `${LABELS}/${vip}`, somchai)).status, 403);
    assert.strictEqual((await chat.api('DELETE', `${FIELDS}/999`, admin())).status, 404);
  });

  it("an operator edits a contact's note and fields (checked by type, all or nothing); the inbox search finds them", async () => {
    const fields = await defineFields();
    const user = await botChat('สวัสดีครับ');
    const other = await botChat('hello');
    const path = `${LIST}/${user}/details`;
    const empty = await chat.api('GET', path, somchai);
    assert.strictEqual(empty.status, 200);
    assert.deepStrictEqual(
      [empty.body.details.note, empty.body.details.fields.map((f: any) => f.value), empty.body.details.labels],
      [null, [null, null, null, null], []],
    );

    const saved = await chat.api('PUT', path, somchai, {
      note: '  ลูกค้าประจำ ชอบสีฬ้า  ',
      fields: { [fields.Phone]: '+66 81-234-5678', [fields.Email]: 'som@example.co.th', [fields['Order number']]: 'ORD-7781', [fields.Points]: '120' },
    });
    assert.strictEqual(saved.status, 200, JSON.stringify(saved.body));
    assert.strictEqual(saved.body.details.note, 'ลูกค้าประจำ ชอบสีฬ้า');
    assert.deepStrictEqual(
      saved.body.details.fields.map((f: any) => [f.name, f.value]),
      [
        ['Phone', '+66 81-234-5678'],
        ['Email', 'som@example.co.th'],
        ['Order number', 'ORD-7781'],
        ['Points', '120'],
      ],
    );
    assert.strictEqual(saved.body.details.updated_by.username, 'somchai');

    for (const [body, field] of [
      [{ fields: { [fields.Phone]: '12ab' } }, `fields.${fields.Phone}`],
      [{ fields: { [fields.Email]: 'not-an-email' } }, `fields.${fields.Email}`],
      [{ fields: { [fields.Points]: '12,5' } }, `fields.${fields.Points}`],
      [{ fields: { 99999: 'x' } }, 'fields.99999'],
      [{ fields: { abc: 'x' } }, 'fields.abc'],
      [{ fields: [] }, 'fields'],
      [{ note: 5 }, 'note'],
      [{ note: 'x'.repeat(2001) }, 'note'],
      // the note is fine, the phone is not: nothing of it is stored
      [{ note: 'changed', fields: { [fields.Phone]: '1' } }, `fields.${fields.Phone}`],
    ] as const) {
      const res = await chat.api('PUT', path, somchai, body);
      assert.deepStrictEqual([res.status, res.body.field], [400, field], JSON.stringify(body));
    }
    assert.strictEqual((await chat.api('GET', path, malee)).body.details.note, 'ลูกค้าประจำ ชอบสีฬ้า');
    assert.strictEqual((await chat.api('GET', `${LIST}/Unobody/details`, malee)).status, 404);

    const search = async (q: string) => (await chat.api('GET', `${LIST}?q=${encodeURIComponent(q)}`, malee)).body;
    for (const q of ['ord-7781', '7781', 'som@example', 'ลูกค้าประจำ', 'ฬ', 'ฬ้']) {
      const found = await search(q);
      assert.deepStrictEqual([found.total, found.conversations.map((c: any) => c.line_user_id)], [1, [user]], q);
    }
    // Clearing a value takes it out of the search.
    await chat.api('PUT', path, somchai, { fields: { [fields['Order number']]: '' } });
    assert.strictEqual((await search('7781')).total, 0);
    // Deleting a field takes its values out of the search too.
    await chat.api('DELETE', `${FIELDS}/${fields.Email}`, admin());
    assert.strictEqual((await search('som@example')).total, 0);
    assert.strictEqual((await search('ฬ')).total, 1);
    assert.strictEqual((await chat.api('GET', path, malee)).body.details.fields.length, 3);
    assert.ok(other);
  });

  it('labels go on and off a chat, show on its list row, filter the list (paged by the cursor), and reach other operators live', async () => {
    const vip = await label('VIP');
    const refund = await label('Refund', '#0ea5e9');
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push(await botChat(`ข้อความ ${i}`, Date.now() - (10 - i) * 1000));
    const live = await socketOf(malee);
    const catalog = live.next('contact_catalog', () => true, 20000);
    const later = await label('Later', '#22c55e');
    assert.deepStrictEqual(
      (await catalog).labels.map((l: any) => l.name),
      ['Later', 'Refund', 'VIP'],
    );
    assert.ok(later);

    for (const user of [users[0], users[2], users[4]]) {
      const res = await chat.api('PUT', `${LIST}/${user}/labels/${vip}`, somchai);
      assert.deepStrictEqual(res.body, { changed: true, labels: [vip] });
    }
    assert.deepStrictEqual((await chat.api('PUT', `${LIST}/${users[2]}/labels/${vip}`, somchai)).body, { changed: false, labels: [vip] });
    await chat.api('PUT', `${LIST}/${users[2]}/labels/${refund}`, somchai);
    const row = await live.next('conversation', (p) => p.conversation.line_user_id === users[2] && p.conversation.labels.length === 2, 20000);
    assert.deepStrictEqual(row.conversation.labels, [vip, refund]);
    const details = await live.next('contact_details', (p) => p.line_user_id === users[2] && p.labels.length === 2, 20000);
    assert.deepStrictEqual(details.labels, [vip, refund]);

    const page1 = await chat.api('GET', `${LIST}?label=${vip}&limit=2`, malee);
    assert.deepStrictEqual([page1.body.total, page1.body.conversations.map((c: any) => c.line_user_id)], [3, [users[4], users[2]]]);
    const page2 = await chat.api('GET', `${LIST}?label=${vip}&limit=2&cursor=${page1.body.next_cursor}`, malee);
    assert.deepStrictEqual([page2.body.conversations.map((c: any) => c.line_user_id), page2.body.next_cursor], [[users[0]], null]);
    const both = await chat.api('GET', `${LIST}?label=${refund}&q=${users[2].slice(1, 12)}&status=BOT`, malee);
    assert.deepStrictEqual(
      both.body.conversations.map((c: any) => c.line_user_id),
      [users[2]],
    );
    // A search of two characters (migration 0025's substrings of names and details) with a label;
    // two hex digits of a LINE id are in nearly every id, so short searches leave ids out.
    await chat.api('PUT', `${LIST}/${users[2]}/details`, somchai, { note: 'ขอคืนเงิน' });
    const short = await chat.api('GET', `${LIST}?label=${refund}&q=${encodeURIComponent('คื')}`, malee);
    assert.deepStrictEqual([short.body.total, short.body.conversations.map((c: any) => c.line_user_id)], [1, [users[2]]]);
    const hex = await chat.api('GET', `${LIST}?label=${refund}&q=${users[2].slice(1, 3)}`, malee);
    assert.deepStrictEqual([hex.body.total, hex.body.conversations], [0, []]);
    assert.strictEqual((await chat.api('GET', `${LIST}?label=abc`, malee)).body.field, 'label');
    assert.strictEqual((await chat.api('PUT', `${LIST}/${users[1]}/labels/9999`, malee)).status, 404);

    const off = await chat.api('DELETE', `${LIST}/${users[2]}/labels/${vip}`, malee);
    assert.deepStrictEqual(off.body, { changed: true, labels: [refund] });
    assert.strictEqual((await chat.api('GET', `${LIST}?label=${vip}`, malee)).body.total, 2);
    // A deleted label leaves every chat that had it.
    assert.strictEqual((await chat.api('DELETE', `${LABELS}/${vip}`, admin())).status, 204);
    // Only the catalog goes out live (not each of the chats that had it).
    await live.next('contact_catalog', (p) => !p.labels.some((l: any) => l.id === vip), 20000);
    assert.deepStrictEqual((await chat.api('GET', `${LIST}/${users[4]}/details`, malee)).body.details.labels, []);
    const all = await chat.api('GET', LIST, malee);
    assert.deepStrictEqual(
      all.body.conversations.map((c: any) => c.labels),
      [[], [], [refund], [], []],
    );
  });

  it("a chat's transcript downloads as text and CSV, oldest first", async () => {
    const user = userId();
    chat.fake.setProfile(user, { displayName: 'สมหญิง' });
    await chat.webhook([messageEvent('=HYPERLINK("http://evil")', { userId: user, timestamp: Date.now() - 5000 })]);
    await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, timestamp: Date.now() - 4000 })]);
    await chat.handoff((await chat.webhook([messageEvent('ติดต่อเจ้าหน้าที่', { userId: user, timestamp: Date.now() - 3000 })]))[0]);
    await chat.api('POST', `${LIST}/${user}/claim`, somchai);
    const sent = await chat.api('POST', `${LIST}/${user}/messages`, somchai, { text: 'สวัสดีค่ะ, "ยินดี" ให้บริการ\nบรรทัดสอง' });
    assert.strictEqual(sent.status, 200, JSON.stringify(sent.body));
    const messages = await chat.messagesOf(user);

    const text = await chat.api('GET', `${LIST}/${user}/export?format=text`, malee);
    assert.strictEqual(text.status, 200);
    assert.match(text.headers.get('content-type')!, /^text\/plain; charset=utf-8/);
    assert.match(text.headers.get('content-disposition')!, new RegExp(`^attachment; filename="chat-${user}-\\d{4}-\\d\\d-\\d\\d\\.txt"$`));
    const lines = (text.body as string).split('\n');
    assert.strictEqual(lines[0], `สมหญิง (${user})`);
    assert.match(lines[2], /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] สมหญิง: =HYPERLINK\("http:\/\/evil"\)$/);
    assert.ok(
      lines.some((l) => /\] OPERATOR สมชาย: สวัสดีค่ะ, "ยินดี" ให้บริการ$/.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.includes('    บรรทัดสอง'));

    const csv = await chat.api('GET', `${LIST}/${user}/export?format=csv`, malee);
    assert.match(csv.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
    // The byte order mark Excel needs to read UTF-8 (fetch's text() drops it).
    const bytes = await fetch(`${chat.server.baseUrl}${LIST}/${user}/export?format=csv`, { headers: { authorization: `Bearer ${malee.token}` } });
    assert.deepStrictEqual([...new Uint8Array(await bytes.arrayBuffer()).slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = parseCsv(csv.body as string);
    assert.deepStrictEqual(rows[0], ['id', 'time_utc', 'time_Asia/Bangkok', 'direction', 'sender', 'operator', 'type', 'text', 'delivery_status']);
    assert.deepStrictEqual(
      rows.slice(1).map((r) => Number(r[0])),
      messages.map((m) => m.id),
    );
    // A formula from the user stays text in a spreadsheet.
    assert.strictEqual(rows[1][7], `'=HYPERLINK("http://evil")`);
    const reply = rows.find((r) => r[4] === 'OPERATOR')!;
    assert.deepStrictEqual([reply[5], reply[7], reply[8]], ['สมชาย', 'สวัสดีค่ะ, "ยินดี" ให้บริการ\nบรรทัดสอง', 'SENT']);
    // A user LINE gave no profile for is named by their LINE ID alone.
    const nameless = userId();
    await chat.webhook([messageEvent('สวัสดี', { userId: nameless })]);
    const namelessText = await chat.api('GET', `${LIST}/${nameless}/export?format=text`, malee);
    assert.strictEqual((namelessText.body as string).split('\n')[0], nameless);
    assert.strictEqual((await chat.api('GET', `${LIST}/${user}/export?format=pdf`, malee)).body.field, 'format');
    assert.strictEqual((await chat.api('GET', `${LIST}/Unobody/export`, malee)).status, 404);
    assert.strictEqual((await chat.api('GET', `${LIST}/${user}/export`, null)).status, 401);
  });

  it('the friends list downloads as CSV in pages, with details and labels, formulas neutralised', async () => {
    const fields = await defineFields();
    const vip = await label('VIP');
    // 1,203 contacts: three export pages.
    await db().sql.exec(
      `INSERT INTO contacts (line_user_id, display_name, friend_status)
       SELECT 'U' || md5('friend' || i), CASE WHEN i = 7 THEN '-2+3' WHEN i = 8 THEN '@SUM(A1)' ELSE 'Friend ' || i END,
              CASE WHEN i % 10 = 0 THEN 'BLOCKED' ELSE 'ACTIVE' END
       FROM generate_series(1, 1203) i`,
    );
    const first = (await db().sql.row<{ line_user_id: string }>(`SELECT line_user_id FROM contacts WHERE display_name = 'Friend 1'`))!.line_user_id;
    await chat.api('PUT', `${LIST}/${first}/details`, somchai, {
      note: '+เพิ่มเติม',
      fields: { [fields.Phone]: '081 234 5678', [fields['Order number']]: '=1+1' },
    });
    await chat.api('PUT', `${LIST}/${first}/labels/${vip}`, somchai);

    const res = await chat.api('GET', '/admin/friends/export', malee);
    assert.strictEqual(res.status, 200);
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="friends-\d{4}-\d\d-\d\d\.csv"$/);
    const rows = parseCsv(res.body as string);
    assert.deepStrictEqual(rows[0], [...FRIEND_COLUMNS, 'Phone', 'Email', 'Order number', 'Points']);
    assert.strictEqual(rows.length, 1 + 1203);
    // Newest first, as the Friends page lists them.
    assert.strictEqual(rows[1][1], 'Friend 1203');
    const byName = new Map(rows.map((r) => [r[1], r]));
    const one = byName.get('Friend 1')!;
    assert.deepStrictEqual([one[0], one[6], one[7], one[8], one[10]], [first, 'VIP', "'+เพิ่มเติม", '081 234 5678', "'=1+1"]);
    assert.ok(byName.has("'-2+3") && byName.has("'@SUM(A1)"));

    const blocked = await chat.api('GET', '/admin/friends/export?status=BLOCKED&q=Friend', malee);
    const blockedRows = parseCsv(blocked.body as string);
    assert.strictEqual(blockedRows.length, 1 + 120);
    assert.ok(blockedRows.slice(1).every((r) => r[2] === 'BLOCKED'));
    assert.strictEqual((await chat.api('GET', '/admin/friends/export?status=GONE', malee)).body.field, 'status');
  });

  it('csvCell quotes what needs quoting and keeps formulas as text', () => {
    assert.deepStrictEqual(
      ['plain', 'a,b', 'say "hi"', '=1+2', '+66', '-5', '@x', '\tx', 'line\nbreak', null, 5, ''].map((v) => csvCell(v)),
      ['plain', '"a,b"', '"say ""hi"""', `"'=1+2"`, `"'+66"`, `"'-5"`, `"'@x"`, `"'\tx"`, '"line\nbreak"', '', '5', ''],
    );
  });
});
