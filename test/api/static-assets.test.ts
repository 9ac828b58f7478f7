// The inbox's bundle as a browser gets it: hashed names kept a year, sent compressed in what the
// browser accepts (from the files made at build time), the page itself always asked for again.
import assert from 'node:assert';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import express from 'express';
import { createSite } from '../../src/http/site';
import { chooseEncoding } from '../../src/http/static-assets';
import { inboxScript, UI_DIST } from '../support/inbox-bundle';

const BASE = '/shop/chat';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET that leaves the body as sent (fetch would decompress it). */
function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('the inbox bundle over HTTP', () => {
  let server: http.Server;
  let origin: string;
  let script: string;
  let original: Buffer;

  before(async () => {
    const app = express();
    app.use(
      BASE,
      createSite(() => Promise.reject(new Error('no store in this test'))),
    );
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE}`;
    script = inboxScript();
    original = fs.readFileSync(path.join(UI_DIST, script));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the hashed entry script in the page, under the base, and the page is not cached', async () => {
    const page = await get(`${origin}/admin/live-chat`);
    assert.strictEqual(page.status, 200);
    assert.strictEqual(page.headers['cache-control'], 'no-cache');
    assert.match(script, /^app-[A-Z0-9]{8}\.js$/);
    assert.ok(page.body.toString().includes(`src="../admin/assets/${script}"`), page.body.toString());
  });

  it('preloads the chunks the entry script imports, and not the one it loads later, each served', async () => {
    const html = (await get(`${origin}/admin/live-chat`)).body.toString();
    const entry = original.toString();
    const imported = [...entry.matchAll(/(?:from|import)\s*"\.\/(chunk-[A-Z0-9]+\.js)"/g)].map((m) => m[1]);
    const later = [...entry.matchAll(/import\("\.\/(chunk-[A-Z0-9]+\.js)"\)/g)].map((m) => m[1]);
    assert.ok(imported.length > 0 && later.length > 0, 'the bundle has a shared chunk and a lazily loaded one');
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\.\.\/admin\/assets\/([^"]+)">/g)].map((m) => m[1]);
    assert.deepStrictEqual(preloaded.sort(), [...new Set(imported)].sort());
    for (const chunk of later) assert.ok(!preloaded.includes(chunk), chunk);
    // Before the entry script, so that both are on their way at once.
    assert.ok(html.indexOf('modulepreload') < html.indexOf(`src="../admin/assets/${script}"`));
    for (const chunk of preloaded) assert.strictEqual((await get(`${origin}/admin/assets/${chunk}`)).status, 200, chunk);
  });

  it('sends brotli to a browser that takes it, kept a year and varying by Accept-Encoding', async () => {
    const res = await get(`${origin}/admin/assets/${script}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers['content-encoding'], 'br');
    assert.match(res.headers['content-type'] ?? '', /^(text|application)\/javascript/);
    assert.strictEqual(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(res.headers.vary), /Accept-Encoding/i);
    assert.ok(res.body.length < original.length / 3, `${res.body.length} bytes of ${original.length}`);
    assert.deepStrictEqual(zlib.brotliDecompressSync(res.body), original);
  });

  it('sends gzip where brotli is not accepted, and the plain file where nothing is', async () => {
    const gzip = await get(`${origin}/admin/assets/${script}`, { 'accept-encoding': 'gzip' });
    assert.strictEqual(gzip.headers['content-encoding'], 'gzip');
    assert.deepStrictEqual(zlib.gunzipSync(gzip.body), original);

    const plain = await get(`${origin}/admin/assets/${script}`, { 'accept-encoding': 'identity' });
    assert.strictEqual(plain.headers['content-encoding'], undefined);
    assert.strictEqual(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(plain.headers.vary), /Accept-Encoding/i);
    assert.deepStrictEqual(plain.body, original);
  });

  it('serves the lazily loaded chunks the same way', async () => {
    const chunks = fs.readdirSync(UI_DIST).filter((file) => /^chunk-[A-Z0-9]+\.js$/.test(file));
    assert.ok(chunks.length > 0);
    for (const chunk of chunks) {
      const res = await get(`${origin}/admin/assets/${chunk}`, { 'accept-encoding': 'br' });
      assert.deepStrictEqual([res.status, res.headers['content-encoding']], [200, 'br'], chunk);
      assert.deepStrictEqual(zlib.brotliDecompressSync(res.body), fs.readFileSync(path.join(UI_DIST, chunk)));
    }
  });

  it('serves nothing else from the folder: not the page template, the compressed files by name, or a path outside', async () => {
    for (const name of ['index.html', `${script}.br`, `${script}.gz`, 'app.js', '..%2f..%2fpackage.json', 'app-AAAAAAAA.js']) {
      assert.strictEqual((await get(`${origin}/admin/assets/${name}`)).status, 404, name);
    }
  });
});

describe('chooseEncoding', () => {
  const available = [{ name: 'br' }, { name: 'gzip' }];
  const chosen = (header: string | undefined) => chooseEncoding(header, available)?.name;

  it('takes brotli at equal quality whatever the order, and honours q and *', () => {
    assert.strictEqual(chosen('gzip, deflate, br, zstd'), 'br');
    assert.strictEqual(chosen('gzip;q=1.0, br;q=0.5'), 'gzip');
    assert.strictEqual(chosen('br;q=0, gzip'), 'gzip');
    assert.strictEqual(chosen('*'), 'br');
    assert.strictEqual(chosen('*;q=0.1, br;q=0'), 'gzip');
  });

  it('takes none without a header, for identity only, or when nothing is precompressed', () => {
    assert.strictEqual(chosen(undefined), undefined);
    assert.strictEqual(chosen('identity'), undefined);
    assert.strictEqual(chosen('deflate'), undefined);
    assert.strictEqual(chooseEncoding('br, gzip', []), undefined);
  });
});
