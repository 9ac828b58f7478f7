import assert from 'node:assert';
import { DEFAULT_SETTINGS } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import type { FakeLine } from '../support/fake-line';
import { type LiveChatHarness, type TestOperator, useLiveChatHarness } from '../support/live-chat-harness';

const SETTINGS = '/admin/live-chat/settings';
const UNKNOWN = 'U00000000000000000000000000000000';

/** Every live chat route, with a body that would be valid. */
const ROUTES: [string, string, unknown?][] = [
  ['GET', '/admin/live-chat/conversations'],
  ['GET', `/admin/live-chat/conversations/${UNKNOWN}`],
  ['POST', `/admin/live-chat/conversations/${UNKNOWN}/messages`, { text: 'hi' }],
  ['POST', `/admin/live-chat/conversations/${UNKNOWN}/messages/1/retry`],
  ['POST', `/admin/live-chat/conversations/${UNKNOWN}/claim`],
  ['POST', `/admin/live-chat/conversations/${UNKNOWN}/close`, {}],
  ['POST', `/admin/live-chat/conversations/${UNKNOWN}/mode`, { mode: 'HUMAN' }],
  ['POST', `/admin/live-chat/conversations/${UNKNOWN}/transfer`, { operator_id: 1 }],
  ['POST', `/admin/live-chat/conversations/${UNKNOWN}/notes`, { text: 'โน้ต' }],
  ['GET', `/admin/live-chat/conversations/${UNKNOWN}/canned-responses/1`],
  ['GET', '/admin/live-chat/operators'],
  ['GET', '/admin/live-chat/canned-responses'],
  ['POST', '/admin/live-chat/canned-responses', { title: 't', shortcut: 't', text: 't' }],
  ['PUT', '/admin/live-chat/canned-responses/1', { title: 't', shortcut: 't', text: 't' }],
  ['DELETE', '/admin/live-chat/canned-responses/1'],
  ['GET', SETTINGS],
  ['PUT', SETTINGS, { handoff_greeting: 'สวัสดี' }],
];

describeEachDatabase('live chat API access and settings', (db) => {
  const suite = useLiveChatHarness(db, { operators: true });
  let fake: FakeLine;
  let chat: LiveChatHarness;
  let operator: TestOperator;
  beforeEach(() => ({ fake, chat, somchai: operator } = suite));

  it('answers 401 on every route without a login, or with a token that is not one', async () => {
    for (const [method, path, body] of ROUTES) {
      assert.strictEqual((await chat.api(method, path, null, body)).status, 401, `${method} ${path}`);
      assert.strictEqual((await chat.api(method, path, { ...operator, token: 'forged' }, body)).status, 401, `${method} ${path}`);
    }
    assert.deepStrictEqual((await chat.api('GET', SETTINGS, chat.admin)).body.settings.handoff_greeting, DEFAULT_SETTINGS.handoff_greeting);
  });

  it('answers 404 for a contact it does not know on every conversation route', async () => {
    for (const [method, path, body] of ROUTES.filter(([, p]) => p.includes(UNKNOWN))) {
      const res = await chat.api(method, path, operator, body);
      assert.strictEqual(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
    }
    assert.deepStrictEqual(fake.requests, []);
  });

  describe('settings', () => {
    it('shows every operator the settings, defaults first', async () => {
      const res = await chat.api('GET', SETTINGS, operator);
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(res.body, { settings: { ...DEFAULT_SETTINGS } });
    });

    it('lets an admin change some, keeping the rest; keywords are trimmed and deduplicated', async () => {
      const res = await chat.api('PUT', SETTINGS, chat.admin, {
        handoff_keywords: [' แอดมิน ', 'แอดมิน', 'Agent', ''],
        handoff_match_mode: 'contains',
        auto_close_minutes: 15,
        closing_message: '',
      });
      assert.strictEqual(res.status, 200);
      const expected = {
        ...DEFAULT_SETTINGS,
        handoff_keywords: ['แอดมิน', 'Agent'],
        handoff_match_mode: 'contains',
        auto_close_minutes: 15,
        closing_message: '',
      };
      assert.deepStrictEqual(res.body, { settings: expected });
      assert.deepStrictEqual((await chat.api('GET', SETTINGS, operator)).body, { settings: expected });
    });

    it('answers 403 to an operator who is not an admin, changing nothing', async () => {
      const res = await chat.api('PUT', SETTINGS, operator, { handoff_greeting: 'สวัสดี' });
      assert.strictEqual(res.status, 403);
      assert.strictEqual((await chat.api('GET', SETTINGS, operator)).body.settings.handoff_greeting, DEFAULT_SETTINGS.handoff_greeting);
    });

    for (const [name, body, field] of [
      ['no keywords', { handoff_keywords: [] }, 'handoff_keywords'],
      ['only blank keywords', { handoff_keywords: [' ', ''] }, 'handoff_keywords'],
      ['keywords that are not a list', { handoff_keywords: 'agent' }, 'handoff_keywords'],
      ['a keyword that is not a text', { handoff_keywords: ['agent', 7] }, 'handoff_keywords'],
      ['a keyword over 100 characters', { handoff_keywords: ['ก'.repeat(101)] }, 'handoff_keywords'],
      ['an unknown match mode', { handoff_match_mode: 'fuzzy' }, 'handoff_match_mode'],
      ['an empty greeting', { handoff_greeting: '  ' }, 'handoff_greeting'],
      ['a greeting over 5000 characters', { handoff_greeting: 'ก'.repeat(5001) }, 'handoff_greeting'],
      ['a closing message that is not a text', { closing_message: null }, 'closing_message'],
      ['negative minutes', { auto_close_minutes: -1 }, 'auto_close_minutes'],
      ['minutes as text', { renotify_minutes: '10' }, 'renotify_minutes'],
      ['more than a week of minutes', { auto_close_minutes: 7 * 24 * 60 + 1 }, 'auto_close_minutes'],
      ['an unknown time zone', { time_zone: 'Mars/Olympus_Mons' }, 'time_zone'],
      ['an unknown setting', { colour: 'green' }, 'colour'],
    ] as const) {
      it(`answers 400 naming ${field} for ${name}, changing nothing`, async () => {
        // The good change in the same request is not kept either.
        const res = await chat.api('PUT', SETTINGS, chat.admin, { handoff_greeting: 'เปลี่ยนแล้ว', ...body });
        assert.deepStrictEqual([res.status, res.body.field], [400, field]);
        assert.deepStrictEqual((await chat.api('GET', SETTINGS, operator)).body, { settings: { ...DEFAULT_SETTINGS } });
      });
    }

    it('answers 400 for a body that is not an object', async () => {
      for (const body of [['agent'], '"agent"']) {
        assert.strictEqual((await chat.api('PUT', SETTINGS, chat.admin, body)).status, 400);
      }
    });
  });
});
