import assert from 'node:assert';
import { isHandoffPostback, matchesKeyword, normaliseForMatch } from '../../src/live-chat/keyword-match';
import { DEFAULT_SETTINGS, updateSettings } from '../../src/live-chat/live-chat-settings';
import { describeEachDatabase } from '../support/databases';
import { type ApiServer, startApiServer } from '../support/api-server';
import { groupSource, messageEvent, postbackEvent, MESSAGE_SAMPLES } from '../support/line-webhooks';

const DEFAULTS = DEFAULT_SETTINGS.handoff_keywords;

describe('handoff keyword matching', () => {
  it('has the seed keywords by default, matched whole', () => {
    assert.deepStrictEqual(DEFAULTS, ['ติดต่อเจ้าหน้าที่', 'คุยกับเจ้าหน้าที่', 'ขอคุยกับเจ้าหน้าที่', 'agent', 'human']);
    assert.strictEqual(DEFAULT_SETTINGS.handoff_match_mode, 'exact');
    for (const keyword of DEFAULTS) assert.strictEqual(matchesKeyword(keyword, DEFAULTS, 'exact'), true, keyword);
  });

  it('matches alike with a frozen list (normalised once, then reused) and a plain one changed between calls', () => {
    const frozen = Object.freeze(['  Agent ', 'ติดต่อ\u200Bเจ้าหน้าที่', ' ']);
    for (let i = 0; i < 2; i++) {
      assert.strictEqual(matchesKeyword('agent', frozen, 'exact'), true);
      assert.strictEqual(matchesKeyword('ติดต่อเจ้าหน้าที่', frozen, 'exact'), true);
      assert.strictEqual(matchesKeyword('human', frozen, 'exact'), false);
    }
    const plain = ['agent'];
    assert.strictEqual(matchesKeyword('human', plain, 'exact'), false);
    plain.push('Human');
    assert.strictEqual(matchesKeyword('human', plain, 'exact'), true);
  });

  for (const [said, why] of [
    ['AGENT', 'upper case'],
    ['Human', 'mixed case'],
    ['  agent \n', 'surrounding space and a newline'],
    ['ติดต่อ\u200Bเจ้าหน้าที่', 'a zero-width space inside Thai'],
    ['\uFEFFคุยกับเจ้าหน้าที่\u200D', 'a BOM and a zero-width joiner around it'],
    ['\u00A0ขอคุยกับเจ้าหน้าที่\u3000', 'no-break and ideographic spaces'],
    ['ag\u00ADent', 'a soft hyphen'],
  ]) {
    it(`matches despite ${why}`, () => {
      assert.strictEqual(matchesKeyword(said, DEFAULTS, 'exact'), true);
    });
  }

  it('compares Thai in one Unicode form (a tone mark typed before or after the vowel)', () => {
    // น้ำ: NFC and NFD spellings of the same word are one keyword.
    const composed = 'น้ำ'.normalize('NFC');
    const decomposed = 'น้ำ'.normalize('NFD');
    assert.strictEqual(matchesKeyword(decomposed, [composed], 'exact'), true);
    assert.strictEqual(normaliseForMatch('  สวัสดี   ครับ '), 'สวัสดี ครับ');
  });

  it('in exact mode matches only the whole message', () => {
    assert.strictEqual(matchesKeyword('ขอติดต่อเจ้าหน้าที่หน่อยครับ', DEFAULTS, 'exact'), false);
    assert.strictEqual(matchesKeyword('I want an agent', DEFAULTS, 'exact'), false);
    assert.strictEqual(matchesKeyword('สวัสดีครับ', DEFAULTS, 'exact'), false);
    assert.strictEqual(matchesKeyword('', DEFAULTS, 'exact'), false);
    assert.strictEqual(matchesKeyword('\u200B ', DEFAULTS, 'exact'), false);
  });

  it('in contains mode finds a Thai keyword anywhere, a Latin one only as a word', () => {
    assert.strictEqual(matchesKeyword('ขอติดต่อเจ้าหน้าที่หน่อยครับ', DEFAULTS, 'contains'), true);
    assert.strictEqual(matchesKeyword('สวัสดีครับ อยากคุยกับเจ้าหน้าที่', DEFAULTS, 'contains'), true);
    assert.strictEqual(matchesKeyword('I want an AGENT, please', DEFAULTS, 'contains'), true);
    assert.strictEqual(matchesKeyword('human!', DEFAULTS, 'contains'), true);
    assert.strictEqual(matchesKeyword('ขอagentครับ', DEFAULTS, 'contains'), true, 'Thai letters are not a Latin word around it');
    assert.strictEqual(matchesKeyword('property management question', DEFAULTS, 'contains'), false);
    assert.strictEqual(matchesKeyword('humane treatment', DEFAULTS, 'contains'), false);
    assert.strictEqual(matchesKeyword('management agent', DEFAULTS, 'contains'), true, 'a later whole-word occurrence counts');
    assert.strictEqual(matchesKeyword('สวัสดีครับ', DEFAULTS, 'contains'), false);
  });

  it('ignores blank keywords instead of matching everything', () => {
    assert.strictEqual(matchesKeyword('hello', ['', '  ', '\u200B'], 'contains'), false);
    assert.strictEqual(matchesKeyword('hello', ['', '  '], 'exact'), false);
  });

  it('knows the handoff postback, action=handoff, among other fields', () => {
    assert.strictEqual(isHandoffPostback('action=handoff'), true);
    assert.strictEqual(isHandoffPostback('from=richmenu&action=handoff'), true);
    assert.strictEqual(isHandoffPostback('action=handoffs'), false);
    assert.strictEqual(isHandoffPostback('action=buy&item=handoff'), false);
    assert.strictEqual(isHandoffPostback(''), false);
    assert.strictEqual(isHandoffPostback(undefined), false);
  });
});

