import assert from 'node:assert';
import { TELEGRAM_TEXT_LIMIT, chatLink, formatHandoffAlert, toAlertMessages } from '../../src/telegram/handoff-alert';

const text = (t: string) => ({ message_type: 'text', content: { type: 'text', text: t } });
const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Every "&" starts one of the entities Telegram accepts. */
const entitiesOk = (html: string) => !/&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);)/i.test(html);

describe('handoff alert text', () => {
  it('is the seed §6 message for a Thai name, with its link and button', () => {
    const alert = formatHandoffAlert({
      lineUserId: 'U1234567890',
      displayName: 'สมชาย นามสมมติ',
      recentMessages: [text('สวัสดีครับ'), text('มีเรื่องอยากสอบถาม'), text('ติดต่อเจ้าหน้าที่')],
      adminUrl: 'https://your-domain.com',
    });
    assert.strictEqual(
      alert.text,
      [
        '🔔 ผู้ใช้ขอคุยกับเจ้าหน้าที่',
        '',
        '👤 ชื่อ: สมชาย นามสมมติ',
        '📱 LINE ID: U1234567890',
        '',
        '💬 ข้อความล่าสุด:',
        '• "สวัสดีครับ"',
        '• "มีเรื่องอยากสอบถาม"',
        '• "ติดต่อเจ้าหน้าที่"',
        '',
        '🔗 เปิดแชท: https://your-domain.com/admin/live-chat?user=U1234567890',
      ].join('\n'),
    );
    assert.strictEqual(alert.link, 'https://your-domain.com/admin/live-chat?user=U1234567890');
    assert.deepStrictEqual(JSON.parse(JSON.stringify(alert.replyMarkup)), {
      inline_keyboard: [[{ text: 'เปิดแชท', url: 'https://your-domain.com/admin/live-chat?user=U1234567890' }]],
    });
  });

  it('escapes names and messages, so "<b>" and "A & B" arrive as written', () => {
    const alert = formatHandoffAlert({
      lineUserId: 'U1',
      displayName: '<b>A & B</b>',
      recentMessages: [text('1 < 2 && "quoted" > 0'), text('<a href="x">link</a>')],
      adminUrl: 'https://inbox.example.com',
    });
    const lines = alert.text.split('\n');
    assert.strictEqual(lines[2], '👤 ชื่อ: &lt;b&gt;A &amp; B&lt;/b&gt;');
    assert.strictEqual(lines[6], '• "1 &lt; 2 &amp;&amp; &quot;quoted&quot; &gt; 0"');
    assert.strictEqual(lines[7], '• "&lt;a href=&quot;x&quot;&gt;link&lt;/a&gt;"');
    assert.ok(!/<[a-z/]/i.test(alert.text), 'no tag at all');
  });

  it('shows other message kinds by their kind, one line each, and the LINE ID for a missing name', () => {
    const alert = formatHandoffAlert({
      lineUserId: 'Uabc',
      displayName: null,
      recentMessages: [
        { message_type: 'sticker', content: { type: 'sticker', packageId: '446', stickerId: '1988' } },
        { message_type: 'image', content: { type: 'image', id: '1' } },
        { message_type: 'location', content: { type: 'location', title: 'สยาม', latitude: 1, longitude: 2 } },
        text('two\nlines'),
      ],
      adminUrl: 'https://inbox.example.com/',
    });
    assert.deepStrictEqual(alert.text.split('\n').slice(2, 10), [
      '👤 ชื่อ: Uabc',
      '📱 LINE ID: Uabc',
      '',
      '💬 ข้อความล่าสุด:',
      '• "[sticker]"',
      '• "[image]"',
      '• "[location] สยาม"',
      '• "two lines"',
    ]);
    assert.ok(alert.text.endsWith('🔗 เปิดแชท: https://inbox.example.com/admin/live-chat?user=Uabc'));
  });

  it('leaves out the messages section when there are none', () => {
    const alert = formatHandoffAlert({ lineUserId: 'U1', displayName: 'A', recentMessages: [], adminUrl: 'https://x.example' });
    assert.ok(!alert.text.includes('ข้อความล่าสุด'));
  });

  it('encodes the LINE ID into the link, and escapes the link in the text', () => {
    assert.strictEqual(chatLink('https://a.example/base/', 'U a&b'), 'https://a.example/base/admin/live-chat?user=U%20a%26b');
    const alert = formatHandoffAlert({ lineUserId: 'U1', recentMessages: [], adminUrl: 'https://a.example/?tenant=1&x=2' });
    assert.ok(alert.text.endsWith('🔗 เปิดแชท: https://a.example/?tenant=1&amp;x=2/admin/live-chat?user=U1'));
    assert.ok(entitiesOk(alert.text));
  });

  it('has no button for a link Telegram would refuse (a host without a dot), the link stays in the text', () => {
    for (const adminUrl of ['http://localhost:1880', 'http://inbox:1880', 'http://[::1]:1880', 'http://app.localhost']) {
      const alert = formatHandoffAlert({ lineUserId: 'U1', recentMessages: [], adminUrl });
      assert.strictEqual(alert.replyMarkup, undefined, adminUrl);
      assert.ok(alert.text.includes(`${adminUrl}/admin/live-chat?user=U1`));
    }
    assert.ok(formatHandoffAlert({ lineUserId: 'U1', recentMessages: [], adminUrl: 'http://192.168.1.20:1880' }).replyMarkup);
  });

  it('is the reminder when the chat has been waiting', () => {
    const alert = formatHandoffAlert({
      lineUserId: 'U1',
      displayName: 'สมหญิง',
      recentMessages: [text('ฮัลโหล')],
      adminUrl: 'https://x.example',
      waitingMinutes: 12.7,
    });
    const lines = alert.text.split('\n');
    assert.strictEqual(lines[0], '⏰ ยังไม่มีเจ้าหน้าที่รับแชท (รอ 12 นาที)');
    assert.deepStrictEqual(
      lines.slice(1),
      formatHandoffAlert({ lineUserId: 'U1', displayName: 'สมหญิง', recentMessages: [text('ฮัลโหล')], adminUrl: 'https://x.example' })
        .text.split('\n')
        .slice(1),
    );
  });

  describe('stays under Telegram’s 4096 characters', () => {
    const cases: [string, () => ReturnType<typeof text>[]][] = [
      ['three long Thai messages', () => [text('ก'.repeat(5000)), text('ข'.repeat(5000)), text('ค'.repeat(5000))]],
      ['messages that grow when escaped', () => [text('&'.repeat(4000)), text('"'.repeat(4000)), text('<'.repeat(4000))]],
      ['emoji, never cut in half', () => [text('😀'.repeat(3000)), text('👍🏽'.repeat(2000)), text('x')]],
    ];
    for (const [name, messages] of cases) {
      it(name, () => {
        const alert = formatHandoffAlert({ lineUserId: 'U1', displayName: 'N'.repeat(300), recentMessages: messages(), adminUrl: 'https://x.example' });
        assert.ok(alert.text.length <= TELEGRAM_TEXT_LIMIT, `${alert.text.length} characters`);
        assert.ok(!lone.test(alert.text), 'no half character');
        assert.ok(entitiesOk(alert.text), 'no cut entity');
        const bullets = alert.text.split('\n').filter((l) => l.startsWith('• '));
        assert.strictEqual(bullets.length, 3);
        for (const bullet of bullets.slice(0, 2)) assert.ok(bullet.endsWith('…"'), bullet.slice(-10));
        assert.ok(alert.text.includes(`👤 ชื่อ: ${'N'.repeat(99)}…`));
        assert.ok(alert.text.endsWith('/admin/live-chat?user=U1'));
      });
    }

    it('keeps short messages whole', () => {
      const alert = formatHandoffAlert({ lineUserId: 'U1', recentMessages: [text('a'.repeat(400))], adminUrl: 'https://x.example' });
      assert.ok(alert.text.includes(`• "${'a'.repeat(400)}"`));
    });
  });

  it('checks messages from a msg: a list of {message_type, content}', () => {
    assert.deepStrictEqual(toAlertMessages([{ message_type: 'text', content: { text: 'a' }, id: 9 }, { message_type: 'image' }]), [
      { message_type: 'text', content: { text: 'a' } },
      { message_type: 'image', content: {} },
    ]);
    assert.throws(() => toAlertMessages('hello'), /must be a list/);
    assert.throws(() => toAlertMessages([{ text: 'a' }]), /recent message 1 has no message_type/);
  });
});
