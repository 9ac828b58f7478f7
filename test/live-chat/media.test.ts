import assert from 'node:assert';
import sharp from 'sharp';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';
import { MESSAGE_SAMPLES, messageEvent, userId } from '../support/line-webhooks';
import { eventually } from '../support/product';
import { openLiveSocket } from '../support/live-socket';

const PUBLIC_BASE = 'https://inbox.example';

function image(width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } });
  return (format === 'png' ? img.png() : img.jpeg()).toBuffer();
}

describeEachDatabase('media, both ways', (db) => {
  let publicBase = PUBLIC_BASE;
  const suite = useLiveChatHarness(db, {
    operators: true,
    core: { adminUrl: () => publicBase, media: { recoveryIntervalMs: 0, maxBytes: 12 * 1024 * 1024 } },
  });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let somchai: TestOperator;
  beforeEach(() => {
    ({ fake, chat, somchai } = suite);
    publicBase = PUBLIC_BASE;
  });

  const mediaOf = async (user: string) => (await chat.messagesOf(user)).find((m) => m.media)?.media;
  const raw = (path: string, headers: Record<string, string> = {}) => fetch(chat.server.baseUrl + path, { headers });
  const bearer = (o: TestOperator) => ({ authorization: `Bearer ${o.token}` });
  /** What LINE fetches: the public URL, reached through the TLS proxy in front of the inbox (here, directly). */
  const lineFetches = (url: string) => fetch(url.replace(PUBLIC_BASE, chat.server.origin));
  const upload = async (user: string, as: TestOperator, name: string | null, type: string, body: Buffer) => {
    const query = name === null ? '' : `?name=${encodeURIComponent(name)}`;
    const res = await fetch(`${chat.server.baseUrl}/admin/live-chat/conversations/${user}/media${query}`, {
      method: 'POST',
      headers: { ...bearer(as), 'content-type': type },
      body: new Uint8Array(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it("fetches a user's image after the webhook's answer, stores it once and serves it and a sharp preview to a logged-in operator", async () => {
    const png = await image(1200, 900, 'png');
    const message = MESSAGE_SAMPLES.image();
    fake.setContent(message.id as string, { contentType: 'image/png', data: png });
    const user = userId();
    await chat.webhook([messageEvent(message, { userId: user })]);
    const media = await eventually(async () => (await mediaOf(user))?.status === 'STORED' && mediaOf(user));
    assert.match(media.key, /^[0-9a-f]{64}$/);
    assert.deepStrictEqual(
      { ...media, key: undefined },
      { key: undefined, status: 'STORED', content_type: 'image/png', byte_size: png.length, file_name: null, preview: true },
    );

    const detail = await chat.api('GET', `/admin/live-chat/conversations/${user}`, somchai);
    assert.deepStrictEqual(detail.body.messages[0].media, media);
    const original = await raw(`/admin/live-chat/media/${media.key}`, bearer(somchai));
    assert.strictEqual(original.status, 200);
    assert.strictEqual(original.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await original.arrayBuffer()).equals(png));
    const preview = await raw(`/admin/live-chat/media/${media.key}/preview`, { cookie: `llc_session=${somchai.token}` });
    assert.strictEqual(preview.status, 200, 'the login cookie is enough (an <img> sends nothing else)');
    const meta = await sharp(Buffer.from(await preview.arrayBuffer())).metadata();
    assert.deepStrictEqual([meta.format, meta.width, meta.height], ['jpeg', 480, 360]);
    assert.strictEqual(fake.requestsTo('GET', `/v2/bot/message/${message.id}/content`).length, 1, 'fetched once');
    const rows = await chat.app.db.sql.rows<{ n: string }>(`SELECT count(*)::text AS n FROM media`);
    assert.strictEqual(rows[0].n, '1');
  });

  it('needs the login and an unguessable key; a file is a download with its name', async () => {
    const pdf = Buffer.from('%PDF-1.4 quote');
    const message: Record<string, unknown> = { ...MESSAGE_SAMPLES.file(), fileName: 'ใบเสนอราคา.pdf', fileSize: pdf.length };
    fake.setContent(message.id as string, { contentType: 'application/pdf', data: pdf });
    const user = userId();
    await chat.webhook([messageEvent(message, { userId: user })]);
    const media = await eventually(async () => (await mediaOf(user))?.status === 'STORED' && mediaOf(user));
    assert.strictEqual(media.file_name, 'ใบเสนอราคา.pdf');
    assert.strictEqual((await raw(`/admin/live-chat/media/${media.key}`)).status, 401);
    const anonymous = await fetch(`${chat.server.baseUrl}/admin/live-chat/conversations/${user}/media?name=x.pdf`, { method: 'POST', body: 'x' });
    assert.strictEqual(anonymous.status, 401, 'uploading needs the login too');
    assert.strictEqual((await raw(`/admin/live-chat/media/${media.key}`, { cookie: 'llc_session=not-a-token' })).status, 401);
    assert.strictEqual((await raw(`/admin/live-chat/media/${media.key.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'))}`, bearer(somchai))).status, 404);
    assert.strictEqual((await raw(`/api/v1/media/public/${media.key}`)).status, 404, "an operator's key is no public link");
    const file = await raw(`/admin/live-chat/media/${media.key}`, bearer(somchai));
    assert.strictEqual(file.status, 200);
    assert.strictEqual(file.headers.get('content-type'), 'application/octet-stream');
    assert.strictEqual(
      file.headers.get('content-disposition'),
      `attachment; filename="__________.pdf"; filename*=UTF-8''${encodeURIComponent('ใบเสนอราคา.pdf')}`,
    );
    assert.ok(Buffer.from(await file.arrayBuffer()).equals(pdf));
  });

  it('tells connected operators live when the media is in', async () => {
    const live = openLiveSocket(chat.server.origin, { auth: { token: somchai.token } });
    try {
      await live.connected;
      const message = MESSAGE_SAMPLES.image();
      fake.setContent(message.id as string, { contentType: 'image/png', data: await image(32, 32, 'png') });
      const user = userId();
      await chat.webhook([messageEvent(message, { userId: user })]);
      const update = await live.next('message', (p) => p.line_user_id === user && p.message.media?.status === 'STORED', 15000);
      assert.strictEqual(update.message.media.key, (await mediaOf(user)).key);
    } finally {
      live.close();
    }
  });

  it('keeps nothing larger than the bound (the user still has it in LINE)', async () => {
    const message = MESSAGE_SAMPLES.video();
    delete message.contentProvider;
    fake.setContent(message.id as string, { contentType: 'video/mp4', data: Buffer.alloc(12 * 1024 * 1024 + 1) });
    const user = userId();
    await chat.webhook([messageEvent(message, { userId: user })]);
    const media = await eventually(async () => (await mediaOf(user))?.status === 'TOO_LARGE' && mediaOf(user));
    assert.strictEqual(media.byte_size, 12 * 1024 * 1024 + 1);
    const [row] = await chat.app.db.sql.rows<any>(`SELECT data IS NULL AS empty FROM media`);
    assert.strictEqual(row.empty, true);
    assert.strictEqual((await raw(`/admin/live-chat/media/${media.key}`, bearer(somchai))).status, 404);
  });

  it('marks content LINE no longer holds GONE, answered 410', async () => {
    const message = MESSAGE_SAMPLES.audio();
    fake.setContent(message.id as string, 410);
    const user = userId();
    await chat.webhook([messageEvent(message, { userId: user })]);
    const media = await eventually(async () => (await mediaOf(user))?.status === 'GONE' && mediaOf(user));
    const res = await raw(`/admin/live-chat/media/${media.key}`, bearer(somchai));
    assert.strictEqual(res.status, 410);
    assert.strictEqual((await res.json()).status, 'GONE');
  });

  it('a fetch that failed (or whose instance died) is taken again by the recovery pass once its lease runs out', async () => {
    const message = MESSAGE_SAMPLES.image();
    fake.setContent(message.id as string, 503);
    const user = userId();
    await chat.webhook([messageEvent(message, { userId: user })]);
    await eventually(() => fake.requestsTo('GET', `/v2/bot/message/${message.id}/content`).length === 3);
    await chat.app.incomingMedia.idle();
    const [pending] = await chat.app.db.sql.rows<any>(`SELECT status, attempts, error FROM media`);
    assert.deepStrictEqual([pending.status, pending.attempts], ['PENDING', 1]);
    assert.match(pending.error, /503/);
    assert.strictEqual(await mediaOf(user), undefined);

    const jpeg = await image(64, 64, 'jpeg');
    fake.setContent(message.id as string, { contentType: 'image/jpeg', data: jpeg });
    await chat.app.incomingMedia.recoverNow();
    assert.strictEqual(await mediaOf(user), undefined, 'not before its lease runs out');
    await chat.app.db.sql.exec(`UPDATE media SET lease_until = now() - interval '1 second'`);
    await chat.app.incomingMedia.recoverNow();
    assert.strictEqual((await mediaOf(user))?.status, 'STORED');
  });

  it('a fetch whose instance died mid-way (its lease held, never finished) is done by another once the lease runs out', async () => {
    const message = MESSAGE_SAMPLES.image();
    fake.setContent(message.id as string, { contentType: 'image/png', data: await image(40, 30, 'png') });
    const { contact } = await chat.app.store.contacts.ensure(userId());
    // Stored as the webhook stores it, but its live event never came: the process died.
    const stored = (await chat.app.store.messages.insertIncoming({
      contact_id: contact.id,
      session_id: null,
      message_type: 'image',
      content: message,
      line_message_id: message.id as string,
      webhook_event_id: 'dead-instance-event',
      mark_as_read_token: null,
      created_at: new Date(),
    }))!;
    const [taken] = await chat.app.store.media.claimForMessages([stored.id], 60_000);
    assert.strictEqual(taken.status, 'PENDING');
    await chat.app.incomingMedia.recoverNow();
    assert.strictEqual(fake.requestsTo('GET', `/v2/bot/message/${message.id}/content`).length, 0, 'its lease still holds');
    await chat.app.db.sql.exec(`UPDATE media SET lease_until = now() - interval '1 second'`);
    await chat.app.incomingMedia.recoverNow();
    const [row] = await chat.app.db.sql.rows<any>(`SELECT status, attempts FROM media`);
    assert.deepStrictEqual([row.status, row.attempts], ['STORED', 2]);
    assert.strictEqual((await chat.app.store.messages.byId(stored.id))?.media?.status, 'STORED');
  });

  it("sends an operator's JPEG as a LINE image message whose public URLs LINE can fetch, until they expire", async () => {
    const user = await chat.activeChat(somchai);
    const jpeg = await image(1600, 1200, 'jpeg');
    const res = await upload(user, somchai, 'slip.jpg', 'image/jpeg', jpeg);
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    assert.strictEqual(res.body.status, 'SENT');
    const [sent] = res.body.messages;
    assert.deepStrictEqual([sent.message_type, sent.media.content_type, sent.media.file_name, sent.media.preview], ['image', 'image/jpeg', 'slip.jpg', true]);

    const push = fake.requestsTo('POST', '/v2/bot/message/push').at(-1)!;
    const [line] = push.body.messages;
    assert.strictEqual(line.type, 'image');
    assert.match(line.originalContentUrl, /^https:\/\/inbox\.example\/api\/v1\/media\/public\/[0-9a-f]{64}$/);
    assert.strictEqual(line.previewImageUrl, `${line.originalContentUrl}/preview`);
    const original = await lineFetches(line.originalContentUrl);
    assert.strictEqual(original.status, 200);
    assert.strictEqual(original.headers.get('content-type'), 'image/jpeg');
    assert.ok(Buffer.from(await original.arrayBuffer()).equals(jpeg));
    const preview = Buffer.from(await (await lineFetches(line.previewImageUrl)).arrayBuffer());
    const meta = await sharp(preview).metadata();
    assert.deepStrictEqual([meta.format, meta.width, meta.height], ['jpeg', 480, 360]);
    assert.ok(preview.length <= 1024 * 1024);
    assert.strictEqual((await raw(`/admin/live-chat/media/${sent.media.key}`, bearer(somchai))).status, 200);

    const [{ days }] = await chat.app.db.sql.rows<any>(`SELECT extract(epoch FROM public_until - now()) / 86400 AS days FROM media`);
    assert.ok(Math.abs(Number(days) - 7) < 0.01, `the link lasts 7 days (${days})`);
    await chat.app.db.sql.exec(`UPDATE media SET public_until = now() - interval '1 second'`);
    assert.strictEqual((await lineFetches(line.originalContentUrl)).status, 404);
    assert.strictEqual((await lineFetches(line.previewImageUrl)).status, 404);
  });

  it('sends any other file as a text with a link to it (a bot cannot send LINE file messages)', async () => {
    const user = await chat.activeChat(somchai);
    const pdf = Buffer.from('%PDF-1.4 price list');
    const res = await upload(user, somchai, 'price list.pdf', 'application/pdf', pdf);
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    const [line] = fake.requestsTo('POST', '/v2/bot/message/push').at(-1)!.body.messages;
    assert.strictEqual(line.type, 'text');
    const [first, url] = line.text.split('\n');
    assert.strictEqual(first, `📎 price list.pdf (${pdf.length} B)`);
    const file = await lineFetches(url);
    assert.strictEqual(file.status, 200);
    assert.match(file.headers.get('content-disposition')!, /^attachment; filename="price list.pdf"/);
    assert.deepStrictEqual(res.body.messages[0].media.file_name, 'price list.pdf');
  });

  it('refuses what LINE would not take before storing anything, with {error, field}', async () => {
    const user = await chat.activeChat(somchai);
    const big = Buffer.concat([await image(16, 16, 'jpeg'), Buffer.alloc(10 * 1024 * 1024)]);
    const cases: [string | null, string, Buffer, string, RegExp][] = [
      ['big.jpg', 'image/jpeg', big, 'file', /at most 10 MB/],
      ['fake.png', 'image/png', Buffer.from('not a png at all'), 'file', /not the PNG image/],
      ['x.jpg', 'image/jpeg', await image(8, 8, 'png'), 'file', /not the JPEG image/],
      [null, 'image/jpeg', await image(8, 8, 'jpeg'), 'name', /name/],
      ['a/b.jpg', 'image/jpeg', await image(8, 8, 'jpeg'), 'name', /file name/],
      ['huge.zip', 'application/zip', Buffer.alloc(12 * 1024 * 1024 + 1), 'file', /at most 12\.0 MB/],
    ];
    for (const [name, type, body, field, error] of cases) {
      const res = await upload(user, somchai, name, type, body);
      assert.strictEqual(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.strictEqual(res.body.field, field, name ?? '(no name)');
      assert.match(res.body.error, error);
    }
    publicBase = 'http://inbox.example';
    const res = await upload(user, somchai, 'ok.jpg', 'image/jpeg', await image(8, 8, 'jpeg'));
    assert.strictEqual(res.status, 409);
    assert.match(res.body.error, /HTTPS/);
    const rows = await chat.app.db.sql.rows(`SELECT media_key FROM media`);
    assert.deepStrictEqual(rows, []);
    assert.strictEqual(fake.requestsTo('POST', '/v2/bot/message/push').length, 0);
  });

  it('keeps nothing of an upload to a chat that is not the operator to answer', async () => {
    const user = userId();
    await chat.webhook([messageEvent('hello', { userId: user })]);
    const res = await upload(user, somchai, 'x.png', 'image/png', await image(8, 8, 'png'));
    assert.strictEqual(res.status, 409);
    assert.deepStrictEqual(await chat.app.db.sql.rows(`SELECT media_key FROM media`), []);
  });
});