describeEachDatabase('handoff triggers', (db) => {
  let server: ApiServer;
  beforeEach(async () => {
    server = await startApiServer(db());
  });
  afterEach(() => server.close());

  const isTrigger = (input: Parameters<ApiServer['app']['handoff']['isTrigger']>[0]) => server.app.handoff.isTrigger(input);

  it('takes a keyword message, the handoff postback or msg.handoff === true', async () => {
    assert.strictEqual(await isTrigger({ event: messageEvent('ติดต่อเจ้าหน้าที่') }), true);
    assert.strictEqual(await isTrigger({ event: messageEvent(' Agent ') }), true);
    assert.strictEqual(await isTrigger({ event: postbackEvent('action=handoff') }), true);
    assert.strictEqual(await isTrigger({ event: messageEvent('สวัสดีครับ'), handoff: true }), true);
    assert.strictEqual(await isTrigger({ event: undefined, handoff: true }), true);
  });

  it('passes on other messages, postbacks, stickers and a msg.handoff that is not exactly true', async () => {
    assert.strictEqual(await isTrigger({ event: messageEvent('สวัสดีครับ') }), false);
    assert.strictEqual(await isTrigger({ event: postbackEvent('action=buy') }), false);
    assert.strictEqual(await isTrigger({ event: messageEvent(MESSAGE_SAMPLES.sticker()) }), false);
    assert.strictEqual(await isTrigger({ event: messageEvent('สวัสดีครับ'), handoff: 'true' }), false);
    assert.strictEqual(await isTrigger({ event: messageEvent('สวัสดีครับ'), handoff: 1 }), false);
  });

  it('never hands over a group or room chat, which has no contact', async () => {
    assert.strictEqual(await isTrigger({ event: messageEvent('agent', { source: groupSource() }) }), false);
    assert.strictEqual(await isTrigger({ event: postbackEvent('action=handoff', { source: groupSource() }), handoff: true }), false);
  });

  it('uses the stored keywords and mode, unless the caller gives its own', async () => {
    await updateSettings(server.app.store.settings, { handoff_keywords: ['แอดมิน'], handoff_match_mode: 'contains' });
    assert.strictEqual(await isTrigger({ event: messageEvent('ขอคุยกับแอดมินหน่อย') }), true);
    assert.strictEqual(await isTrigger({ event: messageEvent('agent') }), false, 'the defaults are replaced');

    assert.strictEqual(await isTrigger({ event: messageEvent('operator'), keywords: ['Operator'], matchMode: 'exact' }), true);
    assert.strictEqual(await isTrigger({ event: messageEvent('แอดมิน'), keywords: ['Operator'], matchMode: 'exact' }), false);
    // Own keywords without a mode: the stored mode (contains).
    assert.strictEqual(await isTrigger({ event: messageEvent('call the operator now'), keywords: ['operator'] }), true);
    // An empty keyword list is no choice: the stored keywords apply.
    assert.strictEqual(await isTrigger({ event: messageEvent('แอดมิน'), keywords: [] }), true);
  });
});
